/** What MSE SET stored for the next security operation. */
export interface SecurityEnvironment {
  readonly algorithm: number;
  readonly keyReference: number;
}

/**
 * A card session's volatile security state: the security environment, the successful PIN verifications
 * (PIN reference → number of the command that verified it) and the access rights the card's rules granted.
 * Reset, power-off and LOG OFF clear it; PIN retry counters live in PinObject and are not touched.
 */
export class SecurityState {
  environment: SecurityEnvironment | null = null;
  private readonly verifications = new Map<number, number>();
  private readonly rights = new Set<string>();

  recordVerification(pinReference: number, commandNumber: number): void {
    this.verifications.set(pinReference, commandNumber);
  }

  /** The command number of the verification of `pinReference` still on record, if any. */
  verificationOf(pinReference: number): number | undefined {
    return this.verifications.get(pinReference);
  }

  forgetVerification(pinReference: number): void {
    this.verifications.delete(pinReference);
  }

  grant(right: string): void {
    this.rights.add(right);
  }

  has(right: string): boolean {
    return this.rights.has(right);
  }

  /** Drops every PIN verification and right (a wrong PIN, LOG OFF); the environment stays. */
  clearRights(): void {
    this.verifications.clear();
    this.rights.clear();
  }

  /** Everything volatile: rights, verifications and the environment. */
  clear(): void {
    this.clearRights();
    this.environment = null;
  }
}
