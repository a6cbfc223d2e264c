import { SW } from '../../../connector/protocol/index.js';
import { reply, type CommandSpec } from '../engine/index.js';
import type { EmvContext } from './state.js';

const REFERENCE_BY_SFI = 0x04;

/**
 * READ RECORD `00 B2 rec (SFI<<3|4) 00`: under the PSE, SFI 1 is the directory; under a running application, its
 * files. P2 not naming an SFI or record 0 → `6A86`; an SFI the DF lacks → `6A82`; a record past the last → `6A83`;
 * nothing (usable) selected → `6985`.
 */
export function readRecordCommand(ctx: EmvContext): CommandSpec {
  return {
    input: false,
    handle(cmd) {
      const sfi = cmd.p2 >> 3;
      if ((cmd.p2 & 0x07) !== REFERENCE_BY_SFI || sfi === 0 || cmd.p1 === 0) return reply(SW.INCORRECT_P1P2);
      const { selection } = ctx.state;
      let file: readonly Buffer[] | undefined;
      if (selection.kind === 'pse') file = sfi === 1 ? ctx.data.directory : undefined;
      else if (ctx.state.runningApplication) file = ctx.data.files.get(sfi);
      else return reply(SW.CONDITIONS_NOT_SATISFIED);
      if (!file) return reply(SW.FILE_NOT_FOUND);
      const record = file[cmd.p1 - 1];
      return record ? reply(SW.OK, record) : reply(SW.RECORD_NOT_FOUND);
    },
  };
}
