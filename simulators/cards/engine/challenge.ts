import { randomBytes } from 'node:crypto';
import { SW } from '../../../connector/protocol/index.js';
import type { CommandSpec } from './command.js';
import { reply } from './response.js';

const DEFAULT_CHALLENGE_LENGTH = 8;

/** GET CHALLENGE `00 84 00 00 Le`: Le random bytes (8 when Le is absent). */
export const getChallengeCommand: CommandSpec = {
  input: false,
  le: 'handled',
  handle(cmd) {
    if (cmd.p1 !== 0x00 || cmd.p2 !== 0x00) return reply(SW.INCORRECT_P1P2);
    return reply(SW.OK, randomBytes(cmd.le ?? DEFAULT_CHALLENGE_LENGTH));
  },
};
