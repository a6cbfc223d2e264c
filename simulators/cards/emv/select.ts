import { EMV_PSE_NAME, EMV_SELECT_P2, SELECT_P1, SW, toHex } from '../../../connector/protocol/index.js';
import { reply, type CommandSpec } from '../engine/index.js';
import type { EmvApplicationData } from './card-data.js';
import type { EmvContext } from './state.js';

/** An AID is a RID (5 bytes) and an optional extension: the shortest name a partial selection may use. */
const MIN_PARTIAL_NAME = 5;
const MAX_NAME = 16;
const PSE_NAME = Buffer.from(EMV_PSE_NAME, 'ascii');

/** The applications whose AID starts with `name`, in card order. */
function matching(ctx: EmvContext, name: Uint8Array): EmvApplicationData[] {
  if (name.length < MIN_PARTIAL_NAME) return ctx.data.applications.filter((a) => a.aid.equals(name));
  return ctx.data.applications.filter((a) => a.aid.subarray(0, name.length).equals(name));
}

/**
 * SELECT by DF name (`00 A4 04 P2 Lc name 00`, Book 1 §11.3). The PSE answers its FCI (or `6A82` on a card
 * without one); an application is found by its full AID or a prefix of it — P2=00 the first match, P2=02 the
 * one after the current application. A blocked application answers `6283`, a blocked card `6A81`, nothing
 * found `6A82` (the selection then stays). Every successful SELECT starts a new transaction.
 */
export function selectCommand(ctx: EmvContext): CommandSpec {
  return {
    input: true,
    handle(cmd) {
      if (cmd.p1 !== SELECT_P1.AID || (cmd.p2 !== EMV_SELECT_P2.FIRST && cmd.p2 !== EMV_SELECT_P2.NEXT)) return reply(SW.INCORRECT_P1P2);
      if (cmd.data.length === 0 || cmd.data.length > MAX_NAME) return reply(SW.WRONG_LENGTH);
      if (ctx.cardBlocked) return reply(SW.FUNCTION_NOT_SUPPORTED);
      const { state } = ctx;
      if (PSE_NAME.equals(cmd.data)) {
        if (!ctx.pse || cmd.p2 === EMV_SELECT_P2.NEXT) return reply(SW.FILE_NOT_FOUND);
        state.selection = { kind: 'pse' };
        state.phase = 'selected';
        return reply(SW.OK, ctx.data.pseFci);
      }
      const found = matching(ctx, cmd.data);
      let app = found[0];
      if (cmd.p2 === EMV_SELECT_P2.NEXT) {
        const current = state.selection.kind === 'application' ? found.indexOf(state.selection.app) : -1;
        app = current < 0 ? found[0] : found[current + 1];
      }
      if (!app) return reply(SW.FILE_NOT_FOUND);
      const blocked = ctx.blockedApplications.has(toHex(app.aid));
      state.selection = { kind: 'application', app, blocked };
      state.phase = 'selected';
      return blocked ? reply(SW.SELECTED_FILE_DEACTIVATED) : reply(SW.OK, app.fci);
    },
  };
}
