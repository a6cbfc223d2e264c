import { setTimeout as delay } from 'node:timers/promises';
import { ConnectorError } from '../../errors/index.js';
import { BaseBackend, type RawSession } from '../base-backend.js';
import type { ApduTracer, SessionBounds } from '../raw-card.js';
import {
  isCardGone,
  isCardReset,
  isServiceGone,
  isSharingViolation,
  loadPcscBinding,
  type MonitorEvent,
  type PcscBinding,
  type PcscCard,
  type PcscContext,
} from './binding.js';

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 1_000;
/** How long a session waits for another application to let go of the card before answering "busy". */
const SHARING_RETRY_MS = 2_000;
const MAX_RECV = 65_538;
/** pcscd notices a pulled card within about 100–450 ms (it polls every ~400 ms). */
const REMOVAL_GRACE_MS = 600;

/**
 * Readers from pcscd through libpcsclite. A session connects to the card EXCLUSIVE for its APDU sequence and
 * disconnects after it, so between sessions other applications (OpenSC, browsers) can use the card.
 * When pcscd goes away the readers disappear and the backend reconnects by itself.
 */
export class PcscBackend extends BaseBackend {
  private binding: PcscBinding | null = null;
  private context: PcscContext | null = null;
  private monitor: { stop(): void } | null = null;
  private readonly handles = new Map<string, PcscCard>();
  /**
   * A PC/SC context per reader for its sessions: libpcsclite serialises the calls of one context, so with a
   * single context a signature on one reader would wait for every APDU on the others.
   */
  private readonly readerContexts = new Map<string, PcscContext>();
  private running = false;
  private reconnecting: Promise<void> | null = null;

  constructor(bounds: SessionBounds, trace?: ApduTracer) {
    super('pcsc', bounds, trace);
  }

  async start(): Promise<void> {
    try {
      this.binding = await loadPcscBinding();
    } catch (e) {
      throw new ConnectorError('ERR_READER_UNAVAILABLE', { message: 'the PC/SC binding (npm smartcard) is not available', cause: e });
    }
    this.running = true;
    if (!this.attach()) this.scheduleReattach();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.detach();
    await this.reconnecting?.catch(() => undefined);
  }

  /** True while connected to pcscd. */
  get serviceAvailable(): boolean {
    return this.context !== null;
  }

  private attach(): boolean {
    const b = this.binding;
    if (!b) return false;
    try {
      const context = new b.Context();
      const monitor = new b.ReaderMonitor();
      this.context = context;
      this.monitor = monitor;
      monitor.start((event) => this.onMonitorEvent(event));
      return true;
    } catch {
      this.detach();
      return false;
    }
  }

  private detach(): void {
    try {
      this.monitor?.stop();
    } catch {
      // already stopped
    }
    this.monitor = null;
    for (const card of this.handles.values()) {
      try {
        card.disconnect(this.binding?.SCARD_LEAVE_CARD);
      } catch {
        // handle already gone with pcscd
      }
    }
    this.handles.clear();
    for (const name of [...this.readerContexts.keys()]) this.dropReaderContext(name);
    try {
      this.context?.close();
    } catch {
      // context already invalid
    }
    this.context = null;
    for (const name of this.readerNames()) this.readerRemoved(name);
  }

  private scheduleReattach(): void {
    if (this.reconnecting || !this.running) return;
    this.reconnecting = (async () => {
      let wait = RECONNECT_MIN_MS;
      while (this.running && !this.attach()) {
        await delay(wait);
        wait = Math.min(wait * 2, RECONNECT_MAX_MS);
      }
    })().finally(() => {
      this.reconnecting = null;
    });
  }

  private onMonitorEvent(event: MonitorEvent): void {
    const present = this.binding !== null && (event.state & this.binding.SCARD_STATE_PRESENT) !== 0;
    switch (event.type) {
      case 'reader-attached':
        this.readerAdded(event.reader, present && event.atr ? Buffer.from(event.atr) : null);
        return;
      case 'reader-detached':
        this.dropHandle(event.reader);
        this.dropReaderContext(event.reader);
        this.readerRemoved(event.reader);
        return;
      case 'card-inserted':
        this.dropHandle(event.reader);
        this.cardChanged(event.reader, event.atr ? Buffer.from(event.atr) : null);
        return;
      case 'card-removed':
        this.dropHandle(event.reader);
        this.cardChanged(event.reader, null);
        return;
      case 'error':
        // pcscd stopped or restarted: the monitor's context is dead. Start over with a fresh one.
        if (/service|handle/i.test(event.reader)) {
          this.detach();
          this.scheduleReattach();
        }
        return;
    }
  }

  private dropHandle(name: string): void {
    const card = this.handles.get(name);
    this.handles.delete(name);
    try {
      card?.disconnect(this.binding?.SCARD_LEAVE_CARD);
    } catch {
      // the card is gone already
    }
  }

  private dropReaderContext(name: string): void {
    const context = this.readerContexts.get(name);
    this.readerContexts.delete(name);
    try {
      context?.close();
    } catch {
      // already invalid (pcscd went away)
    }
  }

  private readerContext(name: string, b: PcscBinding): PcscContext {
    let context = this.readerContexts.get(name);
    if (!context) {
      context = new b.Context();
      this.readerContexts.set(name, context);
    }
    return context;
  }

  /** A handle on the card taken EXCLUSIVE for one session: a fresh connection, or (a retry) the one still open. */
  private async exclusiveHandle(name: string): Promise<PcscCard> {
    const b = this.binding;
    if (!b || !this.context) throw new ConnectorError('ERR_READER_UNAVAILABLE');
    const context = this.readerContext(name, b);
    const existing = this.handles.get(name);
    if (existing?.connected) {
      await existing.reconnect(b.SCARD_SHARE_EXCLUSIVE, existing.protocol, b.SCARD_LEAVE_CARD);
      return existing;
    }
    const reader = context.listReaders().find((r) => r.name === name);
    if (!reader) throw new ConnectorError('ERR_READER_NOT_FOUND');
    const card = await reader.connect(b.SCARD_SHARE_EXCLUSIVE, b.SCARD_PROTOCOL_T0 | b.SCARD_PROTOCOL_T1);
    this.handles.set(name, card);
    return card;
  }

  protected async open(name: string, signal: AbortSignal): Promise<RawSession> {
    const b = this.binding;
    if (!b) throw new ConnectorError('ERR_READER_UNAVAILABLE');
    const started = Date.now();
    for (;;) {
      try {
        return this.session(name, await this.exclusiveHandle(name), b);
      } catch (e) {
        if (isCardReset(e)) {
          this.dropHandle(name); // someone reset it: open a fresh handle
          continue;
        }
        if (isSharingViolation(e) && Date.now() - started < SHARING_RETRY_MS && !signal.aborted) {
          await delay(25);
          continue;
        }
        throw this.translate(name, e);
      }
    }
  }

  private session(name: string, card: PcscCard, b: PcscBinding): RawSession {
    const protocol: 0 | 1 = card.protocol === b.SCARD_PROTOCOL_T1 ? 1 : 0;
    const atr = Buffer.from(card.atr ?? card.getStatus().atr);
    return {
      raw: {
        atr,
        protocol,
        transmit: (command) =>
          card.transmit(command, { maxRecvLength: MAX_RECV }).then(
            (answer) => (answer.length >= 2 ? answer : this.failTransmit(name, new Error(`short answer of ${answer.length} bytes`), card)),
            (e: unknown) => this.failTransmit(name, e, card),
          ),
        reset: () => card.reconnect(b.SCARD_SHARE_EXCLUSIVE, card.protocol, b.SCARD_RESET_CARD).then(() => undefined, (e: unknown) => Promise.reject(this.translate(name, e))),
      },
      // The handle is disconnected after every session: pcsc-lite keeps the exclusive lock of a handle reconnected
      // from EXCLUSIVE to SHARED, and other applications (OpenSC, browsers) would then wait on the card forever.
      // A reset goes through SCardReconnect (asynchronous); SCardDisconnect itself is synchronous, so it only leaves.
      close: async (disposition) => {
        try {
          if (disposition === 'reset') await card.reconnect(b.SCARD_SHARE_EXCLUSIVE, card.protocol, b.SCARD_RESET_CARD);
        } catch {
          // the card went away: nothing to reset
        }
        this.dropHandle(name);
      },
    };
  }

  /**
   * A pulled card's last APDU fails with a generic error (or, through vpcd, an empty answer) before pcscd
   * reports the removal. Give the removal event a moment to arrive so the caller learns the real reason.
   */
  private async failTransmit(name: string, error: unknown, card: PcscCard): Promise<never> {
    const translated = this.translate(name, error, card);
    if (translated instanceof ConnectorError && translated.key === 'ERR_CARD_PROTOCOL' && (await this.removalWithin(name, REMOVAL_GRACE_MS))) {
      throw new ConnectorError('ERR_CARD_REMOVED', { cause: error });
    }
    throw translated;
  }

  private removalWithin(name: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const onRemoved = (info: { name: string }): void => {
        if (info.name === name) finish(true);
      };
      const timer = setTimeout(() => finish(false), ms);
      const finish = (removed: boolean): void => {
        clearTimeout(timer);
        this.events.off('card-removed', onRemoved);
        this.events.off('reader-removed', onRemoved);
        resolve(removed);
      };
      this.events.on('card-removed', onRemoved);
      this.events.on('reader-removed', onRemoved);
    });
  }

  private translate(name: string, error: unknown, card?: PcscCard): unknown {
    if (error instanceof ConnectorError) return error;
    // A transmit on a pulled card fails with a generic "Transaction failed": ask the card's status to tell.
    if (card && !isCardGone(error) && !isServiceGone(error)) {
      try {
        card.getStatus();
      } catch (statusError) {
        return this.translate(name, statusError);
      }
    }
    if (isServiceGone(error)) {
      this.detach();
      this.scheduleReattach();
      return new ConnectorError('ERR_READER_UNAVAILABLE', { cause: error });
    }
    if (isCardGone(error)) {
      this.dropHandle(name);
      return new ConnectorError('ERR_CARD_REMOVED', { cause: error });
    }
    if (isSharingViolation(error)) return new ConnectorError('ERR_CARD_BUSY', { cause: error });
    return new ConnectorError('ERR_CARD_PROTOCOL', { message: 'the reader reported a transmission failure', cause: error });
  }
}
