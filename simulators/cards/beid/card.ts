import type { KeyObject } from 'node:crypto';
import { CLA_PROPRIETARY, INS } from '../../../connector/protocol/index.js';
import profile17 from '../../../fixtures/cards/beid-1.7.json' with { type: 'json' };
import profile18 from '../../../fixtures/cards/beid-1.8.json' with { type: 'json' };
import type { BeidProfile } from '../../../fixtures/personas/index.js';
import { CardOs, PinObject, getChallengeCommand, type EofMode } from '../engine/index.js';
import { BeidAccessRules } from './access.js';
import { BEID_FID, BEID_INS, BEID_KEY, BEID_PIN_REFERENCE, BEID_PIN_TRIES } from './apdu.js';
import { getCardDataCommand } from './card-data.js';
import { beidFileSystem, chipSerial } from './file-map.js';
import { BEID_GENERATIONS, type BeidGeneration } from './generation.js';
import { loadBeidCardData, type BeidCardData } from './persona-data.js';
import { changeReferenceDataCommand, logOffCommand, resetRetryCounterCommand, verifyCommand, type PinContext } from './pin-commands.js';
import { readRecordCommand } from './read-record.js';
import { BasicKeyCounter, internalAuthenticateCommand, mseSetCommand, psoCdsCommand, type SigningContext } from './signing.js';

export interface BeidCardOptions {
  /** READ BINARY past the end: `exact` (default) answers `6Cxx` like a real card, `short` the tail with 9000. */
  readonly eofMode?: EofMode;
}

/**
 * A Belgian eID card with the BELPIC applet, 1.7 (RSA 2048) or 1.8 (EC P-384), personalised from a persona:
 * the file system of cards.md §1.3–1.5, GET CARD DATA, the PIN and its state machine (§1.7), MSE SET,
 * PSO:CDS with real signatures, and on 1.8 INTERNAL AUTHENTICATE and READ RECORD. One instance is one card:
 * its PIN counter survives resets and re-insertion; a new instance has fresh counters.
 */
export class BeidCard extends CardOs {
  readonly generation: BeidGeneration;
  readonly personaId: string;
  private readonly pin: PinObject;
  private readonly basicKeyUses = new BasicKeyCounter();

  constructor(profile: BeidProfile, data: BeidCardData, options: BeidCardOptions = {}) {
    const generation = BEID_GENERATIONS[profile];
    checkKeys(generation, data);
    super({
      atr: generation.atr,
      profile,
      mf: beidFileSystem(generation, data),
      ...(options.eofMode ? { eofMode: options.eofMode } : {}),
    });
    this.generation = generation;
    this.personaId = data.persona.id;
    this.pin = new PinObject({ reference: BEID_PIN_REFERENCE, value: Buffer.from(data.persona.pin, 'ascii'), maxTries: BEID_PIN_TRIES });
    const access = new BeidAccessRules(this.security, generation.nonRepWindow);
    const now = (): number => this.commandNumber;
    const pinContext: PinContext = { pin: this.pin, access, security: this.security, now, onVerified: () => this.basicKeyUses.restart() };
    const signing: SigningContext = { generation, keys: cardKeys(generation, data), security: this.security, access, now };

    this.define(INS.VERIFY, verifyCommand(pinContext));
    this.define(INS.CHANGE_REFERENCE_DATA, changeReferenceDataCommand(pinContext));
    this.define(INS.RESET_RETRY_COUNTER, resetRetryCounterCommand);
    this.define(INS.MANAGE_SECURITY_ENVIRONMENT, mseSetCommand(signing));
    this.define(INS.PERFORM_SECURITY_OPERATION, psoCdsCommand(signing));
    this.define(INS.GET_CHALLENGE, getChallengeCommand);
    this.define(BEID_INS.GET_CARD_DATA, getCardDataCommand(generation, chipSerial(generation, data), this.pin, CLA_PROPRIETARY));
    this.define(BEID_INS.LOG_OFF, logOffCommand(pinContext, CLA_PROPRIETARY));
    if (generation.basicKey) this.define(INS.INTERNAL_AUTHENTICATE, internalAuthenticateCommand(signing, this.basicKeyUses));
    if (generation.readRecord) {
      const tlvFiles = new Set([this.files.at(BEID_FID.ID, BEID_FID.IDENTITY), this.files.at(BEID_FID.ID, BEID_FID.ADDRESS)]);
      this.define(BEID_INS.READ_RECORD, readRecordCommand(() => this.selection.current, tlvFiles, CLA_PROPRIETARY));
    }
  }

  /** PIN tries left (what GET CARD DATA P2=01 reports on 1.8). */
  get pinTriesLeft(): number {
    return this.pin.triesLeft;
  }
}

/** The profiles' default personas (`fixtures/cards/beid-1.x.json`). */
export const BEID_DEFAULT_PERSONA: Readonly<Record<BeidProfile, string>> = {
  'beid-1.7': profile17.defaultPersona,
  'beid-1.8': profile18.defaultPersona,
};

/** A fresh card of `profile` personalised from the fixtures' persona (default: the profile's default persona). */
export function createBeidCard(profile: BeidProfile, personaId: string | null = null, options: BeidCardOptions = {}): BeidCard {
  const id = personaId ?? BEID_DEFAULT_PERSONA[profile];
  const data = loadBeidCardData(profile, id);
  if (!data.persona.fits.includes(profile)) throw new RangeError(`persona ${id} does not fit ${profile}`);
  return new BeidCard(profile, data, options);
}

function cardKeys(generation: BeidGeneration, data: BeidCardData): Map<number, KeyObject> {
  const keys = new Map<number, KeyObject>();
  if (generation.basicKey) keys.set(BEID_KEY.BASIC, data.basicKey);
  if (data.userKeys) {
    keys.set(BEID_KEY.AUTHENTICATION, data.userKeys.authentication.privateKey);
    keys.set(BEID_KEY.NON_REPUDIATION, data.userKeys.nonRepudiation.privateKey);
  }
  return keys;
}

function checkKeys(generation: BeidGeneration, data: BeidCardData): void {
  const family = generation.keyFamily;
  for (const key of data.userKeys ? [data.userKeys.authentication.privateKey, data.userKeys.nonRepudiation.privateKey] : []) {
    if (key.asymmetricKeyType !== family) throw new TypeError(`${generation.profile} carries ${family} user keys, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  if (generation.basicKey && data.basicKey.asymmetricKeyType !== 'ec') throw new TypeError('the basic key is an EC key');
}
