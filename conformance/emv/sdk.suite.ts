import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSdkBrowser, type SdkBrowser } from '../support/browser.js';
import { conformanceTarget, placedCards, targetJwt } from '../support/target.js';
import { initializeSdk, sdkCall, type SdkResult } from '../sdk/sdk-page.js';
import { expectedApplicationData, expectedApplications, expectedKeys, isEmvProfile, recoverChain, type ApiPaymentCertificate } from './expected.js';

const target = conformanceTarget();
const port = Number(new URL(target.url).port);
const CONNECTOR = 'https://t1c.t1t.io';
const cards = placedCards(target, isEmvProfile);

function value<T>(result: SdkResult<T>): T {
  if (!result.ok) throw new Error(`SDK call failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

interface Body<T> {
  success: boolean;
  data: T;
}

describe.skipIf(cards.length === 0)(`official SDK in Chromium, emv module [${target.backend}]`, () => {
  let browser: SdkBrowser;

  beforeAll(async () => {
    browser = await openSdkBrowser({ caCertPath: target.caCert, origin: target.allowedOrigin });
    value(await initializeSdk(browser.page, CONNECTOR, port, await targetJwt(target)));
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const card of cards) {
    const rid = card.reader.id;
    const persona = card.persona!;

    describe(`${card.profile}:${persona}`, () => {
      it('readData and readApplicationData', async () => {
        const data = value(await sdkCall<Body<{ applications: unknown[] }>>(browser.page, 'emv', rid, 'readData'));
        expect(data.data.applications).toEqual(expectedApplications());
        const app = value(await sdkCall<Body<Record<string, string>>>(browser.page, 'emv', rid, 'readApplicationData'));
        expect(app.data).toEqual(expectedApplicationData(persona));
      });

      it('issuerPublicCertificate, iccPublicCertificate and allCerts(aid): the SDK reduces them to one certificate each, and they recover', async () => {
        for (const { aid } of expectedApplications()) {
          const issuer = value(await sdkCall<Body<ApiPaymentCertificate>>(browser.page, 'emv', rid, 'issuerPublicCertificate', [aid]));
          const icc = value(await sdkCall<Body<ApiPaymentCertificate>>(browser.page, 'emv', rid, 'iccPublicCertificate', [aid]));
          const chain = recoverChain(issuer.data, icc.data, persona);
          expect([chain.issuer.hashMatches, chain.icc.hashMatches]).toEqual([true, true]);
          expect(chain.icc.publicKey.modulus.equals(expectedKeys(persona).iccModulus)).toBe(true);
          const all = value(await sdkCall<Body<{ issuerPublicCertificate: ApiPaymentCertificate; ICCPublicCertificate: ApiPaymentCertificate }>>(browser.page, 'emv', rid, 'allCerts', [aid, []]));
          expect(all.data.issuerPublicCertificate).toEqual(issuer.data);
          expect(all.data.ICCPublicCertificate).toEqual(icc.data);
        }
      });

      it('verifyPin: the right PIN verifies; a wrong one rejects with the connector code; the right one restores the tries', async () => {
        const ok = value(await sdkCall<Body<{ verified: boolean }>>(browser.page, 'emv', rid, 'verifyPin', [{ pin: card.pin }]));
        expect(ok.data.verified).toBe(true);
        const wrong = await sdkCall(browser.page, 'emv', rid, 'verifyPin', [{ pin: card.pin === '0000' ? '1111' : '0000' }]);
        expect(wrong.ok).toBe(false);
        if (!wrong.ok) expect(Number(wrong.error.code)).toBe(608001);
        value(await sdkCall(browser.page, 'emv', rid, 'verifyPin', [{ pin: card.pin }]));
      });

      it('an unknown AID rejects with the connector code', async () => {
        const res = await sdkCall(browser.page, 'emv', rid, 'iccPublicCertificate', ['A0000000031010']);
        expect(res.ok).toBe(false);
        if (!res.ok) expect(Number(res.error.code)).toBe(602020);
      });
    });
  }
});
