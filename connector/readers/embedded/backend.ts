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
      const slot: Slot = { name, server, port, card: null };
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: this.host, port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address();
      slot.port = typeof address === 'object' && address ? address.port : port;
      this.listeners.push(slot);
      this.readerAdded(name, null);
    }
  }

  async stop(): Promise<void> {
    const slots = this.listeners.splice(0);
    await Promise.all(
      slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            slot.card?.drop();
            slot.server.close(() => resolve());
            this.readerRemoved(slot.name);
          }),
      ),
    );
  }

  private accept(slot: Slot, socket: net.Socket): void {
    if (slot.card && !slot.card.closed) {
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
