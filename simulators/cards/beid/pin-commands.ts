import { PIN_BLOCK_LENGTH, SW, decodePinBlock, isValidPin, verifyFailed } from '../../../connector/protocol/index.js';
import { reply, type CommandSpec, type PinObject, type Reply, type SecurityState } from '../engine/index.js';
import type { BeidAccessRules } from './access.js';
import { BEID_PIN_REFERENCE } from './apdu.js';

/** What the PIN commands work on. */
export interface PinContext {
  readonly pin: PinObject;
  readonly access: BeidAccessRules;
  readonly security: SecurityState;
  /** The number of the command being processed. */
  now(): number;
  /** After a right PIN (VERIFY or CHANGE). */
  onVerified(): void;
}

const CHANGE_DATA_LENGTH = 2 * PIN_BLOCK_LENGTH;

/** PIN block → digits, or null for anything that is not a well-formed format-2 block. */
function digitsOf(block: Uint8Array): Buffer | null {
  try {
    const pin = decodePinBlock(block);
    return isValidPin(pin) ? pin : null;
  } catch {
    return null;
  }
}

function checkReference(p1: number, p2: number): Reply | null {
  if (p1 !== 0x00) return reply(SW.INCORRECT_P1P2);
  if (p2 !== BEID_PIN_REFERENCE) return reply(SW.REFERENCE_DATA_NOT_FOUND);
  return null;
}

/** Runs the candidate against the PIN object, updates the rights, wipes the candidate. */
function check(ctx: PinContext, candidate: Buffer, onRight: () => void): Reply {
  const result = ctx.pin.verify(candidate);
  candidate.fill(0);
  switch (result.result) {
    case 'ok':
      onRight();
      ctx.access.verified(ctx.now());
      ctx.onVerified();
      return reply(SW.OK);
    case 'wrong':
      ctx.access.failed();
      return reply(verifyFailed(result.triesLeft));
    case 'blocked':
      return reply(SW.AUTH_METHOD_BLOCKED);
  }
}

/**
 * VERIFY `00 20 00 01 08 <format-2 block>`; Lc=0 asks the status without costing a try (`9000` verified,
 * `63Cx` not, `6983` blocked). A wrong PIN answers `63Cx` (x tries left, `63C0` on the last) and clears all
 * rights; then `6983`. A malformed block is `6A80` and costs nothing.
 */
export function verifyCommand(ctx: PinContext): CommandSpec {
  return {
    input: true,
    secret: true,
    handle(cmd) {
      const refused = checkReference(cmd.p1, cmd.p2);
      if (refused) return refused;
      if (cmd.data.length === 0) {
        if (ctx.pin.blocked) return reply(SW.AUTH_METHOD_BLOCKED);
        return reply(ctx.access.isVerified(ctx.now()) ? SW.OK : verifyFailed(ctx.pin.triesLeft));
      }
      if (cmd.data.length !== PIN_BLOCK_LENGTH) return reply(SW.WRONG_LENGTH);
      if (ctx.pin.blocked) return reply(SW.AUTH_METHOD_BLOCKED);
      const candidate = digitsOf(cmd.data);
      if (candidate === null) return reply(SW.WRONG_DATA);
      return check(ctx, candidate, () => undefined);
    },
  };
}

/** CHANGE REFERENCE DATA `00 24 00 01 10 <old block><new block>`: like VERIFY with the old PIN, then the new one is set. */
export function changeReferenceDataCommand(ctx: PinContext): CommandSpec {
  return {
    input: true,
    secret: true,
    handle(cmd) {
      const refused = checkReference(cmd.p1, cmd.p2);
      if (refused) return refused;
      if (cmd.data.length !== CHANGE_DATA_LENGTH) return reply(SW.WRONG_LENGTH);
      if (ctx.pin.blocked) return reply(SW.AUTH_METHOD_BLOCKED);
      const old = digitsOf(cmd.data.subarray(0, PIN_BLOCK_LENGTH));
      const next = digitsOf(cmd.data.subarray(PIN_BLOCK_LENGTH));
      if (old === null || next === null) {
        old?.fill(0);
        next?.fill(0);
        return reply(SW.WRONG_DATA);
      }
      const answer = check(ctx, old, () => ctx.pin.replace(next));
      next.fill(0);
      return answer;
    },
  };
}

/** LOG OFF `80 E6 00 00`: every PIN right and the security environment go. */
export function logOffCommand(ctx: PinContext, cla: number): CommandSpec {
  return {
    cla,
    input: true,
    handle(cmd) {
      if (cmd.p1 !== 0x00 || cmd.p2 !== 0x00) return reply(SW.INCORRECT_P1P2);
      if (cmd.data.length > 0) return reply(SW.WRONG_LENGTH);
      ctx.security.clear();
      return reply(SW.OK);
    },
  };
}

/** RESET RETRY COUNTER needs the administrator role, which no client has. */
export const resetRetryCounterCommand: CommandSpec = {
  input: true,
  secret: true,
  handle: () => reply(SW.SECURITY_STATUS_NOT_SATISFIED),
};
