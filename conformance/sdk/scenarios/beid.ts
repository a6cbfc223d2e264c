import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { hasCapability } from '../../../fixtures/cards/index.js';
import { KEY_FAMILY_BY_PROFILE, personaKeys } from '../../../fixtures/pki/index.js';
import { beidExpectations, digestOf, expectFields, expectedAddress, expectedBiometric, expectedCertificates, expectedPhoto, isBeidProfile, verifyMessageSignature } from '../../support/beid-expected.js';
import type { PlacedCard } from '../../support/target.js';
import { sdkCall } from '../sdk-page.js';
import { value, type Body, type SdkScenario } from './types.js';

/** The Belgian eID through `client.beid(readerId)`: applet 1.7 (RSA) and 1.8 (EC), simulated or recorded. */
const keysOf = (card: PlacedCard) => personaKeys(card.persona!, KEY_FAMILY_BY_PROFILE[beidExpectations(card.profile)]);
const signCapability = (card: PlacedCard): string => (hasCapability(card.profile, 'sign-ecdsa') ? 'sign-ecdsa' : 'sign-rsa-pkcs1');
const noKeys = (card: PlacedCard): string | null => (keysOf(card) ? null : `no key pair of ${card.persona} to verify signatures with`);

export const BEID_SCENARIOS: readonly SdkScenario[] = [
  {
    title: 'biometric, address, picture and all-data',
    for: isBeidProfile,
    needs: ['read-identity', 'read-address', 'read-photo'],
    async run({ page, card }) {
      const profile = beidExpectations(card.profile);
      const persona = card.persona!;
      const rid = card.reader.id;
      const bio = value(await sdkCall<Body<Record<string, unknown>>>(page, 'beid', rid, 'biometric'));
      expectFields(bio.data, expectedBiometric(persona, profile), expect);
      const address = value(await sdkCall<Body<Record<string, unknown>>>(page, 'beid', rid, 'address'));
      expectFields(address.data, expectedAddress(persona), expect);
      const picture = value(await sdkCall<Body<{ picture: string }>>(page, 'beid', rid, 'picture'));
      expect(Buffer.from(picture.data.picture, 'base64').equals(expectedPhoto(persona))).toBe(true);
      const all = value(await sdkCall<Body<Record<string, unknown>>>(page, 'beid', rid, 'allData', [['biometric', 'address']]));
      expect(Object.keys(all.data).sort()).toEqual(['address', 'biometric']);
    },
  },
  {
    title: 'every certificate call gives the card certificate',
    for: isBeidProfile,
    needs: ['read-certificates'],
    async run({ page, card }) {
      const rid = card.reader.id;
      const expected = expectedCertificates(card.persona!, beidExpectations(card.profile));
      for (const method of ['rootCertificate', 'intermediateCertificates', 'authenticationCertificate', 'nonRepudiationCertificate', 'encryptionCertificate'] as const) {
        const der = expected[method];
        const res = await sdkCall<Body<{ certificate: string }>>(page, 'beid', rid, method, [false]);
        if (!der) {
          expect(res.ok, `${method} on a card without it`).toBe(false);
          continue;
        }
        // The SDK reduces the ≥3.6 shape to the first certificate (spec §8.1).
        expect(Buffer.from(value(res).data.certificate, 'base64').equals(der), method).toBe(true);
        const extended = value(await sdkCall<Body<{ certificates: { certificate: string }[] }>>(page, 'beid', rid, `${method}Extended`, [false]));
        expect(Buffer.from(extended.data.certificates[0]!.certificate, 'base64').equals(der)).toBe(true);
      }
      const all = value(await sdkCall<Body<Record<string, unknown>>>(page, 'beid', rid, 'allCerts', [false, ['rootCertificate', 'encryptionCertificate']]));
      // The SDK's TokenAllCerts names every slot; only the filtered ones hold a certificate.
      const present = Object.entries(all.data).filter(([, v]) => v !== undefined && v !== null).map(([k]) => k);
      expect(present.sort()).toEqual(['encryptionCertificate', 'rootCertificate']);
    },
  },
  {
    title: 'verify-pin: right PIN verifies, a wrong one rejects with the connector code and tries left',
    for: isBeidProfile,
    needs: ['verify-pin'],
    async run({ page, card }) {
      const rid = card.reader.id;
      const pin = card.pin!;
      const ok = value(await sdkCall<Body<{ verified: boolean }>>(page, 'beid', rid, 'verifyPin', [{ pin }]));
      expect(ok.data.verified).toBe(true);
      const wrong = await sdkCall(page, 'beid', rid, 'verifyPin', [{ pin: '9'.repeat(pin.length) === pin ? '1111' : '9'.repeat(pin.length) }]);
      expect(wrong.ok).toBe(false);
      if (!wrong.ok) expect(Number(wrong.error.code)).toBe(608001);
      value(await sdkCall(page, 'beid', rid, 'verifyPin', [{ pin }]));
    },
  },
  {
    title: 'signs a SHA-256 digest with the non-repudiation key, and authenticates with the authentication key',
    for: isBeidProfile,
    needs: (card) => ['verify-pin', signCapability(card)],
    skip: noKeys,
    async run({ page, card }) {
      const rid = card.reader.id;
      const keys = keysOf(card)!;
      const message = randomBytes(64);
      const body = { pin: card.pin, algorithm: 'sha256', data: digestOf('sha256', message).toString('base64') };
      const signed = value(await sdkCall<Body<{ data: string }>>(page, 'beid', rid, 'sign', [body, false]));
      expect(signed.success).toBe(true);
      expect(verifyMessageSignature(keys.nonRepudiation.certificate, 'sha256', message, Buffer.from(signed.data.data, 'base64'))).toBe(true);
      const challenge = randomBytes(32);
      const auth = value(await sdkCall<Body<{ data: string }>>(page, 'beid', rid, 'authenticate', [{ pin: card.pin, algorithm: 'sha256', data: digestOf('sha256', challenge).toString('base64') }]));
      expect(verifyMessageSignature(keys.authentication.certificate, 'sha256', challenge, Buffer.from(auth.data.data, 'base64'))).toBe(true);
    },
  },
  {
    title: 'bulk-signs and resets the bulk PIN',
    for: isBeidProfile,
    needs: (card) => ['verify-pin', signCapability(card)],
    skip: noKeys,
    async run({ page, card }) {
      const rid = card.reader.id;
      const digest = (): string => digestOf('sha256', randomBytes(16)).toString('base64');
      value(await sdkCall(page, 'beid', rid, 'sign', [{ pin: card.pin, algorithm: 'sha256', data: digest() }, true]));
      value(await sdkCall(page, 'beid', rid, 'sign', [{ algorithm: 'sha256', data: digest() }, true]));
      const reset = value(await sdkCall<Body<boolean>>(page, 'beid', rid, 'resetBulkPin'));
      expect(reset.data).toBe(true);
      const after = await sdkCall(page, 'beid', rid, 'sign', [{ algorithm: 'sha256', data: digest() }, true]);
      expect(after.ok).toBe(false);
    },
  },
];
