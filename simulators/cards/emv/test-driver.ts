import {
  CLA_ISO,
  CLA_PROPRIETARY,
  EMV_INS,
  EMV_PSE_NAME,
  EMV_SELECT_P2,
  EMV_TAG,
  EMV_VERIFY_P2,
  INS,
  SELECT_P1,
  command,
  decodeResponse,
  encodeBerTlv,
  encodeCommand,
  encodePinBlock,
  fromHex,
  readRecordP2,
  type CommandApdu,
} from '../../../connector/protocol/index.js';
import type { VirtualCard } from '../card.js';

export interface Answer {
  readonly data: Buffer;
  readonly sw: number;
}

/**
 * Drives an EMV card the way python-emv does (Le 00 on every command that answers data), for tests. Each method
 * sends exactly one APDU.
 */
export class EmvTestDriver {
  constructor(readonly card: VirtualCard) {}

  async raw(bytes: Uint8Array): Promise<Answer> {
    const res = decodeResponse(await this.card.transmit(bytes));
    return { data: Buffer.from(res.data), sw: res.sw };
  }

  send(cmd: CommandApdu): Promise<Answer> {
    return this.raw(encodeCommand(cmd));
  }

  select(name: string | Buffer, next = false): Promise<Answer> {
    const data = typeof name === 'string' ? fromHex(name) : name;
    return this.send(command(CLA_ISO, INS.SELECT, SELECT_P1.AID, next ? EMV_SELECT_P2.NEXT : EMV_SELECT_P2.FIRST, data, 256));
  }

  selectPse(): Promise<Answer> {
    return this.select(Buffer.from(EMV_PSE_NAME, 'ascii'));
  }

  readRecord(sfi: number, record: number): Promise<Answer> {
    return this.send(command(CLA_ISO, INS.READ_RECORD, record, readRecordP2(sfi), undefined, 256));
  }

  gpo(pdolData: Uint8Array = Buffer.alloc(0)): Promise<Answer> {
    return this.send(command(CLA_PROPRIETARY, EMV_INS.GET_PROCESSING_OPTIONS, 0, 0, encodeBerTlv(EMV_TAG.COMMAND_TEMPLATE, pdolData), 256));
  }

  getData(tag: number): Promise<Answer> {
    return this.send(command(CLA_PROPRIETARY, EMV_INS.GET_DATA, tag >> 8, tag & 0xff, undefined, 256));
  }

  verify(pin: string): Promise<Answer> {
    return this.send(command(CLA_ISO, INS.VERIFY, 0x00, EMV_VERIFY_P2.PLAINTEXT_PIN, encodePinBlock(Buffer.from(pin, 'ascii'))));
  }

  generateAc(p1: number, cdolData: Uint8Array): Promise<Answer> {
    return this.send(command(CLA_PROPRIETARY, EMV_INS.GENERATE_AC, p1, 0x00, cdolData, 256));
  }

  internalAuthenticate(ddolData: Uint8Array): Promise<Answer> {
    return this.send(command(CLA_ISO, INS.INTERNAL_AUTHENTICATE, 0x00, 0x00, ddolData, 256));
  }
}
