/**
 * The JWS algorithms the connector can be configured to accept (one registry, STYLE rule 3): asymmetric only,
 * so a DS public key can never double as an HMAC secret (security-checklist JWT-02). `signatureBytes` is the
 * exact length a signature must have (RSA: the modulus length; ECDSA: the raw r‖s form of RFC 7518 §3.4).
 */
export const JWS_ALGORITHM_NAMES = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHM_NAMES)[number];

export const JWS_ALGORITHMS: Readonly<Record<JwsAlgorithm, { readonly kty: 'RSA' | 'EC'; readonly crv?: string; readonly signatureBytes: number | null }>> = {
  RS256: { kty: 'RSA', signatureBytes: null },
  RS384: { kty: 'RSA', signatureBytes: null },
  RS512: { kty: 'RSA', signatureBytes: null },
  PS256: { kty: 'RSA', signatureBytes: null },
  PS384: { kty: 'RSA', signatureBytes: null },
  PS512: { kty: 'RSA', signatureBytes: null },
  ES256: { kty: 'EC', crv: 'P-256', signatureBytes: 64 },
  ES384: { kty: 'EC', crv: 'P-384', signatureBytes: 96 },
  ES512: { kty: 'EC', crv: 'P-521', signatureBytes: 132 },
};

export function isJwsAlgorithm(name: unknown): name is JwsAlgorithm {
  return typeof name === 'string' && (JWS_ALGORITHM_NAMES as readonly string[]).includes(name);
}

/** The smallest RSA modulus a DS key may have. */
export const MIN_RSA_BITS = 2048;
