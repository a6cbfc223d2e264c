import { EMV_TAG, encodeDol, type DolEntry } from '../../../connector/protocol/index.js';

/** The two applications of a co-badged Belgian debit card (cards.md §2.2). */
export const EMV_AID = {
  BANCONTACT: 'D056000666111010',
  MAESTRO: 'A0000000043060',
} as const;

/** What differs between the applications of one card: the rest (records, PIN, ATC) they share. */
export interface EmvApplicationProfile {
  readonly aid: string;
  /** Tag 50, ans up to 16. */
  readonly label: string;
  /** Tag 9F12. */
  readonly preferredName: string;
  /** Tag 87: 1 is the highest priority. */
  readonly priority: number;
  /** Tag 9F38, absent when the application asks the terminal for nothing at GET PROCESSING OPTIONS. */
  readonly pdol: readonly DolEntry[] | null;
  /** GET PROCESSING OPTIONS answers in format 1 (`80`) or format 2 (`77` with tags 82, 94). */
  readonly gpoFormat: 1 | 2;
}

/**
 * The card's applications in directory order. Bancontact comes first (priority 1) and asks for terminal data in
 * its PDOL; Maestro asks for none and answers GPO in format 1, so a terminal meets both forms on one card.
 */
export const EMV_APPLICATIONS: readonly EmvApplicationProfile[] = [
  {
    aid: EMV_AID.BANCONTACT,
    label: 'BANCONTACT',
    preferredName: 'Bancontact',
    priority: 1,
    pdol: [
      { tag: EMV_TAG.TERMINAL_COUNTRY_CODE, length: 2 },
      { tag: EMV_TAG.TRANSACTION_CURRENCY_CODE, length: 2 },
      { tag: EMV_TAG.TRANSACTION_DATE, length: 3 },
      { tag: EMV_TAG.TRANSACTION_TYPE, length: 1 },
      { tag: EMV_TAG.UNPREDICTABLE_NUMBER, length: 4 },
    ],
    gpoFormat: 2,
  },
  { aid: EMV_AID.MAESTRO, label: 'MAESTRO', preferredName: 'Maestro', priority: 2, pdol: null, gpoFormat: 1 },
];

export function pdolBytes(app: EmvApplicationProfile): Buffer | null {
  return app.pdol === null ? null : encodeDol(app.pdol);
}
