import { CLA_PROPRIETARY, INS, SW, fromHex } from '../../../connector/protocol/index.js';
import { CardOs, df, ef, getChallengeCommand, reply, type EofMode } from '../engine/index.js';

/** Instruction bytes of the ISO test card. `ECHO` is proprietary (CLA 80). */
export const ISO_ECHO_INS = {
  SELECT: INS.SELECT,
  READ_BINARY: INS.READ_BINARY,
  GET_RESPONSE: INS.GET_RESPONSE,
  GET_CHALLENGE: INS.GET_CHALLENGE,
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

export interface IsoEchoOptions {
  readonly eofMode?: EofMode;
}

/**
 * A small ISO 7816-4 card to prove the reader path, on the card engine: SELECT (MF, test EF), READ BINARY
 * with 6B00/6Cxx at the end of file, an echo command (case 4, answered T=0-style with 61xx when Le is
 * absent), GET CHALLENGE and 6D00 for anything else.
 */
export class IsoEchoCard extends CardOs {
  constructor(options: IsoEchoOptions = {}) {
    super({
      atr: ISO_ECHO_ATR,
      profile: 'iso-echo',
      mf: df(ISO_ECHO_MF, [ef(ISO_ECHO_TEST_EF, isoEchoTestFile())]),
      ...(options.eofMode ? { eofMode: options.eofMode } : {}),
    });
    this.define(ISO_ECHO_INS.ECHO, { cla: CLA_PROPRIETARY, input: true, handle: (c) => reply(SW.OK, c.data) });
    this.define(ISO_ECHO_INS.GET_CHALLENGE, getChallengeCommand);
  }
}
