import { ConnectorError } from '../../../errors/index.js';
import {
  PAYMENT_CERTIFICATE_NAMES,
  readApplicationData,
  readApplications,
  readPaymentCertificate,
  readPaymentCertificates,
  requireEmvCard,
  verifyPaymentPin,
  type PaymentCertificateName,
} from '../../../modules/emv/index.js';
import { fromHex } from '../../../protocol/index.js';
import type { CardChannel, ReaderInfo } from '../../../readers/index.js';
import type { ModulePlugin, ModuleRoutes } from '../../module-routes.js';
import { ERROR_RESPONSES, FILTER_QUERY, NO_QUERY, READER_PARAMS, successEnvelope } from '../../schemas/index.js';
import { filterList, refuseUnsupportedPinEntry } from '../../token-input.js';
import * as S from './schemas.js';

const ok = <T>(data: T): { success: true; data: T } => ({ success: true, data });

const CERT_ROUTES: Readonly<Record<string, PaymentCertificateName>> = {
  'issuer-cert': 'issuerPublicCertificate',
  'icc-cert': 'ICCPublicCertificate',
};

/**
 * The EMV payment API under /v3/modules/emv (spec §4.7): applications, application data, the issuer and ICC
 * public-key certificates of one application, offline PIN verification. One card session per request.
 */
const emvPlugin: ModulePlugin = async (app, { context }) => {
  const P = '/apps/payment/readers/:readerId';
  const A = '/apps/payment/:aid/readers/:readerId';
  const fullPan = context.config.emv.fullPan;
  const emv = (channel: CardChannel): void => requireEmvCard(context.atrs.resolve(channel.atr));
  const get = { params: READER_PARAMS, querystring: NO_QUERY };

  app.get(`${P}/data`, { schema: { ...get, response: { 200: successEnvelope(S.APPLICATIONS), ...ERROR_RESPONSES } } }, async (request) =>
    ok(await context.withSession(request, request.params.readerId, async (ch) => (emv(ch), readApplications(ch)))),
  );
  app.get(`${P}/application-data`, { schema: { ...get, response: { 200: successEnvelope(S.APPLICATION_DATA), ...ERROR_RESPONSES } } }, async (request) =>
    ok(await context.withSession(request, request.params.readerId, async (ch) => (emv(ch), readApplicationData(ch, { fullPan })))),
  );
  for (const [route, name] of Object.entries(CERT_ROUTES)) {
    app.get(`${A}/${route}`, { schema: { params: S.AID_READER_PARAMS, querystring: NO_QUERY, response: { 200: successEnvelope(S.PAYMENT_CERTIFICATES), ...ERROR_RESPONSES } } }, async (request) => {
      const aid = fromHex(request.params.aid);
      return ok(await context.withSession(request, request.params.readerId, async (ch) => (emv(ch), readPaymentCertificate(ch, aid, name))));
    });
  }
  app.get(`${A}/cert-list`, { schema: { params: S.AID_READER_PARAMS, querystring: FILTER_QUERY, response: { 200: successEnvelope(S.PAYMENT_CERT_LIST), ...ERROR_RESPONSES } } }, async (request) => {
    const names = filterList(request.query, PAYMENT_CERTIFICATE_NAMES);
    const aid = fromHex(request.params.aid);
    return ok(await context.withSession(request, request.params.readerId, async (ch) => (emv(ch), readPaymentCertificates(ch, aid, names))));
  });

  app.post(`${P}/verify-pin`, { schema: { params: READER_PARAMS, querystring: NO_QUERY, body: S.VERIFY_PIN_BODY, response: { 200: successEnvelope(S.VERIFIED), ...ERROR_RESPONSES } } }, async (request) => {
    const reader = readerWithCard(request.params.readerId);
    const body = request.body ?? {};
    refuseUnsupportedPinEntry(body, reader.pinpad);
    const pin = body.pin === undefined ? null : context.decodePin(body.pin);
    if (!pin) throw new ConnectorError('ERR_PIN_REQUIRED');
    try {
      await context.withSession(request, reader.id, async (ch) => (emv(ch), verifyPaymentPin(ch, pin)));
    } finally {
      pin.fill(0);
    }
    return ok({ verified: true });
  });

  function readerWithCard(readerId: string): ReaderInfo {
    const reader = context.readers.get(readerId);
    if (!reader) throw new ConnectorError('ERR_READER_NOT_FOUND');
    if (!reader.card) throw new ConnectorError('ERR_CARD_NOT_PRESENT');
    return reader;
  }
};

export const EMV_ROUTES: ModuleRoutes = { name: 'emv', description: 'EMV payment cards', plugin: emvPlugin };
