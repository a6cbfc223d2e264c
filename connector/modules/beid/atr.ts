import type { AtrEntry } from '../registry.js';

/** Belgian eID ATRs (spec/cards.md §1.1): the four exact ATRs OpenSC knows, then the masks middleware uses. */
export const BEID_ATRS: readonly AtrEntry[] = [
  { atr: '3B9813400AA503010101AD1311', module: 'beid', description: 'Belgian eID card', variant: '1.7' },
  { atr: '3B9894400AA503010101AD1310', module: 'beid', description: 'Belgian eID card', variant: '1.0' },
  { atr: '3B989440FFA503010101AD1310', module: 'beid', description: 'Belgian eID card', variant: '1.0-beta' },
  { atr: '3B7F96000080318065B085040120120FFF829000', module: 'beid', description: 'Belgian eID card', variant: '1.8' },
  // Windows minidriver INF: 3B 98 xx 40 xx A5 03 01 01 01 AD 13 xx
  { atr: '3B98004000A503010101AD1300', mask: 'FFFF00FF00FFFFFFFFFFFFFF00', module: 'beid', description: 'Belgian eID card' },
  // commons-eid: 3B 98 ?? 40 ?? ?? ?? ?? 01 01 AD 13 1?
  { atr: '3B980040000000000101AD1310', mask: 'FFFF00FF00000000FFFFFFFFF0', module: 'beid', description: 'Belgian eID card' },
];
