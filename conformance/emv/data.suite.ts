import { afterAll, describe, expect, it } from 'vitest';
import { connectorClient, conformanceTarget, placedCards } from '../support/target.js';
import { expectedApplicationData, expectedApplications, expectedKeys, isEmvProfile, recoverChain, type ApiPaymentCertificate } from './expected.js';

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

interface Body<T> {
  success: boolean;
  data: T;
}
interface ErrorBody {
  success: false;
  code: number;
  description: string;
  details?: Record<string, unknown>;
}
type Certs = { certificates: ApiPaymentCertificate[] };
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

for (const card of placedCards(target, isEmvProfile)) {
  const persona = card.persona!;
  const P = `/v3/modules/emv/apps/payment/readers/${card.reader.id}`;
  const A = (aid: string): string => `/v3/modules/emv/apps/payment/${aid}/readers/${card.reader.id}`;

  describe(`emv data — ${card.profile}:${persona} [${target.backend}]`, () => {
    it('GET data: exactly {applications:[{aid,name,priority}], selectionMethod} from the PSE, priority order', async () => {
      const res = await api.get<Body<unknown>>(`${P}/data`);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ success: true, data: { applications: expectedApplications(), selectionMethod: 'pse' } });
    });

    it('GET application-data: the spec shape, the first application, the PAN masked to its first 6 and last 4 digits', async () => {
      const res = await api.get<Body<Record<string, string>>>(`${P}/application-data`);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ success: true, data: expectedApplicationData(persona) });
    });

    for (const { aid } of expectedApplications()) {
      it(`${aid}: issuer and ICC certificates recover with the test CA, hashes match, keys are the card's`, async () => {
        const issuer = await api.get<Body<Certs>>(`${A(aid)}/issuer-cert`);
        const icc = await api.get<Body<Certs>>(`${A(aid)}/icc-cert`);
        expect(issuer.status, issuer.text).toBe(200);
        expect(icc.status, icc.text).toBe(200);
        for (const body of [issuer.body, icc.body]) {
          expect(body.success).toBe(true);
          expect(body.data.certificates).toHaveLength(1);
          const [entry] = body.data.certificates;
          expect(Object.keys(entry!).sort()).toEqual(['certificate', 'exponent', 'remainder']);
          for (const v of Object.values(entry!)) expect(v).toMatch(BASE64);
        }
        const chain = recoverChain(issuer.body.data.certificates[0]!, icc.body.data.certificates[0]!, persona);
        const keys = expectedKeys(persona);
        expect(chain.issuer).toMatchObject({ wellFormed: true, hashMatches: true, format: 0x02 });
        expect(chain.issuer.publicKey.modulus.equals(keys.issuerModulus)).toBe(true);
        expect(chain.icc).toMatchObject({ wellFormed: true, hashMatches: true, format: 0x04 });
        expect(chain.icc.publicKey.modulus.equals(keys.iccModulus)).toBe(true);
      });
    }

    it('GET cert-list: both certificates, or the filtered one; the same bytes as the single routes', async () => {
      const aid = expectedApplications()[1]!.aid;
      const all = await api.get<Body<Record<string, Certs>>>(`${A(aid)}/cert-list`);
      expect(all.status, all.text).toBe(200);
      expect(Object.keys(all.body.data).sort()).toEqual(['ICCPublicCertificate', 'issuerPublicCertificate']);
      const icc = await api.get<Body<Certs>>(`${A(aid)}/icc-cert`);
      expect(all.body.data['ICCPublicCertificate']).toEqual(icc.body.data);
      const filtered = await api.get<Body<Record<string, Certs>>>(`${A(aid)}/cert-list?filter=issuerPublicCertificate`);
      expect(Object.keys(filtered.body.data)).toEqual(['issuerPublicCertificate']);
    });

    it('an AID the card lacks has its own code (422, not 404); a malformed AID is refused before the card', async () => {
      const unknown = await api.get<ErrorBody>(`${A('A0000000031010')}/icc-cert`);
      expect(unknown.status).toBe(422);
      expect(unknown.body).toMatchObject({ success: false, code: 602020 });
      const malformed = await api.get<ErrorBody>(`${A('XYZ')}/icc-cert`);
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe(106001);
    });

    it('verify-pin: the right PIN verifies; a wrong one is 412 with tries left; the right one restores the tries', async () => {
      const origin = { origin: target.allowedOrigin };
      const right = await api.post<Body<{ verified: boolean }>>(`${P}/verify-pin`, { pin: card.pin }, origin);
      expect(right.status, right.text).toBe(200);
      expect(right.body).toEqual({ success: true, data: { verified: true } });
      const wrong = await api.post<ErrorBody>(`${P}/verify-pin`, { pin: card.pin === '0000' ? '1111' : '0000' }, origin);
      expect(wrong.status).toBe(412);
      expect(wrong.body).toMatchObject({ success: false, code: 608001, details: { triesLeft: 2 } });
      expect((await api.post(`${P}/verify-pin`, { pin: card.pin }, origin)).status).toBe(200);
    });
  });
}
