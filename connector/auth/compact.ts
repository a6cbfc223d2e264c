import { parseStrictJsonObject } from './strict-json.js';

/** Largest token accepted (security-checklist JWT-10): a DS token is ~1 KB; anything over 8 KB is refused early. */
export const MAX_TOKEN_LENGTH = 8192;

/** Why a token was refused — for the connector's own log only, never for the response. */
export class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
  constructor(readonly reason: string, options?: ErrorOptions) {
    super(reason, options);
  }
}

export interface CompactJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly signature: Buffer;
  /** The token as received (jose verifies this exact text). */
  readonly token: string;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Decodes one base64url segment, refusing padding, foreign characters and non-canonical trailing bits. */
function decodeSegment(segment: string, what: string): Buffer {
  if (!SEGMENT.test(segment) || segment.length % 4 === 1) throw new TokenRejected(`${what}: not canonical base64url`);
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) throw new TokenRejected(`${what}: not canonical base64url`);
  return bytes;
}

function decodeJson(segment: string, what: string): Record<string, unknown> {
  const bytes = decodeSegment(segment, what);
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    return parseStrictJsonObject(text.decode(bytes));
  } catch (e) {
    throw new TokenRejected(`${what}: not a strict JSON object (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Splits a compact JWS into its three parts with every structural check a parser could be lenient about
 * (JWT-08): exactly three non-empty canonical base64url segments (a JWE has five, an unsigned token an empty
 * third), header and claims strict JSON objects (no duplicate keys, no trailing data, valid UTF-8). A nested
 * JWT (`cty: JWT`) is refused.
 */
export function parseCompactJws(token: string): CompactJws {
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejected('token too large');
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenRejected(`${parts.length} segments, not 3`);
  const [h, p, s] = parts as [string, string, string];
  if (s === '') throw new TokenRejected('empty signature');
  const header = decodeJson(h, 'header');
  const claims = decodeJson(p, 'claims');
  const signature = decodeSegment(s, 'signature');
  if (header['cty'] !== undefined && String(header['cty']).toUpperCase() === 'JWT') throw new TokenRejected('nested JWT');
  return { header, claims, signature, token };
}
