import { createHash } from 'node:crypto';
import { ConnectorError } from '../../../errors/index.js';
import { BulkPinStore, withSigningPin } from '../../../modules/bulk-pin.js';
import {
  ALL_DATA_PARTS,
  BEID_CERTIFICATE_NAMES,
  beidCardType,
  readAddress,
  readAllData,
  readBiometric,
  readCertificate,
  readCertificateList,
  readPicture,
  readTokenInfo,
  readVersion,
  sign,
  supportedAlgorithms,
  verifyPinOnCard,
  type BeidCardType,
  type BeidCertificateName,
} from '../../../modules/beid/index.js';
import { digestFromBase64, signingDigest } from '../../../modules/crypto/digests.js';
import type { CardChannel, ReaderInfo } from '../../../readers/index.js';
import type { ModulePlugin, ModuleRoutes } from '../../module-routes.js';
import { ERROR_RESPONSES, FILTER_QUERY, NO_QUERY, READER_PARAMS, successEnvelope } from '../../schemas/index.js';
import { callerKey, filterList, refuseUnsupportedPinEntry } from '../../token-input.js';
import * as S from './schemas.js';

const ok = <T>(data: T): { success: true; data: T } => ({ success: true, data });

const CERT_ROUTES: Readonly<Record<string, BeidCertificateName>> = {
  'root-cert': 'rootCertificate',
  'intermediate-certs': 'intermediateCertificates',
  'authentication-cert': 'authenticationCertificate',
  'nonrepudiation-cert': 'nonRepudiationCertificate',
  'encryption-cert': 'encryptionCertificate',
};

/** The BeID token API under /v3/modules/beid (spec §4.3). Routes validate, then run one card session each. */
const beidPlugin: ModulePlugin = async (app, { context }) => {
  const bulk = new BulkPinStore();
  const onRemoved = (reader: ReaderInfo): void => bulk.clearReader(reader.id);
  context.readers.events.on('card-removed', onRemoved);
  context.readers.events.on('reader-removed', onRemoved);
  app.addHook('onClose', async () => {
    context.readers.events.off('card-removed', onRemoved);
    context.readers.events.off('reader-removed', onRemoved);
    bulk.close();
  });

  const cardType = (channel: CardChannel): BeidCardType => beidCardType(context.atrs.resolve(channel.atr));
  const P = '/apps/token/readers/:readerId';
  const get = { params: READER_PARAMS, querystring: NO_QUERY };

  app.get(`${P}/biometric`, { schema: { ...get, response: { 200: successEnvelope(S.BIOMETRIC), ...ERROR_RESPONSES } } }, async (request) =>
    ok((await context.withSession(request, request.params.readerId, async (ch) => (cardType(ch), readBiometric(ch)))).biometric),
  );
  app.get(`${P}/address`, { schema: { ...get, response: { 200: successEnvelope(S.ADDRESS), ...ERROR_RESPONSES } } }, async (request) =>
    ok(await context.withSession(request, request.params.readerId, async (ch) => (cardType(ch), readAddress(ch)))),
  );
  app.get(`${P}/picture`, { schema: { ...get, response: { 200: successEnvelope(S.PICTURE), ...ERROR_RESPONSES } } }, async (request) =>
    ok(await context.withSession(request, request.params.readerId, async (ch) => (cardType(ch), readPicture(ch)))),
  );
  app.get(`${P}/all-data`, { schema: { params: READER_PARAMS, querystring: FILTER_QUERY, response: { 200: successEnvelope(S.ALL_DATA), ...ERROR_RESPONSES } } }, async (request) => {
    const parts = filterList(request.query, ALL_DATA_PARTS);
    return ok(await context.withSession(request, request.params.readerId, async (ch) => (cardType(ch), readAllData(ch, parts))));
  });
  app.get(`${P}/info`, { schema: { ...get, response: { 200: successEnvelope(S.TOKEN_INFO), ...ERROR_RESPONSES } } }, async (request) =>
    ok(await context.withSession(request, request.params.readerId, async (ch) => (cardType(ch), readTokenInfo(ch)))),
  );
  app.get(`${P}/version`, { schema: { ...get, response: { 200: successEnvelope(S.VERSION), ...ERROR_RESPONSES } } }, async (request) =>
    ok(await context.withSession(request, request.params.readerId, async (ch) => readVersion(ch, cardType(ch)))),
  );
  app.get(`${P}/supported-algorithms`, { schema: { ...get, response: { 200: successEnvelope(S.ALGORITHMS), ...ERROR_RESPONSES } } }, async (request) => {
    const reader = context.readers.get(request.params.readerId);
    if (!reader) throw new ConnectorError('ERR_READER_NOT_FOUND');
    if (!reader.card) throw new ConnectorError('ERR_CARD_NOT_PRESENT');
    return ok({ ref: supportedAlgorithms(beidCardType(context.atrs.resolve(reader.card.atr))) });
  });
  for (const [route, name] of Object.entries(CERT_ROUTES)) {
    app.get(`${P}/${route}`, { schema: { ...get, response: { 200: successEnvelope(S.CERTIFICATES), ...ERROR_RESPONSES } } }, async (request) =>
      ok(await context.withSession(request, request.params.readerId, async (ch) => (cardType(ch), readCertificate(ch, name)))),
    );
  }
  app.get(`${P}/cert-list`, { schema: { params: READER_PARAMS, querystring: FILTER_QUERY, response: { 200: successEnvelope(S.CERT_LIST), ...ERROR_RESPONSES } } }, async (request) => {
    const names = filterList(request.query, BEID_CERTIFICATE_NAMES);
    return ok(await context.withSession(request, request.params.readerId, async (ch) => (cardType(ch), readCertificateList(ch, names))));
  });

  app.post(`${P}/verify-pin`, { schema: { params: READER_PARAMS, querystring: NO_QUERY, body: S.VERIFY_PIN_BODY, response: { 200: successEnvelope(S.VERIFIED), ...ERROR_RESPONSES } } }, async (request) => {
    const reader = readerWithCard(request.params.readerId);
    refuseUnsupportedPinEntry(request.body, reader.pinpad);
    const pin = request.body.pin === undefined ? null : context.decodePin(request.body.pin);
    if (!pin) throw new ConnectorError('ERR_PIN_REQUIRED');
    try {
      await context.withSession(request, reader.id, async (ch) => (cardType(ch), verifyPinOnCard(ch, pin)));
    } finally {
      pin.fill(0);
    }
    return ok({ verified: true });
  });

  type SignBody = { algorithm: string; data: string; pin?: string | boolean; osDialog?: boolean; padding?: 'pkcs1' | 'pss' };
  const signRoute = (path: string, key: 'authentication' | 'nonRepudiation', raw: boolean, bulkAllowed: boolean): void => {
    app.post(
      `${P}/${path}`,
      { schema: { params: READER_PARAMS, querystring: bulkAllowed ? S.BULK_QUERY : NO_QUERY, body: S.SIGN_BODY, response: { 200: successEnvelope(S.SIGNATURE), ...ERROR_RESPONSES } } },
      async (request) => {
        const body: SignBody = request.body;
        const reader = readerWithCard(request.params.readerId);
        refuseUnsupportedPinEntry(body, reader.pinpad);
        const digest = signingDigest(body.algorithm);
        const hash = raw ? hashRaw(digest.nodeName, body.data) : digestFromBase64(body.data, digest);
        const useBulk = bulkAllowed && (request.query as { bulk?: boolean }).bulk === true;
        const caller = callerKey(request.caller);
        const pin = body.pin === undefined ? null : context.decodePin(body.pin);
        const signature = await withSigningPin(bulk, { caller, readerId: reader.id, bulk: useBulk, pin }, (secret) =>
          context.withSession(request, reader.id, (ch) => sign(ch, cardType(ch), { key, digest, hash, padding: body.padding ?? 'pkcs1', pin: secret })),
        );
        return ok({ data: signature.toString('base64') });
      },
    );
  };
  signRoute('sign', 'nonRepudiation', false, true);
  signRoute('sign_raw', 'nonRepudiation', true, true);
  signRoute('authenticate', 'authentication', false, false);

  const resetBulk = async (request: { caller: Parameters<typeof callerKey>[0] }): Promise<{ success: true; data: boolean }> => {
    bulk.clearCaller(callerKey(request.caller));
    return ok(true);
  };
  const resetSchema = { querystring: NO_QUERY, response: { 200: successEnvelope({ type: 'boolean' } as const), ...ERROR_RESPONSES } };
  app.get('/apps/token/reset-bulk-pin', { schema: resetSchema }, resetBulk);
  app.post('/apps/token/reset-bulk-pin', { schema: resetSchema }, resetBulk);

  function readerWithCard(readerId: string): ReaderInfo {
    const reader = context.readers.get(readerId);
    if (!reader) throw new ConnectorError('ERR_READER_NOT_FOUND');
    if (!reader.card) throw new ConnectorError('ERR_CARD_NOT_PRESENT');
    return reader;
  }
};

function hashRaw(algorithm: string, data: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new ConnectorError('ERR_INPUT_INVALID', { message: 'data is not base64' });
  return createHash(algorithm).update(Buffer.from(data, 'base64')).digest();
}

export const BEID_ROUTES: ModuleRoutes = { name: 'beid', description: 'Belgian eID', plugin: beidPlugin };
