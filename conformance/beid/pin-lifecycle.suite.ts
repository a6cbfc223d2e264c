import { afterAll, describe, expect, it } from 'vitest';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { labInsert, labRemove } from '../../simulators/lab/lab-client.js';
import { digestOf } from '../support/beid-expected.js';
import { connectorClient, conformanceTarget } from '../support/target.js';

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

const free = target.state?.readers.find((r) => r.card === null && r.id !== undefined);
const persona = 'be-de-adult';

interface ErrorBody {
  success: false;
  code: number;
  details?: { triesLeft?: number };
}

describe(`beid PIN lifecycle on a fresh card [${target.backend}]`, () => {
  it.skipIf(!target.labDir || !free)('wrong PINs count down, the third blocks, and a blocked PIN has its own code everywhere (skipped: needs the lab and a free reader)', async () => {
    const state = await labInsert({ profile: 'beid-1.7', persona }, free!.index, target.labDir!);
    const rid = state.readers.find((r) => r.index === free!.index)!.id!;
    const base = `/v3/modules/beid/apps/token/readers/${rid}`;
    const origin = { origin: target.allowedOrigin };
    try {
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
    } finally {
      await labRemove(free!.index, target.labDir!);
    }
    const gone = await api.get<ErrorBody>(`${base}/biometric`);
    expect(gone.status).toBe(422);
    expect(gone.body.code).toBe(702001);
  });
});
