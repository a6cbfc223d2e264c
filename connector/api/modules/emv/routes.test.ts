import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emvCaKeys, emvIccKeys, recoverPublicKeyCertificate } from '../../../../fixtures/emv/index.js';
import { loadEmvPersona } from '../../../../fixtures/personas/index.js';
import type { VirtualCard } from '../../../../simulators/cards/card.js';
import { EMV_AID, createEmvCard, loadEmvCardData, type EmvCard } from '../../../../simulators/cards/emv/index.js';
import { IsoEchoCard } from '../../../../simulators/cards/iso-echo/index.js';
import { CardLink } from '../../../../simulators/vpcd/card-link.js';
import { waitForReader } from '../../../readers/backend-suite.js';
import { DEFAULT_BOUNDS, EmbeddedBackend, embeddedReaderName } from '../../../readers/index.js';
import type { ConnectorApp } from '../../app.js';
import { call, testApp } from '../../test-support.js';

const persona = loadEmvPersona('emv-debit-1');
const WRONG = persona.pin === '0000' ? '1111' : '0000';
const origin = 'https://app.example.test';

/** The readers of this test, in port order: one card each. */
const CARDS: Record<string, () => VirtualCard> = {
  normal: () => createEmvCard('emv-debit-1'),
  noPse: () => createEmvCard('emv-debit-1', { pse: false }),
  bancontactBlocked: () => createEmvCard('emv-debit-1', { blockedApplications: [EMV_AID.BANCONTACT] }),
  allBlocked: () => createEmvCard('emv-debit-1', { pse: false, blockedApplications: [EMV_AID.BANCONTACT, EMV_AID.MAESTRO] }),
  cardBlocked: () => createEmvCard('emv-debit-1', { cardBlocked: true }),
  pinTests: () => createEmvCard('emv-debit-1'),
  isoEcho: () => new IsoEchoCard(),
};
const NAMES = Object.keys(CARDS);

// HTTP tier: the emv routes through inject(), over the embedded reader and the EMV simulator and its variants.
describe('EMV routes (inject, embedded reader, simulator)', () => {
  const backend = new EmbeddedBackend({ ports: NAMES.map(() => 0) }, DEFAULT_BOUNDS);
  const links: CardLink[] = [];
  const cards = new Map<string, VirtualCard>();
  let app: ConnectorApp;
  let fullPanApp: ConnectorApp;
  const rid = (name: string): string => backend.list().find((r) => r.name === embeddedReaderName(NAMES.indexOf(name)))!.id;
  const P = (name: string): string => `/v3/modules/emv/apps/payment/readers/${rid(name)}`;
  const A = (aid: string, name = 'normal'): string => `/v3/modules/emv/apps/payment/${aid}/readers/${rid(name)}`;
  const get = (url: string, on = app) => call(on, { method: 'GET', url });
  const verify = (name: string, pin: unknown) => call(app, { method: 'POST', url: `${P(name)}/verify-pin`, headers: { origin }, payload: { pin, osDialog: false, base64Encoded: false } });

  beforeAll(async () => {
    await backend.start();
    for (const [i, name] of NAMES.entries()) {
      const card = CARDS[name]!();
      cards.set(name, card);
      const link = new CardLink(card, { port: backend.ports()[i]!, reconnect: false });
      links.push(link);
      await link.insert();
      await waitForReader(backend, embeddedReaderName(i), (r) => r.card !== null);
    }
    app = await testApp({ readers: backend, config: { cors: { allowedOrigins: [origin] } } });
    fullPanApp = await testApp({ readers: backend, config: { emv: { fullPan: true } } });
  });

  afterAll(async () => {
    await app.close();
    await fullPanApp.close();
    for (const link of links) await link.remove();
    await backend.stop();
  });

  it('lists the applications from the PSE, highest priority first', async () => {
    const res = await get(`${P('normal')}/data`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      success: true,
      data: {
        applications: [
          { aid: EMV_AID.BANCONTACT, name: 'BANCONTACT', priority: 1 },
          { aid: EMV_AID.MAESTRO, name: 'MAESTRO', priority: 2 },
        ],
        selectionMethod: 'pse',
      },
    });
  });

  it('finds the applications of a card without PSE from the known AIDs, and says so', async () => {
    const res = await get(`${P('noPse')}/data`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.selectionMethod).toBe('aid-list');
    expect(res.json().data.applications.map((a: { aid: string }) => a.aid)).toEqual([EMV_AID.BANCONTACT, EMV_AID.MAESTRO]);
    const data = await get(`${P('noPse')}/application-data`);
    expect(data.statusCode).toBe(200);
    expect(data.json().data.aid).toBe(EMV_AID.BANCONTACT);
  });

  it('reads application data with the PAN masked, or in full when configured', async () => {
    const res = await get(`${P('normal')}/application-data`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({
      aid: EMV_AID.BANCONTACT,
      country: 'BE',
      countryCode: '0056',
      effectiveDate: '261201',
      expirationDate: '311231',
      language: 'nl',
      name: persona.cardholderName,
      pan: `${persona.pan.slice(0, 6)}xxxxxxx${persona.pan.slice(-4)}`,
    });
    expect(res.body).not.toContain(persona.pan);
    const full = await get(`${P('normal')}/application-data`, fullPanApp);
    expect(full.json().data.pan).toBe(persona.pan);
  });

  it('returns issuer and ICC certificates, base64, that recover with the test CA and the card\'s static data', async () => {
    for (const aid of [EMV_AID.BANCONTACT, EMV_AID.MAESTRO.toLowerCase()]) {
      const issuer = await get(`${A(aid)}/issuer-cert`);
      const icc = await get(`${A(aid)}/icc-cert`);
      expect([issuer.statusCode, icc.statusCode], issuer.body).toEqual([200, 200]);
      const decode = (body: { certificates: { certificate: string; exponent: string; remainder: string }[] }) => {
        const c = body.certificates[0]!;
        return { certificate: Buffer.from(c.certificate, 'base64'), exponent: Buffer.from(c.exponent, 'base64'), remainder: Buffer.from(c.remainder, 'base64') };
      };
      const issuerKey = recoverPublicKeyCertificate(decode(issuer.json().data), emvCaKeys().publicKey, 0x02);
      expect(issuerKey).toMatchObject({ wellFormed: true, hashMatches: true });
      const iccKey = recoverPublicKeyCertificate(decode(icc.json().data), issuerKey.publicKey, 0x04, loadEmvCardData('emv-debit-1').staticData);
      expect(iccKey).toMatchObject({ wellFormed: true, hashMatches: true });
      expect(iccKey.publicKey.modulus.equals(emvIccKeys('emv-debit-1').publicKey.modulus)).toBe(true);
    }
    const list = await get(`${A(EMV_AID.MAESTRO)}/cert-list?filter=ICCPublicCertificate`);
    expect(Object.keys(list.json().data)).toEqual(['ICCPublicCertificate']);
    expect((await get(`${A(EMV_AID.MAESTRO)}/cert-list?filter=rootCertificate`)).statusCode).toBe(400);
  });

  it('gives an unknown AID, a blocked application, a blocked card and a card with nothing usable their own codes', async () => {
    const unknown = await get(`${A('A0000000031010')}/icc-cert`);
    expect([unknown.statusCode, unknown.json().code]).toEqual([422, 602020]);
    expect(unknown.json().details).toEqual({ aid: 'A0000000031010' });
    expect((await get(`${A('A00000')}/icc-cert`)).statusCode).toBe(400);
    const blocked = await get(`${A(EMV_AID.BANCONTACT, 'bancontactBlocked')}/icc-cert`);
    expect([blocked.statusCode, blocked.json().code]).toEqual([422, 602021]);
    const cardBlocked = await get(`${P('cardBlocked')}/data`);
    expect([cardBlocked.statusCode, cardBlocked.json().code]).toEqual([422, 602022]);
    const nothing = await get(`${P('allBlocked')}/data`);
    expect([nothing.statusCode, nothing.json().code]).toEqual([422, 602021]);
  });

  it('skips a blocked application as a terminal does: application data and PIN come from the next one', async () => {
    const data = await get(`${P('bancontactBlocked')}/application-data`);
    expect(data.statusCode, data.body).toBe(200);
    expect(data.json().data.aid).toBe(EMV_AID.MAESTRO);
    expect((await verify('bancontactBlocked', persona.pin)).statusCode).toBe(200);
  });

  it('refuses a card the emv module does not serve', async () => {
    const res = await get(`${P('isoEcho')}/data`);
    expect([res.statusCode, res.json().code]).toEqual([422, 611002]);
  });

  it('verifies the offline PIN: tries left with 412, blocked after three (then no VERIFY is spent), never 401', async () => {
    const card = cards.get('pinTests') as EmvCard;
    expect((await verify('pinTests', persona.pin)).json()).toEqual({ success: true, data: { verified: true } });
    for (const left of [2, 1]) {
      const res = await verify('pinTests', WRONG);
      expect(res.statusCode).toBe(412);
      expect(res.json()).toMatchObject({ success: false, code: 608001, details: { triesLeft: left } });
    }
    const third = await verify('pinTests', WRONG);
    expect([third.statusCode, third.json().code]).toEqual([412, 608002]);
    expect(card.pinTriesLeft).toBe(0);
    const after = await verify('pinTests', persona.pin);
    expect([after.statusCode, after.json().code]).toEqual([412, 608002]);
    expect(card.pinTriesLeft).toBe(0);
  });

  it('refuses a missing or malformed PIN, and OS dialogs, before the card', async () => {
    const card = cards.get('normal') as EmvCard;
    const missing = await call(app, { method: 'POST', url: `${P('normal')}/verify-pin`, headers: { origin }, payload: {} });
    expect([missing.statusCode, missing.json().code]).toEqual([400, 108003]);
    expect((await verify('normal', false)).json().code).toBe(108001);
    expect((await verify('normal', '12ab')).json().code).toBe(108001);
    const dialog = await call(app, { method: 'POST', url: `${P('normal')}/verify-pin`, headers: { origin }, payload: { pin: persona.pin, osDialog: true } });
    expect(dialog.json().code).toBe(108002);
    expect(card.pinTriesLeft).toBe(3);
  });
});
