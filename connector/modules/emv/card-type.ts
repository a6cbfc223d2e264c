import { ConnectorError } from '../../errors/index.js';
import type { AtrMatch } from '../registry.js';

/** Refuses a card the ATR registry does not give to the `emv` module (e.g. a BeID in the reader). */
export function requireEmvCard(match: AtrMatch | undefined): void {
  if (!match || match.module !== 'emv') throw new ConnectorError('ERR_CARD_NOT_SUPPORTED');
}
