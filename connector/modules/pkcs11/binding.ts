import type { PKCS11 } from 'pkcs11js';

export type { Mechanism, MechanismInfo, PKCS11 as Pkcs11Native, RsaPSS as RsaPssParameter, Template, TokenInfo as NativeTokenInfo } from 'pkcs11js';
/** Slot, session and object handles: opaque Buffers (a CK_ULONG, little-endian on x86). */
export type Handle = Buffer;

/** The parts of the `pkcs11js` binding the connector uses; loaded lazily because it is an optional dependency. */
export interface Pkcs11Binding {
  readonly PKCS11: new () => PKCS11;
  /** pkcs11js's own tag for a CK_RSA_PKCS_PSS_PARAMS parameter (not a PKCS#11 number). */
  readonly CK_PARAMS_RSA_PSS: number;
  /** Standard mechanism names by number (`CKM_SHA256_RSA_PKCS`), for token info. */
  readonly mechanismNames: ReadonlyMap<number, string>;
}

let loaded: Promise<Pkcs11Binding> | null = null;

/** Loads the native binding once; rejects with the loader's error when it is not installed or not built. */
export function loadPkcs11Binding(): Promise<Pkcs11Binding> {
  loaded ??= import('pkcs11js').then((m) => {
    const b = ((m as { default?: unknown }).default ?? m) as Record<string, unknown>;
    if (typeof b['PKCS11'] !== 'function' || typeof b['CK_PARAMS_RSA_PSS'] !== 'number') throw new Error('pkcs11js binding incomplete');
    const mechanismNames = new Map<number, string>();
    for (const [name, value] of Object.entries(b)) {
      if (name.startsWith('CKM_') && typeof value === 'number' && !mechanismNames.has(value)) mechanismNames.set(value, name);
    }
    return { PKCS11: b['PKCS11'] as Pkcs11Binding['PKCS11'], CK_PARAMS_RSA_PSS: b['CK_PARAMS_RSA_PSS'] as number, mechanismNames };
  });
  return loaded;
}

/** A PKCS#11 return value as pkcs11js reports it (`Pkcs11Error`: `code` is the CKR_* number). */
export function ckrOf(error: unknown): number | null {
  if (!(error instanceof Error) || error.name !== 'Pkcs11Error') return null;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

/** Slot ids are CK_ULONG handles; shown as decimal, the way tools print them. */
export function slotNumber(slot: Handle): string {
  return slot.length >= 8 ? slot.readBigUInt64LE(0).toString() : BigInt(`0x${Buffer.from(slot).reverse().toString('hex') || '0'}`).toString();
}
