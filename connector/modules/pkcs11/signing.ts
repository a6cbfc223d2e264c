import type { Handle, Mechanism, Pkcs11Binding, Pkcs11Native, RsaPssParameter } from './binding.js';
import { ckrOf } from './binding.js';
import { CKR, CKU, TOKEN_FLAGS } from './ck.js';
import { fromPkcs11, type PinTries } from './errors.js';
import type { SignRecipe } from './mechanisms.js';
import type { PrivateKeyRef } from './objects.js';

/** Room for any signature: RSA up to 8192 bits, ECDSA up to P-521 (r‖s = 132 bytes). */
const SIGNATURE_BUFFER_BYTES = 1024;

/**
 * pkcs11js takes the PIN as a JS string (its C_Login has no Buffer form), so the digits exist as an immutable
 * string for the duration of the call; the Buffer the caller holds is still zeroed by the caller.
 */
function pinText(pin: Buffer): string {
  return pin.toString('latin1');
}

/** What the token's flags say about the user PIN right now (PKCS#11 has flags, not a counter). */
export function pinTries(native: Pkcs11Native, slot: Handle): PinTries | undefined {
  try {
    const { flags } = native.C_GetTokenInfo(slot);
    return {
      countLow: (flags & TOKEN_FLAGS.isUserPinCountLow) !== 0,
      finalTry: (flags & TOKEN_FLAGS.isUserPinFinalTry) !== 0,
      locked: (flags & TOKEN_FLAGS.isUserPinLocked) !== 0,
    };
  } catch {
    return undefined;
  }
}

export function logout(native: Pkcs11Native, session: Handle): void {
  try {
    native.C_Logout(session);
  } catch {
    // not logged in, or the token is gone: nothing is left to clear
  }
}

/**
 * C_Login as the user. Login state is per token and application, so callers hold the token's queue from login to
 * logout: no other caller's operation runs in between. A stale login (a logout that failed) is cleared first.
 * Wrong PIN → ERR_PIN_WRONG (with what the flags tell), locked → ERR_PIN_BLOCKED.
 */
export function login(native: Pkcs11Native, session: Handle, slot: Handle, pin: Buffer, userType: number = CKU.USER): void {
  try {
    native.C_Login(session, userType, pinText(pin));
  } catch (e) {
    if (ckrOf(e) === CKR.USER_ALREADY_LOGGED_IN && userType === CKU.USER) {
      logout(native, session);
      login(native, session, slot, pin, userType);
      return;
    }
    throw fromPkcs11(e, ckrOf(e) === CKR.PIN_INCORRECT ? pinTries(native, slot) : undefined);
  }
}

/** The CK_MECHANISM of a recipe; PSS carries its CK_RSA_PKCS_PSS_PARAMS. */
export function mechanismOf(binding: Pkcs11Binding, recipe: SignRecipe): Mechanism {
  if (!recipe.pss) return { mechanism: recipe.mechanism };
  const parameter: RsaPssParameter = { type: binding.CK_PARAMS_RSA_PSS, ...recipe.pss };
  return { mechanism: recipe.mechanism, parameter };
}

/**
 * C_SignInit, the context-specific login a CKA_ALWAYS_AUTHENTICATE key demands, then C_Sign on the binding's
 * worker thread (a token behind a card reader takes milliseconds; the event loop keeps serving meanwhile).
 */
export async function signWithKey(
  native: Pkcs11Native,
  binding: Pkcs11Binding,
  session: Handle,
  slot: Handle,
  key: PrivateKeyRef,
  recipe: SignRecipe,
  pin: Buffer,
): Promise<Buffer> {
  native.C_SignInit(session, mechanismOf(binding, recipe), key.handle);
  if (key.alwaysAuthenticate) login(native, session, slot, pin, CKU.CONTEXT_SPECIFIC);
  return native.C_SignAsync(session, recipe.data, Buffer.alloc(SIGNATURE_BUFFER_BYTES));
}
