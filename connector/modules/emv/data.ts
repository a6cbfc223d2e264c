import { ConnectorError } from '../../errors/index.js';
import { EMV_TAG, toHex } from '../../protocol/index.js';
import type { CardChannel } from '../../readers/index.js';
import { readApplication } from './application.js';
import { bcdDate, bcdDigits, countryOf, maskPan } from './parse.js';
import { candidateList, selectFirstUsable } from './selection.js';
import type { TerminalContext } from './terminal.js';

/** `GET …/data`: the card's applications (spec §4.7), plus how the list was built (our extension). */
export interface PaymentApplications {
  readonly applications: { readonly aid: string; readonly name: string; readonly priority?: number }[];
  /** `pse`: from the card's directory; `aid-list`: the card has no PSE and the known AIDs were tried. */
  readonly selectionMethod: 'pse' | 'aid-list';
}

export async function readApplications(channel: CardChannel): Promise<PaymentApplications> {
  const list = await candidateList(channel);
  return {
    applications: list.applications.map((c) => ({ aid: toHex(c.aid), name: c.label, ...(c.priority === null ? {} : { priority: c.priority }) })),
    selectionMethod: list.method,
  };
}

/** `GET …/application-data` (spec §4.7, §7). */
export interface PaymentApplicationData {
  readonly aid: string;
  readonly country: string;
  readonly countryCode: string;
  readonly effectiveDate: string;
  readonly expirationDate: string;
  readonly language: string;
  readonly name: string;
  readonly pan: string;
}

export interface ApplicationDataOptions {
  /** Return the PAN in full instead of masked (connector setting `emv.fullPan`). */
  readonly fullPan: boolean;
  readonly terminal?: TerminalContext;
}

function required(objects: ReadonlyMap<number, Buffer>, tag: number, what: string): Buffer {
  const value = objects.get(tag);
  if (!value) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: `the application has no ${what}` });
  return value;
}

/**
 * Selects the first usable application (priority order, blocked ones skipped), runs GET PROCESSING OPTIONS and
 * reads its records: PAN (masked to the first six and last four digits unless configured), dates as the card
 * stores them (YYMMDD), issuer country, cardholder name, the first preferred language.
 */
export async function readApplicationData(channel: CardChannel, options: ApplicationDataOptions): Promise<PaymentApplicationData> {
  const list = await candidateList(channel);
  const { candidate, fci } = await selectFirstUsable(channel, list);
  const { objects } = await readApplication(channel, fci, options.terminal);
  const pan = bcdDigits(required(objects, EMV_TAG.PAN, 'PAN (5A)'));
  const country = objects.get(EMV_TAG.ISSUER_COUNTRY_CODE);
  const name = objects.get(EMV_TAG.CARDHOLDER_NAME);
  const effective = objects.get(EMV_TAG.EFFECTIVE_DATE);
  return {
    aid: toHex(candidate.aid),
    country: country ? countryOf(country) : '',
    countryCode: country ? country.toString('hex') : '',
    effectiveDate: effective ? bcdDate(effective) : '',
    expirationDate: bcdDate(required(objects, EMV_TAG.EXPIRATION_DATE, 'expiration date (5F24)')),
    language: fci.languages[0] ?? list.languages[0] ?? '',
    name: name ? name.toString('latin1').trim() : '',
    pan: options.fullPan ? pan : maskPan(pan),
  };
}
