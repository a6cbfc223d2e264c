import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBeidPersona } from '../../../../fixtures/personas/index.js';
import { KEY_FAMILY_BY_PROFILE, personaKeys } from '../../../../fixtures/pki/index.js';
import { createBeidCard, type BeidCard } from '../../../../simulators/cards/beid/index.js';
import { CardLink } from '../../../../simulators/vpcd/card-link.js';
import { digestOf, verifyMessageSignature } from '../../../../conformance/support/beid-expected.js';
import { waitForReader } from '../../../readers/backend-suite.js';
import { DEFAULT_BOUNDS, EmbeddedBackend, embeddedReaderName } from '../../../readers/index.js';
import type { ConnectorApp } from '../../app.js';
import { call, testApp } from '../../test-support.js';

// HTTP tier: the BeID routes through inject(), over the embedded reader and the real BeID simulator.
describe('BeID routes (inject, embedded reader, simulator)', () => {
  const backend = new EmbeddedBackend({ ports: [0, 0] }, DEFAULT_BOUNDS);
  const links: CardLink[] = [];
  const cards: BeidCard[] = [];
  let app: ConnectorApp;
  const rid = (i: number): string => backend.list().find((r) => r.name === embeddedReaderName(i))!.id;
  const origin = 'https://app.example.test';

  beforeAll(async () => {
    await backend.start();
    for (const [i, [profile, persona]] of ([['beid-1.7', 'be-nl-adult'], ['beid-1.8', 'be-fr-adult']] as const).entries()) {
      const card = createBeidCard(profile, persona, { eofMode: 'short' });
      cards.push(card);
      const link = new CardLink(card, { port: backend.ports()[i]!, reconnect: false });
      links.push(link);
      await link.insert();
      await waitForReader(backend, embeddedReaderName(i), (r) => r.card !== null);
    }
    app = await testApp({ readers: backend, config: { cors: { allowedOrigins: [origin] } } });
  });

  afterAll(async () => {
    await app.close();
    for (const link of links) await link.remove();
    await backend.stop();
  });

  it('reads the identity of each card with its own persona', async () => {
    for (const [i, persona] of ['be-nl-adult', 'be-fr-adult'].entries()) {
      const res = await call(app, { method: 'GET', url: `/v3/modules/beid/apps/token/readers/${rid(i)}/biometric` });
      expect(res.statusCode, res.body).toBe(200);
      const data = res.json().data;
      expect(data.nationalNumber).toBe(loadBeidPersona(persona).identity.nationalNumber);
      expect(data.signatureValid).toBe(true);
    }
  });

  it('signs with the non-repudiation key and leaves no verified PIN behind', async () => {
    const pin = loadBeidPersona('be-nl-adult').pin;
    const message = randomBytes(32);
    const res = await call(app, {
      method: 'POST',
      url: `/v3/modules/beid/apps/token/readers/${rid(0)}/sign`,
      headers: { origin },
      payload: { algorithm: 'sha256', data: digestOf('sha256', message).toString('base64'), pin, base64Encoded: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    const cert = personaKeys('be-nl-adult', KEY_FAMILY_BY_PROFILE['beid-1.7'])!.nonRepudiation.certificate;
    expect(verifyMessageSignature(cert, 'sha256', message, Buffer.from(res.json().data.data, 'base64'))).toBe(true);
    // A signature straight after, without a PIN, must be refused by the connector before the card.
    const again = await call(app, { method: 'POST', url: `/v3/modules/beid/apps/token/readers/${rid(0)}/sign`, headers: { origin }, payload: { algorithm: 'sha256', data: digestOf('sha256', message).toString('base64') } });
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe(108003);
  });

  it('counts wrong PINs down and reports tries left with 412, never 401', async () => {
    const res = await call(app, { method: 'POST', url: `/v3/modules/beid/apps/token/readers/${rid(1)}/verify-pin`, headers: { origin }, payload: { pin: '0000' } });
    expect(res.statusCode).toBe(412);
    expect(res.json()).toMatchObject({ success: false, code: 608001, details: { triesLeft: 2 } });
    const ok = await call(app, { method: 'POST', url: `/v3/modules/beid/apps/token/readers/${rid(1)}/verify-pin`, headers: { origin }, payload: { pin: loadBeidPersona('be-fr-adult').pin } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data).toEqual({ verified: true });
  });

  it('answers a card pulled from the reader with its own code', async () => {
    await links[1]!.remove();
    await waitForReader(backend, embeddedReaderName(1), (r) => r.card === null);
    const res = await call(app, { method: 'GET', url: `/v3/modules/beid/apps/token/readers/${rid(1)}/biometric` });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe(702001);
  });
});
