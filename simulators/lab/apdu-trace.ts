import { createWriteStream, type WriteStream } from 'node:fs';
import { redactCommandApdu, toHex } from '../../connector/protocol/index.js';
import type { ApduExchange } from '../cards/card.js';
import type { LabEvents } from './lab-events.js';

/**
 * The APDU trace of one reader (`.lab/apdu-<index>.log`): `> COMMAND` and `< RESPONSE` lines in upper-case hex,
 * `#` lines for card insertions and removals. Commands arrive redacted by the card that knows its secret-bearing
 * instructions, and are redacted once more by the connector's own rule (`redactCommandApdu`), so a card that does
 * not redact never puts a PIN here. With an event bus, every line also goes there exactly as written.
 */
export class ApduTrace {
  private readonly stream: WriteStream;

  constructor(
    file: string,
    private readonly reader: number = 0,
    private readonly events: LabEvents | null = null,
  ) {
    this.stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  }

  readonly onExchange = (exchange: ApduExchange): void => {
    const command = toHex(redactCommandApdu(exchange.command));
    const response = toHex(exchange.response);
    this.stream.write(`> ${command}\n< ${response}\n`);
    if (this.events?.listenerCount('apdu')) this.events.emit('apdu', { reader: this.reader, command, response, micros: exchange.micros, at: new Date().toISOString() });
  };

  note(text: string): void {
    this.stream.write(`# ${text}\n`);
    this.events?.emit('note', { reader: this.reader, text, at: new Date().toISOString() });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}
