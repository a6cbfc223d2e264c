/**
 * Tokens shown next to card readers in `/v3/readers` (spec §2.3, §4.5: the `{rid}` of a token is whatever id the
 * connector lists). The readers route depends on this interface only, not on how tokens are found.
 */
export interface TokenView {
  /** Stable id, 16 hex digits like reader ids: derived from the token's label and serial number. */
  readonly id: string;
  readonly name: string;
  /** The module serving it (`card.modules`), e.g. `pkcs11`. */
  readonly module: string;
  readonly description: string;
}

export interface TokenSource {
  list(): readonly TokenView[];
  get(id: string): TokenView | undefined;
}
