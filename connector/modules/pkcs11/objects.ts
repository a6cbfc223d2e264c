import type { Handle, Pkcs11Native, Template } from './binding.js';
import type { RawCertificate } from './certificates.js';
import { CKA, CKC_X_509, CKK, CKO } from './ck.js';
import type { KeyType } from './mechanisms.js';

/** Object search on a session (C_FindObjectsInit/C_FindObjects/C_FindObjectsFinal), at most `max` handles. */
export function findObjects(native: Pkcs11Native, session: Handle, template: Template, max = 64): Handle[] {
  native.C_FindObjectsInit(session, template);
  try {
    return native.C_FindObjects(session, max);
  } finally {
    native.C_FindObjectsFinal(session);
  }
}

/** The token's X.509 certificate objects (public: no login needed) with their CKA_ID. */
export function readCertificates(native: Pkcs11Native, session: Handle): RawCertificate[] {
  const out: RawCertificate[] = [];
  for (const handle of findObjects(native, session, [
    { type: CKA.CLASS, value: CKO.CERTIFICATE },
    { type: CKA.CERTIFICATE_TYPE, value: CKC_X_509 },
  ])) {
    const [value, id] = native.C_GetAttributeValue(session, handle, [{ type: CKA.VALUE }, { type: CKA.ID }]);
    if (value?.value && value.value.length > 0) out.push({ der: Buffer.from(value.value), id: Buffer.from(id?.value ?? Buffer.alloc(0)) });
  }
  return out.sort((a, b) => Buffer.compare(a.id, b.id));
}

/** A signing key found on the token: its handle, type and whether each signature needs the PIN again. */
export interface PrivateKeyRef {
  readonly handle: Handle;
  readonly keyType: KeyType | null;
  /** CKA_ALWAYS_AUTHENTICATE: C_Login(CKU_CONTEXT_SPECIFIC) between C_SignInit and C_Sign. */
  readonly alwaysAuthenticate: boolean;
}

function attribute(native: Pkcs11Native, session: Handle, handle: Handle, type: number): Buffer | null {
  try {
    return native.C_GetAttributeValue(session, handle, [{ type }])[0]?.value ?? null;
  } catch {
    return null; // the library doesn't know the attribute
  }
}

function ulong(value: Buffer | null): number | null {
  if (value === null || value.length === 0) return null;
  return value.length >= 8 ? Number(value.readBigUInt64LE(0)) : value.readUIntLE(0, Math.min(value.length, 6));
}

/** The handle of the private key with this CKA_ID that may sign; needs a logged-in session (private objects). */
export function findPrivateKeyHandle(native: Pkcs11Native, session: Handle, id: Buffer): Handle | null {
  return findObjects(native, session, [{ type: CKA.CLASS, value: CKO.PRIVATE_KEY }, { type: CKA.ID, value: id }, { type: CKA.SIGN, value: true }], 1)[0] ?? null;
}

/** What does not change about a private key while its token is present: its type and CKA_ALWAYS_AUTHENTICATE. */
export function privateKeyTraits(native: Pkcs11Native, session: Handle, handle: Handle): Omit<PrivateKeyRef, 'handle'> {
  const keyType = ulong(attribute(native, session, handle, CKA.KEY_TYPE));
  const always = attribute(native, session, handle, CKA.ALWAYS_AUTHENTICATE);
  return {
    keyType: keyType === CKK.RSA ? 'rsa' : keyType === CKK.EC ? 'ec' : null,
    alwaysAuthenticate: always !== null && always.length > 0 && always[0] !== 0,
  };
}
