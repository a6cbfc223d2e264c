/**
 * The behaviour every reader backend must show, run against each backend by its own test file.
 * Test-only module: it plugs simulator cards into whatever readers the harness provides.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { IsoEchoCard, ISO_ECHO_ATR, ISO_ECHO_INS, isoEchoTestFile } from '../../simulators/cards/iso-echo/index.js';
import type { VirtualCard } from '../../simulators/cards/card.js';
import type { CardLink } from '../../simulators/vpcd/card-link.js';
import { isConnectorError } from '../errors/index.js';
import { SW, command, toHex } from '../protocol/index.js';
import type { ReaderBackend, ReaderInfo } from './types.js';

export interface BackendHarness {
  readonly backend: ReaderBackend;
  /** Reader names in plug order: index i is the reader `plug(i, …)` connects to. */
  readonly readerNames: readonly string[];
  plug(index: number, card: VirtualCard): Promise<CardLink>;
  unplug(index: number): Promise<void>;
}

/** Resolves with the reader once `predicate` holds, checking now and on every backend event. */
export async function waitForReader(backend: ReaderBackend, name: string, predicate: (r: ReaderInfo) => boolean, timeoutMs = 5_000): Promise<ReaderInfo> {
  const check = (): ReaderInfo | undefined => backend.list().find((r) => r.name === name && predicate(r));
  const now = check();
  if (now) return now;
  return new Promise((resolve, reject) => {
    const events = ['reader-added', 'card-inserted', 'card-removed', 'reader-removed'] as const;
    const onEvent = (): void => {
      const hit = check();
      if (hit) done(() => resolve(hit));
    };
    const timer = setTimeout(() => done(() => reject(new Error(`reader ${name} did not reach the expected state in ${timeoutMs} ms`))), timeoutMs);
    function done(settle: () => void): void {
      clearTimeout(timer);
      for (const e of events) backend.events.off(e, onEvent);
      settle();
    }
    for (const e of events) backend.events.on(e, onEvent);
  });
}

/** An iso-echo card whose every answer waits `delayMs`, or never comes when `mute` is set. */
export class SlowCard implements VirtualCard {
  mute = false;
  private readonly inner = new IsoEchoCard();
  readonly atr = this.inner.atr;
  readonly profile = this.inner.profile;
  constructor(private readonly delayMs: number) {}
  powerOn(): void {
    this.inner.powerOn();
  }
  powerOff(): void {
    this.inner.powerOff();
  }
  reset(): void {
    this.inner.reset();
  }
  transmit(bytes: Uint8Array): Promise<Uint8Array> {
    if (this.mute) return new Promise(() => undefined);
    return new Promise((resolve, reject) => setTimeout(() => Promise.resolve(this.inner.transmit(bytes)).then(resolve, reject), this.delayMs));
  }
}

/**
 * Iso-echo cards that hold every answer until each of them has a command waiting: two readers serve them only if
 * their APDUs are in flight at the same time. A backend that serialises readers never gets the second command
 * through, and the sessions end at their deadline instead.
 */
export function cardsAnsweringTogether(count: number): VirtualCard[] {
  const waiting: (() => void)[] = [];
  return Array.from({ length: count }, () => {
    const inner = new IsoEchoCard();
    return {
      atr: inner.atr,
      profile: inner.profile,
      powerOn: () => inner.powerOn(),
      powerOff: () => inner.powerOff(),
      reset: () => inner.reset(),
      transmit: (bytes: Uint8Array): Promise<Uint8Array> =>
        new Promise<void>((release) => {
          waiting.push(release);
          if (waiting.length === count) for (const go of waiting.splice(0)) go();
        }).then(() => inner.transmit(bytes)),
    };
  });
}

const selectTestEf = command(0x00, ISO_ECHO_INS.SELECT, 0x00, 0x0c, Buffer.from([0x01, 0x01]));

export function defineBackendSuite(open: () => Promise<BackendHarness>, close: (h: BackendHarness) => Promise<void>): void {
  it('shows a plugged card with its ATR, runs 1,000 APDUs with checked answers and sees the removal', async () => {
    const h = await open();
    try {
      const name = h.readerNames[0]!;
      await h.plug(0, new IsoEchoCard());
      const reader = await waitForReader(h.backend, name, (r) => r.card !== null);
      expect(toHex(reader.card!.atr)).toBe(toHex(ISO_ECHO_ATR));
      const file = isoEchoTestFile();
      const count = await h.backend.withSession(reader.id, async (channel) => {
        expect(toHex(channel.atr)).toBe(toHex(ISO_ECHO_ATR));
        let n = 0;
        while (n < 1000) {
          const kind = n % 4;
          if (kind === 0) {
            expect((await channel.transmit(selectTestEf)).sw).toBe(SW.OK);
          } else if (kind === 1) {
            const offset = (n * 7) % 300;
            // Le 256 past the end: the channel follows the card's 6Cxx and returns the tail.
            const res = await channel.transmit(command(0x00, ISO_ECHO_INS.READ_BINARY, offset >> 8, offset & 0xff, undefined, 256));
            expect(res.sw).toBe(SW.OK);
            expect(toHex(res.data)).toBe(toHex(file.subarray(offset, Math.min(offset + 256, 300))));
          } else if (kind === 2) {
            const data = randomBytes(1 + (n % 255));
            // Case 4: sent without Le on T=0, answered 61xx, fetched with GET RESPONSE by the channel.
            const res = await channel.transmit(command(0x80, ISO_ECHO_INS.ECHO, 0, 0, data, 256));
            expect(res.sw).toBe(SW.OK);
            expect(toHex(res.data)).toBe(toHex(data));
          } else {
            const res = await channel.transmit(command(0x00, 0x77, 0, 0));
            expect(res.sw).toBe(SW.INS_NOT_SUPPORTED);
          }
          n += 1;
        }
        return n;
      });
      expect(count).toBe(1000);
      const removed = once(h.backend.events, 'card-removed');
      await h.unplug(0);
      const [info] = (await removed) as [ReaderInfo];
      expect(info.name).toBe(name);
      expect(h.backend.get(reader.id)?.card).toBeNull();
    } finally {
      await close(h);
    }
  });

  it('fails a running operation at once when the card is pulled, and serves the card again once re-inserted', async () => {
    const h = await open();
    try {
      const name = h.readerNames[0]!;
      await h.plug(0, new SlowCard(20));
      const reader = await waitForReader(h.backend, name, (r) => r.card !== null);
      let sent = 0;
      const running = h.backend.withSession(reader.id, async (channel) => {
        for (;;) {
          await channel.transmit(selectTestEf);
          sent += 1;
        }
      });
      const failure = running.then(
        () => null,
        (e: unknown) => e,
      );
      while (sent < 3) await new Promise((r) => setImmediate(r));
      const pulledAt = Date.now();
      await h.unplug(0);
      const error = await failure;
      expect(isConnectorError(error, 'ERR_CARD_REMOVED'), String(error) + ' cause: ' + String((error as Error).cause)).toBe(true);
      expect(Date.now() - pulledAt).toBeLessThan(1_000);
      await expect(h.backend.withSession(reader.id, async () => 1)).rejects.toSatisfy((e) => isConnectorError(e, 'ERR_CARD_NOT_PRESENT') || isConnectorError(e, 'ERR_CARD_REMOVED'));
      await h.plug(0, new IsoEchoCard());
      await waitForReader(h.backend, name, (r) => r.card !== null);
      const sw = await h.backend.withSession(reader.id, async (channel) => (await channel.transmit(selectTestEf)).sw);
      expect(sw).toBe(SW.OK);
    } finally {
      await close(h);
    }
  });

  it('answers unknown readers with a reader error, not a hang', async () => {
    const h = await open();
    try {
      await expect(h.backend.withSession('0000000000000000', async () => 1)).rejects.toSatisfy((e) => isConnectorError(e, 'ERR_READER_NOT_FOUND'));
    } finally {
      await close(h);
    }
  });

  it('runs sessions on one reader one at a time, in order', async () => {
    const h = await open();
    try {
      await h.plug(0, new SlowCard(2));
      const reader = await waitForReader(h.backend, h.readerNames[0]!, (r) => r.card !== null);
      const log: string[] = [];
      await Promise.all(
        [0, 1, 2, 3].map((i) =>
          h.backend.withSession(reader.id, async (channel) => {
            log.push(`start ${i}`);
            await channel.transmit(selectTestEf);
            await channel.transmit(selectTestEf);
            log.push(`end ${i}`);
          }),
        ),
      );
      expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    } finally {
      await close(h);
    }
  });

  it('serves two readers at the same time: an APDU on one does not wait for the other', async () => {
    const h = await open();
    try {
      const cards = cardsAnsweringTogether(2);
      const readers = [];
      for (const [index, card] of cards.entries()) {
        await h.plug(index, card);
        readers.push(await waitForReader(h.backend, h.readerNames[index]!, (r) => r.card !== null));
      }
      const sws = await Promise.all(readers.map((reader) => h.backend.withSession(reader.id, async (channel) => (await channel.transmit(selectTestEf)).sw, { deadlineMs: 10_000 })));
      expect(sws).toEqual([SW.OK, SW.OK]);
    } finally {
      await close(h);
    }
  });
}
