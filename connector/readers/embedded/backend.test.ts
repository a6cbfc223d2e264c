import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FaultCard } from '../../../simulators/cards/fault-card.js';
import { IsoEchoCard } from '../../../simulators/cards/iso-echo/index.js';
import { CardLink } from '../../../simulators/vpcd/card-link.js';
import { isConnectorError } from '../../errors/index.js';
import { SW, command } from '../../protocol/index.js';
import { defineBackendSuite, SlowCard, waitForReader, type BackendHarness } from '../backend-suite.js';
import type { SessionBounds } from '../raw-card.js';
import { DEFAULT_BOUNDS } from '../raw-card.js';
import { EmbeddedBackend, embeddedReaderName } from './backend.js';
import { serveReaderBus, type ParentChannel } from './parent-bus.js';

async function openEmbedded(readers = 2, bounds: Partial<SessionBounds> = {}): Promise<BackendHarness & { links: Map<number, CardLink> }> {
  const backend = new EmbeddedBackend({ ports: Array.from({ length: readers }, () => 0) }, { ...DEFAULT_BOUNDS, ...bounds });
  await backend.start();
  const links = new Map<number, CardLink>();
  return {
    backend,
    links,
    readerNames: Array.from({ length: readers }, (_, i) => embeddedReaderName(i)),
    async plug(index, card) {
      const link = new CardLink(card, { port: backend.ports()[index]!, reconnect: false });
      links.set(index, link);
      await link.insert();
      return link;
    },
    async unplug(index) {
      await links.get(index)?.remove();
      links.delete(index);
    },
  };
}

async function closeEmbedded(h: BackendHarness): Promise<void> {
  for (let i = 0; i < h.readerNames.length; i += 1) await h.unplug(i);
  await h.backend.stop();
}

describe('embedded reader backend', () => {
  defineBackendSuite(() => openEmbedded(), closeEmbedded);

  it('listens on loopback only', () => {
    expect(() => new EmbeddedBackend({ host: '0.0.0.0', ports: [0] }, DEFAULT_BOUNDS)).toThrow(/loopback/);
  });

  it('times out a mute card, drops it, and takes it back when it reconnects', async () => {
    const h = await openEmbedded(1, { apduTimeoutMs: 200 });
    try {
      const card = new SlowCard(0);
      const link = new CardLink(card, { port: (h.backend as EmbeddedBackend).ports()[0]!, maxBackoffMs: 50 });
      h.links.set(0, link);
      await link.insert();
      const reader = await waitForReader(h.backend, h.readerNames[0]!, (r) => r.card !== null);
      card.mute = true;
      const started = Date.now();
      await expect(h.backend.withSession(reader.id, (ch) => ch.transmit(command(0, 0xa4, 0, 0x0c, Buffer.from([1, 1]))))).rejects.toSatisfy((e) =>
        isConnectorError(e, 'ERR_CARD_TIMEOUT'),
      );
      expect(Date.now() - started).toBeLessThan(1_000);
      card.mute = false;
      await waitForReader(h.backend, h.readerNames[0]!, (r) => r.card !== null);
      const sw = await h.backend.withSession(reader.id, async (ch) => (await ch.transmit(command(0, 0xa4, 0, 0x0c, Buffer.from([1, 1])))).sw);
      expect(sw).toBe(SW.OK);
    } finally {
      await closeEmbedded(h);
    }
  });

  it('fails an operation whose card is pulled mid-APDU with ERR_CARD_REMOVED, APDUs sent after it included, and lives on', async () => {
    const h = await openEmbedded(1);
    try {
      const card = new FaultCard(new IsoEchoCard(), () => void h.unplug(0));
      await h.plug(0, card);
      const reader = await waitForReader(h.backend, h.readerNames[0]!, (r) => r.card !== null);
      card.apply({ kind: 'remove', atIns: 0x84 });
      const operation = h.backend.withSession(reader.id, async (ch) => {
        try {
          await ch.transmit(command(0, 0x84, 0, 0, undefined, 8));
        } finally {
          // what a module's cleanup does (LOG OFF) after the card has gone: must fail quietly, not crash the process
          await ch.transmit(command(0x80, 0xe6, 0, 0)).catch(() => undefined);
        }
      });
      await expect(operation).rejects.toSatisfy((e) => isConnectorError(e, 'ERR_CARD_REMOVED'));
      await h.plug(0, new IsoEchoCard());
      const back = await waitForReader(h.backend, h.readerNames[0]!, (r) => r.card !== null);
      expect(await h.backend.withSession(back.id, async (ch) => (await ch.transmit(command(0, 0x84, 0, 0, undefined, 8))).sw)).toBe(SW.OK);
    } finally {
      await closeEmbedded(h);
    }
  });

  it('refuses sessions beyond the queue limit with a 503-class error', async () => {
    const h = await openEmbedded(1, { queueLimit: 2 });
    try {
      await h.plug(0, new SlowCard(50));
      const reader = await waitForReader(h.backend, h.readerNames[0]!, (r) => r.card !== null);
      const op = (): Promise<number> => h.backend.withSession(reader.id, async (ch) => (await ch.transmit(command(0, 0x84, 0, 0, undefined, 8))).sw);
      const results = await Promise.allSettled([op(), op(), op()]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      const third = results[2] as PromiseRejectedResult;
      expect(isConnectorError(third.reason, 'ERR_READER_QUEUE_FULL')).toBe(true);
      expect((third.reason as { status: number }).status).toBe(503);
    } finally {
      await closeEmbedded(h);
    }
  });

  it('accepts one card per reader', async () => {
    const h = await openEmbedded(1);
    try {
      await h.plug(0, new IsoEchoCard());
      await waitForReader(h.backend, h.readerNames[0]!, (r) => r.card !== null);
      const intruder = new CardLink(new IsoEchoCard(), { port: (h.backend as EmbeddedBackend).ports()[0]!, reconnect: false });
      await intruder.insert();
      await new Promise<void>((resolve) => (intruder.connected ? intruder.once('disconnected', () => resolve()) : resolve()));
      expect(h.backend.list().filter((r) => r.card !== null)).toHaveLength(1);
      await intruder.remove();
    } finally {
      await closeEmbedded(h);
    }
  });

  it('unplugs a reader: it leaves the list, the session on its card fails with card-removed, and plugged back it serves under the same id', async () => {
    const h = await openEmbedded(2);
    const backend = h.backend as EmbeddedBackend;
    try {
      const card = new SlowCard(0);
      const link = new CardLink(card, { port: backend.ports()[0]!, maxBackoffMs: 50 });
      h.links.set(0, link);
      await link.insert();
      const reader = await waitForReader(backend, h.readerNames[0]!, (r) => r.card !== null);
      const removed: string[] = [];
      backend.events.on('reader-removed', (r) => removed.push(r.id));
      card.mute = true;
      let inCard: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (inCard = resolve));
      const session = backend.withSession(reader.id, (ch) => {
        inCard();
        return ch.transmit(command(0, 0x84, 0, 0, undefined, 8));
      });
      await started;
      await backend.unplugReader(0);
      await expect(session).rejects.toSatisfy((e) => isConnectorError(e, 'ERR_CARD_REMOVED'));
      expect(removed).toEqual([reader.id]);
      expect(backend.list().map((r) => r.name)).toEqual([h.readerNames[1]]);
      await expect(backend.withSession(reader.id, (ch) => ch.transmit(command(0, 0x84, 0, 0, undefined, 8)))).rejects.toSatisfy((e) => isConnectorError(e, 'ERR_READER_NOT_FOUND'));
      await backend.unplugReader(0); // already out: nothing to do

      card.mute = false;
      await backend.plugReader(0);
      const back = await waitForReader(backend, h.readerNames[0]!, (r) => r.card !== null);
      expect(back.id).toBe(reader.id);
      const sw = await backend.withSession(back.id, async (ch) => (await ch.transmit(command(0, 0x84, 0, 0, undefined, 8))).sw);
      expect(sw).toBe(SW.OK);
      await expect(backend.unplugReader(5)).rejects.toSatisfy((e) => isConnectorError(e, 'ERR_READER_NOT_FOUND'));
    } finally {
      await closeEmbedded(h);
    }
  });

  it('serves plug and unplug from the parent process over its IPC channel, and nothing else', async () => {
    const h = await openEmbedded(2);
    const backend = h.backend as EmbeddedBackend;
    const parent = new EventEmitter<{ message: [unknown] }>();
    const answers: unknown[] = [];
    const answered = (n: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => (answers.length >= n ? resolve() : void setImmediate(check));
        check();
      });
    const channel: ParentChannel = { send: (m) => answers.push(m) > 0, on: (e, l) => parent.on(e, l), off: (e, l) => parent.off(e, l) };
    const stop = serveReaderBus(backend, channel);
    try {
      expect(serveReaderBus(backend, { on: () => undefined, off: () => undefined })).toBeNull();
      parent.emit('message', { t1cReaderBus: 1, id: 1, op: 'unplug', reader: 1 });
      await answered(1);
      expect(answers[0]).toEqual({ t1cReaderBus: 1, id: 1, ok: true });
      expect(backend.list().map((r) => r.name)).toEqual([h.readerNames[0]]);
      parent.emit('message', { t1cReaderBus: 1, id: 2, op: 'format', reader: 1 });
      parent.emit('message', { op: 'plug', reader: 1 });
      parent.emit('message', { t1cReaderBus: 1, id: 3, op: 'plug', reader: 7 });
      await answered(2);
      expect(answers[1]).toMatchObject({ t1cReaderBus: 1, id: 3, ok: false, error: expect.stringContaining('7') });
      parent.emit('message', { t1cReaderBus: 1, id: 4, op: 'plug', reader: 1 });
      await answered(3);
      expect(answers[2]).toEqual({ t1cReaderBus: 1, id: 4, ok: true });
      expect(backend.list().map((r) => r.name)).toEqual(h.readerNames);
    } finally {
      stop?.();
      await closeEmbedded(h);
    }
  });
});
