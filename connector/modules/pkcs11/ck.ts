/**
 * The PKCS#11 (Cryptoki 2.40) vocabulary the connector uses, named once: attribute, object, key, user, flag,
 * mechanism and return-value numbers from the standard. The native binding is optional and loaded lazily, so
 * these live here rather than on the binding; a test checks them against the binding's own exports.
 */

export const CKA = {
  CLASS: 0x0,
  TOKEN: 0x1,
  PRIVATE: 0x2,
  LABEL: 0x3,
  VALUE: 0x11,
  CERTIFICATE_TYPE: 0x80,
  KEY_TYPE: 0x100,
  ID: 0x102,
  SIGN: 0x108,
  VERIFY: 0x10a,
  MODULUS: 0x120,
  PUBLIC_EXPONENT: 0x122,
  EC_PARAMS: 0x180,
  EC_POINT: 0x181,
  ALWAYS_AUTHENTICATE: 0x202,
} as const;

export const CKO = { CERTIFICATE: 0x1, PUBLIC_KEY: 0x2, PRIVATE_KEY: 0x3 } as const;
export const CKC_X_509 = 0x0;
export const CKK = { RSA: 0x0, EC: 0x3 } as const;
export const CKU = { SO: 0, USER: 1, CONTEXT_SPECIFIC: 2 } as const;

/** C_Initialize: the library may use the OS's locks (the binding signs on a worker thread). */
export const CKF_OS_LOCKING_OK = 0x2;
/** C_OpenSession flags. */
export const CKF_SESSION = { RW: 0x2, SERIAL: 0x4 } as const;

/** CK_TOKEN_INFO.flags, by the names PKCS11TokenInfo uses (spec §4.5). */
export const TOKEN_FLAGS = {
  isRandomNumberGenerator: 0x1,
  isWriteProtected: 0x2,
  isLoginRequired: 0x4,
  isUserPinInitialized: 0x8,
  isRestoreKeyNotNeeded: 0x20,
  isClockOnToken: 0x40,
  isProtectedAuthenticationPath: 0x100,
  isDualCryptoOperations: 0x200,
  isTokenInitialized: 0x400,
  isSecondaryAuthentication: 0x800,
  isUserPinCountLow: 0x10000,
  isUserPinFinalTry: 0x20000,
  isUserPinLocked: 0x40000,
  isUserPinToBeChanged: 0x80000,
  isSoPinCountLow: 0x100000,
  isSoPinFinalTry: 0x200000,
  isSoPinLocked: 0x400000,
  isSoPinToBeChanged: 0x800000,
} as const;

/** CK_MECHANISM_INFO.flags, by the names PKCS11TokenInfo uses. */
export const MECHANISM_FLAGS = {
  isHardware: 0x1,
  isEncrypt: 0x100,
  isDecrypt: 0x200,
  isDigest: 0x400,
  isSign: 0x800,
  isSignRecover: 0x1000,
  isVerify: 0x2000,
  isVerifyRecover: 0x4000,
  isGenerate: 0x8000,
  isGenerateKeyPair: 0x10000,
  isWrap: 0x20000,
  isUnwrap: 0x40000,
  isExtension: 0x80000000,
  isEcFP: 0x100000,
  isEcNamedcurve: 0x800000,
  isEcUncompress: 0x1000000,
  isEcCompress: 0x2000000,
} as const;

export const CKM = {
  RSA_PKCS: 0x1,
  RSA_PKCS_PSS: 0xd,
  SHA256_RSA_PKCS: 0x40,
  SHA384_RSA_PKCS: 0x41,
  SHA512_RSA_PKCS: 0x42,
  SHA256_RSA_PKCS_PSS: 0x43,
  SHA384_RSA_PKCS_PSS: 0x44,
  SHA512_RSA_PKCS_PSS: 0x45,
  SHA256: 0x250,
  SHA384: 0x260,
  SHA512: 0x270,
  ECDSA: 0x1041,
  ECDSA_SHA256: 0x1044,
  ECDSA_SHA384: 0x1045,
  ECDSA_SHA512: 0x1046,
} as const;

export const CKG = { MGF1_SHA256: 0x2, MGF1_SHA384: 0x3, MGF1_SHA512: 0x4 } as const;

/** Return values the connector tells apart (everything else is a library error). */
export const CKR = {
  GENERAL_ERROR: 0x5,
  FUNCTION_FAILED: 0x6,
  DATA_INVALID: 0x20,
  DATA_LEN_RANGE: 0x21,
  DEVICE_ERROR: 0x30,
  DEVICE_MEMORY: 0x31,
  DEVICE_REMOVED: 0x32,
  KEY_HANDLE_INVALID: 0x60,
  KEY_TYPE_INCONSISTENT: 0x63,
  KEY_FUNCTION_NOT_PERMITTED: 0x68,
  MECHANISM_INVALID: 0x70,
  MECHANISM_PARAM_INVALID: 0x71,
  OBJECT_HANDLE_INVALID: 0x82,
  PIN_INCORRECT: 0xa0,
  PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2,
  PIN_EXPIRED: 0xa3,
  PIN_LOCKED: 0xa4,
  SESSION_CLOSED: 0xb0,
  SESSION_HANDLE_INVALID: 0xb3,
  SIGNATURE_INVALID: 0xc0,
  SIGNATURE_LEN_RANGE: 0xc1,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
  USER_ALREADY_LOGGED_IN: 0x100,
  USER_NOT_LOGGED_IN: 0x101,
  USER_PIN_NOT_INITIALIZED: 0x102,
  CRYPTOKI_NOT_INITIALIZED: 0x190,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

/** Vendor-defined values start here (CKM_VENDOR_DEFINED); they have no standard name. */
export const CK_VENDOR_DEFINED = 0x80000000;
