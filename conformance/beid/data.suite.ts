import { afterAll, describe, expect, it } from 'vitest';
import { expectFields, expectedAddress, expectedBiometric, expectedCertificates, expectedPhoto, beidExpectations, isBeidProfile } from '../support/beid-expected.js';
import { itIfCapable } from '../support/capabilities.js';
import { connectorClient, conformanceTarget, placedCards } from '../support/target.js';

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

interface Envelope<T> {
  success: boolean;
  data: T;
}
interface CertificateEntry {
  certificate: string;
  certificateType: string;
  id: string;
}

const CERTIFICATE_ROUTES = {
  rootCertificate: 'root-cert',
  intermediateCertificates: 'intermediate-certs',
  authenticationCertificate: 'authentication-cert',
  nonRepudiationCertificate: 'nonrepudiation-cert',
  encryptionCertificate: 'encryption-cert',
} as const;

for (const card of placedCards(target, isBeidProfile)) {
  const profile = beidExpectations(card.profile);
  const persona = card.persona!;
  const base = `/v3/modules/beid/apps/token/readers/${card.reader.id}`;

  const can = (capabilities: string | string[]) => itIfCapable(card.profile, capabilities);
  describe(`beid data — ${card.profile}:${persona} [${target.backend}]`, () => {
    can(['read-identity', 'rrn-signatures'])('biometric: every identity field as on the card, RRN signature verified', async () => {
      const res = await api.get<Envelope<Record<string, unknown>>>(`${base}/biometric`);
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expectFields(res.body.data, expectedBiometric(persona, profile), expect);
      expect(res.body.data['signatureValid']).toBe(true);
      expect(typeof res.body.data['rawData']).toBe('string');
      expect(typeof res.body.data['pictureHash']).toBe('string');
    });

    can(['read-address', 'rrn-signatures'])('address: street, zip and municipality, RRN signature verified', async () => {
      const res = await api.get<Envelope<Record<string, unknown>>>(`${base}/address`);
      expect(res.status).toBe(200);
      expectFields(res.body.data, { ...expectedAddress(persona), signatureValid: true }, expect);
    });

    can('read-photo')('picture: the photo byte for byte, with its size', async () => {
      const res = await api.get<Envelope<{ picture: string; width: number; height: number }>>(`${base}/picture`);
      expect(res.status).toBe(200);
      expect(Buffer.from(res.body.data.picture, 'base64').equals(expectedPhoto(persona))).toBe(true);
      expect(res.body.data.width).toBeGreaterThan(0);
      expect(res.body.data.height).toBeGreaterThan(0);
    });

    can(['read-identity', 'read-address', 'read-photo'])('all-data honours the filter and checks the photo hash', async () => {
      const res = await api.get<Envelope<Record<string, Record<string, unknown>>>>(`${base}/all-data?filter=biometric,picture`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.data).sort()).toEqual(['biometric', 'picture']);
      expect(res.body.data['picture']!['pictureHashValid']).toBe(true);
      const all = await api.get<Envelope<Record<string, unknown>>>(`${base}/all-data`);
      expect(Object.keys(all.body.data).sort()).toEqual(['address', 'biometric', 'picture']);
    });

    can('read-certificates')('every certificate route returns the card certificate byte for byte (≥ 3.6 shape)', async () => {
      const expected = expectedCertificates(persona, profile);
      for (const [name, route] of Object.entries(CERTIFICATE_ROUTES)) {
        const res = await api.get<Envelope<{ certificates: CertificateEntry[] }>>(`${base}/${route}`);
        const der = expected[name];
        if (!der) {
          expect(res.status, `${route} on a card without it`).toBe(422);
          continue;
        }
        expect(res.status, route).toBe(200);
        expect(res.body.data.certificates).toHaveLength(1);
        expect(Buffer.from(res.body.data.certificates[0]!.certificate, 'base64').equals(der), route).toBe(true);
      }
    });

    can('read-certificates')('cert-list returns all certificates, or the filtered ones', async () => {
      const expected = expectedCertificates(persona, profile);
      const all = await api.get<Envelope<Record<string, { certificates: CertificateEntry[] }>>>(`${base}/cert-list`);
      expect(all.status).toBe(200);
      expect(Object.keys(all.body.data).sort()).toEqual(Object.keys(expected).sort());
      const some = await api.get<Envelope<Record<string, unknown>>>(`${base}/cert-list?filter=rootCertificate,encryptionCertificate`);
      expect(Object.keys(some.body.data).sort()).toEqual(['encryptionCertificate', 'rootCertificate']);
    });

    can('get-card-data')('token info and applet version', async () => {
      const info = await api.get<Envelope<{ info: { label: string; serialNumber: string }; infoType: string }>>(`${base}/info`);
      expect(info.status).toBe(200);
      expect(info.body.data.info.label).toBe('BELPIC');
      expect(info.body.data.info.serialNumber).toBe(expectedBiometric(persona, profile)['chipNumber']);
      const version = await api.get<Envelope<{ version: string }>>(`${base}/version`);
      expect(version.body.data.version).toBe(profile === 'beid-1.8' ? '1.8' : '1.7');
    });

    it('supported-algorithms lists the SHA-2 family', async () => {
      const res = await api.get<Envelope<{ ref: string[] }>>(`${base}/supported-algorithms`);
      expect(res.status).toBe(200);
      expect(res.body.data.ref).toEqual(expect.arrayContaining(['sha256', 'sha384', 'sha512']));
    });
  });
}
