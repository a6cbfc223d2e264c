import type { Handle, MechanismInfo, NativeTokenInfo } from './binding.js';
import { slotNumber } from './binding.js';
import { CK_VENDOR_DEFINED, MECHANISM_FLAGS, TOKEN_FLAGS } from './ck.js';

/** A mechanism of the token with its CK_MECHANISM_INFO. */
export interface MechanismEntry {
  readonly type: number;
  readonly info: MechanismInfo;
}

type Flags<T> = { [K in keyof T]: boolean };

/** `PKCS11TokenInfo` of spec §4.5 (field names as the SDK declares them, `ulTotalPubLicMemory` included). */
export interface Pkcs11TokenInfo {
  slot: string;
  label: string;
  manufacturerId: string;
  model: string;
  serialNumber: string;
  flags: Flags<typeof TOKEN_FLAGS>;
  mechanisms: { mechanism: string; flags: Flags<typeof MECHANISM_FLAGS>; ulMinKeySize: number; ulMaxKeySize: number }[];
  ulMaxSessionCount: number;
  ulSessionCount: number;
  ulMaxRwSessionCount: number;
  ulMaxPinLen: number;
  ulMinPinLen: number;
  ulTotalPubLicMemory: number;
  ulFreePubMemory: number;
  ulTotalPrivateMemory: number;
  ulFreePrivateMemory: number;
  hardwareVersion: string;
  firmwareVersion: string;
}

function decodeFlags<T extends Readonly<Record<string, number>>>(table: T, value: number): Flags<T> {
  const out = {} as Flags<T>;
  // CK_FLAGS is a CK_ULONG; the named bits all fit in 32 bits, so unsigned 32-bit arithmetic reads them.
  for (const [name, bit] of Object.entries(table) as [keyof T, number][]) out[name] = ((value >>> 0) & bit) >>> 0 === bit;
  return out;
}

/**
 * CK_UNAVAILABLE_INFORMATION (all bits set) and other values beyond what JSON numbers carry exactly become -1:
 * "the token doesn't say".
 */
function count(value: number): number {
  return Number.isSafeInteger(value) && value >= 0 ? value : -1;
}

/** The standard name of a mechanism number, `CKM_VENDOR_DEFINED+0x…` for vendor ones, else its hex value. */
export function mechanismName(type: number, names: ReadonlyMap<number, string>): string {
  const known = names.get(type);
  if (known !== undefined) return known;
  if (type >= CK_VENDOR_DEFINED) return `CKM_VENDOR_DEFINED+0x${(type - CK_VENDOR_DEFINED).toString(16)}`;
  return `0x${type.toString(16)}`;
}

/** PKCS11TokenInfo from what the library reports (C_GetTokenInfo, C_GetMechanismList/Info); strings trimmed of padding. */
export function pkcs11TokenInfo(slot: Handle, info: NativeTokenInfo, mechanisms: readonly MechanismEntry[], names: ReadonlyMap<number, string>): Pkcs11TokenInfo {
  const version = (v: { major: number; minor: number }): string => `${v.major}.${v.minor}`;
  return {
    slot: slotNumber(slot),
    label: info.label.trim(),
    manufacturerId: info.manufacturerID.trim(),
    model: info.model.trim(),
    serialNumber: info.serialNumber.trim(),
    flags: decodeFlags(TOKEN_FLAGS, info.flags),
    mechanisms: mechanisms.map((m) => ({
      mechanism: mechanismName(m.type, names),
      flags: decodeFlags(MECHANISM_FLAGS, m.info.flags),
      ulMinKeySize: count(m.info.minKeySize),
      ulMaxKeySize: count(m.info.maxKeySize),
    })),
    ulMaxSessionCount: count(info.maxSessionCount),
    ulSessionCount: count(info.sessionCount),
    ulMaxRwSessionCount: count(info.maxRwSessionCount),
    ulMaxPinLen: count(info.maxPinLen),
    ulMinPinLen: count(info.minPinLen),
    ulTotalPubLicMemory: count(info.totalPublicMemory),
    ulFreePubMemory: count(info.freePublicMemory),
    ulTotalPrivateMemory: count(info.totalPrivateMemory),
    ulFreePrivateMemory: count(info.freePrivateMemory),
    hardwareVersion: version(info.hardwareVersion),
    firmwareVersion: version(info.firmwareVersion),
  };
}
