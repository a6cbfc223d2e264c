import { EMV_INS, INS, fromHex, toHex } from '../../../connector/protocol/index.js';
import profile from '../../../fixtures/cards/emv-bancontact.json' with { type: 'json' };
import { CardOs, MF_FID, PinObject, df } from '../engine/index.js';
import { loadEmvCardData, type EmvCardData } from './card-data.js';
import { internalAuthenticateCommand, generateAcCommand } from './cryptograms.js';
import { getDataCommand, getProcessingOptionsCommand } from './processing.js';
import { readRecordCommand } from './read-record.js';
import { selectCommand } from './select.js';
import { EmvCardState, type EmvCardOptions, type EmvContext } from './state.js';
import { EMV_PIN_TRY_LIMIT, verifyCommand } from './verify.js';

export const EMV_PROFILE = 'emv-bancontact';
/** The basic EMV ATR for T=0 (cards.md §2.1): TB1 = 00, TC1 = 00, no historical bytes. */
export const EMV_ATR = fromHex(profile.atrs[0]!.atr);
const DEFAULT_ATC = 0x0010;

/**
 * A contact EMV debit card (co-badged Bancontact/Maestro) on the card engine: PSE and directory, SELECT with FCI,
 * GET PROCESSING OPTIONS, READ RECORD over the AFL, GET DATA, offline plaintext PIN, GENERATE AC and INTERNAL
 * AUTHENTICATE (cards.md §2). One instance is one card: its PIN try counter and ATC survive resets and
 * re-insertion; the selection and transaction do not.
 */
export class EmvCard extends CardOs {
  readonly personaId: string;
  readonly data: EmvCardData;
  private readonly state: EmvCardState;
  private readonly pin: PinObject;

  constructor(data: EmvCardData, options: EmvCardOptions = {}) {
    super({ atr: EMV_ATR, profile: EMV_PROFILE, mf: df(MF_FID, []) });
    this.personaId = data.persona.id;
    this.data = data;
    this.state = new EmvCardState(options.initialAtc ?? DEFAULT_ATC);
    this.pin = new PinObject({ reference: 0x80, value: Buffer.from(data.persona.pin, 'ascii'), maxTries: EMV_PIN_TRY_LIMIT });
    const ctx: EmvContext = {
      data,
      state: this.state,
      pin: this.pin,
      pse: options.pse ?? true,
      blockedApplications: new Set((options.blockedApplications ?? []).map((aid) => toHex(fromHex(aid)))),
      cardBlocked: options.cardBlocked ?? false,
    };
    this.define(INS.SELECT, selectCommand(ctx));
    this.define(INS.READ_RECORD, readRecordCommand(ctx));
    this.define(EMV_INS.GET_PROCESSING_OPTIONS, getProcessingOptionsCommand(ctx));
    this.define(EMV_INS.GET_DATA, getDataCommand(ctx));
    this.define(INS.VERIFY, verifyCommand(ctx));
    this.define(EMV_INS.GENERATE_AC, generateAcCommand(ctx));
    this.define(INS.INTERNAL_AUTHENTICATE, internalAuthenticateCommand(ctx));
  }

  /** Offline PIN tries left (what GET DATA 9F17 reports). */
  get pinTriesLeft(): number {
    return this.pin.triesLeft;
  }

  /** The application transaction counter (what GET DATA 9F36 reports). */
  get atc(): number {
    return this.state.atc;
  }

  protected override onReset(): void {
    this.state.clearVolatile();
  }
}

/** A fresh card personalised for `personaId` (default: the profile's default persona), with optional variants. */
export function createEmvCard(personaId: string | null = null, options: EmvCardOptions = {}): EmvCard {
  const id = personaId ?? profile.defaultPersona;
  const data = loadEmvCardData(id);
  if (!(data.persona.fits as readonly string[]).includes(EMV_PROFILE)) throw new RangeError(`persona ${id} does not fit ${EMV_PROFILE}`);
  return new EmvCard(data, options);
}

