import { randomBytes } from 'node:crypto';
import {
  SW,
  bytesAvailable,
  decodeCommand,
  encodeResponse,
  fromHex,
  wrongLe,
  type CommandApdu,
} from '../../../connector/protocol/index.js';
import type { VirtualCard } from '../card.js';

/** Instruction bytes of the ISO test card. `ECHO` is proprietary (CLA 80). */
export const ISO_ECHO_INS = {
  SELECT: 0xa4,
  READ_BINARY: 0xb0,
  GET_RESPONSE: 0xc0,
  GET_CHALLENGE: 0x84,
  ECHO: 0xee,
} as const;

/** T=0, six historical bytes "t1clab". */
export const ISO_ECHO_ATR = fromHex('3B06743163 6C6162');
export const ISO_ECHO_MF = 0x3f00;
export const ISO_ECHO_TEST_EF = 0x0101;

/** Content of the test EF: 300 bytes, byte i = i mod 251, so offsets and the tail are checkable. */
export function isoEchoTestFile(): Buffer {
  return Buffer.from(Array.from({ length: 300 }, (_, i) => i % 251));
}

type Handler = (cmd: CommandApdu) => Uint8Array;

/**
 * A small ISO 7816-4 card to prove the reader path: SELECT (MF, test EF), READ BINARY with 6B00/6Cxx at the
 * end of file, an echo command (case 4, answered T=0-style with 61xx when Le is absent), GET CHALLENGE and
 * 6D00 for anything else.
 */
export class IsoEchoCard implements VirtualCard {
  readonly atr = ISO_ECHO_ATR;
  readonly profile = 'iso-echo';
  private readonly testFile = isoEchoTestFile();
  private current: number = ISO_ECHO_MF;
  private pending: Buffer | null = null;
  private readonly table: ReadonlyMap<number, Handler> = new Map<number, Handler>([
    [ISO_ECHO_INS.SELECT, (c) => this.select(c)],
    [ISO_ECHO_INS.READ_BINARY, (c) => this.readBinary(c)],
    [ISO_ECHO_INS.GET_RESPONSE, (c) => this.getResponse(c)],
    [ISO_ECHO_INS.GET_CHALLENGE, (c) => this.getChallenge(c)],
    [ISO_ECHO_INS.ECHO, (c) => this.echo(c)],
  ]);

  powerOn(): void {
    this.reset();
  }

  powerOff(): void {
    this.reset();
  }

  reset(): void {
    this.current = ISO_ECHO_MF;
    this.pending = null;
  }

  transmit(bytes: Uint8Array): Uint8Array {
    let cmd: CommandApdu;
    try {
      cmd = decodeCommand(bytes);
    } catch {
      return sw(SW.WRONG_LENGTH);
    }
    if (cmd.ins !== ISO_ECHO_INS.GET_RESPONSE) this.pending = null;
    const handler = this.table.get(cmd.ins);
    if (!handler) return sw(SW.INS_NOT_SUPPORTED);
    const expectedCla = cmd.ins === ISO_ECHO_INS.ECHO ? 0x80 : 0x00;
    if (cmd.cla !== expectedCla) return sw(SW.CLA_NOT_SUPPORTED);
    return handler(cmd);
  }

  private select(cmd: CommandApdu): Uint8Array {
    if (cmd.p1 !== 0x00 && cmd.p1 !== 0x02) return sw(SW.INCORRECT_P1P2);
    if (cmd.data.length !== 2) return sw(SW.LC_INCONSISTENT_WITH_P1P2);
    const fid = (cmd.data[0]! << 8) | cmd.data[1]!;
    if (fid !== ISO_ECHO_MF && fid !== ISO_ECHO_TEST_EF) return sw(SW.FILE_NOT_FOUND);
    this.current = fid;
    return sw(SW.OK);
  }

  private readBinary(cmd: CommandApdu): Uint8Array {
    if (this.current !== ISO_ECHO_TEST_EF) return sw(SW.COMMAND_NOT_ALLOWED_NO_EF);
    if ((cmd.p1 & 0x80) !== 0) return sw(SW.INCORRECT_P1P2);
    const offset = (cmd.p1 << 8) | cmd.p2;
    const size = this.testFile.length;
    if (offset >= size) return sw(SW.WRONG_P1P2);
    const le = cmd.le ?? 256;
    if (offset + le > size) return sw(wrongLe(size - offset));
    return encodeResponse({ data: this.testFile.subarray(offset, offset + le), sw: SW.OK });
  }

  private echo(cmd: CommandApdu): Uint8Array {
    const data = Buffer.from(cmd.data);
    if (cmd.le === null && data.length > 0) {
      // T=0 case 4 without Le: announce the answer, deliver it with GET RESPONSE.
      this.pending = data;
      return sw(bytesAvailable(data.length));
    }
    return encodeResponse({ data, sw: SW.OK });
  }

  private getResponse(cmd: CommandApdu): Uint8Array {
    const pending = this.pending;
    if (!pending) return sw(SW.CONDITIONS_NOT_SATISFIED);
    const le = cmd.le ?? 256;
    if (le !== Math.min(pending.length, 256) && le < pending.length) return sw(wrongLe(Math.min(pending.length, 256)));
    const chunk = pending.subarray(0, Math.min(le, pending.length));
    const rest = pending.subarray(chunk.length);
    this.pending = rest.length > 0 ? rest : null;
    return encodeResponse({ data: chunk, sw: rest.length > 0 ? bytesAvailable(rest.length) : SW.OK });
  }

  private getChallenge(cmd: CommandApdu): Uint8Array {
    return encodeResponse({ data: randomBytes(cmd.le ?? 8), sw: SW.OK });
  }
}

function sw(value: number): Uint8Array {
  return encodeResponse({ data: new Uint8Array(0), sw: value });
}
