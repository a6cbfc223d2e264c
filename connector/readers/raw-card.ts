/**
 * The byte pipe a backend opens to a card for one session. Backends do nothing else with APDUs:
 * T=0 handling and bounds live in the channel above.
 */
export interface RawCard {
  readonly atr: Buffer;
  readonly protocol: 0 | 1;
  /** Sends the bytes as they are; resolves with the card's answer (data and SW). */
  transmit(command: Buffer): Promise<Buffer>;
  /** Warm reset; resolves when the card answers again. */
  reset(): Promise<void>;
}

export interface SessionBounds {
  /** Longest wait for one APDU's answer. */
  readonly apduTimeoutMs: number;
  /** Longest a whole API operation may hold a card, queue wait excluded. */
  readonly operationDeadlineMs: number;
  /** Sessions waiting per reader before new ones are refused (503). */
  readonly queueLimit: number;
}

export const DEFAULT_BOUNDS: SessionBounds = {
  apduTimeoutMs: 5_000,
  operationDeadlineMs: 30_000,
  queueLimit: 16,
};

/** One APDU as the connector exchanged it, for debug traces: the command already redacted. */
export interface ApduTraceEvent {
  readonly readerId: string;
  readonly command: Buffer;
  readonly response: Buffer | null;
  readonly micros: number;
  /** The session's label: the API call that caused the exchange. */
  readonly label?: string;
  /** The card's ATR. */
  readonly atr: Buffer;
}

export type ApduTracer = (event: ApduTraceEvent) => void;
