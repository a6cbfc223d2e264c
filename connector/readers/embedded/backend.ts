import net from 'node:net';
import { ConnectorError } from '../../errors/index.js';
import { BaseBackend, type RawSession } from '../base-backend.js';
import type { ApduTracer, SessionBounds } from '../raw-card.js';
import { CardConnection } from './card-connection.js';

export interface EmbeddedReaderConfig {
  /** Loopback address to listen on: 127.0.0.0/8 or ::1 only. */
  readonly host?: string;
  /** One reader per port; 0 picks a free port (see `ports()`). */
  readonly ports: readonly number[];
}

interface Slot {
  readonly name: string;
  readonly server: net.Server;
  port: number;
  card: CardConnection | null;
  /** False while the reader is unplugged (plugReader / unplugReader): not listening, not listed. */
  plugged: boolean;
}

export function embeddedReaderName(index: number): string {
  return `t1c-lab Virtual Reader ${String(index).padStart(2, '0')}`;
}

export function isLoopback(host: string): boolean {
  return host === '::1' || host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The connector as a vpcd reader: each configured port is one reader, and a virtual card plugs in by
 * connecting to it. No system packages needed. It is an "insert any card" port, so it listens on loopback
 * only and only when configured.
 */
export class EmbeddedBackend extends BaseBackend {
  private readonly host: string;
  private readonly listeners: Slot[] = [];

  constructor(
    private readonly config: EmbeddedReaderConfig,
    bounds: SessionBounds,
    trace?: ApduTracer,
  ) {
    super('embedded', bounds, trace);
    this.host = config.host ?? '127.0.0.1';
    if (!isLoopback(this.host)) {
      throw new ConnectorError('ERR_INPUT_INVALID', { message: `the embedded reader listens on loopback only, not ${this.host}` });
    }
  }

  /** The ports actually listened on, in reader order. */
  ports(): number[] {
    return this.listeners.map((s) => s.port);
  }

  async start(): Promise<void> {
    for (const [index, port] of this.config.ports.entries()) {
      const name = embeddedReaderName(index);
      const server = net.createServer((socket) => this.accept(slot, socket));
      const slot: Slot = { name, server, port, card: null, plugged: true };
      await this.listen(slot);
      this.listeners.push(slot);
      this.readerAdded(name, null);
    }
  }

  private async listen(slot: Slot): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      slot.server.once('error', reject);
      slot.server.listen({ host: this.host, port: slot.port }, () => {
        slot.server.off('error', reject);
        resolve();
      });
    });
    const address = slot.server.address();
    if (typeof address === 'object' && address) slot.port = address.port;
  }

  private slotAt(index: number): Slot {
    const slot = this.listeners[index];
    if (!slot) throw new ConnectorError('ERR_READER_NOT_FOUND', { message: `no embedded reader ${index}` });
    return slot;
  }

  /**
   * Pulls reader `index` out, as a USB reader is unplugged: it leaves the reader list at once, a session on its
   * card fails with card-removed, and its port stops listening (the card's link is dropped and keeps retrying).
   */
  async unplugReader(index: number): Promise<void> {
    const slot = this.slotAt(index);
    if (!slot.plugged) return;
    slot.plugged = false;
    this.readerRemoved(slot.name);
    slot.card?.drop();
    await new Promise<void>((resolve) => slot.server.close(() => resolve()));
  }

  /** Plugs reader `index` back in: listed again under the same id, on the same port; a card in it reconnects. */
  async plugReader(index: number): Promise<void> {
    const slot = this.slotAt(index);
    if (slot.plugged) return;
    await this.listen(slot);
    slot.plugged = true;
    this.readerAdded(slot.name, null);
  }

  async stop(): Promise<void> {
    const slots = this.listeners.splice(0);
    await Promise.all(
      slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            slot.card?.drop();
            if (slot.plugged) slot.server.close(() => resolve());
            else resolve();
            this.readerRemoved(slot.name);
          }),
      ),
    );
  }

  private accept(slot: Slot, socket: net.Socket): void {
    if (!slot.plugged || (slot.card && !slot.card.closed)) {
      socket.destroy(); // one card per reader
      return;
    }
    const card = new CardConnection(socket, () => {
      if (slot.card !== card) return;
      slot.card = null;
      this.cardChanged(slot.name, null);
    });
    slot.card = card;
    const timer = setTimeout(() => card.drop(), this.bounds.apduTimeoutMs);
    card
      .powerUp()
      .then((atr) => {
        if (!card.closed) this.cardChanged(slot.name, atr);
      })
      .catch(() => card.drop())
      .finally(() => clearTimeout(timer));
  }

  protected open(readerName: string): Promise<RawSession> {
    const slot = this.listeners.find((s) => s.name === readerName);
    const card = slot?.card;
    if (!card || card.closed) return Promise.reject(new ConnectorError('ERR_CARD_NOT_PRESENT'));
    return Promise.resolve({
      raw: card,
      close: async (disposition) => {
        if (card.busy) {
          card.drop(); // it never answered: don't let a late answer meet the next command
          return;
        }
        if (disposition === 'reset' && !card.closed) await card.reset();
      },
    });
  }
}
