import { importJWK, type JWK } from 'jose';
import { JWS_ALGORITHMS, MIN_RSA_BITS, type JwsAlgorithm } from './algorithms.js';
import type { DsGet } from './ds-client.js';

/** A `kid` we look up at all: short, and no path, quote or shell characters (security-checklist JWT-03). */
export const KID_PATTERN = /^[A-Za-z0-9._~=+-]{1,128}$/;
/** At most this many keys are taken from a key set. */
export const MAX_KEYS = 32;

export interface KeySetOptions {
  /** The DS key set (JWKS) URL: the only place keys come from. */
  readonly url: string;
  readonly get: DsGet;
  /** PEM CA for an https DS with a private CA. */
  readonly ca?: string;
  /** Keys are used at most this long after they were fetched (bounded cache lifetime). */
  readonly cacheTtlMs: number;
  /** Two fetches are at least this far apart, however many unknown `kid`s arrive (bounded refresh rate). */
  readonly minRefreshIntervalMs: number;
  readonly now?: () => number;
  readonly onWarning?: (message: string) => void;
}

/** A verification key as jose imports it. */
export type VerifyKey = Exclude<Awaited<ReturnType<typeof importJWK>>, Uint8Array>;

interface PublicKey {
  readonly jwk: JWK;
  /** RSA modulus length in bytes, for the signature length check. */
  readonly rsaBytes: number | null;
}

function publicMembers(raw: Record<string, unknown>): PublicKey | null {
  const str = (k: string): string | null => (typeof raw[k] === 'string' && raw[k] !== '' ? (raw[k] as string) : null);
  if (raw['use'] !== undefined && raw['use'] !== 'sig') return null;
  if (str('kty') === 'RSA') {
    const n = str('n');
    const e = str('e');
    if (!n || !e) return null;
    const bytes = Buffer.from(n, 'base64url');
    const leadingZero = bytes[0] === 0 ? 1 : 0;
    const rsaBytes = bytes.length - leadingZero;
    if (rsaBytes * 8 < MIN_RSA_BITS) return null;
    return { jwk: { kty: 'RSA', n, e, ...(str('alg') ? { alg: str('alg')! } : {}) }, rsaBytes };
  }
  if (str('kty') === 'EC') {
    const crv = str('crv');
    const x = str('x');
    const y = str('y');
    if (!crv || !x || !y) return null;
    return { jwk: { kty: 'EC', crv, x, y, ...(str('alg') ? { alg: str('alg')! } : {}) }, rsaBytes: null };
  }
  return null;
}

/**
 * The Distribution Service's public keys, fetched from its JWKS URL only — never from a token's `jku`, `x5u`,
 * `jwk` or `x5c` (JWT-04). Keys are kept at most `cacheTtlMs`; an unknown `kid` triggers a refresh, but
 * fetches are at least `minRefreshIntervalMs` apart, so a flood of made-up `kid`s costs the DS one request.
 * Only public members of RSA (≥ 2048 bits) and EC signing keys are kept; private members are never read.
 */
export class DsKeySet {
  private keys = new Map<string, PublicKey>();
  private readonly imported = new Map<string, VerifyKey>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private readonly now: () => number;
  /** How many times the key set was fetched (tests, diagnostics). */
  fetches = 0;

  constructor(private readonly options: KeySetOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The key for `kid` usable with `alg`, or null: unknown kid, wrong type, curve or `alg` for it. */
  async key(kid: string, alg: JwsAlgorithm): Promise<{ key: VerifyKey; rsaBytes: number | null } | null> {
    if (!KID_PATTERN.test(kid)) return null;
    if (this.now() - this.fetchedAt > this.options.cacheTtlMs) {
      this.keys = new Map(); // past its lifetime: never used again, even if the DS cannot be reached
      await this.refresh();
    } else if (!this.keys.has(kid)) {
      await this.refresh();
    }
    const entry = this.keys.get(kid);
    if (!entry) return null;
    const spec = JWS_ALGORITHMS[alg];
    if (entry.jwk.kty !== spec.kty || (spec.crv !== undefined && entry.jwk.crv !== spec.crv)) return null;
    if (entry.jwk.alg !== undefined && entry.jwk.alg !== alg) return null;
    const cacheKey = `${kid}\u0000${alg}`;
    let key = this.imported.get(cacheKey);
    if (!key) {
      key = (await importJWK(entry.jwk, alg)) as VerifyKey;
      this.imported.set(cacheKey, key);
    }
    return { key, rsaBytes: entry.rsaBytes };
  }

  /** Fetches the key set unless one was fetched (or tried) less than `minRefreshIntervalMs` ago. */
  refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.now() - this.lastAttempt < this.options.minRefreshIntervalMs) return Promise.resolve();
    this.lastAttempt = this.now();
    this.inflight = this.fetch().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetch(): Promise<void> {
    this.fetches++;
    let body: unknown;
    try {
      body = await this.options.get(this.options.url, this.options.ca ? { ca: this.options.ca } : {});
    } catch (e) {
      this.options.onWarning?.(`cannot fetch the DS key set: ${(e as Error).message}`);
      return;
    }
    const list = body !== null && typeof body === 'object' ? (body as { keys?: unknown }).keys : undefined;
    if (!Array.isArray(list)) {
      this.options.onWarning?.('the DS key set has no "keys" array; keeping the keys we had');
      return;
    }
    const keys = new Map<string, PublicKey>();
    const seen = new Set<string>();
    for (const raw of list.slice(0, MAX_KEYS)) {
      if (raw === null || typeof raw !== 'object') continue;
      const kid = (raw as { kid?: unknown }).kid;
      if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) continue;
      if (seen.has(kid)) {
        keys.delete(kid); // two keys under one kid: neither is trusted
        continue;
      }
      seen.add(kid);
      const key = publicMembers(raw as Record<string, unknown>);
      if (key) keys.set(kid, key);
    }
    this.keys = keys;
    this.imported.clear();
    this.fetchedAt = this.now();
  }
}
