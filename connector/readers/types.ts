import type { EventEmitter } from 'node:events';
import type { CommandApdu, ResponseApdu } from '../protocol/index.js';

export type BackendKind = 'pcsc' | 'embedded';

/** A reader as the API reports it. `id` is stable across restarts and card swaps (derived from the name). */
export interface ReaderInfo {
  readonly id: string;
  readonly name: string;
  readonly backend: BackendKind;
  /** The inserted card, or null for an empty reader. */
  readonly card: { readonly atr: Buffer } | null;
  readonly pinpad: boolean;
}

export interface ReaderEvents {
  'reader-added': [ReaderInfo];
  'reader-removed': [ReaderInfo];
  'card-inserted': [ReaderInfo];
  'card-removed': [ReaderInfo];
}

/**
 * What a card module sees during one API operation: an exclusive channel to one card. T=0 details
 * (61xx → GET RESPONSE, 6Cxx → re-send with Le) are already handled: a response is the whole answer.
 */
export interface CardChannel {
  readonly readerId: string;
  readonly atr: Buffer;
  transmit(command: CommandApdu): Promise<ResponseApdu>;
  /** Warm reset of the card: clears its security state. */
  reset(): Promise<void>;
}

export interface SessionOptions {
  /** Whole-operation deadline in ms (default from the backend's bounds). */
  readonly deadlineMs?: number;
  /** What to do with the card when the session ends: keep its state or reset it. Default `leave`. */
  readonly disposition?: 'leave' | 'reset';
  /** What caused the session (e.g. the API call), carried into APDU traces and recordings. */
  readonly label?: string;
  /** Receives the time spent waiting in the reader's queue and holding the card, for Server-Timing. */
  readonly onStage?: (stage: 'queue' | 'card', ms: number) => void;
}

/**
 * A source of readers: `pcsc` (pcscd through libpcsclite) or `embedded` (the connector's own vpcd listener).
 * Sessions on one reader run one at a time, in arrival order, bounded by a queue limit.
 */
export interface ReaderBackend {
  readonly kind: BackendKind;
  readonly events: EventEmitter<ReaderEvents>;
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): ReaderInfo[];
  get(readerId: string): ReaderInfo | undefined;
  withSession<T>(readerId: string, operation: (channel: CardChannel) => Promise<T>, options?: SessionOptions): Promise<T>;
}
