import { SW } from '../../../connector/protocol/index.js';
import { reply, type CommandSpec, type PinObject } from '../engine/index.js';
import { CARD_DATA_P2 } from './apdu.js';
import type { BeidGeneration } from './generation.js';

const RFU = [0xff, 0xff];

/** GET CARD DATA's answer: serial ‖ chip/applet bytes (28), plus PIN tries and RFU on 1.8 with P2=01 (31). */
export function cardData(generation: BeidGeneration, serial: Uint8Array, pin: PinObject, withPinTries: boolean): Buffer {
  const base = Buffer.concat([serial, generation.cardDataTail]);
  return withPinTries ? Buffer.concat([base, Buffer.from([pin.triesLeft, ...RFU])]) : base;
}

/** GET CARD DATA `80 E4 00 P2 Le`: Le must be exact (`6C1C` / `6C1F` otherwise); P2=01 is 1.8 only (`6B00` on 1.7). */
export function getCardDataCommand(generation: BeidGeneration, serial: Uint8Array, pin: PinObject, cla: number): CommandSpec {
  return {
    cla,
    input: false,
    le: 'exact',
    handle(cmd) {
      if (cmd.p1 !== 0x00) return reply(SW.WRONG_P1P2);
      if (cmd.p2 === CARD_DATA_P2.BASIC) return reply(SW.OK, cardData(generation, serial, pin, false));
      if (cmd.p2 === CARD_DATA_P2.WITH_PIN_TRIES && generation.cardDataWithPinTries) return reply(SW.OK, cardData(generation, serial, pin, true));
      return reply(SW.WRONG_P1P2);
    },
  };
}
