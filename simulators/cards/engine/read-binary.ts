import { SW, wrongLe, type CommandApdu } from '../../../connector/protocol/index.js';
import type { CardFile } from './files.js';
import { reply, type Reply } from './response.js';

/**
 * What a read past the end of a file answers: `exact` is a real card's `6Cxx` (exact length left), which
 * makes OpenSC sleep 40 ms before reading again; `short` hands back the tail with `9000` (tests go faster).
 */
export type EofMode = 'exact' | 'short';

const SHORT_LE_MAX = 256;

/**
 * READ BINARY (`00 B0 offH offL Le`), 15-bit offset: offset ≥ size → `6B00`; offset + Le > size → `6Cxx`
 * (or the tail, see EofMode); current file a DF → `6986`; P1 bit 8 (short EF identifier) → `6A86`.
 */
export function readBinary(file: CardFile, cmd: CommandApdu, eofMode: EofMode): Reply {
  if ((cmd.p1 & 0x80) !== 0) return reply(SW.INCORRECT_P1P2);
  if (file.kind !== 'EF') return reply(SW.COMMAND_NOT_ALLOWED_NO_EF);
  const offset = (cmd.p1 << 8) | cmd.p2;
  const size = file.content.length;
  if (offset >= size) return reply(SW.WRONG_P1P2);
  const le = Math.min(cmd.le ?? SHORT_LE_MAX, SHORT_LE_MAX);
  const left = size - offset;
  if (le > left && eofMode === 'exact') return reply(wrongLe(left));
  return reply(SW.OK, file.content.subarray(offset, offset + Math.min(le, left)));
}
