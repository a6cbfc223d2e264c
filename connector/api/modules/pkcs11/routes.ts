import { ConnectorError } from '../../../errors/index.js';
import { BulkPinStore, withSigningPin } from '../../../modules/bulk-pin.js';
import { digestFromBase64, signingDigest } from '../../../modules/crypto/digests.js';
import {
  PKCS11_MODULE,
  TOKEN_CERTIFICATE_NAMES,
  certificateList,
  certificatesNamed,
  type Pkcs11Service,
  type Pkcs11Token,
  type TokenCertificateName,
  type TokenView,
} from '../../../modules/pkcs11/index.js';
import type { ModulePlugin, ModuleRoutes } from '../../module-routes.js';
import { ERROR_RESPONSES, FILTER_QUERY, NO_QUERY, READER_PARAMS, successEnvelope } from '../../schemas/index.js';
import { callerKey, filterList, refuseUnsupportedPinEntry } from '../../token-input.js';
import * as S from './schemas.js';

const ok = <T>(data: T): { success: true; data: T } => ({ success: true, data });

const CERT_ROUTES: Readonly<Record<string, TokenCertificateName>> = {
  'authentication-cert': 'authenticationCertificate',
  'nonrepudiation-cert': 'nonRepudiationCertificate',
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function base64(value: string, field: string): Buffer {
  if (!BASE64.test(value)) throw new ConnectorError('ERR_INPUT_INVALID', { message: `${field} is not base64` });
  return Buffer.from(value, 'base64');
}

/**
 * The PKCS#11 token API under /v3/modules/pkcs11 (spec §4.4, §4.5): the library configuration, and per token
 * info, certificates, PIN check, signing and validation. Each token operation runs on the token's own queue.
 */
const pkcs11Plugin: ModulePlugin = async (app, { context }) => {
  const bulk = new BulkPinStore();
  const onRemoved = (token: TokenView): void => bulk.clearReader(token.id);
  context.pkcs11?.events.on('token-removed', onRemoved);
  app.addHook('onClose', async () => {
    context.pkcs11?.events.off('token-removed', onRemoved);
    bulk.close();
  });

  const service = (): Pkcs11Service => {
    if (!context.pkcs11) throw new ConnectorError('ERR_PKCS11_UNAVAILABLE');
    return context.pkcs11;
  };
  const token = (id: string): Pkcs11Token => service().token(id);
  const configResponse = { 200: successEnvelope(S.LIBRARY_CONFIG), ...ERROR_RESPONSES };

  app.get('/apps/token/config', { schema: { querystring: NO_QUERY, response: configResponse } }, async () => ok(service().config()));
  app.post('/apps/token/config', { schema: { querystring: NO_QUERY, body: S.LIBRARY_CONFIG, response: configResponse } }, async (request) =>
    ok(await service().setConfig(request.body)),
  );
  app.patch('/apps/token/config/reset', { schema: { querystring: NO_QUERY, response: { 200: successEnvelope({ type: 'boolean' } as const), ...ERROR_RESPONSES } } }, async () => {
    await service().resetConfig();
    return ok(true);
  });

  const P = '/apps/token/readers/:readerId';
  const get = { params: READER_PARAMS, querystring: NO_QUERY };

  app.get(`${P}/info`, { schema: { ...get, response: { 200: successEnvelope(S.PKCS11_TOKEN_INFO), ...ERROR_RESPONSES } } }, async (request) =>
    ok({ info: await token(request.params.readerId).info(), infoType: 'PKCS11', module: { name: PKCS11_MODULE, isHashedByToken: false } }),
  );
  app.get(`${P}/supported-algorithms`, { schema: { ...get, response: { 200: successEnvelope(S.ALGORITHMS), ...ERROR_RESPONSES } } }, async (request) =>
    ok({ ref: await token(request.params.readerId).algorithms() }),
  );
  for (const [route, name] of Object.entries(CERT_ROUTES)) {
    app.get(`${P}/${route}`, { schema: { ...get, response: { 200: successEnvelope(S.CERTIFICATES), ...ERROR_RESPONSES } } }, async (request) =>
      ok(certificatesNamed(await token(request.params.readerId).certificates(), name)),
    );
  }
  app.get(`${P}/cert-list`, { schema: { params: READER_PARAMS, querystring: FILTER_QUERY, response: { 200: successEnvelope(S.PKCS11_CERT_LIST), ...ERROR_RESPONSES } } }, async (request) => {
    const names = filterList(request.query, TOKEN_CERTIFICATE_NAMES);
    return ok(certificateList(await token(request.params.readerId).certificates(), names));
  });

  app.post(`${P}/verify-pin`, { schema: { params: READER_PARAMS, querystring: NO_QUERY, body: S.VERIFY_PIN_BODY, response: { 200: successEnvelope(S.VERIFIED), ...ERROR_RESPONSES } } }, async (request) => {
    const target = token(request.params.readerId);
    refuseUnsupportedPinEntry(request.body, false);
    const pin = request.body.pin === undefined ? null : context.decodePin(request.body.pin);
    if (!pin) throw new ConnectorError('ERR_PIN_REQUIRED');
    try {
      await target.verifyPin(pin);
    } finally {
      pin.fill(0);
    }
    return ok({ verified: true });
  });

  type SignBody = { algorithm: string; data: string; pin?: string | boolean; osDialog?: boolean; id?: string; padding?: 'pkcs1' | 'pss' };
  const signRoute = (path: string, role: 'authentication' | 'nonRepudiation', raw: boolean, bulkAllowed: boolean): void => {
    app.post(
      `${P}/${path}`,
      { schema: { params: READER_PARAMS, querystring: bulkAllowed ? S.BULK_QUERY : NO_QUERY, body: S.SIGN_BODY, response: { 200: successEnvelope(S.SIGNATURE), ...ERROR_RESPONSES } } },
      async (request) => {
        const body: SignBody = request.body;
        const target = token(request.params.readerId);
        refuseUnsupportedPinEntry(body, false);
        const digest = signingDigest(body.algorithm);
        const input = raw ? { kind: 'raw' as const, data: base64(body.data, 'data') } : { kind: 'digest' as const, hash: digestFromBase64(body.data, digest) };
        const useBulk = bulkAllowed && (request.query as { bulk?: boolean }).bulk === true;
        const caller = callerKey(request.caller);
        const pin = body.pin === undefined ? null : context.decodePin(body.pin);
        const signature = await withSigningPin(bulk, { caller, readerId: target.id, bulk: useBulk, pin }, (secret, fromStore) =>
          target.sign({ keyId: body.id, role, digest, padding: body.padding ?? 'pkcs1', input, pin: secret, ...(useBulk ? { keepLoginFor: caller, reuseLogin: fromStore } : {}) }),
        );
        return ok({ data: signature.toString('base64') });
      },
    );
  };
  signRoute('sign', 'nonRepudiation', false, true);
  signRoute('sign_raw', 'nonRepudiation', true, true);
  signRoute('authenticate', 'authentication', false, false);

  app.post(`${P}/validate`, { schema: { params: READER_PARAMS, querystring: NO_QUERY, body: S.VALIDATE_BODY, response: { 200: successEnvelope(S.VALID), ...ERROR_RESPONSES } } }, async (request) => {
    const body = request.body;
    const target = token(request.params.readerId);
    const digest = signingDigest(body.algorithm);
    const valid = await target.validate({
      keyId: body.id,
      role: 'nonRepudiation',
      digest,
      padding: body.padding ?? 'pkcs1',
      hash: digestFromBase64(body.hash, digest),
      signature: base64(body.signedHash, 'signedHash'),
    });
    return ok({ valid });
  });

  const resetBulk = async (request: { caller: Parameters<typeof callerKey>[0] }): Promise<{ success: true; data: boolean }> => {
    bulk.clearCaller(callerKey(request.caller));
    return ok(true);
  };
  const resetSchema = { querystring: NO_QUERY, response: { 200: successEnvelope({ type: 'boolean' } as const), ...ERROR_RESPONSES } };
  app.get('/apps/token/reset-bulk-pin', { schema: resetSchema }, resetBulk);
  app.post('/apps/token/reset-bulk-pin', { schema: resetSchema }, resetBulk);
};

export const PKCS11_ROUTES: ModuleRoutes = { name: PKCS11_MODULE, description: 'PKCS#11 tokens', plugin: pkcs11Plugin };
