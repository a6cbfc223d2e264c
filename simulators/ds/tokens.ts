import type { Application } from './applications.js';
import type { DsKeyRing } from './keys.js';

/** The vendor's token lifetime (20 minutes) and nbf back-dating (5 s). */
export const TOKEN_LIFETIME_S = 20 * 60;
export const NBF_SKEW_S = 5;
/** Where the application's origins go in a token (the connector's ORIGINS_CLAIM). */
export const ORIGINS_CLAIM = 'allowed-origins';

export interface TokenShape {
  readonly issuer: string;
  /** The connector audience; null: no `aud` (vendor-shaped tokens). */
  readonly audience: string | null;
  /** Put the application's origins in the token (beyond the vendor). */
  readonly includeOrigins: boolean;
  readonly lifetimeSeconds: number;
}

type Json = Record<string, unknown>;

/** `{…base, …overrides}` where an override of null removes the member. */
function merge(base: Json, overrides: Json | undefined): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

export interface MintOverrides {
  /** Added or replaced claims; null removes one (e.g. `{exp: null}`). */
  readonly claims?: Json;
  readonly header?: Json;
  /** Shifts iat/nbf/exp: the token as if minted this many seconds from now (negative: in the past). */
  readonly atOffsetSeconds?: number;
  readonly lifetimeSeconds?: number;
  /** Sign with this key (must still be in the key set). */
  readonly kid?: string;
}

/**
 * A token shaped like the vendor DS's — RS256 with a `kid`; `iss`, `sub`, `iat`, `nbf` = iat − 5 s, `exp` =
 * iat + 20 min — plus `aud` and the allowed origins when the DS is told to add them.
 */
export function mintToken(keys: DsKeyRing, app: Application, shape: TokenShape, nowMs: number, overrides: MintOverrides = {}): string {
  const iat = Math.floor(nowMs / 1000) + (overrides.atOffsetSeconds ?? 0);
  const lifetime = overrides.lifetimeSeconds ?? shape.lifetimeSeconds;
  const kid = overrides.kid ?? keys.currentKid;
  const claims: Json = {
    iss: shape.issuer,
    sub: app.name,
    iat,
    nbf: iat - NBF_SKEW_S,
    exp: iat + lifetime,
    ...(shape.audience !== null ? { aud: shape.audience } : {}),
    ...(shape.includeOrigins ? { [ORIGINS_CLAIM]: [...app.origins] } : {}),
  };
  const header = merge({ alg: 'RS256', typ: 'JWT', kid }, overrides.header);
  return keys.signCompact(JSON.stringify(header), JSON.stringify(merge(claims, overrides.claims)), kid);
}
