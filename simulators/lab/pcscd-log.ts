import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { fromHex, redactCommandApdu } from '../../connector/protocol/index.js';

const APDU_LINE = /^(.*\bAPDU: )((?:[0-9A-Fa-f]{2} )*[0-9A-Fa-f]{2}) ?$/;

/**
 * pcscd's `--apdu` log prints every command APDU in hex, VERIFY data included: a PIN in clear text in a file.
 * The lab writes pcscd's output through this filter, so the log keeps each command's header and length but
 * never the data of a PIN-bearing one.
 */
export function redactPcscdLine(line: string): string {
  const m = APDU_LINE.exec(line);
  if (!m) return line;
  const bytes = fromHex(m[2]!);
  const redacted = redactCommandApdu(bytes);
  if (redacted.equals(bytes)) return line;
  return `${m[1]}${[...redacted].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')} `;
}

/** Copies lines from pcscd's stdout and stderr, redacted, to the log file (mode 0600). Resolves when both end. */
export function pipeRedactedLog(path: string, streams: readonly Readable[]): Promise<void> {
  const out = createWriteStream(path, { flags: 'a', mode: 0o600 });
  const done = streams.map(
    (stream) =>
      new Promise<void>((resolve) => {
        const lines = createInterface({ input: stream, crlfDelay: Infinity });
        lines.on('line', (line) => out.write(`${redactPcscdLine(line)}\n`));
        lines.on('close', () => resolve());
      }),
  );
  return Promise.all(done).then(() => new Promise<void>((resolve) => out.end(() => resolve())));
}
