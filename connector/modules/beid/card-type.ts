import { ConnectorError } from '../../errors/index.js';
import type { AtrMatch } from '../registry.js';

/** What differs between Belgian eID generations, resolved once from the ATR and passed down. */
export interface BeidCardType {
  readonly generation: '1.7' | '1.8';
  readonly keyType: 'rsa' | 'ec';
}

const TYPES: Readonly<Record<BeidCardType['generation'], BeidCardType>> = {
  '1.7': { generation: '1.7', keyType: 'rsa' },
  '1.8': { generation: '1.8', keyType: 'ec' },
};

/** Applet 1.8 has its own exact ATR; every older applet (and the masked rows) signs with RSA. */
export function beidCardType(match: AtrMatch | undefined): BeidCardType {
  if (!match || match.module !== 'beid') throw new ConnectorError('ERR_CARD_NOT_SUPPORTED');
  return match.variant === '1.8' ? TYPES['1.8'] : TYPES['1.7'];
}
