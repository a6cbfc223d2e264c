import { CONNECTOR_ROW, type Outcome, type TestRecord } from './results.js';

export interface Cell {
  passed: number;
  failed: number;
  skipped: number;
}

/** card type → suite → counts, over every backend; plus the verdict. Keys sorted for stable output. */
export interface Matrix {
  readonly cards: readonly string[];
  readonly suites: readonly string[];
  readonly backends: readonly string[];
  readonly cells: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, Cell>>>>>>;
  readonly totals: Cell;
  readonly verdict: 'pass' | 'fail';
}

const empty = (): Cell => ({ passed: 0, failed: 0, skipped: 0 });

export function buildMatrix(records: readonly TestRecord[]): Matrix {
  const cells: Record<string, Record<string, Record<string, Cell>>> = {};
  const totals = empty();
  for (const r of records) {
    const byBackend = ((cells[r.card] ??= {})[r.suite] ??= {});
    const cell = (byBackend[r.backend] ??= empty());
    cell[r.outcome satisfies Outcome] += 1;
    totals[r.outcome] += 1;
  }
  const cards = Object.keys(cells).sort((a, b) => (a === CONNECTOR_ROW ? -1 : b === CONNECTOR_ROW ? 1 : a.localeCompare(b)));
  const suites = [...new Set(records.map((r) => r.suite))].sort();
  const backends = [...new Set(records.map((r) => r.backend))].sort();
  return { cards, suites, backends, cells, totals, verdict: totals.failed === 0 && totals.passed > 0 ? 'pass' : 'fail' };
}

export function cellText(cell: Cell | undefined): string {
  if (!cell) return '—';
  if (cell.failed > 0) return `FAIL ${cell.failed}/${cell.passed + cell.failed}`;
  if (cell.passed === 0 && cell.skipped > 0) return `skip ${cell.skipped}`;
  return `ok ${cell.passed}${cell.skipped > 0 ? ` (+${cell.skipped} skip)` : ''}`;
}

/** A terminal table: one row per card type, one column per suite × backend. */
export function terminalTable(matrix: Matrix): string {
  const columns = matrix.suites.flatMap((s) => matrix.backends.map((b) => ({ suite: s, backend: b, title: `${s} [${b}]` })));
  const rows = matrix.cards.map((card) => [card, ...columns.map((c) => cellText(matrix.cells[card]?.[c.suite]?.[c.backend]))]);
  const header = ['card type', ...columns.map((c) => c.title)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
