import { EMV_VERIFY_P2, PIN_BLOCK_LENGTH, SW, decodePinBlock, verifyFailed } from '../../../connector/protocol/index.js';
import { reply, type CommandSpec } from '../engine/index.js';
import type { EmvContext } from './state.js';

/** The number of wrong offline PINs that block it (the card's PIN try limit). */
export const EMV_PIN_TRY_LIMIT = 3;

function digitsOf(block: Uint8Array): Buffer | null {
  try {
    return decodePinBlock(block);
  } catch {
    return null;
  }
}

/**
 * VERIFY with the plaintext offline PIN `00 20 00 80 08 <format-2 block>` (Book 3 §6.5.12), allowed once the
 * transaction is initiated (after GET PROCESSING OPTIONS), else `6985`. Right → `9000`; wrong → `63Cx` (x tries
 * left, `63C0` on the last); blocked → `6983`. P2=88 (enciphered PIN) → `6A81`, other P1/P2 → `6A86`, Lc≠8 →
 * `6700`, a malformed block → `6A80` (no try spent). The PIN is card-wide: every application shares its counter.
 */
export function verifyCommand(ctx: EmvContext): CommandSpec {
  return {
    input: true,
    secret: true,
    handle(cmd) {
      if (cmd.p1 !== 0x00) return reply(SW.INCORRECT_P1P2);
      if (cmd.p2 === EMV_VERIFY_P2.ENCIPHERED_PIN) return reply(SW.FUNCTION_NOT_SUPPORTED);
      if (cmd.p2 !== EMV_VERIFY_P2.PLAINTEXT_PIN) return reply(SW.INCORRECT_P1P2);
      if (cmd.data.length !== PIN_BLOCK_LENGTH) return reply(SW.WRONG_LENGTH);
      const { state } = ctx;
      if (!state.runningApplication || state.phase === 'selected') return reply(SW.CONDITIONS_NOT_SATISFIED);
      if (ctx.pin.blocked) return reply(SW.AUTH_METHOD_BLOCKED);
      const candidate = digitsOf(cmd.data);
      if (candidate === null) return reply(SW.WRONG_DATA);
      const result = ctx.pin.verify(candidate);
      candidate.fill(0);
      switch (result.result) {
        case 'ok':
          return reply(SW.OK);
        case 'wrong':
          return reply(verifyFailed(result.triesLeft));
        case 'blocked':
          return reply(SW.AUTH_METHOD_BLOCKED);
      }
    },
  };
}
