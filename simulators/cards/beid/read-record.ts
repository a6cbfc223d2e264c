import { SW, decodeSimpleTlv, encodeSimpleTlv } from '../../../connector/protocol/index.js';
import { reply, type CardFile, type CommandSpec } from '../engine/index.js';

/**
 * READ RECORD (1.8) `80 B2 firstTag lastTag Le` on the selected identity or address file: the TLV fields with
 * tags in [P1, P2], encoded as stored. Le 00 gives them all (61xx chaining past 256), a smaller Le the first
 * bytes. `6986` on a DF, `6981` on a non-TLV file, `6A83` when P2 < P1 or no tag in range exists.
 */
export function readRecordCommand(current: () => CardFile, tlvFiles: ReadonlySet<CardFile>, cla: number): CommandSpec {
  return {
    cla,
    input: false,
    le: 'truncate',
    handle(cmd) {
      const file = current();
      if (file.kind !== 'EF') return reply(SW.COMMAND_NOT_ALLOWED_NO_EF);
      if (!tlvFiles.has(file)) return reply(SW.COMMAND_INCOMPATIBLE_WITH_FILE);
      if (cmd.p2 < cmd.p1) return reply(SW.RECORD_NOT_FOUND);
      const fields = decodeSimpleTlv(file.content).filter((f) => f.tag >= cmd.p1 && f.tag <= cmd.p2);
      if (fields.length === 0) return reply(SW.RECORD_NOT_FOUND);
      return reply(SW.OK, encodeSimpleTlv(fields));
    },
  };
}
