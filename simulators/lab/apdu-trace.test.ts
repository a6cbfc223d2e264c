import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodePinBlock, toHex } from '../../connector/protocol/index.js';
import { ApduTrace } from './apdu-trace.js';
import { LabEvents, type TraceNote, type TracedApdu } from './lab-events.js';

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('APDU trace', () => {
  it('masks PIN data even from a card that does not, and gives the bus exactly the lines of the file', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 't1c-trace-'));
    const file = path.join(dir, 'apdu-3.log');
    const events = new LabEvents();
    const seen: (TracedApdu | TraceNote)[] = [];
    events.on('apdu', (a) => seen.push(a)).on('note', (n) => seen.push(n));
    const trace = new ApduTrace(file, 3, events);
    const block = encodePinBlock(Buffer.from('739164'));
    trace.note('inserted iso-echo');
    trace.onExchange({ command: Buffer.concat([Buffer.from('0020000108', 'hex'), block]), response: Buffer.from('9000', 'hex'), micros: 12 });
    trace.onExchange({ command: Buffer.from('00A4040000', 'hex'), response: Buffer.from('6A82', 'hex'), micros: 3 });
    await trace.close();
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(`# inserted iso-echo\n> 0020000108${'2A'.repeat(8)}\n< 9000\n> 00A4040000\n< 6A82\n`);
    expect(text).not.toContain(toHex(block));
    expect(seen).toMatchObject([
      { reader: 3, text: 'inserted iso-echo' },
      { reader: 3, command: `0020000108${'2A'.repeat(8)}`, response: '9000', micros: 12 },
      { reader: 3, command: '00A4040000', response: '6A82', micros: 3 },
    ]);
  });
});
