import { afterAll, describe, expect, it } from 'vitest';
import { loadEmvPersona } from '../../fixtures/personas/index.js';
import { freeReader, withFreshCard, type ErrorBody } from '../support/fresh-card.js';
import { connectorClient, conformanceTarget } from '../support/target.js';
import { EMV_PROFILE, expectedApplications } from './expected.js';

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

const free = freeReader(target);
const persona = 'emv-debit-1';

describe(`emv offline PIN lifecycle on a fresh ${EMV_PROFILE} card [${target.backend}]`, () => {
  it.skipIf(!target.labDir || !free)('wrong PINs count down, the third blocks, and a blocked PIN keeps its own code (skipped: needs the lab and a free reader)', async () => {
    const origin = { origin: target.allowedOrigin };
    let base = '';
    await withFreshCard(target, { profile: EMV_PROFILE, persona }, async (rid) => {
      base = `/v3/modules/emv/apps/payment/readers/${rid}`;
      const right = loadEmvPersona(persona).pin;
      const wrong = right === '0000' ? '1111' : '0000';
      for (const left of [2, 1]) {
        const res = await api.post<ErrorBody>(`${base}/verify-pin`, { pin: wrong }, origin);
        expect(res.status).toBe(412);
        expect(res.body).toMatchObject({ success: false, code: 608001, details: { triesLeft: left } });
      }
      const third = await api.post<ErrorBody>(`${base}/verify-pin`, { pin: wrong }, origin);
      expect(third.status).toBe(412);
      expect(third.body).toMatchObject({ code: 608002, details: { triesLeft: 0 } });
      const rightNow = await api.post<ErrorBody>(`${base}/verify-pin`, { pin: right }, origin);
      expect(rightNow.status).toBe(412);
      expect(rightNow.body.code).toBe(608002);
      // A blocked PIN blocks nothing else: the card still reads.
      const data = await api.get<{ data: { applications: unknown[] } }>(`${base}/data`);
      expect(data.status).toBe(200);
      expect(data.body.data.applications).toEqual(expectedApplications());
    });
    const gone = await api.get<ErrorBody>(`${base}/data`);
    expect(gone.status).toBe(422);
    expect(gone.body.code).toBe(702001);
  });
});
