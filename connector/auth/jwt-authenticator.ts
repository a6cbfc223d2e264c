import type { IncomingHttpHeaders } from 'node:http';
import { jwtVerify } from 'jose';
import { ConnectorError } from '../errors/index.js';
import { JWS_ALGORITHMS, isJwsAlgorithm, type JwsAlgorithm } from './algorithms.js';
import { MAX_TOKEN_LENGTH, TokenRejected, parseCompactJws } from './compact.js';
import type { DsKeySet } from './key-set.js';
import { MAX_LEEWAY_S } from './limits.js';
import { VerifiedTokens } from './verified-tokens.js';

/** The claim listing the browser origins a token was minted for (JWT-07); Keycloak's name for the same idea. */
export const ORIGINS_CLAIM = 'allowed-origins';
/** `typ` values accepted when a token carries one (JWT-06); compared case-insensitively (RFC 7515 §4.1.9). */
const TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/jwt', 'application/at+jwt']);
/** Header parameters a DS token may carry; `crit`, `b64`, `zip`, `enc`… mean it is not one (JWT-04/08). */
const HEADER_PARAMETERS = new Set(['alg', 'kid', 'typ', 'jku', 'x5u', 'jwk', 'x5c', 'x5t', 'x5t#S256', 'cty']);

export interface JwtPolicy {
  /** Exact `iss` of the DS. */
  readonly issuer: string;
  /** Pinned algorithms (asymmetric only). */
  readonly algorithms: readonly JwsAlgorithm[];
  /** 0…60 s. */
  readonly leewaySeconds: number;
  /** Largest `exp − iat` and largest token age. */
  readonly maxLifetimeSeconds: number;
  /** This connector's audience: a token with `aud` must name it. Null: tokens with `aud` are refused. */
  readonly audience: string | null;
  /** Refuse tokens without `aud`. */
  readonly requireAudience: boolean;
  /** Refuse tokens without the allowed-origins claim. */
  readonly requireOrigins: boolean;
}

/** What the authenticator reads of a request (a FastifyRequest fits). */
export interface AuthRequest {
  readonly headers: IncomingHttpHeaders;
  readonly log?: { info(details: object, message: string): void };
}

/** Where keys come from: the DS key set. */
export type KeySource = Pick<DsKeySet, 'key'>;

const BEARER = /^Bearer +([^\s]+) *$/i;

function numericDate(claims: Readonly<Record<string, unknown>>, name: string): number {
  const v = claims[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TokenRejected(`"${name}" missing or not a number`);
  return v;
}

/**
 * Verifies the DS token of every protected request (security-checklist JWT-01…10). Structure first (size,
 * canonical base64url, strict JSON, no nesting), then the header against the pinned algorithms, then the key
 * — only from the DS key set by `kid` — then signature and claims with jose: `iss`, `exp`, `iat` and `sub`
 * required, `nbf`, lifetime and age bounded, leeway ≤ 60 s, `aud` and the origins claim checked when present
 * and required when configured. Every refusal is the same 401 for the caller; the reason goes to the log.
 */
export class JwtAuthenticator {
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly keys: KeySource,
    private readonly policy: JwtPolicy,
    private readonly now: () => number = Date.now,
  ) {
    if (policy.leewaySeconds < 0 || policy.leewaySeconds > MAX_LEEWAY_S) throw new RangeError(`leeway must be 0…${MAX_LEEWAY_S} s`);
    if (policy.algorithms.length === 0) throw new RangeError('no algorithm pinned');
    if (policy.requireAudience && policy.audience === null) throw new RangeError('requireAudience needs an audience');
  }

  async authenticate(request: AuthRequest): Promise<{ readonly subject: string }> {
    const authorization = request.headers.authorization;
    const m = authorization === undefined ? null : BEARER.exec(authorization);
    if (!m) {
      if (authorization !== undefined && authorization.length > MAX_TOKEN_LENGTH) throw new ConnectorError('ERR_AUTH_TOKEN_TOO_LARGE');
      request.log?.info({ reason: authorization === undefined ? 'no Authorization header' : 'not a Bearer token' }, 'token refused');
      throw new ConnectorError('ERR_AUTH_REQUIRED');
    }
    const token = m[1]!;
    if (token.length > MAX_TOKEN_LENGTH) throw new ConnectorError('ERR_AUTH_TOKEN_TOO_LARGE');
    try {
      return { subject: await this.verify(token, request.headers.origin) };
    } catch (e) {
      const reason = e instanceof TokenRejected ? e.reason : `${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}`;
      request.log?.info({ reason }, 'token refused');
      throw new ConnectorError('ERR_AUTH_INVALID', { cause: e });
    }
  }

  private async verify(token: string, origin: string | undefined): Promise<string> {
    const again = await this.verifiedBefore(token);
    if (again) {
      this.checkOrigins(again.origins, origin);
      return again.subject;
    }
    const { header, claims, signature } = parseCompactJws(token);
    const unknown = Object.keys(header).filter((k) => !HEADER_PARAMETERS.has(k));
    if (unknown.length > 0) throw new TokenRejected(`header parameter(s) not understood: ${unknown.slice(0, 4).join(', ')}`);
    const alg = header['alg'];
    if (!isJwsAlgorithm(alg) || !this.policy.algorithms.includes(alg)) throw new TokenRejected('algorithm not allowed');
    const typ = header['typ'];
    if (typ !== undefined && (typeof typ !== 'string' || !TOKEN_TYPES.has(typ.toLowerCase()))) throw new TokenRejected('typ not a JWT');
    const kid = header['kid'];
    if (typeof kid !== 'string') throw new TokenRejected('kid missing or not a string');
    const expected = JWS_ALGORITHMS[alg].signatureBytes;
    if (expected !== null && signature.length !== expected) throw new TokenRejected('signature length wrong for the algorithm');

    const found = await this.keys.key(kid, alg);
    if (!found) throw new TokenRejected('no DS key for this kid and algorithm');
    if (found.rsaBytes !== null && signature.length !== found.rsaBytes) throw new TokenRejected('signature length differs from the key size');

    const { aud } = claims;
    if (aud !== undefined && this.policy.audience === null) throw new TokenRejected('token has an audience, the connector none');
    const checkAudience = this.policy.audience !== null && (aud !== undefined || this.policy.requireAudience);
    await jwtVerify(token, found.key, {
      algorithms: [alg],
      issuer: this.policy.issuer,
      ...(checkAudience ? { audience: this.policy.audience! } : {}),
      clockTolerance: this.policy.leewaySeconds,
      maxTokenAge: this.policy.maxLifetimeSeconds,
      requiredClaims: ['exp', 'iat', 'sub'],
      currentDate: new Date(this.now()),
    });

    const iat = numericDate(claims, 'iat');
    const exp = numericDate(claims, 'exp');
    if (exp - iat > this.policy.maxLifetimeSeconds) throw new TokenRejected('lifetime longer than allowed');
    if (claims['nbf'] !== undefined) numericDate(claims, 'nbf');
    const sub = claims['sub'];
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) throw new TokenRejected('sub missing or malformed');
    this.checkOrigins(claims[ORIGINS_CLAIM], origin);
    this.verified.set(token, { subject: sub, kid, alg, key: found.key, iat, exp, origins: claims[ORIGINS_CLAIM] });
    return sub;
  }

  /**
   * A token verified before, still inside its lifetime and age bounds (with the leeway) and whose key the DS key
   * set still gives; otherwise it goes through the full verification again (which names what fails).
   */
  private async verifiedBefore(token: string): Promise<{ subject: string; origins: unknown } | null> {
    const known = this.verified.get(token);
    if (!known) return null;
    const nowS = this.now() / 1000;
    const leeway = this.policy.leewaySeconds;
    const inTime = nowS < known.exp + leeway && nowS - known.iat < this.policy.maxLifetimeSeconds + leeway;
    const found = inTime ? await this.keys.key(known.kid, known.alg) : null;
    if (found?.key === known.key) return known;
    this.verified.delete(token);
    return null;
  }

  /** The token's origins must include the request's Origin (when the request has one). */
  private checkOrigins(listed: unknown, origin: string | undefined): void {
    if (listed === undefined) {
      if (this.policy.requireOrigins) throw new TokenRejected('origins claim missing');
      return;
    }
    if (!Array.isArray(listed) || listed.length > 64 || !listed.every((o) => typeof o === 'string')) throw new TokenRejected('origins claim malformed');
    if (origin !== undefined && !(listed as string[]).includes(origin)) throw new TokenRejected('token not minted for this origin');
  }
}
