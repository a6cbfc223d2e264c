import type { CommandApdu } from '../../../connector/protocol/index.js';
import type { LeMode, Reply } from './response.js';

/** One entry of a card's INS dispatch table. */
export interface CommandSpec {
  /** The class byte the command takes (default 00). */
  readonly cla?: number;
  /**
   * The command may carry data (ISO case 3/4). On T=0 such a command without data arrives as
   * `CLA INS P1 P2 00`, which then means Lc=0 (a status query), not Le=256.
   */
  readonly input: boolean;
  /** How response data meets Le (default `max`). */
  readonly le?: LeMode;
  /** The data field holds a secret (a PIN block): traces get it masked. */
  readonly secret?: boolean;
  handle(cmd: CommandApdu): Reply;
}
