import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isConnectorError } from '../../errors/index.js';
import { DIGESTS, digestInfo } from '../crypto/digests.js';
import { CKG, CKM } from './ck.js';
import { signRecipe, supportedAlgorithms } from './mechanisms.js';

/** SoftHSM 2.6's signing mechanisms (lab-recipe.md): combined RSA ones, PSS, plain ECDSA, no CKM_ECDSA_SHA*. */
const SOFTHSM = new Set<number>([
  CKM.RSA_PKCS, CKM.RSA_PKCS_PSS, CKM.SHA256_RSA_PKCS, CKM.SHA384_RSA_PKCS, CKM.SHA512_RSA_PKCS,
  CKM.SHA256_RSA_PKCS_PSS, CKM.SHA384_RSA_PKCS_PSS, CKM.SHA512_RSA_PKCS_PSS, CKM.ECDSA,
]);
const data = Buffer.from('the data to sign');
const hashOf = (name: 'sha256' | 'sha384' | 'sha512') => createHash(name).update(data).digest();

describe('signRecipe', () => {
  it('signs a digest with CKM_RSA_PKCS over the DigestInfo (the token cannot hash what it never sees)', () => {
    for (const name of ['sha256', 'sha384', 'sha512'] as const) {
      const recipe = signRecipe('rsa', DIGESTS[name], 'pkcs1', { kind: 'digest', hash: hashOf(name) }, SOFTHSM);
      expect(recipe).toEqual({ mechanism: CKM.RSA_PKCS, pss: null, data: digestInfo(DIGESTS[name], hashOf(name)), hashedByToken: false });
    }
  });

  it('lets the token hash raw data when it has the combined mechanism', () => {
    expect(signRecipe('rsa', DIGESTS.sha384, 'pkcs1', { kind: 'raw', data }, SOFTHSM)).toEqual({ mechanism: CKM.SHA384_RSA_PKCS, pss: null, data, hashedByToken: true });
    expect(signRecipe('rsa', DIGESTS.sha512, 'pss', { kind: 'raw', data }, SOFTHSM)).toEqual({
      mechanism: CKM.SHA512_RSA_PKCS_PSS,
      pss: { hashAlg: CKM.SHA512, mgf: CKG.MGF1_SHA512, saltLen: 64 },
      data,
      hashedByToken: true,
    });
  });

  it('hashes in the connector for ECDSA where the token has no CKM_ECDSA_SHA* (SoftHSM)', () => {
    const recipe = signRecipe('ec', DIGESTS.sha256, 'pkcs1', { kind: 'raw', data }, SOFTHSM);
    expect(recipe).toEqual({ mechanism: CKM.ECDSA, pss: null, data: hashOf('sha256'), hashedByToken: false });
    const withCombined = new Set([...SOFTHSM, CKM.ECDSA_SHA256]);
    expect(signRecipe('ec', DIGESTS.sha256, 'pkcs1', { kind: 'raw', data }, withCombined).mechanism).toBe(CKM.ECDSA_SHA256);
  });

  it('signs a PSS digest with CKM_RSA_PKCS_PSS, MGF1 of the same hash and a hash-long salt', () => {
    const recipe = signRecipe('rsa', DIGESTS.sha256, 'pss', { kind: 'digest', hash: hashOf('sha256') }, SOFTHSM);
    expect(recipe).toEqual({ mechanism: CKM.RSA_PKCS_PSS, pss: { hashAlg: CKM.SHA256, mgf: CKG.MGF1_SHA256, saltLen: 32 }, data: hashOf('sha256'), hashedByToken: false });
  });

  it('refuses what the token cannot do: PSS on EC, a missing mechanism, SHA-1', () => {
    const refused = (f: () => unknown): boolean => {
      try {
        f();
        return false;
      } catch (e) {
        return isConnectorError(e, 'ERR_ALGORITHM_UNSUPPORTED');
      }
    };
    expect(refused(() => signRecipe('ec', DIGESTS.sha256, 'pss', { kind: 'digest', hash: hashOf('sha256') }, SOFTHSM))).toBe(true);
    expect(refused(() => signRecipe('ec', DIGESTS.sha256, 'pkcs1', { kind: 'digest', hash: hashOf('sha256') }, new Set([CKM.RSA_PKCS])))).toBe(true);
    expect(refused(() => signRecipe('rsa', DIGESTS.sha1, 'pkcs1', { kind: 'digest', hash: Buffer.alloc(20) }, SOFTHSM))).toBe(true);
  });
});

describe('supportedAlgorithms', () => {
  it('reports per key type what the mechanism list allows', () => {
    expect(supportedAlgorithms(new Set(['rsa']), SOFTHSM)).toEqual(['sha256', 'sha384', 'sha512', 'sha256-pss', 'sha384-pss', 'sha512-pss']);
    expect(supportedAlgorithms(new Set(['ec']), SOFTHSM)).toEqual(['sha256', 'sha384', 'sha512']);
    expect(supportedAlgorithms(new Set(['rsa']), new Set([CKM.SHA256_RSA_PKCS]))).toEqual(['sha256']);
    expect(supportedAlgorithms(new Set(['ec']), new Set([CKM.RSA_PKCS]))).toEqual([]);
  });
});
