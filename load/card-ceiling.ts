import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { sign } from '../connector/modules/beid/index.js';
import { beidCardType } from '../connector/modules/beid/card-type.js';
import { signingDigest } from '../connector/modules/crypto/digests.js';
import { ATR_REGISTRY } from '../connector/modules/registry.js';
import { createReaderBackend, DEFAULT_BOUNDS, embeddedReaderName, EmbeddedBackend, type ReaderBackend, type ReaderInfo } from '../connector/readers/index.js';
import type { CardLatency } from '../simulators/cards/latency.js';
import { distEntry } from '../simulators/lab/paths.js';
import type { Backend } from '../simulators/lab/state.js';
import type { CardHostSpec } from './card-host.js';
import { SIGN_ALGORITHM, SIGN_DIGEST_BASE64 } from './scenarios.js';
import { round3, steadyRate, summarize, type LatencySummary } from './stats.js';

/** A card of the ceiling run: where it sits (pcsc: the lab's reader name) or what to create (embedded). */
export interface CeilingCard {
  readonly readerName: string;
  readonly profile: string;
  readonly persona: string | null;
  readonly pin: string;
  readonly latency: CardLatency | null;
}

export interface CardCeilingSpec {
  readonly backend: Backend;
  readonly cards: readonly CeilingCard[];
  readonly durationS: number;
  /** Where cards connect to an embedded reader (the lab's card host). */
  readonly cardHost: string;
}

export interface CeilingResult {
  readonly label: string;
  readonly cards: number;
  readonly ok: number;
  readonly failed: number;
  readonly durationS: number;
  readonly throughput: number;
  readonly latency: LatencySummary;
}

const READY_TIMEOUT_MS = 15_000;

/** Resolves once every named reader shows a card. */
async function cardsPresent(backend: ReaderBackend, names: readonly string[]): Promise<Map<string, ReaderInfo>> {
  const ready = (): Map<string, ReaderInfo> | null => {
    const found = new Map<string, ReaderInfo>();
    for (const name of names) {
      const info = backend.list().find((r) => r.name === name && r.card !== null);
      if (!info) return null;
      found.set(name, info);
    }
    return found;
  };
  const deadline = AbortSignal.timeout(READY_TIMEOUT_MS);
  for (;;) {
    const found = ready();
    if (found) return found;
    try {
      await once(backend.events, 'card-inserted', { signal: deadline });
    } catch {
      throw new Error(`the ceiling's ${backend.kind} backend did not see cards in ${names.join(', ')} within ${READY_TIMEOUT_MS} ms`);
    }
  }
}

/** A card-host process (load/card-host.ts) with the cards linked to the given ports; resolves once they are up. */
async function startCardHost(spec: CardHostSpec): Promise<{ stop(): Promise<void> }> {
  const entry = distEntry('load/card-host.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  const child = spawn(process.execPath, [entry, JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the card host was not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      lines.on('line', (line) => {
        if (!line.includes('"ready"')) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the card host exited before it was ready (${code})`));
      });
    });
  } catch (e) {
    child.kill('SIGTERM');
    throw e;
  } finally {
    lines.close();
  }
  return {
    async stop(): Promise<void> {
      child.stdin.end();
      await exited;
    },
  };
}

/** The ceiling's own embedded reader, with the cards in a separate process as the lab holds them. */
async function embeddedSetup(spec: CardCeilingSpec, traceDir: string): Promise<{ backend: ReaderBackend; names: string[]; host: { stop(): Promise<void> } }> {
  const backend = new EmbeddedBackend({ host: '127.0.0.1', ports: spec.cards.map(() => 0) }, DEFAULT_BOUNDS);
  await backend.start();
  const ports = backend.ports();
  try {
    const host = await startCardHost({
      host: spec.cardHost,
      traceDir,
      cards: spec.cards.map((card, i) => ({ profile: card.profile, persona: card.persona, latency: card.latency, port: ports[i]! })),
    });
    return { backend, names: spec.cards.map((_, i) => embeddedReaderName(i)), host };
  } catch (e) {
    await backend.stop();
    throw e;
  }
}

/**
 * The card ceiling: the connector's own BeID signing operation (SELECT, MSE SET, VERIFY, PSO:CDS, LOG OFF) sent
 * straight through a reader backend of the same kind, without HTTP — one loop per card, for `durationS`.
 * pcsc: a second PC/SC client on the lab's pcscd and its cards (run it before the connector touches them: a
 * session takes the card exclusively). embedded: an in-process vpcd reader, the same card types held by another
 * process (load/card-host.ts) on the lab's card host, as the lab supervisor holds them for the connector.
 */
export async function measureCardCeiling(label: string, spec: CardCeilingSpec): Promise<CeilingResult> {
  let backend: ReaderBackend;
  let names: string[];
  let host: { stop(): Promise<void> } | null = null;
  const traceDir = mkdtempSync(path.join(os.tmpdir(), 't1c-load-cards-'));
  if (spec.backend === 'embedded') {
    ({ backend, names, host } = await embeddedSetup(spec, traceDir));
  } else {
    backend = createReaderBackend({ backend: 'pcsc' });
    await backend.start();
    names = spec.cards.map((c) => c.readerName);
  }
  try {
    const readers = await cardsPresent(backend, names);
    const digest = signingDigest(SIGN_ALGORITHM);
    const hash = Buffer.from(SIGN_DIGEST_BASE64, 'base64');
    const latencies: number[] = [];
    const completedAt: number[] = [];
    let failed = 0;
    const signOnce = async (readerId: string, pin: string): Promise<void> => {
      const secret = Buffer.from(pin, 'ascii');
      try {
        await backend.withSession(readerId, (ch) => sign(ch, beidCardType(ATR_REGISTRY.resolve(ch.atr)), { key: 'nonRepudiation', digest, hash, padding: 'pkcs1', pin: secret }));
      } finally {
        secret.fill(0);
      }
    };
    // One warm-up signature per card (JIT, first PC/SC connect), not measured.
    await Promise.all(spec.cards.map((card, i) => signOnce(readers.get(names[i]!)!.id, card.pin)));
    const started = performance.now();
    const end = started + spec.durationS * 1000;
    await Promise.all(
      spec.cards.map(async (card, i) => {
        const id = readers.get(names[i]!)!.id;
        while (performance.now() < end) {
          const t0 = performance.now();
          try {
            await signOnce(id, card.pin);
            const t1 = performance.now();
            latencies.push(t1 - t0);
            completedAt.push(t1);
          } catch {
            failed += 1;
            if (failed > 50) break; // a card that keeps failing: stop, the result says so
          }
        }
      }),
    );
    const durationS = (performance.now() - started) / 1000;
    return { label, cards: spec.cards.length, ok: latencies.length, failed, durationS: round3(durationS), throughput: round3(steadyRate(completedAt, durationS)), latency: summarize(latencies) };
  } finally {
    await host?.stop();
    await backend.stop();
    rmSync(traceDir, { recursive: true, force: true });
  }
}
