import { createHmac, randomBytes } from 'node:crypto';
import { CLA_PROPRIETARY, EMV_CRYPTOGRAM, EMV_TAG, SW, encodeBerTlv } from '../../../connector/protocol/index.js';
import { reply, type CommandSpec } from '../engine/index.js';
import { signedDynamicData } from './oda.js';
import { atcBytes } from './processing.js';
import type { EmvContext } from './state.js';

/** Issuer application data (tag 9F10): a fixed, scheme-neutral value; no host interprets it here. */
const ISSUER_APPLICATION_DATA = Buffer.from('06010A03A00000', 'hex');
/** ARC "00": approved (an8, `3030`). */
const ARC_APPROVED = Buffer.from('00', 'ascii');
const ICC_DYNAMIC_NUMBER_LENGTH = 8;
const KNOWN_P1_BITS = EMV_CRYPTOGRAM.TYPE_MASK | EMV_CRYPTOGRAM.CDA;

/**
 * GENERATE AC `80 AE P1 00 Lc <CDOL data> 00` (Book 3 §6.5.5), answered in format 2 `77 [9F27][9F36][9F26][9F10]`.
 * First GENAC (after GPO, CDOL1 data): AAC asked → AAC; TC or ARQC asked → ARQC (this card always goes online).
 * Second GENAC (after an ARQC, CDOL2 data starting with the ARC): TC when TC was asked and the issuer approved
 * (ARC "00"), else AAC; ARQC → `6A86`. A third GENAC, or one before GPO, → `6985`; data of the wrong length →
 * `6700`. The CDA bit is ignored (the AIP offers DDA only). The cryptogram is an HMAC over CID, ATC and the
 * terminal data under the card's key: stable, but checkable by no one (cards.md §4.14).
 */
export function generateAcCommand(ctx: EmvContext): CommandSpec {
  return {
    cla: CLA_PROPRIETARY,
    input: true,
    handle(cmd) {
      const asked = cmd.p1 & EMV_CRYPTOGRAM.TYPE_MASK;
      if (cmd.p2 !== 0x00 || (cmd.p1 & ~KNOWN_P1_BITS) !== 0 || asked === EMV_CRYPTOGRAM.TYPE_MASK) return reply(SW.INCORRECT_P1P2);
      const { state, data } = ctx;
      if (!state.runningApplication || (state.phase !== 'initiated' && state.phase !== 'online')) return reply(SW.CONDITIONS_NOT_SATISFIED);
      const first = state.phase === 'initiated';
      if (cmd.data.length !== (first ? data.cdol1Length : data.cdol2Length)) return reply(SW.WRONG_LENGTH);
      let cid: number;
      if (first) {
        cid = asked === EMV_CRYPTOGRAM.AAC ? EMV_CRYPTOGRAM.AAC : EMV_CRYPTOGRAM.ARQC;
      } else {
        if (asked === EMV_CRYPTOGRAM.ARQC) return reply(SW.INCORRECT_P1P2);
        const approved = Buffer.from(cmd.data.subarray(0, 2)).equals(ARC_APPROVED);
        cid = asked === EMV_CRYPTOGRAM.TC && approved ? EMV_CRYPTOGRAM.TC : EMV_CRYPTOGRAM.AAC;
        if (cid === EMV_CRYPTOGRAM.TC) state.lastOnlineAtc = state.atc;
      }
      state.phase = cid === EMV_CRYPTOGRAM.ARQC ? 'online' : 'done';
      const atc = atcBytes(state.atc);
      const ac = createHmac('sha256', data.acKey).update(Buffer.from([cid])).update(atc).update(cmd.data).digest().subarray(0, 8);
      return reply(
        SW.OK,
        encodeBerTlv(EMV_TAG.RESPONSE_FORMAT_2, [
          encodeBerTlv(EMV_TAG.CRYPTOGRAM_INFORMATION, Buffer.from([cid])),
          encodeBerTlv(EMV_TAG.ATC, atc),
          encodeBerTlv(EMV_TAG.APPLICATION_CRYPTOGRAM, ac),
          encodeBerTlv(EMV_TAG.ISSUER_APPLICATION_DATA, ISSUER_APPLICATION_DATA),
        ]),
      );
    },
  };
}

/**
 * INTERNAL AUTHENTICATE `00 88 00 00 Lc <DDOL data> 00` (dynamic data authentication, Book 2 §6.5): signed
 * dynamic application data with a fresh ICC dynamic number, answered in format 1 `80 <SDAD>`. Only while a
 * transaction runs (after GPO), else `6985`; no data → `6700`.
 */
export function internalAuthenticateCommand(ctx: EmvContext): CommandSpec {
  return {
    input: true,
    handle(cmd) {
      if (cmd.p1 !== 0x00 || cmd.p2 !== 0x00) return reply(SW.INCORRECT_P1P2);
      const { state, data } = ctx;
      if (!state.runningApplication || (state.phase !== 'initiated' && state.phase !== 'online')) return reply(SW.CONDITIONS_NOT_SATISFIED);
      if (cmd.data.length === 0) return reply(SW.WRONG_LENGTH);
      const sdad = signedDynamicData(data.iccPrivateKey, data.iccModulusLength, randomBytes(ICC_DYNAMIC_NUMBER_LENGTH), cmd.data);
      return reply(SW.OK, encodeBerTlv(EMV_TAG.RESPONSE_FORMAT_1, sdad));
    },
  };
}
