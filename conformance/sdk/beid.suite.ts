import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_FAMILY_BY_PROFILE, personaKeys } from '../../fixtures/pki/index.js';
import { openSdkBrowser, type SdkBrowser } from '../support/browser.js';
import { digestOf, expectFields, expectedAddress, expectedBiometric, expectedCertificates, expectedPhoto, beidExpectations, isBeidProfile, verifyMessageSignature } from '../support/beid-expected.js';
import { hasCapability } from '../../fixtures/cards/index.js';
import { itIfCapable } from '../support/capabilities.js';
import { conformanceTarget, placedCards, targetJwt } from '../support/target.js';
import { initializeSdk, sdkCall, type SdkResult } from './sdk-page.js';

const target = conformanceTarget();
const port = Number(new URL(target.url).port);
const CONNECTOR = 'https://t1c.t1t.io';

function value<T>(result: SdkResult<T>): T {
  if (!result.ok) throw new Error(`SDK call failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

interface Body<T> {
  success: boolean;
  data: T;
}

describe(`official SDK in Chromium [${target.backend}]`, () => {
  let browser: SdkBrowser;

  beforeAll(async () => {
    browser = await openSdkBrowser({ caCertPath: target.caCert, origin: target.allowedOrigin });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('is blocked by Chromium until the user grants Local Network Access (LNA-01), as users first meet it', async () => {
    const denied = await openSdkBrowser({ caCertPath: target.caCert, origin: target.allowedOrigin, grantLocalNetworkAccess: false });
    const failures: string[] = [];
    denied.page.on('requestfailed', (r) => failures.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
    denied.page.on('console', (m) => failures.push(m.text()));
    try {
      const init = await initializeSdk(denied.page, CONNECTOR, port, await targetJwt(target));
      expect(init.ok).toBe(false);
      expect(failures.join('\n')).toMatch(/Permission was denied for this request to access the `loopback` address space/);
      if (!init.ok) expect(String(init.error.code)).toBe('112999');
    } finally {
      await denied.close();
    }
  });

  it('initializes against the connector on t1c.t1t.io and lists the readers with their cards', async () => {
    const init = value(await initializeSdk(browser.page, CONNECTOR, port, await targetJwt(target)));
    expect(init.version).toMatch(/^3\.\d+\.\d+/);
    const readers = value(await sdkCall<Body<{ id: string; card?: { atr: string; modules: string[] } }[]>>(browser.page, 'core', null, 'readersCardAvailable'));
    for (const card of placedCards(target)) expect(readers.data.find((r) => r.id === card.reader.id)?.card?.atr).toBe(card.atr);
  });

  for (const card of placedCards(target, isBeidProfile)) {
    const profile = beidExpectations(card.profile);
    const persona = card.persona!;
    const rid = card.reader.id;
    const keys = personaKeys(persona, KEY_FAMILY_BY_PROFILE[profile]);

    const can = (capabilities: string | string[]) => itIfCapable(card.profile, capabilities);
    const signCapability = hasCapability(card.profile, 'sign-ecdsa') ? 'sign-ecdsa' : 'sign-rsa-pkcs1';
    describe(`${card.profile}:${persona}`, () => {
      can(['read-identity', 'read-address', 'read-photo'])('biometric, address, picture and all-data', async () => {
        const bio = value(await sdkCall<Body<Record<string, unknown>>>(browser.page, 'beid', rid, 'biometric'));
        expectFields(bio.data, expectedBiometric(persona, profile), expect);
        const address = value(await sdkCall<Body<Record<string, unknown>>>(browser.page, 'beid', rid, 'address'));
        expectFields(address.data, expectedAddress(persona), expect);
        const picture = value(await sdkCall<Body<{ picture: string }>>(browser.page, 'beid', rid, 'picture'));
        expect(Buffer.from(picture.data.picture, 'base64').equals(expectedPhoto(persona))).toBe(true);
        const all = value(await sdkCall<Body<Record<string, unknown>>>(browser.page, 'beid', rid, 'allData', [['biometric', 'address']]));
        expect(Object.keys(all.data).sort()).toEqual(['address', 'biometric']);
      });

      can('read-certificates')('every certificate call gives the card certificate', async () => {
        const expected = expectedCertificates(persona, profile);
        const calls = {
          rootCertificate: 'rootCertificate',
          intermediateCertificates: 'intermediateCertificates',
          authenticationCertificate: 'authenticationCertificate',
          nonRepudiationCertificate: 'nonRepudiationCertificate',
          encryptionCertificate: 'encryptionCertificate',
        } as const;
        for (const [name, method] of Object.entries(calls)) {
          const der = expected[name];
          const res = await sdkCall<Body<{ certificate: string }>>(browser.page, 'beid', rid, method, [false]);
          if (!der) {
            expect(res.ok, `${method} on a card without it`).toBe(false);
            continue;
          }
          // The SDK reduces the ≥3.6 shape to the first certificate (spec §8.1).
          expect(Buffer.from(value(res).data.certificate, 'base64').equals(der), method).toBe(true);
          const extended = value(await sdkCall<Body<{ certificates: { certificate: string }[] }>>(browser.page, 'beid', rid, `${method}Extended`, [false]));
          expect(Buffer.from(extended.data.certificates[0]!.certificate, 'base64').equals(der)).toBe(true);
        }
        const all = value(await sdkCall<Body<Record<string, unknown>>>(browser.page, 'beid', rid, 'allCerts', [false, ['rootCertificate', 'encryptionCertificate']]));
        // The SDK's TokenAllCerts names every slot; only the filtered ones hold a certificate.
        const present = Object.entries(all.data).filter(([, v]) => v !== undefined && v !== null).map(([k]) => k);
        expect(present.sort()).toEqual(['encryptionCertificate', 'rootCertificate']);
      });

      can('verify-pin')('verify-pin: right PIN verifies, a wrong one rejects with the connector code and tries left', async () => {
        const ok = value(await sdkCall<Body<{ verified: boolean }>>(browser.page, 'beid', rid, 'verifyPin', [{ pin: card.pin }]));
        expect(ok.data.verified).toBe(true);
        const wrong = await sdkCall(browser.page, 'beid', rid, 'verifyPin', [{ pin: '9'.repeat(card.pin!.length) === card.pin ? '1111' : '9'.repeat(card.pin!.length) }]);
        expect(wrong.ok).toBe(false);
        if (!wrong.ok) expect(Number(wrong.error.code)).toBe(608001);
        value(await sdkCall(browser.page, 'beid', rid, 'verifyPin', [{ pin: card.pin }]));
      });

      (keys ? can(['verify-pin', signCapability]) : it.skip)('signs a SHA-256 digest with the non-repudiation key, and authenticates with the authentication key', async () => {
        const message = randomBytes(64);
        const body = { pin: card.pin, algorithm: 'sha256', data: digestOf('sha256', message).toString('base64') };
        const signed = value(await sdkCall<Body<{ data: string }>>(browser.page, 'beid', rid, 'sign', [body, false]));
        expect(signed.success).toBe(true);
        expect(verifyMessageSignature(keys!.nonRepudiation.certificate, 'sha256', message, Buffer.from(signed.data.data, 'base64'))).toBe(true);
        const challenge = randomBytes(32);
        const auth = value(await sdkCall<Body<{ data: string }>>(browser.page, 'beid', rid, 'authenticate', [{ pin: card.pin, algorithm: 'sha256', data: digestOf('sha256', challenge).toString('base64') }]));
        expect(verifyMessageSignature(keys!.authentication.certificate, 'sha256', challenge, Buffer.from(auth.data.data, 'base64'))).toBe(true);
      });

      (keys ? can(['verify-pin', signCapability]) : it.skip)('bulk-signs and resets the bulk PIN', async () => {
        const digest = (): string => digestOf('sha256', randomBytes(16)).toString('base64');
        value(await sdkCall(browser.page, 'beid', rid, 'sign', [{ pin: card.pin, algorithm: 'sha256', data: digest() }, true]));
        value(await sdkCall(browser.page, 'beid', rid, 'sign', [{ algorithm: 'sha256', data: digest() }, true]));
        const reset = value(await sdkCall<Body<boolean>>(browser.page, 'beid', rid, 'resetBulkPin'));
        expect(reset.data).toBe(true);
        const after = await sdkCall(browser.page, 'beid', rid, 'sign', [{ algorithm: 'sha256', data: digest() }, true]);
        expect(after.ok).toBe(false);
      });
    });
  }
});
