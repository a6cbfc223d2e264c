import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyMessageSignature } from '../../../../conformance/support/beid-expected.js';
import { loadBeidPersona } from '../../../../fixtures/personas/index.js';
import { KEY_FAMILY_BY_PROFILE, personaKeys } from '../../../../fixtures/pki/index.js';
import { createBeidCard } from '../../../../simulators/cards/beid/index.js';
import { HOSTILE_MODES, HostileCard, type HostileMode } from '../../../../simulators/cards/hostile/index.js';
import { CardLink } from '../../../../simulators/vpcd/card-link.js';
import { CATALOGUE } from '../../../errors/catalogue.js';
import { fcParams } from '../../../protocol/fc-params.js';
import { waitForReader } from '../../../readers/backend-suite.js';
import { DEFAULT_BOUNDS, EmbeddedBackend, embeddedReaderName } from '../../../readers/index.js';
import type { ConnectorApp } from '../../app.js';
import { call, testApp } from '../../test-support.js';

// The connector's BeID API over the embedded reader against a hostile card (simulators/cards/hostile): whatever
// the card answers, every call ends in bounded time with a success or a typed error from the catalogue, the
// connector keeps serving, and the reader works again as soon as the card behaves.

const PROFILES = [
  ['beid-1.7', 'be-nl-adult'],
  ['beid-1.8', 'be-fr-adult'],
] as const;
const APDU_TIMEOUT_MS = 300;
const DEADLINE_MS = 3_000;
/** Deadline plus what the connector needs around it on a loaded 2-core machine. */
const BOUND_MS = DEADLINE_MS + 1_500;
const ORIGIN = 'https://app.example.test';
const CODES = new Map<number, string>(Object.entries(CATALOGUE).map(([key, spec]) => [spec.code, key]));

/** Modes no honest answer can hide: every call that reaches the card must fail. */
const ALWAYS_FAILS: ReadonlySet<HostileMode> = new Set(['bytes-available-forever', 'wrong-le-ping-pong', 'truncated', 'mute', 'random']);

type Call = {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly payload?: (pin: string) => object;
  readonly key?: 'authentication' | 'nonRepudiation';
};

const MESSAGE = Buffer.from('hostile');
const digest = createHash('sha256').update(MESSAGE).digest().toString('base64');
/** Modes that can change a signature's bytes while keeping its length: only these may pass a wrong one through. */
const SIGNATURE_VALUE_FAULTS: ReadonlySet<HostileMode> = new Set(['wrong-signature', 'garbage-data']);
const CALLS: readonly Call[] = [
  { name: 'biometric', method: 'GET', path: 'biometric' },
  { name: 'address', method: 'GET', path: 'address' },
  { name: 'picture', method: 'GET', path: 'picture' },
  { name: 'token info', method: 'GET', path: 'info' },
  { name: 'cert-list', method: 'GET', path: 'cert-list' },
  { name: 'authentication-cert', method: 'GET', path: 'authentication-cert' },
  { name: 'verify-pin', method: 'POST', path: 'verify-pin', payload: (pin) => ({ pin }) },
  { name: 'sign', method: 'POST', path: 'sign', payload: (pin) => ({ algorithm: 'sha256', data: digest, pin }), key: 'nonRepudiation' },
  { name: 'authenticate', method: 'POST', path: 'authenticate', payload: (pin) => ({ algorithm: 'sha256', data: digest, pin }), key: 'authentication' },
];

describe('BeID API against a hostile card (inject, embedded reader)', () => {
  const backend = new EmbeddedBackend({ ports: PROFILES.map(() => 0) }, { ...DEFAULT_BOUNDS, apduTimeoutMs: APDU_TIMEOUT_MS, operationDeadlineMs: DEADLINE_MS });
  const cards: HostileCard[] = [];
  const links: CardLink[] = [];
  let app: ConnectorApp;
  const rid = (i: number): string => backend.list().find((r) => r.name === embeddedReaderName(i))!.id;

  beforeAll(async () => {
    await backend.start();
    for (const [i, [profile, persona]] of PROFILES.entries()) {
      const card = new HostileCard(createBeidCard(profile, persona, { eofMode: 'short' }));
      cards.push(card);
      // A mute card gets dropped by the reader after its APDU timeout; the link plugs it back in like a user would.
      const link = new CardLink(card, { port: backend.ports()[i]!, maxBackoffMs: 50 });
      links.push(link);
      await link.insert();
      await waitForReader(backend, embeddedReaderName(i), (r) => r.card !== null);
    }
    app = await testApp({ readers: backend, config: { cors: { allowedOrigins: [ORIGIN] } } });
  });

  afterAll(async () => {
    await app?.close();
    for (const link of links) await link.remove();
    await backend.stop();
  });

  async function request(i: number, c: Call) {
    const pin = loadBeidPersona(PROFILES[i]![1]).pin;
    const started = performance.now();
    const res = await call(app, {
      method: c.method,
      url: `/v3/modules/beid/apps/token/readers/${rid(i)}/${c.path}`,
      headers: { origin: ORIGIN },
      ...(c.payload ? { payload: c.payload(pin) } : {}),
    });
    return { res, ms: performance.now() - started };
  }

  /** The card behaves again: the reader serves it (a dropped card is back), and a full read succeeds. */
  async function expectUsable(i: number): Promise<void> {
    cards[i]!.setPlan({ mode: 'off', seed: 0 });
    await waitForReader(backend, embeddedReaderName(i), (r) => r.card !== null);
    const { res } = await request(i, CALLS[0]!);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.nationalNumber).toBe(loadBeidPersona(PROFILES[i]![1]).identity.nationalNumber);
  }

  it('answers every call with a success or a typed error in bounded time, and the reader stays usable', async () => {
    const seen = new Map<string, number>();
    const passed = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: PROFILES.length - 1 }),
        fc.constantFrom(...HOSTILE_MODES),
        fc.integer({ min: 0, max: 0x7fffffff }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom(...CALLS),
        async (i, mode, seed, honestApdus, c) => {
          await waitForReader(backend, embeddedReaderName(i), (r) => r.card !== null);
          cards[i]!.setPlan({ mode, seed, honestApdus });
          const { res, ms } = await request(i, c);
          expect(ms, `${c.name} under ${mode} took ${Math.round(ms)} ms`).toBeLessThan(BOUND_MS);
          const body = res.json() as { success: boolean; code?: number };
          if (res.statusCode === 200) {
            expect(body.success).toBe(true);
            passed.set(mode, (passed.get(mode) ?? 0) + 1);
            if (c.key) {
              const [profile, persona] = PROFILES[i]!;
              const cert = personaKeys(persona, KEY_FAMILY_BY_PROFILE[profile])![c.key].certificate;
              const signature = Buffer.from((body as unknown as { data: { data: string } }).data.data, 'base64');
              expect(signature.length, `${c.name} under ${mode}`).toBe(profile === 'beid-1.7' ? 256 : 96);
              if (!SIGNATURE_VALUE_FAULTS.has(mode)) expect(verifyMessageSignature(cert, 'sha256', MESSAGE, signature), `${c.name} under ${mode}`).toBe(true);
            }
            if (ALWAYS_FAILS.has(mode) && honestApdus === 0) expect.fail(`${c.name} under ${mode} succeeded: ${res.body.slice(0, 200)}`);
          } else {
            expect(body.success, res.body).toBe(false);
            const key = CODES.get(body.code ?? -1);
            expect(key, `${c.name} under ${mode}: ${res.body}`).toBeDefined();
            expect(key, `${c.name} under ${mode}: ${res.body}`).not.toBe('ERR_INTERNAL');
            expect(res.statusCode).toBe(CATALOGUE[key as keyof typeof CATALOGUE].status);
            seen.set(key!, (seen.get(key!) ?? 0) + 1);
          }
          await expectUsable(i);
        },
      ),
      fcParams(100),
    );
    process.stdout.write(`hostile card: errors ${JSON.stringify(Object.fromEntries(seen))}, successes by mode ${JSON.stringify(Object.fromEntries(passed))}\n`);
  }, 300_000);
});
