import type { JwsAlgorithm } from './algorithms.js';

/** What a full verification established about one token, enough to accept it again without redoing it. */
export interface VerifiedToken {
  readonly subject: string;
  readonly kid: string;
  readonly alg: JwsAlgorithm;
  /** The key object it was verified with: accepted again only while the key set still gives this very key. */
  readonly key: object;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  /** The origins claim as the token carries it (checked against each request's Origin). */
  readonly origins: unknown;
}

/**
 * Tokens already verified, by their exact text. A web application sends the same DS token with every request for
 * its lifetime (minutes), so the signing path checks the signature once per token rather than once per request.
 * Bounded: the oldest entry goes when full.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(private readonly max = 1024) {}

  get(token: string): VerifiedToken | undefined {
    return this.entries.get(token);
  }

  set(token: string, verified: VerifiedToken): void {
    if (this.entries.size >= this.max && !this.entries.has(token)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, verified);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}
