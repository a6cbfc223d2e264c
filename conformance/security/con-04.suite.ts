import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect } from 'vitest';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { KEY_FAMILY_BY_PROFILE, personaKeys } from '../../fixtures/pki/index.js';
import { beidBase } from '../support/apdu-witness.js';
import { digestOf, verifyMessageSignature } from '../support/beid-expected.js';
import { fetchDsToken, labDsAdmin } from '../support/ds.js';
import { freeReader, withFreshCard } from '../support/fresh-card.js';
import type { ApiRequest, ApiResponse } from '../support/http.js';
import { checkItem } from '../support/refusal.js';
import { connectorClient, conformanceTarget } from '../support/target.js';

/**
 * security-checklist CON-04, cross-origin card-state isolation: after web application A (origin A, its own DS
 * token) verifies the PIN and signs — also in bulk mode — application B (origin B, its own token) never gets a
 * signature without giving the PIN itself, one request after the other and all at once on the same reader.
 */
const target = conformanceTarget();
const api = connectorClient(target);
const admin = labDsAdmin(target.labDir);
afterAll(() => api.close());

const PERSONA = 'be-de-adult';
const PIN = loadBeidPersona(PERSONA).pin;
const keys = personaKeys(PERSONA, KEY_FAMILY_BY_PROFILE['beid-1.7'])!;
const A = target.allowedOrigin;
const B = 'https://app-b.t1c-lab.test';
const why = !admin ? 'needs the lab DS to register application B' : !freeReader(target) ? 'needs a free reader for a fresh card' : null;

interface Signed {
  readonly data: { readonly data: string };
}

function signBody(message: Buffer, pin?: string): Record<string, unknown> {
  return { algorithm: 'sha256', data: digestOf('sha256', message).toString('base64'), ...(pin ? { pin } : {}) };
}

function expectSignature(res: ApiResponse<Signed>, message: Buffer, what: string): void {
  expect(res.status, `${what}: ${res.text.slice(0, 160)}`).toBe(200);
  expect(verifyMessageSignature(keys.nonRepudiation.certificate, 'sha256', message, Buffer.from(res.body.data.data, 'base64')), `${what}: a valid signature`).toBe(true);
}

/** Refused for want of a PIN — not for the origin (403) or the token (401), which would prove nothing here. */
function expectNoSignature(res: ApiResponse, what: string): void {
  expect([400, 412, 422], `${what}: HTTP ${res.status} ${res.text.slice(0, 160)}`).toContain(res.status);
}

async function syncOrigins(origin: string, allowed: boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await api.get('/v3/agents', { origin: A });
    const cors = (await api.get<{ t1CInfoAPI: { cors: string[] } }>('/info', { token: null })).body.t1CInfoAPI.cors;
    if (cors.includes(origin) === allowed) return;
    if (Date.now() > deadline) throw new Error(`${origin} is ${allowed ? 'not' : 'still'} in the connector's CORS list`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe(`cross-origin card-state isolation [${target.backend}]`, () => {
  checkItem('CON-04', "a PIN verified for origin A never lets origin B sign — in turn, in bulk mode, and concurrently on one reader", why, async () => {
    const apiKeyB = await admin!.addApplication('con-04-b', [B]);
    try {
      await syncOrigins(B, true);
      const tokenB = await fetchDsToken(target.ds!, apiKeyB);
      const asA: ApiRequest = { origin: A };
      const asB: ApiRequest = { origin: B, token: tokenB };
      await withFreshCard(target, { profile: 'beid-1.7', persona: PERSONA }, async (rid) => {
        const base = beidBase(rid);
        const sign = (req: ApiRequest, message: Buffer, pin?: string, bulk = false): Promise<ApiResponse<Signed>> =>
          api.post<Signed>(`${base}/sign${bulk ? '?bulk=true' : ''}`, signBody(message, pin), req);

        expect((await api.post(`${base}/verify-pin`, { pin: PIN }, asA)).status).toBe(200);
        expectNoSignature(await sign(asB, randomBytes(32)), 'B right after A verified');
        const m1 = randomBytes(32);
        expectSignature(await sign(asA, m1, PIN), m1, 'A with its PIN');
        expectNoSignature(await sign(asB, randomBytes(32)), 'B right after A signed');
        expectNoSignature(await sign(asB, randomBytes(32), undefined, true), 'B in bulk mode after A signed');

        const m2 = randomBytes(32);
        expectSignature(await sign(asA, m2, PIN, true), m2, 'A starting bulk mode');
        const m3 = randomBytes(32);
        expectSignature(await sign(asA, m3, undefined, true), m3, 'A in bulk mode without the PIN');
        expectNoSignature(await sign(asB, randomBytes(32), undefined, true), "B while A's bulk PIN is held");
        expectNoSignature(await sign(asB, randomBytes(32)), "B (no bulk) while A's bulk PIN is held");
        expect((await sign({ origin: B }, randomBytes(32), undefined, true)).status, "A's token from origin B").toBe(401);

        const messages = Array.from({ length: 16 }, () => randomBytes(32));
        const results = await Promise.all(messages.map((m, i) => (i % 2 === 0 ? sign(asA, m, undefined, true) : sign(asB, m, undefined, i % 4 === 1))));
        results.forEach((res, i) => (i % 2 === 0 ? expectSignature(res, messages[i]!, `concurrent A #${i}`) : expectNoSignature(res, `concurrent B #${i}`)));

        const mixed = await Promise.all([
          api.post(`${base}/verify-pin`, { pin: PIN }, asA),
          sign(asB, randomBytes(32), undefined, true),
          sign(asA, randomBytes(32), PIN),
          sign(asB, randomBytes(32)),
          api.post(`${base}/verify-pin`, { pin: PIN }, asA),
          sign(asB, randomBytes(32), undefined, true),
        ]);
        mixed.forEach((res, i) => (i % 2 === 0 ? expect(res.status, `mixed A #${i}`).toBe(200) : expectNoSignature(res, `mixed B #${i}`)));

        const m4 = randomBytes(32);
        expectSignature(await sign(asB, m4, PIN), m4, 'B with its own PIN');
        expect((await api.get('/v3/modules/beid/apps/token/reset-bulk-pin', asA)).status).toBe(200);
        expectNoSignature(await sign(asA, randomBytes(32), undefined, true), 'A after reset-bulk-pin');
      });
    } finally {
      await admin!.revoke(apiKeyB);
      await syncOrigins(B, false);
    }
  }, 120_000);
});
