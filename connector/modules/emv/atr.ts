import type { AtrEntry } from '../registry.js';

/**
 * EMV contact payment cards (spec/cards.md §2.1): the basic EMV ATR for T=0, `3B 60 00 TC1` with no historical
 * bytes; TC1 (extra guard time) may take any value, TB1 must be 00.
 */
export const EMV_ATRS: readonly AtrEntry[] = [
  { atr: '3B600000', mask: 'FFFFFF00', module: 'emv', description: 'EMV payment card' },
];
