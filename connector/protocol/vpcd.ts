import { ProtocolError } from './errors.js';

/**
 * vsmartcard's vpcd wire protocol: every message is a 2-byte big-endian length and a payload.
 * A 1-byte payload from the reader is a control; anything longer is a command APDU.
 */
export const VPCD_CONTROL = {
  POWER_OFF: 0x00,
  POWER_ON: 0x01,
  RESET: 0x02,
  GET_ATR: 0x04,
} as const;

export type VpcdControl = (typeof VPCD_CONTROL)[keyof typeof VPCD_CONTROL];

export const VPCD_MAX_PAYLOAD = 0xffff;

export function encodeVpcdFrame(payload: Uint8Array): Buffer {
  if (payload.length > VPCD_MAX_PAYLOAD) {
    throw new ProtocolError('ERR_VPCD_FRAME', `payload of ${payload.length} bytes exceeds ${VPCD_MAX_PAYLOAD}`);
  }
  const frame = Buffer.allocUnsafe(2 + payload.length);
  frame.writeUInt16BE(payload.length, 0);
  frame.set(payload, 2);
  return frame;
}

export function isVpcdControl(payload: Uint8Array): boolean {
  return payload.length === 1;
}

/** Reassembles frames from a TCP byte stream, whatever the chunking. */
export class VpcdFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds a chunk; returns every frame it completes, in order. */
  push(chunk: Uint8Array): Buffer[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      frames.push(this.pending.subarray(2, 2 + length));
      this.pending = this.pending.subarray(2 + length);
    }
    return frames;
  }

  /** Bytes received that do not yet form a whole frame. */
  get buffered(): number {
    return this.pending.length;
  }
}
