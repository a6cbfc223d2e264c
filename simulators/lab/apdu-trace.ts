import { createWriteStream, type WriteStream } from 'node:fs';
import { toHex } from '../../connector/protocol/index.js';
import type { ApduExchange } from '../cards/card.js';

/**
 * The APDU trace of one reader (`.lab/apdu-<index>.log`): `> COMMAND` and `< RESPONSE` lines in upper-case hex,
 * `#` lines for card insertions and removals. Commands arrive already redacted by the card (VERIFY data).
 */
export class ApduTrace {
  private readonly stream: WriteStream;

  constructor(file: string) {
    this.stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  }

  readonly onExchange = (exchange: ApduExchange): void => {
    this.stream.write(`> ${toHex(exchange.command)}\n< ${toHex(exchange.response)}\n`);
  };

  note(text: string): void {
    this.stream.write(`# ${text}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}
