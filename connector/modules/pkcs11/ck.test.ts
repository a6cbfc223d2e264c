import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CKA, CKC_X_509, CKF_OS_LOCKING_OK, CKF_SESSION, CKG, CKK, CKM, CKO, CKR, CKU, MECHANISM_FLAGS, TOKEN_FLAGS } from './ck.js';

/** The binding exports the standard's numbers under their names; ours must be the same numbers. */
function bindingExports(): Record<string, unknown> | null {
  try {
    return createRequire(import.meta.url)('pkcs11js') as Record<string, unknown>;
  } catch {
    return null;
  }
}
const binding = bindingExports();

describe.skipIf(binding === null && process.env['T1C_LAB_STRICT'] !== '1')('PKCS#11 constants', () => {
  it('match the pkcs11js binding, name for name', () => {
    const tables: [string, Readonly<Record<string, number>>][] = [['CKA_', CKA], ['CKO_', CKO], ['CKK_', CKK], ['CKU_', CKU], ['CKM_', CKM], ['CKG_', CKG], ['CKR_', CKR]];
    for (const [prefix, table] of tables) {
      for (const [name, value] of Object.entries(table)) expect(binding![prefix + name], prefix + name).toBe(value);
    }
    expect(binding!['CKC_X_509']).toBe(CKC_X_509);
    expect(binding!['CKF_OS_LOCKING_OK']).toBe(CKF_OS_LOCKING_OK);
    expect([binding!['CKF_RW_SESSION'], binding!['CKF_SERIAL_SESSION']]).toEqual([CKF_SESSION.RW, CKF_SESSION.SERIAL]);
    const flagNames: Record<string, string> = {
      isRandomNumberGenerator: 'CKF_RNG', isWriteProtected: 'CKF_WRITE_PROTECTED', isLoginRequired: 'CKF_LOGIN_REQUIRED',
      isUserPinInitialized: 'CKF_USER_PIN_INITIALIZED', isRestoreKeyNotNeeded: 'CKF_RESTORE_KEY_NOT_NEEDED', isClockOnToken: 'CKF_CLOCK_ON_TOKEN',
      isProtectedAuthenticationPath: 'CKF_PROTECTED_AUTHENTICATION_PATH', isDualCryptoOperations: 'CKF_DUAL_CRYPTO_OPERATIONS',
      isTokenInitialized: 'CKF_TOKEN_INITIALIZED', isSecondaryAuthentication: 'CKF_SECONDARY_AUTHENTICATION', isUserPinCountLow: 'CKF_USER_PIN_COUNT_LOW',
      isUserPinFinalTry: 'CKF_USER_PIN_FINAL_TRY', isUserPinLocked: 'CKF_USER_PIN_LOCKED', isUserPinToBeChanged: 'CKF_USER_PIN_TO_BE_CHANGED',
      isSoPinCountLow: 'CKF_SO_PIN_COUNT_LOW', isSoPinFinalTry: 'CKF_SO_PIN_FINAL_TRY', isSoPinLocked: 'CKF_SO_PIN_LOCKED', isSoPinToBeChanged: 'CKF_SO_PIN_TO_BE_CHANGED',
      isHardware: 'CKF_HW', isEncrypt: 'CKF_ENCRYPT', isDecrypt: 'CKF_DECRYPT', isDigest: 'CKF_DIGEST', isSign: 'CKF_SIGN', isSignRecover: 'CKF_SIGN_RECOVER',
      isVerify: 'CKF_VERIFY', isVerifyRecover: 'CKF_VERIFY_RECOVER', isGenerate: 'CKF_GENERATE', isGenerateKeyPair: 'CKF_GENERATE_KEY_PAIR', isWrap: 'CKF_WRAP',
      isUnwrap: 'CKF_UNWRAP', isExtension: 'CKF_EXTENSION', isEcFP: 'CKF_EC_F_P', isEcNamedcurve: 'CKF_EC_NAMEDCURVE', isEcUncompress: 'CKF_EC_UNCOMPRESS',
      isEcCompress: 'CKF_EC_COMPRESS',
    };
    for (const [name, value] of Object.entries({ ...TOKEN_FLAGS, ...MECHANISM_FLAGS })) expect(binding![flagNames[name]!], name).toBe(value);
  });
});
