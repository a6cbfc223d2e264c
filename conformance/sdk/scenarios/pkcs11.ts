import { X509Certificate, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { caCertificate } from '../../../fixtures/pki/index.js';
import { digestOf, verifyMessageSignature } from '../../support/beid-expected.js';
import { sdkCall } from '../sdk-page.js';
import { value, type Body, type SdkTokenScenario } from './types.js';

/**
 * PKCS#11 tokens through `client.generic(readerId).<call>('pkcs11', …)` — SDK 3.6.1 has no pkcs11() accessor; the
 * generic token client takes the module name as its first argument.
 */
const MODULE = 'pkcs11';

interface Certificates {
  readonly certificates: readonly { readonly certificate: string }[];
}

async function certificate(page: Parameters<SdkTokenScenario['run']>[0]['page'], id: string, method: 'authenticationCertificate' | 'nonRepudiationCertificate'): Promise<Buffer> {
  const res = value(await sdkCall<Body<Certificates>>(page, 'generic', id, `${method}Extended`, [MODULE, false]));
  return Buffer.from(res.data.certificates[0]!.certificate, 'base64');
}

export const PKCS11_SCENARIOS: readonly SdkTokenScenario[] = [
  {
    title: 'tokenData, and both certificates issued by the test PKI',
    async run({ page, token }) {
      const info = value(await sdkCall<Body<{ info: { label: string } }>>(page, 'generic', token.id, 'tokenData', [MODULE]));
      expect(info.data.info.label.trim()).toBe(token.label);
      const ca = new X509Certificate(caCertificate('citizenCa'));
      const auth = await certificate(page, token.id, 'authenticationCertificate');
      const nonRep = await certificate(page, token.id, 'nonRepudiationCertificate');
      expect(auth.equals(nonRep)).toBe(false);
      for (const der of [auth, nonRep]) expect(new X509Certificate(der).verify(ca.publicKey)).toBe(true);
    },
  },
  {
    title: 'verifyPin: the right PIN verifies, a wrong one rejects with the connector code',
    async run({ page, token }) {
      const ok = value(await sdkCall<Body<{ verified: boolean }>>(page, 'generic', token.id, 'verifyPin', [MODULE, { pin: token.pin }]));
      expect(ok.data.verified).toBe(true);
      const wrong = await sdkCall(page, 'generic', token.id, 'verifyPin', [MODULE, { pin: token.pin.replace(/./g, (d) => String((Number(d) + 1) % 10)) }]);
      expect(wrong.ok).toBe(false);
      if (!wrong.ok) expect(Number(wrong.error.code)).toBe(608001);
    },
  },
  {
    title: 'signs a SHA-256 digest with the non-repudiation key and authenticates with the authentication key, both verified against the certificates',
    async run({ page, token }) {
      const message = randomBytes(64);
      const signed = value(await sdkCall<Body<{ data: string }>>(page, 'generic', token.id, 'sign', [MODULE, { pin: token.pin, algorithm: 'sha256', data: digestOf('sha256', message).toString('base64') }, false]));
      expect(verifyMessageSignature(await certificate(page, token.id, 'nonRepudiationCertificate'), 'sha256', message, Buffer.from(signed.data.data, 'base64'))).toBe(true);
      const challenge = randomBytes(32);
      const auth = value(await sdkCall<Body<{ data: string }>>(page, 'generic', token.id, 'authenticate', [MODULE, { pin: token.pin, algorithm: 'sha256', data: digestOf('sha256', challenge).toString('base64') }]));
      expect(verifyMessageSignature(await certificate(page, token.id, 'authenticationCertificate'), 'sha256', challenge, Buffer.from(auth.data.data, 'base64'))).toBe(true);
    },
  },
];
