import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isConnectorError } from '../errors/index.js';
import { SW, command, encodeResponse } from '../protocol/index.js';
import { BaseBackend, type RawSession } from './base-backend.js';
import { DEFAULT_BOUNDS, type RawCard, type SessionBounds } from './raw-card.js';

/** A reader whose card lives in memory: the session machinery without sockets. */
class MemoryBackend extends BaseBackend {
  constructor(bounds: SessionBounds = DEFAULT_BOUNDS) {
    super('embedded', bounds);
  }

  /** A card that no longer answers. */
  mute = false;

  readonly card: RawCard = {
    atr: Buffer.from('3B8880010000000000000000', 'hex'),
    protocol: 1,
    transmit: () => (this.mute ? new Promise(() => undefined) : Promise.resolve(Buffer.from(encodeResponse({ data: new Uint8Array(0), sw: SW.OK })))),
    reset: () => Promise.resolve(),
  };

  start(): Promise<void> {
    this.readerAdded('Memory Reader 00', this.card.atr);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.readerRemoved('Memory Reader 00');
    return Promise.resolve();
  }

  pull(): void {
    this.readerRemoved('Memory Reader 00');
  }

  protected open(): Promise<RawSession> {
    return Promise.resolve({ raw: this.card, close: () => Promise.resolve() });
  }
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const SELECT = command(0, 0xa4, 0, 0x0c, Buffer.from([0x3f, 0x00]));

describe('reader sessions (BaseBackend)', () => {
  it('keep no trace on a card that stays in its reader: memory stays flat over many sessions', async () => {
    const gc = collectGarbage();
    const backend = new MemoryBackend();
    await backend.start();
    const id = backend.list()[0]!.id;
    const run = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i += 1) await backend.withSession(id, (ch) => ch.transmit(SELECT));
    };
    await run(2_000); // warm-up: code compiled, pools filled
    gc();
    const before = process.memoryUsage().heapUsed;
    await run(40_000);
    gc();
    const grownBytes = process.memoryUsage().heapUsed - before;
    // a record kept per session (a WeakRef and its set entry is about 50 bytes) would be 2 MB here
    expect(grownBytes, `heap grew ${grownBytes} bytes over 40,000 sessions`).toBeLessThan(1_000_000);
    await backend.stop();
  }, 60_000);

  it('fails the session on a reader that goes away and those queued behind it with card-removed; later ones get reader-not-found', async () => {
    const backend = new MemoryBackend();
    await backend.start();
    const id = backend.list()[0]!.id;
    backend.mute = true;
    let started: () => void = () => undefined;
    const inCard = new Promise<void>((resolve) => (started = resolve));
    const running = backend.withSession(id, (ch) => {
      started();
      return ch.transmit(SELECT);
    });
    const queued = backend.withSession(id, (ch) => ch.transmit(SELECT));
    await inCard;
    backend.pull();
    await expect(running).rejects.toSatisfy((e) => isConnectorError(e, 'ERR_CARD_REMOVED'));
    await expect(queued).rejects.toSatisfy((e) => isConnectorError(e, 'ERR_CARD_REMOVED'));
    await expect(backend.withSession(id, (ch) => ch.transmit(SELECT))).rejects.toSatisfy((e) => isConnectorError(e, 'ERR_READER_NOT_FOUND'));
  });

  it('answers past the operation deadline with ERR_OPERATION_DEADLINE', async () => {
    const backend = new MemoryBackend({ ...DEFAULT_BOUNDS, operationDeadlineMs: 50 });
    await backend.start();
    const id = backend.list()[0]!.id;
    backend.mute = true;
    await expect(backend.withSession(id, (ch) => ch.transmit(SELECT))).rejects.toSatisfy((e) => isConnectorError(e, 'ERR_OPERATION_DEADLINE'));
    await backend.stop();
  });
});
