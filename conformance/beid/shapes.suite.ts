import { afterAll, describe, expect } from 'vitest';
import { isBeidProfile } from '../support/beid-expected.js';
import { itIfCapable } from '../support/capabilities.js';
import { connectorClient, conformanceTarget, placedCards } from '../support/target.js';

/**
 * The exact JSON shapes of spec §6–§8 that other clients than the SDK rely on: every key the spec names is
 * there with its type, and nothing else but the documented t1c-lab additions.
 */
const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

const S = 'string';
const NEEDS: Record<string, string> = { biometric: 'read-identity', address: 'read-address', picture: 'read-photo', info: 'read-binary', version: 'get-card-data', 'supported-algorithms': 'select' };

const SHAPES: Record<string, { keys: Record<string, string>; extra?: Record<string, string> }> = {
  biometric: {
    keys: {
      birthDate: S, birthLocation: S, cardDeliveryMunicipality: S, cardNumber: S, cardValidityDateBegin: S, cardValidityDateEnd: S,
      chipNumber: S, documentType: S, firstNames: S, name: S, nationalNumber: S, nationality: S, nobleCondition: S, pictureHash: S,
      rawData: S, sex: S, signature: S, specialStatus: S, thirdName: S, version: 'number', issuer: S,
    },
    extra: { birthDateIso: S, signatureValid: 'boolean', duplicate: S },
  },
  address: { keys: { municipality: S, rawData: S, signature: S, streetAndNumber: S, version: 'number', zipcode: S }, extra: { signatureValid: 'boolean' } },
  picture: { keys: { picture: S, signature: S, width: 'number', height: 'number' } },
  info: { keys: { info: 'object', infoType: S, module: 'object' } },
  version: { keys: { version: S } },
  'supported-algorithms': { keys: { ref: 'object' } },
};

function checkShape(data: Record<string, unknown>, shape: { keys: Record<string, string>; extra?: Record<string, string> }): void {
  for (const [key, type] of Object.entries(shape.keys)) expect(typeof data[key], key).toBe(type);
  const allowed = new Set([...Object.keys(shape.keys), ...Object.keys(shape.extra ?? {})]);
  expect(Object.keys(data).filter((k) => !allowed.has(k))).toEqual([]);
}

for (const card of placedCards(target, isBeidProfile)) {
  const base = `/v3/modules/beid/apps/token/readers/${card.reader.id}`;
  describe(`beid shapes — ${card.profile}:${card.persona} [${target.backend}]`, () => {
    for (const route of Object.keys(SHAPES)) itIfCapable(card.profile, NEEDS[route]!)(`${route} has the spec shape in a {success, data} envelope`, async () => {
      const res = await api.get<{ success: boolean; data: Record<string, unknown> }>(`${base}/${route}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'success']);
      expect(res.body.success).toBe(true);
      checkShape(res.body.data, SHAPES[route]!);
    });


    itIfCapable(card.profile, 'read-certificates')('certificates carry base64 DER and the ≥ 3.6 fields', async () => {
      const res = await api.get<{ data: { certificates: Record<string, unknown>[] } }>(`${base}/root-cert`);
      const cert = res.body.data.certificates[0]!;
      for (const key of ['certificate', 'certificateType', 'id', 'subject', 'issuer', 'serialNumber']) expect(typeof cert[key], key).toBe('string');
      expect(Buffer.from(cert['certificate'] as string, 'base64')[0]).toBe(0x30);
    });

    itIfCapable(card.profile, 'verify-pin')('errors are {success:false, code, description} with a six-digit code', async () => {
      const res = await api.post<Record<string, unknown>>(`${base}/verify-pin`, { pin: 'nope' }, { origin: target.allowedOrigin });
      expect(res.status).toBe(400);
      expect(res.body['success']).toBe(false);
      expect(String(res.body['code'])).toMatch(/^\d{6}$/);
      expect(typeof res.body['description']).toBe('string');
    });
  });
}
