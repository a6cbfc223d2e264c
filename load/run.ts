import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latencyFor } from '../simulators/cards/latency.js';
import { labDown, labUp } from '../simulators/lab/lab-client.js';
import type { CardSpec } from '../simulators/lab/lab-runtime.js';
import type { Backend } from '../simulators/lab/state.js';
import type { BackendMeasurement } from './measurement.js';
import { measureTarget } from './measure-target.js';
import { findSoftHsmConf } from './pkcs11-ceiling.js';
import { RUN_PLAN } from './scenarios.js';
import { foreignTarget, labTarget } from './target.js';

export const LOAD_PROFILE = 'beid-1.7';

export interface LoadRunOptions {
  /** Backends to bring a lab up on (ignored with `target`). */
  readonly backends: readonly Backend[];
  /** Another connector instead of a lab: its URL, the PEM of its CA, optionally a lab-state file naming cards and PINs. */
  readonly target?: { readonly url: string; readonly caCert: string; readonly state?: string };
  readonly durationS: number;
  readonly warmupS: number;
  readonly cardCounts: readonly number[];
  /** PSO:CDS time of the latency-model cards, ms. */
  readonly signMs: number;
  /**
   * The lab connector's log level. The lab itself runs it at `debug` (its APDU trace feeds the PIN canary
   * suite); users run `info`, the default here. Set through T1C_LOG_LEVEL, which overrides the config file.
   */
  readonly connectorLogLevel: string;
  /** Where k6 is (null: not on PATH — autocannon alone), the repo root, and the directory for its summaries. */
  readonly k6: { readonly path: string; readonly root: string; readonly reportDir: string } | null;
  readonly onLine: (line: string) => void;
}

export interface LoadRun {
  readonly measurements: readonly BackendMeasurement[];
  readonly startedAt: string;
  readonly elapsedS: number;
}

/**
 * The lab for a load run: `n` BeID 1.7 cards with distinct personas in readers 0..n-1, and the same personas on
 * latency-model cards in readers n..2n-1 (cards go into the first empty reader, in order).
 */
export function loadLabCards(n: number, signMs: number): { cards: CardSpec[]; latencyReaders: Set<number> } {
  const personas = RUN_PLAN.signingPersonas.slice(0, n);
  if (personas.length < n) throw new Error(`at most ${RUN_PLAN.signingPersonas.length} cards: BeID 1.7 has that many signing personas`);
  const latency = latencyFor(LOAD_PROFILE, { signMs });
  const plain = personas.map((persona) => ({ profile: LOAD_PROFILE, persona }));
  const slow = personas.map((persona) => ({ profile: LOAD_PROFILE, persona, latency }));
  return { cards: [...plain, ...slow], latencyReaders: new Set(slow.map((_, i) => n + i)) };
}

function k6For(options: LoadRunOptions, backend: string): { path: string; root: string; summaryFile: string } | null {
  return options.k6 ? { path: options.k6.path, root: options.k6.root, summaryFile: path.join(options.k6.reportDir, `k6-summary-${backend}.json`) } : null;
}

/** Runs `work` with one environment variable set (the lab's processes inherit the environment at `labUp`). */
async function withEnv<T>(name: string, value: string, work: () => Promise<T>): Promise<T> {
  const previous = process.env[name];
  process.env[name] = value;
  try {
    return await work();
  } finally {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  }
}

async function measureLab(backend: Backend, options: LoadRunOptions): Promise<BackendMeasurement> {
  const n = Math.max(...options.cardCounts);
  const { cards, latencyReaders } = loadLabCards(n, options.signMs);
  const dir = mkdtempSync(path.join(os.tmpdir(), 't1c-load-'));
  options.onLine(`${backend}: bringing up a lab with ${n} + ${n} BeID 1.7 cards (${n} with the ${options.signMs} ms latency model)`);
  try {
    const state = await withEnv('T1C_LOG_LEVEL', options.connectorLogLevel, () =>
      labUp({ dir, backend, cards, readers: cards.length, boundToCaller: true, onNote: (line) => options.onLine(`  lab: ${line}`) }),
    );
    try {
      return await measureTarget(labTarget(state, latencyReaders), { ...options, softHsmConf: findSoftHsmConf(dir), k6: k6For(options, backend) });
    } finally {
      await labDown(dir);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Brings up a lab per backend (or takes the target), measures, and tears the lab down again. */
export async function runLoad(options: LoadRunOptions): Promise<LoadRun> {
  const startedAt = new Date();
  const measurements: BackendMeasurement[] = [];
  if (options.target) {
    const { url, caCert, state } = options.target;
    options.onLine(`target ${url}`);
    measurements.push(await measureTarget(foreignTarget(url, caCert, state), { ...options, softHsmConf: null, k6: k6For(options, 'target') }));
  } else {
    for (const backend of options.backends) measurements.push(await measureLab(backend, options));
  }
  return { measurements, startedAt: startedAt.toISOString(), elapsedS: Math.round((Date.now() - startedAt.getTime()) / 1000) };
}
