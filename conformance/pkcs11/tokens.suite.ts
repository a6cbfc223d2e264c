import { X509Certificate, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { caCertificate } from '../../fixtures/pki/index.js';
import { digestOf, verifyMessageSignature } from '../support/beid-expected.js';
import { encryptPin } from '../support/device-key.js';
import type { ErrorBody } from '../support/fresh-card.js';
import { connectorClient, conformanceTarget } from '../support/target.js';

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

interface Certificates {
  certificates: { certificate: string; id?: string }[];
}

const PIN_WRONG = 608001;
const PIN_REQUIRED = 108003;
const HASHES = ['sha256', 'sha384', 'sha512'] as const;
const origin = { origin: target.allowedOrigin };
const tokens = (target.state?.tokens ?? []).flatMap((t) => (t.id ? [{ ...t, id: t.id }] : []));
const base = (id: string): string => `/v3/modules/pkcs11/apps/token/readers/${id}`;
/** A PIN of the same length that is not this token's. */
const wrongPin = (pin: string): string => pin.replace(/./g, (d) => String((Number(d) + 1) % 10));

async function certificate(id: string, route: 'authentication-cert' | 'nonrepudiation-cert'): Promise<Buffer> {
  const res = await api.get<{ data: Certificates }>(`${base(id)}/${route}`, origin);
  expect(res.status, res.text).toBe(200);
  return Buffer.from(res.body.data.certificates[0]!.certificate, 'base64');
}

async function sign(id: string, body: Record<string, unknown>, options: { query?: string; origin?: string | undefined } = {}) {
  return api.post<{ data: { data: string } } | ErrorBody>(`${base(id)}/sign${options.query ?? ''}`, body, 'origin' in options ? (options.origin ? { origin: options.origin } : {}) : origin);
}

describe.skipIf(tokens.length === 0)(`pkcs11 tokens [${target.backend}]`, () => {
  it('/v3/readers lists every token next to the card readers, served by the pkcs11 module', async () => {
    const res = await api.get<{ data: { id: string; name: string; card?: { modules: string[] } }[] }>('/v3/readers', origin);
    expect(res.status).toBe(200);
    for (const token of tokens) {
      const listed = res.body.data.find((r) => r.id === token.id);
      expect(listed?.name, token.label).toContain(token.label);
      expect(listed?.card?.modules).toEqual(['pkcs11']);
    }
    const cardReaders = (target.state?.readers ?? []).filter((r) => r.id !== undefined);
    for (const reader of cardReaders) expect(res.body.data.some((r) => r.id === reader.id)).toBe(true);
  });

  it('an unknown token id is "reader not found", not a library error', async () => {
    const res = await api.get<ErrorBody>(`${base('00000000deadbeef')}/info`, origin);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(701001);
  });

  it('a path that is not a PKCS#11 library is refused and the configured library keeps serving its tokens', async () => {
    const before = await api.get<{ data: Record<string, string> }>('/v3/modules/pkcs11/apps/token/config', origin);
    expect(before.status).toBe(200);
    const res = await api.post<ErrorBody>('/v3/modules/pkcs11/apps/token/config', { linux: '/etc/hostname' }, origin);
    expect(res.status, res.text).toBe(400);
    expect(res.body.success).toBe(false);
    const after = await api.get<{ data: Record<string, string> }>('/v3/modules/pkcs11/apps/token/config', origin);
    expect(after.body.data).toEqual(before.body.data);
    expect((await api.get(`${base(tokens[0]!.id)}/info`, origin)).status).toBe(200);
  });

  for (const token of tokens) {
    describe(token.label, () => {
      it('info: the PKCS11TokenInfo shape with the token label and its mechanisms', async () => {
        const res = await api.get<{ data: { info: { label: string; mechanisms: { mechanism: string }[] }; infoType: string; module: { name: string } } }>(`${base(token.id)}/info`, origin);
        expect(res.status, res.text).toBe(200);
        expect(res.body.data.infoType).toBe('PKCS11');
        expect(res.body.data.module.name).toBe('pkcs11');
        expect(res.body.data.info.label.trim()).toBe(token.label);
        expect(res.body.data.info.mechanisms.length).toBeGreaterThan(0);
      });

      it('certificates: authentication and non-repudiation, issued by the test PKI, the same in cert-list', async () => {
        const ca = new X509Certificate(caCertificate('citizenCa'));
        const auth = await certificate(token.id, 'authentication-cert');
        const nonRep = await certificate(token.id, 'nonrepudiation-cert');
        expect(auth.equals(nonRep)).toBe(false);
        for (const der of [auth, nonRep]) expect(new X509Certificate(der).verify(ca.publicKey)).toBe(true);
        const list = await api.get<{ data: { authenticationCertificate?: Certificates; nonRepudiationCertificate?: Certificates } }>(`${base(token.id)}/cert-list`, origin);
        expect(list.status, list.text).toBe(200);
        expect(Buffer.from(list.body.data.authenticationCertificate!.certificates[0]!.certificate, 'base64').equals(auth)).toBe(true);
        expect(Buffer.from(list.body.data.nonRepudiationCertificate!.certificates[0]!.certificate, 'base64').equals(nonRep)).toBe(true);
      });

      it('supported-algorithms: from the token mechanism list, including the three digests', async () => {
        const res = await api.get<{ data: { ref: string[] } }>(`${base(token.id)}/supported-algorithms`, origin);
        expect(res.status, res.text).toBe(200);
        expect(res.body.data.ref.length).toBeGreaterThan(0);
      });

      it('verify-pin: the right PIN (device-key encrypted) verifies; a wrong one is 412 Wrong PIN', async () => {
        const ok = await api.post<{ data: { verified: boolean } }>(`${base(token.id)}/verify-pin`, { pin: await encryptPin(api, token.pin), base64Encoded: true }, origin);
        expect(ok.status, ok.text).toBe(200);
        expect(ok.body.data.verified).toBe(true);
        const wrong = await api.post<ErrorBody>(`${base(token.id)}/verify-pin`, { pin: await encryptPin(api, wrongPin(token.pin)), base64Encoded: true }, origin);
        expect(wrong.status).toBe(412);
        expect(wrong.body.code).toBe(PIN_WRONG);
        expect(wrong.text).not.toContain(token.pin);
      });

      it('sign: every digest (and PSS on RSA) with the device-key encrypted PIN verifies against the returned certificate', async () => {
        const cert = await certificate(token.id, 'nonrepudiation-cert');
        const rsa = new X509Certificate(cert).publicKey.asymmetricKeyType === 'rsa';
        for (const hash of HASHES) {
          for (const padding of rsa ? (['pkcs1', 'pss'] as const) : (['pkcs1'] as const)) {
            const message = randomBytes(64);
            const res = await sign(token.id, { algorithm: hash, data: digestOf(hash, message).toString('base64'), pin: await encryptPin(api, token.pin), base64Encoded: true, ...(rsa ? { padding } : {}) });
            expect(res.status, `${hash} ${padding}: ${res.text}`).toBe(200);
            const signature = Buffer.from((res.body as { data: { data: string } }).data.data, 'base64');
            expect(verifyMessageSignature(cert, hash, message, signature, padding), `${hash} ${padding}`).toBe(true);
          }
        }
      });

      it('authenticate signs with the authentication key; validate accepts that signature and refuses a changed hash', async () => {
        const authCert = await certificate(token.id, 'authentication-cert');
        const message = randomBytes(32);
        const hash = digestOf('sha256', message).toString('base64');
        const res = await api.post<{ data: { data: string } }>(`${base(token.id)}/authenticate`, { algorithm: 'sha256', data: hash, pin: await encryptPin(api, token.pin), base64Encoded: true }, origin);
        expect(res.status, res.text).toBe(200);
        expect(verifyMessageSignature(authCert, 'sha256', message, Buffer.from(res.body.data.data, 'base64'))).toBe(true);

        const signed = await sign(token.id, { algorithm: 'sha256', data: hash, pin: await encryptPin(api, token.pin), base64Encoded: true });
        const signedHash = (signed.body as { data: { data: string } }).data.data;
        const valid = await api.post<{ data: { valid: boolean } }>(`${base(token.id)}/validate`, { algorithm: 'sha256', hash, signedHash }, origin);
        expect(valid.status, valid.text).toBe(200);
        expect(valid.body.data.valid).toBe(true);
        const other = digestOf('sha256', randomBytes(32)).toString('base64');
        const invalid = await api.post<{ data: { valid: boolean } }>(`${base(token.id)}/validate`, { algorithm: 'sha256', hash: other, signedHash }, origin);
        expect(invalid.body.data.valid).toBe(false);
      });

      it('a wrong PIN on sign is 412 Wrong PIN, and the next signature with the right PIN works', async () => {
        const digest = digestOf('sha256', randomBytes(16)).toString('base64');
        const wrong = await sign(token.id, { algorithm: 'sha256', data: digest, pin: await encryptPin(api, wrongPin(token.pin)), base64Encoded: true });
        expect(wrong.status).toBe(412);
        expect((wrong.body as ErrorBody).code).toBe(PIN_WRONG);
        const right = await sign(token.id, { algorithm: 'sha256', data: digest, pin: await encryptPin(api, token.pin), base64Encoded: true });
        expect(right.status, right.text).toBe(200);
      });
    });
  }

  it('concurrent callers on one token never share a login: wrong PINs fail, right PINs sign, interleaved', async () => {
    const token = tokens[0]!;
    const cert = await certificate(token.id, 'nonrepudiation-cert');
    const right = await encryptPin(api, token.pin);
    const wrong = await encryptPin(api, wrongPin(token.pin));
    const jobs = Array.from({ length: 24 }, async (_, i) => {
      const message = randomBytes(48);
      const good = i % 2 === 0;
      // Two callers: the web application (its Origin) and a back end (no Origin), each with its own PIN.
      const res = await sign(token.id, { algorithm: 'sha256', data: digestOf('sha256', message).toString('base64'), pin: good ? right : wrong, base64Encoded: true }, { origin: good ? target.allowedOrigin : undefined });
      if (!good) {
        expect(res.status, res.text).toBe(412);
        return;
      }
      expect(res.status, res.text).toBe(200);
      expect(verifyMessageSignature(cert, 'sha256', message, Buffer.from((res.body as { data: { data: string } }).data.data, 'base64'))).toBe(true);
    });
    await Promise.all(jobs);
  });

  it('bulk signing: a refused PIN is not kept; the caller who gave the right one signs without it; other callers never ride on it', async () => {
    const token = tokens[0]!;
    const digest = (): string => digestOf('sha256', randomBytes(16)).toString('base64');
    try {
      const refused = await sign(token.id, { algorithm: 'sha256', data: digest(), pin: await encryptPin(api, wrongPin(token.pin)), base64Encoded: true }, { query: '?bulk=true' });
      expect(refused.status).toBe(412);
      const notKept = await sign(token.id, { algorithm: 'sha256', data: digest() }, { query: '?bulk=true' });
      expect((notKept.body as ErrorBody).code, 'a wrong bulk PIN is not kept').toBe(PIN_REQUIRED);
      const first = await sign(token.id, { algorithm: 'sha256', data: digest(), pin: await encryptPin(api, token.pin), base64Encoded: true }, { query: '?bulk=true' });
      expect(first.status, first.text).toBe(200);
      const again = await sign(token.id, { algorithm: 'sha256', data: digest() }, { query: '?bulk=true' });
      expect(again.status, again.text).toBe(200);
      const withPinAgain = await sign(token.id, { algorithm: 'sha256', data: digest(), pin: await encryptPin(api, token.pin), base64Encoded: true }, { query: '?bulk=true' });
      expect(withPinAgain.status, `the bulk caller sends its PIN again: ${withPinAgain.text}`).toBe(200);
      expect((await sign(token.id, { algorithm: 'sha256', data: digest() }, { query: '?bulk=true' })).status).toBe(200);
      const stranger = await sign(token.id, { algorithm: 'sha256', data: digest() }, { query: '?bulk=true', origin: undefined });
      expect(stranger.status).toBe(400);
      expect((stranger.body as ErrorBody).code).toBe(PIN_REQUIRED);
      // The token may stay logged in for the bulk caller; another caller's wrong PIN must still fail, interleaved.
      const interleaved = await Promise.all([
        sign(token.id, { algorithm: 'sha256', data: digest(), pin: await encryptPin(api, wrongPin(token.pin)), base64Encoded: true }, { origin: undefined }),
        sign(token.id, { algorithm: 'sha256', data: digest() }, { query: '?bulk=true' }),
        sign(token.id, { algorithm: 'sha256', data: digest(), pin: await encryptPin(api, wrongPin(token.pin)), base64Encoded: true }, { query: '?bulk=true', origin: undefined }),
        sign(token.id, { algorithm: 'sha256', data: digest() }, { query: '?bulk=true' }),
      ]);
      expect(interleaved.map((r) => r.status)).toEqual([412, 200, 412, 200]);
    } finally {
      await api.post('/v3/modules/pkcs11/apps/token/reset-bulk-pin', undefined, origin);
    }
    const after = await sign(token.id, { algorithm: 'sha256', data: digest() }, { query: '?bulk=true' });
    expect((after.body as ErrorBody).code).toBe(PIN_REQUIRED);
  });
});

it.runIf(tokens.length === 0 && target.state !== null && process.env['T1C_LAB_STRICT'] === '1')('the lab has its PKCS#11 tokens (strict mode)', () => {
  expect(target.state?.tokens?.length ?? 0).toBeGreaterThan(0);
});
