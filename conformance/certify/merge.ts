import type { CardChoice } from './run.js';
import type { Outcome, TestRecord } from './results.js';

/** Card types dealt round-robin over `n` shards (fewer when there are fewer cards); order kept within a shard. */
export function shardCards(cards: readonly CardChoice[], n: number): CardChoice[][] {
  const count = Math.max(1, Math.min(n, cards.length));
  const shards: CardChoice[][] = Array.from({ length: count }, () => []);
  cards.forEach((card, i) => shards[i % count]!.push(card));
  return shards;
}

const rank: Readonly<Record<Outcome, number>> = { failed: 2, passed: 1, skipped: 0 };

const isEmptySuite = (r: TestRecord): boolean => r.outcome === 'failed' && r.name.endsWith('(suite did not load)') && (r.message ?? '').startsWith('No test suite found');

const keyOf = (r: TestRecord): string => JSON.stringify([r.backend, r.browser ?? null, r.card, r.suite, r.name]);

/**
 * The records of shards that ran the same suites on different cards, as one run would have given them. A test
 * that ran in several shards (one about the connector, or about a card type no shard's lab held) counts once:
 * from the shard where it failed, else where it passed, else where it was skipped — a failure in any shard stays a
 * failure. Tests keep the order of their first appearance.
 */
export function mergeShardRecords(shards: readonly (readonly TestRecord[])[]): TestRecord[] {
  // A suite file that declares tests only for cards it finds (e.g. emv) has none in a shard without such a card:
  // vitest reports "No test suite found", which is no failure when another shard ran that suite.
  const ranSuite = (suite: string): boolean => shards.some((records) => records.some((r) => r.suite === suite && !isEmptySuite(r)));
  shards = shards.map((records) => records.filter((r) => !isEmptySuite(r) || !ranSuite(r.suite)));
  const chosen = new Map<string, { shard: number; records: TestRecord[] }>();
  const order: string[] = [];
  shards.forEach((records, shard) => {
    const own = new Map<string, TestRecord[]>();
    for (const r of records) {
      const key = keyOf(r);
      if (!own.has(key)) own.set(key, []);
      own.get(key)!.push(r);
    }
    for (const [key, list] of own) {
      const worst = Math.max(...list.map((r) => rank[r.outcome]));
      const current = chosen.get(key);
      if (!current) order.push(key);
      if (!current || worst > Math.max(...current.records.map((r) => rank[r.outcome]))) chosen.set(key, { shard, records: list });
    }
  });
  return order.flatMap((key) => chosen.get(key)!.records);
}
