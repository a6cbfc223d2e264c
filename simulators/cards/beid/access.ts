import type { SecurityState } from '../engine/index.js';
import { BEID_PIN_REFERENCE } from './apdu.js';

const AUTHENTICATION_RIGHT = 'beid:authentication';

/**
 * The BELPIC PIN rules (cards.md §1.7) on the card session's security state, with commands numbered as
 * they arrive:
 * - A successful VERIFY (or CHANGE) is first *pending*. A non-repudiation PSO (key 83) may consume it while
 *   at most `window` commands have passed (1.7: it must be the next command; 1.8: one may come in between).
 * - A pending verification that is not consumed that way becomes the authentication right ("PIN once", key 82)
 *   when the window closes or another VERIFY comes; key 82 may also use it while it is pending (an MSE SET
 *   for key 83 cannot fit between such a PSO and the end of the window, so nothing can tell the difference).
 * - One consumed by a non-repudiation signature grants nothing else; each such signature needs a new VERIFY.
 * - A wrong PIN clears every right; LOG OFF, reset and power-off clear them too.
 */
export class BeidAccessRules {
  private readonly security: SecurityState;
  private readonly window: number;

  constructor(security: SecurityState, nonRepWindow: number) {
    this.security = security;
    this.window = nonRepWindow;
  }

  /** A right PIN at command `at`. */
  verified(at: number): void {
    this.settle(at);
    // The previous verification was followed by something other than a non-repudiation PSO.
    if (this.pending() !== undefined) this.promote();
    this.security.recordVerification(BEID_PIN_REFERENCE, at);
  }

  /** A wrong PIN: every PIN-based right goes. */
  failed(): void {
    this.security.clearRights();
  }

  /** Key 82 at command `at`: allowed after any verification this session not consumed by a non-repudiation PSO. */
  useAuthenticationKey(at: number): boolean {
    return this.isVerified(at);
  }

  /** Key 83 at command `at`: allowed only by a pending verification inside the window, which it consumes. */
  useNonRepudiationKey(at: number): boolean {
    this.settle(at);
    if (this.pending() === undefined) return false;
    this.security.forgetVerification(BEID_PIN_REFERENCE);
    return true;
  }

  /** VERIFY with Lc=0: is the PIN currently verified? */
  isVerified(at: number): boolean {
    this.settle(at);
    return this.pending() !== undefined || this.security.has(AUTHENTICATION_RIGHT);
  }

  private pending(): number | undefined {
    return this.security.verificationOf(BEID_PIN_REFERENCE);
  }

  private settle(at: number): void {
    const since = this.pending();
    if (since !== undefined && at - since > this.window) this.promote();
  }

  private promote(): void {
    this.security.forgetVerification(BEID_PIN_REFERENCE);
    this.security.grant(AUTHENTICATION_RIGHT);
  }
}
