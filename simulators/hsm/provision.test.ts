import { X509Certificate, createHash, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PKCS11 } from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caCertificate } from '../../fixtures/pki/index.js';
import { loadPkcs11js, provisionSoftHsm, type ProvisionedHsm } from './provision.js';
import { LAB_TOKENS } from './plan.js';
import { SOFTHSM_CONF_ENV, SOFTHSM_MODULE, removeSoftHsmDir, softHsmInstalled } from './softhsm.js';

const strict = process.env['T1C_LAB_STRICT'] === '1';
const available = softHsmInstalled();

describe.skipIf(!available && !strict)('SoftHSM provisioning for the lab', () => {
  let root: string;
  let hsm: ProvisionedHsm;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 't1c-hsm-'));
    hsm = await provisionSoftHsm(path.join(root, 'softhsm'));
  }, 60_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('initialises one token per plan entry, in its own token directory, found by label', () => {
    expect(hsm.tokens.map((t) => t.label)).toEqual(LAB_TOKENS.map((t) => t.label));
    expect(new Set(hsm.tokens.map((t) => t.serialNumber)).size).toBe(hsm.tokens.length);
    expect(readdirSync(hsm.tokenDir)).toHaveLength(hsm.tokens.length);
    expect(hsm.env[SOFTHSM_CONF_ENV]).toBe(hsm.confPath);
  });

  it('issues TEST certificates under the citizen CA for an authentication and a non-repudiation key', () => {
    const ca = new X509Certificate(caCertificate('citizenCa'));
    for (const token of hsm.tokens) {
      expect(token.keys.map((k) => [k.role, k.id])).toEqual([
        ['authentication', '02'],
        ['nonRepudiation', '03'],
      ]);
      for (const key of token.keys) {
        const cert = new X509Certificate(key.certificate);
        expect(cert.verify(ca.publicKey)).toBe(true);
        expect(cert.subject).toContain('TEST');
        expect(cert.subject).toContain(token.label);
        const details = cert.publicKey.asymmetricKeyDetails;
        if (token.algorithm === 'rsa-2048') expect(details?.modulusLength).toBe(2048);
        else expect(details?.namedCurve).toBe(token.algorithm === 'ec-p256' ? 'prime256v1' : 'secp384r1');
      }
    }
  });

  it('keeps the keys on the token: they sign (the signing key only after a context-specific login) and match the certificates', async () => {
    const p = await loadPkcs11js();
    const native: PKCS11 = new p.PKCS11();
    native.load(SOFTHSM_MODULE);
    process.env[SOFTHSM_CONF_ENV] = hsm.confPath;
    native.C_Initialize();
    try {
      for (const token of hsm.tokens) {
        const slot = native.C_GetSlotList(true).find((s) => native.C_GetTokenInfo(s).label.trim() === token.label)!;
        const session = native.C_OpenSession(slot, p.CKF_SERIAL_SESSION);
        native.C_Login(session, p.CKU_USER, token.pin);
        for (const key of token.keys) {
          native.C_FindObjectsInit(session, [{ type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY }, { type: p.CKA_ID, value: Buffer.from(key.id, 'hex') }]);
          const [handle] = native.C_FindObjects(session, 2);
          native.C_FindObjectsFinal(session);
          const [extractable, sensitive] = native.C_GetAttributeValue(session, handle!, [{ type: p.CKA_EXTRACTABLE }, { type: p.CKA_SENSITIVE }]);
          expect([extractable!.value[0], sensitive!.value[0]]).toEqual([0, 1]);
          const message = randomBytes(64);
          const rsa = token.algorithm === 'rsa-2048';
          native.C_SignInit(session, { mechanism: rsa ? p.CKM_SHA256_RSA_PKCS : p.CKM_ECDSA }, handle!);
          if (key.role === 'nonRepudiation') native.C_Login(session, p.CKU_CONTEXT_SPECIFIC, token.pin);
          const signature = native.C_Sign(session, rsa ? message : createHash('sha256').update(message).digest(), Buffer.alloc(512));
          const publicKey = new X509Certificate(key.certificate).publicKey;
          expect(verify('sha256', message, rsa ? publicKey : { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
        }
        native.C_Logout(session);
        native.C_CloseSession(session);
      }
    } finally {
      native.C_Finalize();
      native.close();
      delete process.env[SOFTHSM_CONF_ENV];
    }
  });

  it('removes the whole directory on request', () => {
    removeSoftHsmDir(hsm.dir);
    expect(readdirSync(root)).toEqual([]);
  });
});
