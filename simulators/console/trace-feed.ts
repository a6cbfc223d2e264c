import type { TraceNote, TracedApdu } from '../lab/lab-events.js';
import { TraceDecoder, type DecodedApdu } from './trace-decode.js';

export type TraceEntry = (TracedApdu & { readonly kind: 'apdu'; readonly seq: number; readonly decoded: DecodedApdu }) | (TraceNote & { readonly kind: 'note'; readonly seq: number });

/**
 * The console's view of the lab's APDU traces: every APDU and note as the trace files hold them, decoded per reader,
 * numbered, and the last `limit` kept for a page that opens later. A note (card in or out, reader unplugged or
 * plugged) starts the reader's decoding afresh, for the card family then in it.
 */
export class TraceFeed {
  private readonly decoders = new Map<number, TraceDecoder>();
  private readonly entries: TraceEntry[] = [];
  private seq = 0;

  constructor(
    private readonly familyOf: (reader: number) => string | null,
    private readonly limit = 2000,
  ) {}

  apdu(apdu: TracedApdu): TraceEntry {
    let decoder = this.decoders.get(apdu.reader);
    if (!decoder) this.decoders.set(apdu.reader, (decoder = new TraceDecoder(this.familyOf(apdu.reader))));
    return this.keep({ ...apdu, kind: 'apdu', seq: ++this.seq, decoded: decoder.decode(apdu.command, apdu.response) });
  }

  note(note: TraceNote): TraceEntry {
    this.decoders.delete(note.reader);
    return this.keep({ ...note, kind: 'note', seq: ++this.seq });
  }

  recent(): readonly TraceEntry[] {
    return [...this.entries];
  }

  private keep(entry: TraceEntry): TraceEntry {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return entry;
  }
}
