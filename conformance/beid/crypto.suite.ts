import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { KEY_FAMILY_BY_PROFILE, personaKeys } from '../../fixtures/pki/index.js';
import { digestOf, beidExpectations, isBeidProfile, verifyMessageSignature } from '../support/beid-expected.js';
import { hasCapability } from '../../fixtures/cards/index.js';
import { itIfCapable } from '../support/capabilities.js';
import { encryptPin } from '../support/device-key.js';
import { connectorClient, conformanceTarget, placedCards } from '../support/target.js';

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

interface ErrorBody {
  success: false;
  code: number;
  description: string;
  details?: { triesLeft?: number };
}

const encryptedPin = (pin: string): Promise<string> => encryptPin(api, pin);

for (const card of placedCards(target, isBeidProfile)) {
  const profile = beidExpectations(card.profile);
  const persona = card.persona!;
  const keys = personaKeys(persona, KEY_FAMILY_BY_PROFILE[profile]);
  const base = `/v3/modules/beid/apps/token/readers/${card.reader.id}`;
  const origin = { origin: target.allowedOrigin };

  const signCapability = hasCapability(card.profile, 'sign-ecdsa') ? 'sign-ecdsa' : 'sign-rsa-pkcs1';
  const can = (capabilities: string | string[]) => itIfCapable(card.profile, capabilities);
  describe(`beid crypto — ${card.profile}:${persona} [${target.backend}]`, () => {
    can('verify-pin')('verify-pin: the right PIN verifies; a wrong one is a 412 with tries left, and the right one restores them', async () => {
      const ok = await api.post<{ data: { verified: boolean } }>(`${base}/verify-pin`, { pin: card.pin, base64Encoded: true }, origin);
      expect(ok.status).toBe(200);
      expect(ok.body.data.verified).toBe(true);
      const wrong = await api.post<ErrorBody>(`${base}/verify-pin`, { pin: wrongPin(card.pin!), base64Encoded: true }, origin);
      expect(wrong.status).toBe(412);
      expect(wrong.body.success).toBe(false);
      expect(wrong.body.details?.triesLeft).toBe(2);
      const again = await api.post<{ data: { verified: boolean } }>(`${base}/verify-pin`, { pin: await encryptedPin(card.pin!), base64Encoded: true }, origin);
      expect(again.body.data.verified).toBe(true);
      const wrongAgain = await api.post<ErrorBody>(`${base}/verify-pin`, { pin: wrongPin(card.pin!) }, origin);
      expect(wrongAgain.body.details?.triesLeft).toBe(2);
      await api.post(`${base}/verify-pin`, { pin: card.pin }, origin);
    });

    (keys ? can(['verify-pin', signCapability]) : it.skip)('sign: SHA-256/384/512 with the non-repudiation key, PIN encrypted with the device key', async () => {
      for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
        const message = randomBytes(100);
        const res = await api.post<{ success: boolean; data: { data: string } }>(
          `${base}/sign`,
          { algorithm: hash, data: digestOf(hash, message).toString('base64'), pin: await encryptedPin(card.pin!), base64Encoded: true },
          origin,
        );
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.success).toBe(true);
        const signature = Buffer.from(res.body.data.data, 'base64');
        expect(verifyMessageSignature(keys!.nonRepudiation.certificate, hash, message, signature)).toBe(true);
        expect(verifyMessageSignature(keys!.authentication.certificate, hash, message, signature)).toBe(false);
      }
    });

    (keys ? can(['verify-pin', signCapability]) : it.skip)('authenticate signs with the authentication key', async () => {
      const message = randomBytes(48);
      const res = await api.post<{ data: { data: string } }>(`${base}/authenticate`, { algorithm: 'SHA256', data: digestOf('sha256', message).toString('base64'), pin: card.pin }, origin);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(verifyMessageSignature(keys!.authentication.certificate, 'sha256', message, Buffer.from(res.body.data.data, 'base64'))).toBe(true);
    });

    (keys ? can(['verify-pin', 'sign-rsa-pss']) : it.skip)('sign with RSA-PSS when asked for (padding: "pss")', async () => {
      const message = randomBytes(64);
      const res = await api.post<{ data: { data: string } }>(`${base}/sign`, { algorithm: 'sha256', padding: 'pss', data: digestOf('sha256', message).toString('base64'), pin: card.pin }, origin);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(verifyMessageSignature(keys!.nonRepudiation.certificate, 'sha256', message, Buffer.from(res.body.data.data, 'base64'), 'pss')).toBe(true);
    });

    (keys ? can(['verify-pin', signCapability]) : it.skip)('sign_raw hashes the data in the connector', async () => {
      const message = randomBytes(300);
      const res = await api.post<{ data: { data: string } }>(`${base}/sign_raw`, { algorithm: 'sha384', data: message.toString('base64'), pin: card.pin }, origin);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(verifyMessageSignature(keys!.nonRepudiation.certificate, 'sha384', message, Buffer.from(res.body.data.data, 'base64'))).toBe(true);
    });

    (keys ? can(['verify-pin', signCapability]) : it.skip)('bulk signing keeps the PIN for the caller until reset-bulk-pin', async () => {
      const sign = (pin?: string) =>
        api.post<{ data: { data: string } } & ErrorBody>(
          `${base}/sign?bulk=true`,
          { algorithm: 'sha256', data: digestOf('sha256', randomBytes(10)).toString('base64'), ...(pin ? { pin } : {}) },
          origin,
        );
      expect((await sign(card.pin!)).status).toBe(200);
      expect((await sign()).status).toBe(200);
      // Another caller (here a back end without Origin) never benefits from this caller's PIN.
      const other = await api.post<ErrorBody>(`${base}/sign?bulk=true`, { algorithm: 'sha256', data: digestOf('sha256', Buffer.from('x')).toString('base64') });
      expect(other.status).toBe(400);
      const reset = await api.get<{ data: boolean }>('/v3/modules/beid/apps/token/reset-bulk-pin', origin);
      expect(reset.status).toBe(200);
      const after = await sign();
      expect(after.status).toBe(400);
      const resetPost = await api.post<{ data: boolean }>('/v3/modules/beid/apps/token/reset-bulk-pin', undefined, origin);
      expect(resetPost.status).toBe(200);
    });

    it('refuses bad signing input with coded JSON errors before touching the card', async () => {
      const digest = digestOf('sha256', Buffer.from('t1c')).toString('base64');
      const cases: [Record<string, unknown>, number][] = [
        [{ algorithm: 'sha256', data: Buffer.alloc(31).toString('base64'), pin: card.pin }, 400],
        [{ algorithm: 'md5', data: digest, pin: card.pin }, 400],
        [{ algorithm: 'sha256', data: digest, pin: false }, 400],
        [{ algorithm: 'sha256', data: digest, pin: '12' }, 400],
        [{ algorithm: 'sha256', data: digest, pin: card.pin, surprise: 1 }, 400],
        [{ algorithm: 'sha256', data: digest, osDialog: true }, 400],
      ];
      for (const [body, status] of cases) {
        const res = await api.post<ErrorBody>(`${base}/sign`, body, origin);
        expect(res.status, JSON.stringify(body)).toBe(status);
        expect(res.body.success).toBe(false);
        expect(String(res.body.code)).toMatch(/^\d{6}$/);
        expect(res.text).not.toContain(card.pin!);
      }
      const malformed = await api.request<ErrorBody>(`${base}/sign`, { method: 'POST', rawBody: '{"algorithm":', ...origin });
      expect(malformed.status).toBe(400);
      expect(malformed.body.success).toBe(false);
    });
  });
}

function wrongPin(pin: string): string {
  return pin.split('').map((d) => String((Number(d) + 1) % 10)).join('');
}
