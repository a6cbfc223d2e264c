import { randomBytes } from 'node:crypto';
import { EMV_TAG, type DolEntry } from '../../protocol/index.js';

/**
 * The terminal's side of a data object list (Book 3 §5.4): the values the connector, acting as a Belgian
 * terminal reading the card (no amount, no purchase), gives for the tags a PDOL or CDOL asks for. Numeric
 * objects are padded or cut on the left, others on the right; tags it has no value for get zeros.
 */
export interface TerminalContext {
  readonly now: Date;
  readonly random: (n: number) => Buffer;
}

export const DEFAULT_TERMINAL: () => TerminalContext = () => ({ now: new Date(), random: randomBytes });

const NUMERIC = new Set<number>([
  EMV_TAG.TERMINAL_COUNTRY_CODE,
  EMV_TAG.TRANSACTION_CURRENCY_CODE,
  EMV_TAG.TRANSACTION_DATE,
  EMV_TAG.TRANSACTION_TYPE,
  EMV_TAG.AMOUNT_AUTHORISED,
  EMV_TAG.AMOUNT_OTHER,
]);

/** Belgium (056), euro (978), an attended offline-capable terminal (22), transaction type 00 (goods). */
function valueOf(tag: number, ctx: TerminalContext): Buffer | undefined {
  const d = ctx.now;
  const two = (n: number): string => String(n % 100).padStart(2, '0');
  switch (tag) {
    case EMV_TAG.TERMINAL_COUNTRY_CODE:
      return Buffer.from('0056', 'hex');
    case EMV_TAG.TRANSACTION_CURRENCY_CODE:
      return Buffer.from('0978', 'hex');
    case EMV_TAG.TRANSACTION_DATE:
      return Buffer.from(`${two(d.getUTCFullYear())}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`, 'hex');
    case EMV_TAG.TRANSACTION_TYPE:
      return Buffer.from([0x00]);
    case EMV_TAG.TERMINAL_TYPE:
      return Buffer.from([0x22]);
    case EMV_TAG.UNPREDICTABLE_NUMBER:
      return ctx.random(4);
    default:
      return undefined;
  }
}

function fit(value: Buffer, length: number, numeric: boolean): Buffer {
  if (value.length === length) return value;
  if (numeric) return value.length > length ? value.subarray(value.length - length) : Buffer.concat([Buffer.alloc(length - value.length), value]);
  return value.length > length ? value.subarray(0, length) : Buffer.concat([value, Buffer.alloc(length - value.length)]);
}

/** The concatenated values for a DOL, each exactly as long as the DOL asks. */
export function dolData(dol: readonly DolEntry[], ctx: TerminalContext = DEFAULT_TERMINAL()): Buffer {
  return Buffer.concat(dol.map((e) => fit(valueOf(e.tag, ctx) ?? Buffer.alloc(e.length), e.length, NUMERIC.has(e.tag))));
}
