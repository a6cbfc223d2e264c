import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCardProfile } from '../../fixtures/cards/index.js';
import { repoRoot } from '../../simulators/lab/paths.js';
import { buildMatrix, type Matrix } from './matrix.js';
import { mergeShardRecords, shardCards } from './merge.js';
import { recordsFromVitest, type TestRecord, type VitestJsonReport } from './results.js';
import type { BrowserName } from '../support/browser/types.js';

export interface CardChoice {
  readonly profile: string;
  readonly persona: string | null;
}

export interface CertifyPlan {
  /** Certify this connector instead of the lab's (the lab is not started). */
  /** `ds` (the DS URL and one application's API key): the suites then call the target with that application's tokens. */
  readonly target?: { readonly url: string; readonly caCert: string; readonly origin?: string; readonly state?: string; readonly ds?: { readonly url: string; readonly apiKey: string } };
  readonly backends: readonly ('pcsc' | 'embedded')[];
  /** The browsers the SDK suites run in (T1C_LAB_BROWSERS); default every one. */
  readonly browsers?: readonly BrowserName[];
  /** Where the pcsc backend's pcscd runs (default local). */
  readonly provider?: 'local' | 'containers';
  /** Card types sharded over this many labs run side by side (containers provider; default 1). */
  readonly parallel?: number;
  readonly cards: readonly CardChoice[];
  /** Suite folders under conformance/ (empty: all). */
  readonly suites: readonly string[];
  readonly onLine?: (line: string) => void;
  /** Don't stream the suites' progress to the terminal (for tests). */
  readonly quiet?: boolean;
}

/** The lab offers up to 16 vpcd readers under pcscd, one of which stays free for suites that insert fresh cards. */
const PCSC_READERS = 15;

/** The browsers the suites run in, as the suites read them (T1C_LAB_BROWSERS). */
function browsersEnv(plan: CertifyPlan): Record<string, string> {
  return plan.browsers ? { T1C_LAB_BROWSERS: plan.browsers.join(',') } : {};
}

export function cardSpec(c: CardChoice): string {
  return c.persona ? `${c.profile}:${c.persona}` : c.profile;
}

function batches(cards: readonly CardChoice[], size: number): CardChoice[][] {
  const out: CardChoice[][] = [];
  for (let i = 0; i < cards.length; i += size) out.push(cards.slice(i, i + size));
  return out.length > 0 ? out : [[]];
}

/** Runs the conformance suites once (one lab or one target), with live progress on the terminal. */
async function runSuites(env: Record<string, string>, suites: readonly string[], backend: string, profiles: readonly string[], quiet = false): Promise<TestRecord[]> {
  const root = repoRoot();
  const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const dir = mkdtempSync(path.join(tmpdir(), 't1c-lab-certify-'));
  const jsonFile = path.join(dir, 'vitest.json');
  const filters = suites.map((s) => `conformance/${s}/`);
  const args = [vitest, 'run', '--config', 'conformance/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...filters];
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit'], env: { ...process.env, ...env } });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c ?? 1));
    });
    if (!existsSync(jsonFile)) {
      return [{ backend, card: 'connector', suite: 'lab', name: 'the lab and connector came up', outcome: 'failed', message: `vitest exited ${code} before running any suite (see the output above)` }];
    }
    return recordsFromVitest(JSON.parse(readFileSync(jsonFile, 'utf8')) as VitestJsonReport, backend, profiles);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function certify(plan: CertifyPlan): Promise<{ matrix: Matrix; records: TestRecord[] }> {
  const say = plan.onLine ?? (() => undefined);
  const profiles = plan.cards.map((c) => loadCardProfile(c.profile).id);
  const records: TestRecord[] = [];
  if (plan.target) {
    say(`certifying ${plan.target.url}`);
    const env: Record<string, string> = { T1C_TARGET_URL: plan.target.url, T1C_TARGET_CA: plan.target.caCert, ...browsersEnv(plan) };
    if (plan.target.origin) env['T1C_TARGET_ORIGIN'] = plan.target.origin;
    if (plan.target.state) env['T1C_TARGET_STATE'] = plan.target.state;
    if (plan.target.ds) Object.assign(env, { T1C_TARGET_DS_URL: plan.target.ds.url, T1C_TARGET_API_KEY: plan.target.ds.apiKey });
    records.push(...(await runSuites(env, plan.suites, 'target', profiles, plan.quiet)));
  } else {
    const provider = plan.provider === 'containers' ? { T1C_LAB_PROVIDER: 'containers' } : {};
    const parallel = plan.parallel ?? 1;
    for (const backend of plan.backends) {
      if (parallel > 1) {
        records.push(...(await runShards(plan, backend, provider, profiles, parallel, say)));
        continue;
      }
      for (const batch of batches(plan.cards, backend === 'pcsc' ? PCSC_READERS : plan.cards.length || 1)) {
        const cards = batch.map(cardSpec).join(',');
        say(`\n── ${backend}: ${cards || 'no cards'} ──`);
        records.push(...(await runSuites({ T1C_LAB_BACKEND: backend, T1C_LAB_CARDS: cards, ...provider, ...browsersEnv(plan) }, plan.suites, backend, profiles, plan.quiet)));
      }
    }
  }
  return { matrix: buildMatrix(records), records };
}

/**
 * The card types dealt over `n` labs side by side (each its own lab dir, `T1C_LAB_SHARD`), every lab running the
 * suites; their records merged as one run's. Progress goes to each shard's summary line, not the terminal.
 */
async function runShards(plan: CertifyPlan, backend: 'pcsc' | 'embedded', provider: Record<string, string>, profiles: readonly string[], n: number, say: (line: string) => void): Promise<TestRecord[]> {
  const shards = shardCards(plan.cards, n);
  say(`\n── ${backend}: ${shards.length} labs side by side: ${shards.map((s, i) => `[${i}] ${s.map(cardSpec).join(',')}`).join('  ')} ──`);
  const results = await Promise.all(
    shards.map(async (shard, i) => {
      const env = { T1C_LAB_BACKEND: backend, T1C_LAB_CARDS: shard.map(cardSpec).join(','), T1C_LAB_SHARD: String(i), ...provider, ...browsersEnv(plan) };
      const t0 = performance.now();
      const records = await runSuites(env, plan.suites, backend, profiles, true);
      const failed = records.filter((r) => r.outcome === 'failed').length;
      say(`   [${i}] done in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${records.length - failed} ran without failure, ${failed} failed`);
      return records;
    }),
  );
  return mergeShardRecords(results);
}
