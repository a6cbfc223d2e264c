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
