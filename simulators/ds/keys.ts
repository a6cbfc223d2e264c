import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/** A public signing key as the JWKS lists it. */
export interface PublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly alg: 'RS256';
  readonly use: 'sig';
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: PublicJwk;
  /** When the key leaves the key set (ms since the epoch); null while current or without end. */
  retiresAt: number | null;
}

function newKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' });
  const kid = randomBytes(12).toString('base64url');
  return { kid, privateKey, jwk: { kty: 'RSA', n: n!, e: e!, kid, alg: 'RS256', use: 'sig' }, retiresAt: null };
}

/**
 * The DS's signing keys, generated per run (RSA-2048, RS256, like the vendor's tokens). `rotate()` makes a new
 * current key; the previous ones stay in the key set for a grace period, so tokens already handed out keep
 * verifying until then. `retire()` drops a key at once.
 */
export class DsKeyRing {
  private readonly keys: SigningKey[] = [newKey()];

  constructor(private readonly now: () => number = Date.now) {}

  get currentKid(): string {
    return this.keys[this.keys.length - 1]!.kid;
  }

  /** The keys still published: the current one and those within their grace period. */
  private live(): SigningKey[] {
    const now = this.now();
    return this.keys.filter((k) => k.retiresAt === null || k.retiresAt > now);
  }

  /** A new current key; every older key leaves the key set `graceMs` from now (unless it leaves sooner). */
  rotate(graceMs: number): { kid: string; previous: string } {
    const previous = this.currentKid;
    const until = this.now() + graceMs;
    for (const key of this.keys) if (key.retiresAt === null || key.retiresAt > until) key.retiresAt = until;
    this.keys.push(newKey());
    return { kid: this.currentKid, previous };
  }

  /** Drops a key from the key set now; the current key cannot be retired (rotate first). */
  retire(kid: string): boolean {
    const key = this.keys.find((k) => k.kid === kid);
    if (!key || kid === this.currentKid) return false;
    key.retiresAt = this.now();
    return true;
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: this.live().map((k) => k.jwk) };
  }

  /**
   * Signs `header.payload` texts exactly as given (RS256) with the key `kid` (default: current), which must
   * still be live. The texts are not re-serialised, so a test can sign any JSON, even a malformed one.
   */
  signCompact(headerJson: string, payloadJson: string, kid: string = this.currentKid): string {
    const key = this.live().find((k) => k.kid === kid);
    if (!key) throw new Error(`no live key ${kid}`);
    const input = `${Buffer.from(headerJson, 'utf8').toString('base64url')}.${Buffer.from(payloadJson, 'utf8').toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input, 'ascii'), key.privateKey).toString('base64url')}`;
  }
}
