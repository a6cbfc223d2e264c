import { afterAll, describe, expect, it } from 'vitest';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { freeReader, withFreshCard, type ErrorBody } from '../support/fresh-card.js';
import { digestOf } from '../support/beid-expected.js';
import { connectorClient, conformanceTarget } from '../support/target.js';

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

const free = freeReader(target);
const persona = 'be-de-adult';

describe(`beid PIN lifecycle on a fresh card [${target.backend}]`, () => {
  it.skipIf(!target.labDir || !free)('a wrong PIN in bulk mode is not kept: the next bulk signature asks for a PIN and spends no try (skipped: needs the lab and a free reader)', async () => {
    const origin = { origin: target.allowedOrigin };
    await withFreshCard(target, { profile: 'beid-1.7', persona }, async (rid) => {
      const base = `/v3/modules/beid/apps/token/readers/${rid}`;
      const right = loadBeidPersona(persona).pin;
      const wrong = right === '0000' ? '1111' : '0000';
      const data = digestOf('sha256', Buffer.from('bulk')).toString('base64');
      try {
        const refused = await api.post<ErrorBody>(`${base}/sign?bulk=true`, { algorithm: 'sha256', data, pin: wrong }, origin);
        expect(refused.body).toMatchObject({ code: 608001, details: { triesLeft: 2 } });
        for (let i = 0; i < 3; i++) {
          const again = await api.post<ErrorBody>(`${base}/sign?bulk=true`, { algorithm: 'sha256', data }, origin);
          expect(again.body.code, 'PIN required, not a second wrong try').toBe(108003);
        }
        const signed = await api.post(`${base}/sign?bulk=true`, { algorithm: 'sha256', data, pin: right }, origin);
        expect(signed.status, signed.text).toBe(200);
        expect((await api.post(`${base}/sign?bulk=true`, { algorithm: 'sha256', data }, origin)).status).toBe(200);
      } finally {
        await api.post('/v3/modules/beid/apps/token/reset-bulk-pin', undefined, origin);
      }
    });
  });

  it.skipIf(!target.labDir || !free)('wrong PINs count down, the third blocks, and a blocked PIN has its own code everywhere (skipped: needs the lab and a free reader)', async () => {
    const origin = { origin: target.allowedOrigin };
    let base = '';
    await withFreshCard(target, { profile: 'beid-1.7', persona }, async (rid) => {
      base = `/v3/modules/beid/apps/token/readers/${rid}`;
      const right = loadBeidPersona(persona).pin;
      const wrong = right === '0000' ? '1111' : '0000';
      for (const left of [2, 1]) {
        const res = await api.post<ErrorBody>(`${base}/verify-pin`, { pin: wrong }, origin);
        expect(res.status).toBe(412);
        expect(res.body).toMatchObject({ success: false, code: 608001, details: { triesLeft: left } });
      }
      const third = await api.post<ErrorBody>(`${base}/verify-pin`, { pin: wrong }, origin);
      expect(third.status).toBe(412);
      expect(third.body.code).toBe(608002);
      const rightNow = await api.post<ErrorBody>(`${base}/verify-pin`, { pin: right }, origin);
      expect(rightNow.status).toBe(412);
      expect(rightNow.body.code).toBe(608002);
      const sign = await api.post<ErrorBody>(`${base}/sign`, { algorithm: 'sha256', data: digestOf('sha256', Buffer.from('x')).toString('base64'), pin: right }, origin);
      expect(sign.status).toBe(412);
      expect(sign.body.code).toBe(608002);
    });
    const gone = await api.get<ErrorBody>(`${base}/biometric`);
    expect(gone.status).toBe(422);
    expect(gone.body.code).toBe(702001);
  });
});
