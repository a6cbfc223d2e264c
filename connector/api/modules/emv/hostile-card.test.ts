import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmvPersona } from '../../../../fixtures/personas/index.js';
import { EMV_AID, createEmvCard } from '../../../../simulators/cards/emv/index.js';
import { HOSTILE_MODES, HostileCard, type HostileMode } from '../../../../simulators/cards/hostile/index.js';
import { CardLink } from '../../../../simulators/vpcd/card-link.js';
import { CATALOGUE } from '../../../errors/catalogue.js';
import { fcParams } from '../../../protocol/fc-params.js';
import { waitForReader } from '../../../readers/backend-suite.js';
import { DEFAULT_BOUNDS, EmbeddedBackend, embeddedReaderName } from '../../../readers/index.js';
import type { ConnectorApp } from '../../app.js';
import { call, testApp } from '../../test-support.js';

// The EMV API over the embedded reader against a hostile card (simulators/cards/hostile), as the BeID one: every
// call ends in bounded time with a success or a catalogued error, and the honest card reads right after.

const PERSONA = 'emv-debit-1';
const DEADLINE_MS = 3_000;
const BOUND_MS = DEADLINE_MS + 1_500;
const ORIGIN = 'https://app.example.test';
const CODES = new Map<number, string>(Object.entries(CATALOGUE).map(([key, spec]) => [spec.code, key]));
const ALWAYS_FAILS: ReadonlySet<HostileMode> = new Set(['bytes-available-forever', 'wrong-le-ping-pong', 'truncated', 'mute', 'random']);

type Call = { readonly name: string; readonly method: 'GET' | 'POST'; readonly path: (reader: string) => string; readonly payload?: object };
const P = (reader: string): string => `/v3/modules/emv/apps/payment/readers/${reader}`;
const A = (reader: string): string => `/v3/modules/emv/apps/payment/${EMV_AID.BANCONTACT}/readers/${reader}`;
const CALLS: readonly Call[] = [
  { name: 'data', method: 'GET', path: (r) => `${P(r)}/data` },
  { name: 'application-data', method: 'GET', path: (r) => `${P(r)}/application-data` },
  { name: 'issuer-cert', method: 'GET', path: (r) => `${A(r)}/issuer-cert` },
  { name: 'icc-cert', method: 'GET', path: (r) => `${A(r)}/icc-cert` },
  { name: 'cert-list', method: 'GET', path: (r) => `${A(r)}/cert-list` },
  { name: 'verify-pin', method: 'POST', path: (r) => `${P(r)}/verify-pin`, payload: { pin: loadEmvPersona(PERSONA).pin, osDialog: false, base64Encoded: false } },
];

describe('EMV API against a hostile card (inject, embedded reader)', () => {
  const backend = new EmbeddedBackend({ ports: [0] }, { ...DEFAULT_BOUNDS, apduTimeoutMs: 300, operationDeadlineMs: DEADLINE_MS });
  const card = new HostileCard(createEmvCard(PERSONA));
  let link: CardLink;
  let app: ConnectorApp;
  const rid = (): string => backend.list().find((r) => r.name === embeddedReaderName(0))!.id;

  beforeAll(async () => {
    await backend.start();
    link = new CardLink(card, { port: backend.ports()[0]!, maxBackoffMs: 50 });
    await link.insert();
    await waitForReader(backend, embeddedReaderName(0), (r) => r.card !== null);
    app = await testApp({ readers: backend, config: { cors: { allowedOrigins: [ORIGIN] } } });
  });

  afterAll(async () => {
    await app?.close();
    await link.remove();
    await backend.stop();
  });

  it('answers every call with a success or a typed error in bounded time, and the reader stays usable', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HOSTILE_MODES), fc.integer({ min: 0, max: 0x7fffffff }), fc.integer({ min: 0, max: 6 }), fc.constantFrom(...CALLS), async (mode, seed, honestApdus, c) => {
        await waitForReader(backend, embeddedReaderName(0), (r) => r.card !== null);
        card.setPlan({ mode, seed, honestApdus });
        const started = performance.now();
        const res = await call(app, { method: c.method, url: c.path(rid()), headers: { origin: ORIGIN }, ...(c.payload ? { payload: c.payload } : {}) });
        const ms = performance.now() - started;
        expect(ms, `${c.name} under ${mode} took ${Math.round(ms)} ms`).toBeLessThan(BOUND_MS);
        const body = res.json() as { success: boolean; code?: number };
        if (res.statusCode === 200) {
          expect(body.success).toBe(true);
          if (ALWAYS_FAILS.has(mode) && honestApdus === 0) expect.fail(`${c.name} under ${mode} succeeded: ${res.body.slice(0, 200)}`);
        } else {
          expect(body.success, res.body).toBe(false);
          const key = CODES.get(body.code ?? -1);
          expect(key, `${c.name} under ${mode}: ${res.body}`).toBeDefined();
          expect(key, `${c.name} under ${mode}: ${res.body}`).not.toBe('ERR_INTERNAL');
        }
        card.setPlan({ mode: 'off', seed: 0 });
        await waitForReader(backend, embeddedReaderName(0), (r) => r.card !== null);
        const honest = await call(app, { method: 'GET', url: `${P(rid())}/data` });
        expect(honest.statusCode, honest.body).toBe(200);
      }),
      fcParams(100),
    );
  }, 300_000);
});
