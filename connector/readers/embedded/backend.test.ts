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
});
