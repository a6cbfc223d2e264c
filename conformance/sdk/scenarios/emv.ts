import { expect } from 'vitest';
import { expectedApplicationData, expectedApplications, expectedKeys, isEmvProfile, recoverChain, type ApiPaymentCertificate } from '../../emv/expected.js';
import { sdkCall } from '../sdk-page.js';
import { value, type Body, type SdkScenario } from './types.js';

/** Contact EMV payment cards through `client.emv(readerId)`. */
export const EMV_SCENARIOS: readonly SdkScenario[] = [
  {
    title: 'readData and readApplicationData',
    for: isEmvProfile,
    async run({ page, card }) {
      const rid = card.reader.id;
      const data = value(await sdkCall<Body<{ applications: unknown[] }>>(page, 'emv', rid, 'readData'));
      expect(data.data.applications).toEqual(expectedApplications());
      const app = value(await sdkCall<Body<Record<string, string>>>(page, 'emv', rid, 'readApplicationData'));
      expect(app.data).toEqual(expectedApplicationData(card.persona!));
    },
  },
  {
    title: 'issuerPublicCertificate, iccPublicCertificate and allCerts(aid): the SDK reduces them to one certificate each, and they recover',
    for: isEmvProfile,
    async run({ page, card }) {
      const rid = card.reader.id;
      const persona = card.persona!;
      for (const { aid } of expectedApplications()) {
        const issuer = value(await sdkCall<Body<ApiPaymentCertificate>>(page, 'emv', rid, 'issuerPublicCertificate', [aid]));
        const icc = value(await sdkCall<Body<ApiPaymentCertificate>>(page, 'emv', rid, 'iccPublicCertificate', [aid]));
        const chain = recoverChain(issuer.data, icc.data, persona);
        expect([chain.issuer.hashMatches, chain.icc.hashMatches]).toEqual([true, true]);
        expect(chain.icc.publicKey.modulus.equals(expectedKeys(persona).iccModulus)).toBe(true);
        const all = value(await sdkCall<Body<{ issuerPublicCertificate: ApiPaymentCertificate; ICCPublicCertificate: ApiPaymentCertificate }>>(page, 'emv', rid, 'allCerts', [aid, []]));
        expect(all.data.issuerPublicCertificate).toEqual(issuer.data);
        expect(all.data.ICCPublicCertificate).toEqual(icc.data);
      }
    },
  },
  {
    title: 'verifyPin: the right PIN verifies; a wrong one rejects with the connector code; the right one restores the tries',
    for: isEmvProfile,
    async run({ page, card }) {
      const rid = card.reader.id;
      const ok = value(await sdkCall<Body<{ verified: boolean }>>(page, 'emv', rid, 'verifyPin', [{ pin: card.pin }]));
      expect(ok.data.verified).toBe(true);
      const wrong = await sdkCall(page, 'emv', rid, 'verifyPin', [{ pin: card.pin === '0000' ? '1111' : '0000' }]);
      expect(wrong.ok).toBe(false);
      if (!wrong.ok) expect(Number(wrong.error.code)).toBe(608001);
      value(await sdkCall(page, 'emv', rid, 'verifyPin', [{ pin: card.pin }]));
    },
  },
  {
    title: 'an unknown AID rejects with the connector code',
    for: isEmvProfile,
    async run({ page, card }) {
      const res = await sdkCall(page, 'emv', card.reader.id, 'iccPublicCertificate', ['A0000000031010']);
      expect(res.ok).toBe(false);
      if (!res.ok) expect(Number(res.error.code)).toBe(602020);
    },
  },
];
