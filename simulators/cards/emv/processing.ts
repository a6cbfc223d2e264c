import { CLA_PROPRIETARY, EMV_TAG, SW, encodeBerTlv } from '../../../connector/protocol/index.js';
import { reply, type CommandSpec } from '../engine/index.js';
import { EMV_ATC_MAX, type EmvContext } from './state.js';

export const atcBytes = (atc: number): Buffer => Buffer.from([(atc >> 8) & 0xff, atc & 0xff]);

/**
 * GET PROCESSING OPTIONS `80 A8 00 00 Lc 83 L <PDOL data> 00` (Book 3 §6.5.8): only straight after SELECT of a
 * running application, with exactly the PDOL's bytes (`83 00` without a PDOL), else `6985`. Starts the transaction:
 * the ATC goes up by one. Answers AIP and AFL in the application's format (1: `80`, 2: `77 [82][94]`).
 */
export function getProcessingOptionsCommand(ctx: EmvContext): CommandSpec {
  return {
    cla: CLA_PROPRIETARY,
    input: true,
    handle(cmd) {
      if (cmd.p1 !== 0x00 || cmd.p2 !== 0x00) return reply(SW.INCORRECT_P1P2);
      const { state } = ctx;
      const app = state.runningApplication;
      if (!app || state.phase !== 'selected') return reply(SW.CONDITIONS_NOT_SATISFIED);
      const { data } = cmd;
      const expected = app.pdolDataLength;
      if (data.length !== 2 + expected || data[0] !== EMV_TAG.COMMAND_TEMPLATE || data[1] !== expected) return reply(SW.CONDITIONS_NOT_SATISFIED);
      if (state.atc >= EMV_ATC_MAX) return reply(SW.CONDITIONS_NOT_SATISFIED);
      state.atc += 1;
      state.phase = 'initiated';
      const { aip, afl } = ctx.data;
      const answer =
        app.profile.gpoFormat === 1
          ? encodeBerTlv(EMV_TAG.RESPONSE_FORMAT_1, [aip, afl])
          : encodeBerTlv(EMV_TAG.RESPONSE_FORMAT_2, [encodeBerTlv(EMV_TAG.AIP, aip), encodeBerTlv(EMV_TAG.AFL, afl)]);
      return reply(SW.OK, answer);
    },
  };
}

/**
 * GET DATA `80 CA tag 00` for the selected application's data objects: PIN try counter (9F17), ATC (9F36),
 * last online ATC (9F13). Unknown tag → `6A88`; no running application → `6985`.
 */
export function getDataCommand(ctx: EmvContext): CommandSpec {
  return {
    cla: CLA_PROPRIETARY,
    input: false,
    handle(cmd) {
      if (!ctx.state.runningApplication) return reply(SW.CONDITIONS_NOT_SATISFIED);
      const tag = (cmd.p1 << 8) | cmd.p2;
      switch (tag) {
        case EMV_TAG.PIN_TRY_COUNTER:
          return reply(SW.OK, encodeBerTlv(tag, Buffer.from([ctx.pin.triesLeft])));
        case EMV_TAG.ATC:
          return reply(SW.OK, encodeBerTlv(tag, atcBytes(ctx.state.atc)));
        case EMV_TAG.LAST_ONLINE_ATC:
          return reply(SW.OK, encodeBerTlv(tag, atcBytes(ctx.state.lastOnlineAtc)));
        default:
          return reply(SW.REFERENCE_DATA_NOT_FOUND);
      }
    },
  };
}

