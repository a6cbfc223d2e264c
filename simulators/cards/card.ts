/**
 * A virtual card as readers see it: an ATR and `transmit(command) → response`, plus the power events a
 * reader delivers. Cards keep their own state (selected file, PIN counters, security state) across
 * power cycles the way real cards do: counters survive, security state does not.
 */
export interface VirtualCard {
  /** ATR as answered to the reader; may change only between power cycles. */
  readonly atr: Uint8Array;
  /** Short machine name of the card type, e.g. `iso-echo`, `beid-1.7`. */
  readonly profile: string;
  powerOn(): void;
  powerOff(): void;
  /** Warm reset: clears volatile state like a power cycle. */
  reset(): void;
  /** Processes one command APDU (raw bytes as the reader sent them) and returns the response APDU bytes. */
  transmit(command: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** One command/response pair as a card link observed it; VERIFY-like data already redacted by the card. */
export interface ApduExchange {
  readonly command: Uint8Array;
  readonly response: Uint8Array;
  readonly micros: number;
}

/** Cards that know which of their commands carry secrets implement this to redact them in traces. */
export interface RedactingCard {
  redactCommand(command: Uint8Array): Uint8Array;
}

export function isRedactingCard(card: VirtualCard): card is VirtualCard & RedactingCard {
  return typeof (card as Partial<RedactingCard>).redactCommand === 'function';
}
