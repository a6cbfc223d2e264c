import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TRANSCRIPT_FORMAT, serializeTranscript, toHex, type TranscriptStep } from '../protocol/index.js';
import type { ApduTraceEvent } from './raw-card.js';
import type { ReaderBackend, ReaderInfo } from './types.js';

interface Recording {
  readonly file: string;
  readonly atr: string;
  readonly reader: string;
  readonly steps: TranscriptStep[];
  pending: boolean;
}

/**
 * Records every card's APDU exchange to a transcript file in `dir`, one file per card insertion
 * (`<reader id>-<ATR>-<n>.json`), PIN-bearing data already masked by the channel, each step noting the API call
 * that caused it. The file is rewritten after each exchange (coalesced), so it is complete whenever the card leaves.
 */
export class TranscriptRecorder {
  private readonly recordings = new Map<string, Recording>();
  private counter = 0;
  private readonly onInserted = (reader: ReaderInfo): void => {
    this.start(reader);
  };

  constructor(
    private readonly dir: string,
    private readonly backend: () => ReaderBackend | null,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Starts following the backend's card insertions (call once the backend exists). */
  attach(backend: ReaderBackend): void {
    backend.events.on('card-inserted', this.onInserted);
    for (const reader of backend.list()) if (reader.card) this.start(reader);
  }

  detach(backend: ReaderBackend): void {
    backend.events.off('card-inserted', this.onInserted);
  }

  readonly trace = (event: ApduTraceEvent): void => {
    const reader = this.backend()?.get(event.readerId);
    const key = event.readerId;
    let rec = this.recordings.get(key);
    if (!rec || rec.atr !== toHex(event.atr)) rec = this.start({ id: event.readerId, name: reader?.name ?? event.readerId, atr: event.atr });
    rec.steps.push({ command: toHex(event.command), response: event.response ? toHex(event.response) : '', ...(event.label ? { note: event.label } : {}) });
    if (!rec.pending) {
      rec.pending = true;
      setImmediate(() => this.write(rec));
    }
  };

  private start(reader: { id: string; name: string; card?: { atr: Buffer } | null; atr?: Buffer }): Recording {
    const atr = toHex(reader.atr ?? reader.card?.atr ?? Buffer.alloc(0));
    this.counter += 1;
    const rec: Recording = { file: path.join(this.dir, `${reader.id}-${atr}-${this.counter}.json`), atr, reader: reader.name, steps: [], pending: false };
    this.recordings.set(reader.id, rec);
    return rec;
  }

  private write(rec: Recording): void {
    rec.pending = false;
    const steps = rec.steps.filter((s) => s.response !== '');
    const tmp = `${rec.file}.tmp`;
    writeFileSync(tmp, serializeTranscript({ format: TRANSCRIPT_FORMAT, atr: rec.atr, reader: rec.reader, source: 't1c-lab connector recording', steps }), { mode: 0o600 });
    renameSync(tmp, rec.file);
  }
}
