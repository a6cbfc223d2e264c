import type net from 'node:net';
import { ConnectorError } from '../../errors/index.js';
import { VPCD_CONTROL, VpcdFrameDecoder, encodeVpcdFrame, parseAtr, preferredProtocol } from '../../protocol/index.js';
import type { RawCard } from '../raw-card.js';

/**
 * One virtual card connected to the embedded reader, seen from the reader's side of the vpcd protocol:
 * the reader asks for the ATR, powers the card and sends APDUs, one at a time.
 */
export class CardConnection implements RawCard {
  atr: Buffer = Buffer.alloc(0);
  protocol: 0 | 1 = 0;
  private readonly decoder = new VpcdFrameDecoder();
  private waiter: { resolve: (frame: Buffer) => void; reject: (e: unknown) => void } | null = null;
  private closedError: ConnectorError | null = null;

  constructor(
    private readonly socket: net.Socket,
    private readonly onClosed: () => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      for (const frame of this.decoder.push(chunk)) this.deliver(frame);
    });
    socket.on('close', () => this.fail(new ConnectorError('ERR_CARD_REMOVED')));
    socket.on('error', () => this.fail(new ConnectorError('ERR_CARD_REMOVED')));
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  /** True while an APDU or control is waiting for the card's answer. */
  get busy(): boolean {
    return this.waiter !== null;
  }

  /** Asks for the ATR and powers the card on; rejects if the ATR is not an ATR. */
  async powerUp(): Promise<Buffer> {
    const atr = await this.request(Buffer.from([VPCD_CONTROL.GET_ATR]));
    try {
      this.protocol = preferredProtocol(atr);
    } catch (e) {
      throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'card sent an invalid ATR', cause: e });
    }
    parseAtr(atr);
    this.atr = atr;
    this.send(Buffer.from([VPCD_CONTROL.POWER_ON]));
    return atr;
  }

  transmit(command: Buffer): Promise<Buffer> {
    return this.request(command).then((answer) => {
      if (answer.length < 2) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: `card answered ${answer.length} bytes` });
      return answer;
    });
  }

  async reset(): Promise<void> {
    this.send(Buffer.from([VPCD_CONTROL.RESET]));
    const atr = await this.request(Buffer.from([VPCD_CONTROL.GET_ATR]));
    if (!atr.equals(this.atr)) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'card changed its ATR on reset' });
  }

  /** Drops the card: used when it stops answering, so a late answer can never be taken for the next one. */
  drop(): void {
    this.fail(new ConnectorError('ERR_CARD_REMOVED'));
    this.socket.destroy();
  }

  private request(payload: Buffer): Promise<Buffer> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (this.waiter) return Promise.reject(new ConnectorError('ERR_CARD_BUSY'));
    return new Promise<Buffer>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.send(payload);
    });
  }

  private send(payload: Buffer): void {
    if (this.socket.destroyed) return;
    const frame = encodeVpcdFrame(payload);
    this.socket.write(frame, () => frame.fill(0)); // a VERIFY frame holds a PIN block: zero it once it is sent (PIN-02)
  }

  private deliver(frame: Buffer): void {
    const waiter = this.waiter;
    this.waiter = null;
    // An answer nobody asked for is a card speaking out of turn: drop it.
    if (!waiter) {
      this.drop();
      return;
    }
    waiter.resolve(Buffer.from(frame));
  }

  private fail(error: ConnectorError): void {
    if (this.closedError) return;
    this.closedError = error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
    this.onClosed();
  }
}
