import { EventEmitter } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { SW, VPCD_CONTROL, VpcdFrameDecoder, encodeResponse, encodeVpcdFrame, isVpcdControl } from '../../connector/protocol/index.js';
import { isRedactingCard, type ApduExchange, type VirtualCard } from '../cards/card.js';

export interface CardLinkOptions {
  host?: string;
  port: number;
  /** Reconnect when the reader drops the connection (default true), with this delay bound in ms. */
  reconnect?: boolean;
  maxBackoffMs?: number;
  /** Called for every APDU after the card answered, with secrets already redacted. */
  onExchange?: (exchange: ApduExchange) => void;
}

interface CardLinkEvents {
  connected: [];
  disconnected: [];
  power: ['on' | 'off' | 'reset'];
  error: [Error];
}

/**
 * The card side of the vpcd protocol: connects to a virtual reader (pcscd's vpcd driver or the connector's
 * embedded reader), answers ATR requests at any time, delivers power events and APDUs to the card.
 */
export class CardLink extends EventEmitter<CardLinkEvents> {
  readonly card: VirtualCard;
  private readonly options: Required<Omit<CardLinkOptions, 'onExchange'>> & Pick<CardLinkOptions, 'onExchange'>;
  private socket: net.Socket | null = null;
  private removed = false;
  private backoff = 20;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(card: VirtualCard, options: CardLinkOptions) {
    super();
    this.card = card;
    this.options = { host: '127.0.0.1', reconnect: true, maxBackoffMs: 1000, ...options };
  }

  get connected(): boolean {
    return this.socket !== null && !this.socket.connecting && !this.socket.destroyed;
  }

  /** Connects; resolves once the TCP connection to the reader is up. */
  insert(): Promise<void> {
    this.removed = false;
    return new Promise((resolve, reject) => {
      const onUp = (): void => {
        this.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        if (this.options.reconnect) return; // keep trying; the caller waits for `connected`
        this.off('connected', onUp);
        reject(err);
      };
      this.once('connected', onUp);
      this.on('error', onError);
      this.connect();
    });
  }

  /** Takes the card out: closes the connection and stops reconnecting. Resolves when the socket is closed. */
  async remove(): Promise<void> {
    this.removed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  private connect(): void {
    const socket = net.connect({ host: this.options.host, port: this.options.port, noDelay: true });
    this.socket = socket;
    const decoder = new VpcdFrameDecoder();
    // Serialises this connection's frames: a slow card must not reorder answers, and a card that hung on
    // one connection must not block the next one.
    let chain: Promise<void> = Promise.resolve();
    const enqueue = (frame: Buffer): void => {
      chain = chain.then(() => this.handle(socket, frame)).catch((err: unknown) => {
        if (this.listenerCount('error') > 0) this.emit('error', err instanceof Error ? err : new Error(String(err)));
      });
    };
    socket.on('connect', () => {
      this.backoff = 20;
      this.emit('connected');
    });
    socket.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) enqueue(frame);
    });
    socket.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
    socket.on('close', () => {
      const wasCurrent = this.socket === socket;
      if (wasCurrent) this.socket = null;
      this.card.powerOff();
      this.emit('disconnected');
      if (wasCurrent && !this.removed && this.options.reconnect) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.options.maxBackoffMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.removed) this.connect();
    }, delay);
  }

  private async handle(socket: net.Socket, frame: Buffer): Promise<void> {
    if (isVpcdControl(frame)) {
      switch (frame[0]) {
        case VPCD_CONTROL.GET_ATR:
          this.send(socket, this.card.atr);
          return;
        case VPCD_CONTROL.POWER_ON:
          this.card.powerOn();
          this.emit('power', 'on');
          return;
        case VPCD_CONTROL.POWER_OFF:
          this.card.powerOff();
          this.emit('power', 'off');
          return;
        case VPCD_CONTROL.RESET:
          this.card.reset();
          this.emit('power', 'reset');
          return;
        default:
          return; // unknown controls are ignored, as vpicc does
      }
    }
    const started = performance.now();
    let answer: Uint8Array;
    try {
      answer = await this.card.transmit(frame);
    } catch {
      // A card never crashes its reader: an internal failure is "no precise diagnosis".
      answer = encodeResponse({ data: new Uint8Array(0), sw: SW.UNKNOWN });
    }
    this.send(socket, answer);
    const onExchange = this.options.onExchange;
    if (onExchange) {
      const command = isRedactingCard(this.card) ? this.card.redactCommand(frame) : Buffer.from(frame);
      onExchange({ command, response: answer, micros: Math.round((performance.now() - started) * 1000) });
    }
  }

  private send(socket: net.Socket, payload: Uint8Array): void {
    if (!socket.destroyed) socket.write(encodeVpcdFrame(payload));
  }
}
