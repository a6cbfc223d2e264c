import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCapability } from '../../fixtures/cards/index.js';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { KEY_FAMILY_BY_PROFILE, personaKeys } from '../../fixtures/pki/index.js';
import { digestOf, beidExpectations, isBeidProfile, verifyMessageSignature } from '../support/beid-expected.js';
import { connectorClient, conformanceTarget, placedCards } from '../support/target.js';

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

const cards = placedCards(target, isBeidProfile).filter((c) => hasCapability(c.profile, 'verify-pin') && personaKeys(c.persona!, KEY_FAMILY_BY_PROFILE[beidExpectations(c.profile)]));
const distinct = new Set(cards.map((c) => c.persona)).size === cards.length;

describe(`beid concurrency [${target.backend}]`, () => {
  it.skipIf(cards.length < 2 || !distinct)('two cards with different personas serve interleaved requests without ever mixing sessions', async () => {
    const jobs = Array.from({ length: 24 }, (_, i) => {
      const card = cards[i % cards.length]!;
      const profile = beidExpectations(card.profile);
      const base = `/v3/modules/beid/apps/token/readers/${card.reader.id}`;
      if (i % 3 === 2) {
        return api.get<{ data: { nationalNumber: string } }>(`${base}/biometric`).then((res) => {
          expect(res.status).toBe(200);
          expect(res.body.data.nationalNumber).toBe(loadBeidPersona(card.persona!).identity.nationalNumber);
        });
      }
      const message = randomBytes(40);
      return api
        .post<{ data: { data: string } }>(`${base}/sign`, { algorithm: 'sha256', data: digestOf('sha256', message).toString('base64'), pin: card.pin }, { origin: target.allowedOrigin })
        .then((res) => {
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          const cert = personaKeys(card.persona!, KEY_FAMILY_BY_PROFILE[profile])!.nonRepudiation.certificate;
          expect(verifyMessageSignature(cert, 'sha256', message, Buffer.from(res.body.data.data, 'base64'))).toBe(true);
        });
    });
    await Promise.all(jobs);
  });
});
