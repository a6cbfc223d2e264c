import {
  CLA_ISO,
  CLA_PROPRIETARY,
  INS,
  SW,
  command,
  decodeResponse,
  encodeCommand,
  encodePinBlock,
  isBytesAvailable,
  isWrongLe,
  sw2,
  type CommandApdu,
} from '../../../connector/protocol/index.js';
import type { VirtualCard } from '../card.js';
import { BEID_INS, BEID_PIN_REFERENCE, MSE_SET_P1P2, MSE_TAG_ALGORITHM, MSE_TAG_KEY, PSO_CDS_P1P2 } from './apdu.js';

/** A response as tests look at it. */
export interface Answer {
  readonly data: Buffer;
  readonly sw: number;
}

/**
 * Drives a card APDU by APDU the way T=0 middleware does (no Le on case 4, GET RESPONSE after 61xx), for
 * tests. Each method sends exactly the APDUs its name says, so tests can count commands.
 */
export class BeidTestDriver {
  readonly card: VirtualCard;

  constructor(card: VirtualCard) {
    this.card = card;
  }

  async raw(bytes: Uint8Array): Promise<Answer> {
    const res = decodeResponse(await this.card.transmit(bytes));
    return { data: Buffer.from(res.data), sw: res.sw };
  }

  send(cmd: CommandApdu): Promise<Answer> {
    return this.raw(encodeCommand(cmd));
  }

  /** SELECT by path from the MF (`00 A4 08 0C`), e.g. `selectPath('3F00DF005031')`. */
  selectPath(path: string): Promise<Answer> {
    return this.send(command(CLA_ISO, INS.SELECT, 0x08, 0x0c, Buffer.from(path, 'hex')));
  }

  readBinary(offset: number, le: number): Promise<Answer> {
    return this.send(command(CLA_ISO, INS.READ_BINARY, offset >> 8, offset & 0xff, undefined, le));
  }

  /** Reads the selected EF like OpenSC: Le 256 chunks, 6Cxx → re-read with the exact length, 6B00 = end. */
  async readFile(path: string): Promise<Buffer> {
    const selected = await this.selectPath(path);
    if (selected.sw !== SW.OK) throw new Error(`SELECT ${path}: ${selected.sw.toString(16)}`);
    const parts: Buffer[] = [];
    for (let offset = 0; ; ) {
      let res = await this.readBinary(offset, 256);
      if (isWrongLe(res.sw)) res = await this.readBinary(offset, sw2(res.sw) || 256);
      if (res.sw === SW.WRONG_P1P2) break;
      if (res.sw !== SW.OK) throw new Error(`READ BINARY ${path}@${offset}: ${res.sw.toString(16)}`);
      parts.push(res.data);
      offset += res.data.length;
      if (res.data.length < 256) break;
    }
    return Buffer.concat(parts);
  }

  verify(pin: string): Promise<Answer> {
    return this.send(command(CLA_ISO, INS.VERIFY, 0x00, BEID_PIN_REFERENCE, encodePinBlock(Buffer.from(pin, 'ascii'))));
  }

  /** VERIFY with Lc=0 (T=0: `00 20 00 01 00`). */
  pinStatus(): Promise<Answer> {
    return this.raw(Buffer.from([CLA_ISO, INS.VERIFY, 0x00, BEID_PIN_REFERENCE, 0x00]));
  }

  changePin(oldPin: string, newPin: string): Promise<Answer> {
    const data = Buffer.concat([encodePinBlock(Buffer.from(oldPin, 'ascii')), encodePinBlock(Buffer.from(newPin, 'ascii'))]);
    return this.send(command(CLA_ISO, INS.CHANGE_REFERENCE_DATA, 0x00, BEID_PIN_REFERENCE, data));
  }

  mse(algorithm: number, key: number): Promise<Answer> {
    const data = Buffer.from([0x04, MSE_TAG_ALGORITHM, algorithm, MSE_TAG_KEY, key]);
    return this.send(command(CLA_ISO, INS.MANAGE_SECURITY_ENVIRONMENT, MSE_SET_P1P2 >> 8, MSE_SET_P1P2 & 0xff, data));
  }

  /** PSO:CDS without Le, as T=0 clients send it; returns the 61xx answer (use `fetch` for the data). */
  pso(dtbs: Uint8Array): Promise<Answer> {
    return this.send(command(CLA_ISO, INS.PERFORM_SECURITY_OPERATION, PSO_CDS_P1P2 >> 8, PSO_CDS_P1P2 & 0xff, dtbs));
  }

  /** GET RESPONSE for what a 61xx announced, following further 61xx. */
  async fetch(announced: Answer): Promise<Answer> {
    const parts: Buffer[] = [];
    let res = announced;
    while (isBytesAvailable(res.sw)) {
      res = await this.send(command(CLA_ISO, INS.GET_RESPONSE, 0, 0, undefined, sw2(res.sw) || 256));
      parts.push(res.data);
    }
    return { data: Buffer.concat(parts), sw: res.sw };
  }

  /** PSO then GET RESPONSE: the signature, or the PSO's error. */
  async sign(dtbs: Uint8Array): Promise<Answer> {
    return this.fetch(await this.pso(dtbs));
  }

  getCardData(p2: number, le: number): Promise<Answer> {
    return this.send(command(CLA_PROPRIETARY, BEID_INS.GET_CARD_DATA, 0x00, p2, undefined, le));
  }

  logOff(): Promise<Answer> {
    return this.raw(Buffer.from([CLA_PROPRIETARY, BEID_INS.LOG_OFF, 0x00, 0x00, 0x00]));
  }
}
