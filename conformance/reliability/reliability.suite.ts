import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../connector/errors/catalogue.js';
import { hasCapability } from '../../fixtures/cards/index.js';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { KEY_FAMILY_BY_PROFILE, personaKeys } from '../../fixtures/pki/index.js';
import { statSync } from 'node:fs';
import { labFault, labInsert, labPlug, labRemove, labRestartPcscd, labStatus, labUnplug } from '../../simulators/lab/lab-client.js';
import { labConnectorPid } from '../../simulators/lab/connector-process.js';
import { labFiles } from '../../simulators/lab/paths.js';
import { waitForFileText } from '../../simulators/lab/wait-for-file.js';
import { HOSTILE_MODES } from '../../simulators/cards/hostile/index.js';
import { beidExpectations, digestOf, isBeidProfile, verifyMessageSignature } from '../support/beid-expected.js';
import { freeReader, type ErrorBody } from '../support/fresh-card.js';
import { connectorClient, conformanceTarget, placedCards, type PlacedCard } from '../support/target.js';

// Faults the lab injects (simulators/lab/faults.ts) and what the connector must do through them. Needs the lab:
// against a --target there is no one to pull the cards.

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

const CARD_REMOVED = CATALOGUE.ERR_CARD_REMOVED.code;
const FRESH = { profile: 'beid-1.8', persona: 'be-fr-adult' } as const;

const signers = placedCards(target, isBeidProfile).filter((c) => hasCapability(c.profile, 'verify-pin') && personaKeys(c.persona!, KEY_FAMILY_BY_PROFILE[beidExpectations(c.profile)]));
const lab = target.labDir;
const free = freeReader(target);

function base(readerId: string): string {
  return `/v3/modules/beid/apps/token/readers/${readerId}`;
}

function signRequest(readerId: string, pin: string, message: Buffer, client = api) {
  return client.post<{ data: { data: string } } | ErrorBody>(
    `${base(readerId)}/sign`,
    { algorithm: 'sha256', data: digestOf('sha256', message).toString('base64'), pin },
    { origin: target.allowedOrigin },
  );
}

function expectSignatureOf(card: { profile: string; persona: string }, message: Buffer, body: unknown): void {
  const cert = personaKeys(card.persona, KEY_FAMILY_BY_PROFILE[beidExpectations(card.profile)])!.nonRepudiation.certificate;
  const signature = Buffer.from((body as { data: { data: string } }).data.data, 'base64');
  expect(verifyMessageSignature(cert, 'sha256', message, signature), `signature of ${card.persona}`).toBe(true);
}

describe(`reliability under lab faults [${target.backend}]`, () => {
  it.skipIf(!lab || !free || signers.length === 0)('a card pulled during a signature fails that call with card-removed within 1 s; other readers keep serving; the reinserted card signs', async () => {
    const other = signers[0]!;
    const pin = loadBeidPersona(FRESH.persona).pin;
    const inserted = await labInsert(FRESH, free!.index, lab!);
    const readerId = inserted.readers.find((r) => r.index === free!.index)!.id!;
    try {
      await labFault(free!.index, { kind: 'remove', atIns: 0x2a }, lab!);
      const started = performance.now();
      const [pulled, served] = await Promise.all([
        signRequest(readerId, pin, randomBytes(32)).then((res) => ({ res, ms: performance.now() - started })),
        api.get<{ data: { nationalNumber: string } }>(`${base(other.reader.id)}/biometric`),
      ]);
      expect(pulled.res.status, pulled.res.text).toBe(422);
      expect((pulled.res.body as ErrorBody).code).toBe(CARD_REMOVED);
      expect(pulled.ms, 'card-removed answer').toBeLessThan(1_000);
      expect(served.status).toBe(200);
      expect(served.body.data.nationalNumber).toBe(loadBeidPersona(other.persona!).identity.nationalNumber);
      const status = await labStatus(lab!);
      expect(status.readers.find((r) => r.index === free!.index)!.card).toBeNull();

      await labInsert(FRESH, free!.index, lab!);
      const message = randomBytes(32);
      const again = await signRequest(readerId, pin, message);
      expect(again.status, again.text).toBe(200);
      expectSignatureOf(FRESH, message, again.body);
    } finally {
      const now = await labStatus(lab!);
      if (now.readers.find((r) => r.index === free!.index)?.card) await labRemove(free!.index, lab!);
    }
  });

  it.skipIf(!lab || !free || target.backend !== 'embedded' || signers.length === 0)('a reader unplugged during a signature: that call fails with card-removed within 1 s, the reader leaves the list, others keep serving; plugged back, it signs under the same id', async () => {
    const other = signers[0]!;
    const pin = loadBeidPersona(FRESH.persona).pin;
    const inserted = await labInsert(FRESH, free!.index, lab!);
    const readerId = inserted.readers.find((r) => r.index === free!.index)!.id!;
    let plugged = true;
    try {
      // Every APDU takes 800 ms: once the card has answered one, the signature's session is on the card.
      await labFault(free!.index, { kind: 'latency', model: 'fixed', apduMs: 800, signMs: 800 }, lab!);
      const trace = labFiles(lab!).apduTrace(free!.index);
      const traceStart = statSync(trace).size;
      const signing = signRequest(readerId, pin, randomBytes(32)).then((res) => ({ res, at: performance.now() }));
      await waitForFileText(trace, (text) => text.slice(traceStart).includes('\n< '));
      const unpluggedAt = performance.now();
      plugged = false;
      const state = await labUnplug(free!.index, lab!);
      const pulled = await signing;
      expect(pulled.res.status, pulled.res.text).toBe(422);
      expect((pulled.res.body as ErrorBody).code).toBe(CARD_REMOVED);
      expect(pulled.at - unpluggedAt, 'card-removed answer after the unplug').toBeLessThan(1_000);
      expect(state.readers[free!.index]).toMatchObject({ plugged: false, card: { profile: FRESH.profile } });

      const listed = await api.get<{ data: { id: string }[] }>('/v3/readers');
      expect(listed.body.data.map((r) => r.id)).not.toContain(readerId);
      expect(listed.body.data.map((r) => r.id)).toContain(other.reader.id);
      const gone = await api.get<ErrorBody>(`${base(readerId)}/biometric`);
      expect(gone.body.code, gone.text).toBe(CATALOGUE.ERR_READER_NOT_FOUND.code);
      const served = await api.get<{ data: { nationalNumber: string } }>(`${base(other.reader.id)}/biometric`);
      expect(served.status, served.text).toBe(200);
      expect(served.body.data.nationalNumber).toBe(loadBeidPersona(other.persona!).identity.nationalNumber);

      await labFault(free!.index, { kind: 'latency', model: 'none' }, lab!);
      await labPlug(free!.index, lab!);
      plugged = true;
      const back = await api.get<{ data: { id: string; card?: { atr: string } }[] }>('/v3/readers');
      expect(back.body.data.find((r) => r.id === readerId)?.card?.atr).toBe(inserted.readers[free!.index]!.card!.atr);
      const message = randomBytes(32);
      const again = await signRequest(readerId, pin, message);
      expect(again.status, again.text).toBe(200);
      expectSignatureOf(FRESH, message, again.body);
    } finally {
      if (!plugged) await labPlug(free!.index, lab!);
      const now = await labStatus(lab!);
      if (now.readers.find((r) => r.index === free!.index)?.card) await labRemove(free!.index, lab!);
    }
  });

  it.skipIf(!lab || !free)('a card that loses power answers a card error in bounded time; pulled and reinserted, it reads again', async () => {
    let state = await labInsert(FRESH, free!.index, lab!);
    const readerId = state.readers.find((r) => r.index === free!.index)!.id!;
    try {
      await labFault(free!.index, { kind: 'power-off' }, lab!);
      const started = performance.now();
      const res = await api.get<ErrorBody>(`${base(readerId)}/biometric`);
      const ms = performance.now() - started;
      expect(res.status, res.text).toBe(422);
      // timeout, removed or deadline: each says the card failed, none blames the request or the connector
      expect([CATALOGUE.ERR_CARD_TIMEOUT.code, CATALOGUE.ERR_CARD_REMOVED.code, CATALOGUE.ERR_OPERATION_DEADLINE.code]).toContain(res.body.code);
      // the lab's connector runs the default bounds: a 5 s APDU timeout, then at most one more for the reader's reset
      expect(ms, 'answer to a mute card').toBeLessThan(15_000);
      if (target.backend === 'embedded') {
        // the embedded reader drops a mute card and powers it again when it reconnects
        const back = await readUntilOk(readerId);
        expect(back.status, back.text).toBe(200);
      }
      await labRemove(free!.index, lab!);
      state = await labInsert(FRESH, free!.index, lab!);
      const again = await api.get<{ data: { nationalNumber: string } }>(`${base(readerId)}/biometric`);
      expect(again.status, again.text).toBe(200);
      expect(again.body.data.nationalNumber).toBe(loadBeidPersona(FRESH.persona).identity.nationalNumber);
    } finally {
      const now = await labStatus(lab!);
      if (now.readers.find((r) => r.index === free!.index)?.card) await labRemove(free!.index, lab!);
    }
  });

  it.skipIf(!lab || !free)('a card turned hostile gets a catalogued error for each call in bounded time, and serves again once honest', async () => {
    const state = await labInsert(FRESH, free!.index, lab!);
    const readerId = state.readers.find((r) => r.index === free!.index)!.id!;
    const pin = loadBeidPersona(FRESH.persona).pin;
    const codes = new Set<number>(Object.values(CATALOGUE).map((spec) => spec.code));
    try {
      for (const mode of HOSTILE_MODES) {
        await labFault(free!.index, { kind: 'hostile', mode, seed: 7 }, lab!);
        const started = performance.now();
        const res = mode.includes('signature') ? await signRequest(readerId, pin, randomBytes(32)) : await api.get(`${base(readerId)}/biometric`);
        const ms = performance.now() - started;
        const body = res.body as { success?: boolean; code?: number };
        if (res.status !== 200) {
          expect(body.success, `${mode}: ${res.text}`).toBe(false);
          expect(codes.has(body.code ?? -1), `${mode}: ${res.text}`).toBe(true);
          expect(body.code, `${mode}: ${res.text}`).not.toBe(CATALOGUE.ERR_INTERNAL.code);
        }
        if (['bytes-available-forever', 'wrong-le-ping-pong', 'truncated', 'mute'].includes(mode)) expect(res.status, `${mode} must fail`).toBe(422);
        expect(ms, `${mode} answered in`).toBeLessThan(15_000);
        await labFault(free!.index, { kind: 'clear' }, lab!);
        // Through vpcd, a card that sends nothing (or less than a status word) leaves pcscd waiting on it with no
        // timeout of its own: the reader is stuck until the card is pulled, so the test pulls and reinserts it.
        if (target.backend === 'pcsc' && (mode === 'mute' || mode === 'truncated')) {
          await labRemove(free!.index, lab!);
          await labInsert(FRESH, free!.index, lab!);
        }
        const honest = await readUntilOk(readerId);
        expect(honest.status, `after ${mode}: ${honest.text}`).toBe(200);
      }
    } finally {
      const now = await labStatus(lab!);
      if (now.readers.find((r) => r.index === free!.index)?.card) await labRemove(free!.index, lab!);
    }
  }, 240_000);

  it.skipIf(!lab || target.backend !== 'pcsc' || signers.length === 0)('pcscd restarted under load: the same connector process serves again within 5 s', async () => {
    const card = signers[0]!;
    const pidBefore = labConnectorPid(lab!);
    expect(pidBefore, 'the lab connector pid').not.toBeNull();
    let stop = false;
    const load = (async () => {
      let ok = 0;
      while (!stop) if ((await api.get(`${base(card.reader.id)}/biometric`)).status === 200) ok += 1;
      return ok;
    })();
    try {
      await labRestartPcscd(lab!);
      const restarted = performance.now();
      let res = await api.get<{ data: { nationalNumber: string } }>(`${base(card.reader.id)}/biometric`);
      while (res.status !== 200 && performance.now() - restarted < 5_000) res = await api.get(`${base(card.reader.id)}/biometric`);
      const ms = performance.now() - restarted;
      expect(res.status, res.text).toBe(200);
      expect(res.body.data.nationalNumber).toBe(loadBeidPersona(card.persona!).identity.nationalNumber);
      expect(ms, 'recovery after pcscd restart').toBeLessThan(5_000);
    } finally {
      stop = true;
      await load;
    }
    expect(labConnectorPid(lab!), 'the connector did not restart').toBe(pidBefore);
  });

  const two = distinctSigners(signers);
  it.skipIf(two.length < 2)('200 concurrent signatures over two cards, all sent at once: each verifies against its own card, a full queue refuses with 503 until the retry gets in, none is left queued', async () => {
    // a connection per request, so all 200 reach the connector together, past its queue limit
    const crowd = connectorClient(target, { maxSockets: 200 });
    const slowed = lab ? two : [];
    try {
      // 30 ms a signature: the 100 requests of a card arrive faster than it signs, so its queue fills
      for (const card of slowed) await labFault(card.reader.index, { kind: 'latency', model: 'fixed', signMs: 30 }, lab!);
      const jobs = Array.from({ length: 200 }, (_, i) => ({ card: two[i % 2]!, message: randomBytes(32) }));
      const refusals: ErrorBody[] = [];
      const results = await Promise.all(
        jobs.map(async ({ card, message }) => {
          // A full queue answers 503 (retryable): the client tries again after a short random pause.
          for (let attempt = 1; ; attempt += 1) {
            const res = await signRequest(card.reader.id, card.pin!, message, crowd);
            if (res.status !== 503 || !isQueueFull(res.body)) return { card, message, res };
            refusals.push(res.body as ErrorBody);
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 40 * Math.min(attempt, 10)));
          }
        }),
      );
      for (const { card, message, res } of results) {
        expect(res.status, res.text).toBe(200);
        expectSignatureOf({ profile: card.profile, persona: card.persona! }, message, res.body);
      }
      process.stdout.write(`200 signatures over 2 cards; ${refusals.length} queue-full refusals retried\n`);
      if (lab) expect(refusals.length, 'the lab connector (queue limit 16) refused some of 100 requests per card').toBeGreaterThan(0);
      for (const card of slowed) await labFault(card.reader.index, { kind: 'latency', model: 'none' }, lab!);

      // Nothing left queued: each reader takes a whole queue's worth of requests at once again.
      const limit = refusals[0]?.details?.queueLimit ?? 1;
      for (const card of two) {
        const burst = await Promise.all(Array.from({ length: limit }, () => crowd.get<ErrorBody>(`${base(card.reader.id)}/biometric`)));
        expect(burst.map((res) => res.status), `a burst of ${limit} reads`).toEqual(Array.from({ length: limit }, () => 200));
      }
    } finally {
      for (const card of slowed) await labFault(card.reader.index, { kind: 'latency', model: 'none' }, lab!);
      crowd.close();
    }
  }, 240_000);
});

/** ERR_READER_QUEUE_FULL (docs/errors.md). */
const QUEUE_FULL_CODE = CATALOGUE.ERR_READER_QUEUE_FULL.code;

function isQueueFull(body: unknown): boolean {
  return (body as { code?: number }).code === QUEUE_FULL_CODE;
}

function distinctSigners(cards: PlacedCard[]): PlacedCard[] {
  const out: PlacedCard[] = [];
  for (const card of cards) if (!out.some((c) => c.persona === card.persona)) out.push(card);
  return out.slice(0, 2);
}

/** The card comes back once its reader has reconnected and powered it: read until it answers, for at most 10 s. */
async function readUntilOk(readerId: string) {
  const until = performance.now() + 10_000;
  for (;;) {
    const res = await api.get<{ data: { nationalNumber: string } }>(`${base(readerId)}/biometric`);
    if (res.status === 200 || performance.now() > until) return res;
  }
}
