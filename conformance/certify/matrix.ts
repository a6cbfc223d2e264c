import { CONNECTOR_ROW, type Outcome, type TestRecord } from './results.js';

export interface Cell {
  passed: number;
  failed: number;
  skipped: number;
}

/** Where a test ran: its backend, and for the suites that drive a browser, that browser (`pcsc · firefox`). */
export function columnOf(r: Pick<TestRecord, 'backend' | 'browser'>): string {
  return r.browser ? `${r.backend} · ${r.browser}` : r.backend;
}

/** card type → suite → column (backend, or backend · browser) → counts; plus the verdict. Keys sorted for stable output. */
export interface Matrix {
  readonly cards: readonly string[];
  readonly suites: readonly string[];
  /** The matrix's columns, suite by suite: each suite with the columns it ran in. */
  readonly columns: readonly { readonly suite: string; readonly column: string }[];
  readonly cells: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, Cell>>>>>>;
  readonly totals: Cell;
  readonly verdict: 'pass' | 'fail';
}

const empty = (): Cell => ({ passed: 0, failed: 0, skipped: 0 });

export function buildMatrix(records: readonly TestRecord[]): Matrix {
  const cells: Record<string, Record<string, Record<string, Cell>>> = {};
  const totals = empty();
  for (const r of records) {
    const byColumn = ((cells[r.card] ??= {})[r.suite] ??= {});
    const cell = (byColumn[columnOf(r)] ??= empty());
    cell[r.outcome satisfies Outcome] += 1;
    totals[r.outcome] += 1;
  }
  const cards = Object.keys(cells).sort((a, b) => (a === CONNECTOR_ROW ? -1 : b === CONNECTOR_ROW ? 1 : a.localeCompare(b)));
  const suites = [...new Set(records.map((r) => r.suite))].sort();
  const columns = suites.flatMap((suite) => [...new Set(records.filter((r) => r.suite === suite).map(columnOf))].sort().map((column) => ({ suite, column })));
  return { cards, suites, columns, cells, totals, verdict: totals.failed === 0 && totals.passed > 0 ? 'pass' : 'fail' };
}

export function cellText(cell: Cell | undefined): string {
  if (!cell) return '—';
  if (cell.failed > 0) return `FAIL ${cell.failed}/${cell.passed + cell.failed}`;
  if (cell.passed === 0 && cell.skipped > 0) return `skip ${cell.skipped}`;
  return `ok ${cell.passed}${cell.skipped > 0 ? ` (+${cell.skipped} skip)` : ''}`;
}

/** A terminal table: one row per card type, one column per suite × backend (× browser). */
export function terminalTable(matrix: Matrix): string {
  const rows = matrix.cards.map((card) => [card, ...matrix.columns.map((c) => cellText(matrix.cells[card]?.[c.suite]?.[c.column]))]);
  const header = ['card type', ...matrix.columns.map((c) => `${c.suite} [${c.column}]`)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
