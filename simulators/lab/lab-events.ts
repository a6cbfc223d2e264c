import { EventEmitter } from 'node:events';

/** One APDU a reader's card answered, as the lab's trace records it: the command already redacted (apdu-trace.ts). */
export interface TracedApdu {
  readonly reader: number;
  /** Upper-case hex, secret data masked. */
  readonly command: string;
  readonly response: string;
  readonly micros: number;
  /** When the card answered (ISO 8601). */
  readonly at: string;
}

/** A `#` line of a reader's trace: a card inserted or removed, the reader unplugged or plugged in. */
export interface TraceNote {
  readonly reader: number;
  readonly text: string;
  readonly at: string;
}

interface LabEventMap {
  /** The lab state changed (a card, a reader, a fault): ask the runtime for the new one. */
  changed: [];
  apdu: [TracedApdu];
  note: [TraceNote];
}

/**
 * What happens in a running lab, as one typed event bus: the supervisor keeps `state.json` current from it and the
 * console streams it. Nothing listens unless someone asked, so an idle bus costs nothing per APDU.
 */
export class LabEvents extends EventEmitter<LabEventMap> {}
