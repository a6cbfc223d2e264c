import { listCardProfiles, loadCardProfile } from '../../fixtures/cards/index.js';
import { loadPersona } from '../../fixtures/personas/index.js';
import { LabError } from '../lab/lab-error.js';
import type { VirtualCard } from './card.js';
import { createBeidCard } from './beid/index.js';
import { createEmvCard } from './emv/index.js';
import { IsoEchoCard } from './iso-echo/index.js';
import { createTranscriptCard } from './transcript/index.js';

/** The parts of a card profile (`fixtures/cards/<id>.json`, checked by fixtures/cards) the registry uses. */
export interface CardProfileData {
  readonly id: string;
  readonly defaultPersona: string | null;
  readonly personas: readonly string[];
}

/** Makes fresh cards of one profile: new instance, new PIN counters. */
export interface CardFactory {
  readonly profile: CardProfileData;
  create(persona: string | null): VirtualCard;
}

export function fromProfile(profile: CardProfileData, create: (persona: string | null) => VirtualCard): CardFactory {
  return { profile, create };
}

/** Recorded card types need no code: every profile with a transcript replays it. */
const RECORDED: Readonly<Record<string, CardFactory>> = Object.fromEntries(
  listCardProfiles()
    .filter((p) => p.transcript)
    .map((p) => [p.id, fromProfile(p, () => createTranscriptCard(p))]),
);

/** Profile id → factory. Adding a simulated card type is one line here. */
const FACTORIES: Readonly<Record<string, CardFactory>> = {
  ...RECORDED,
  'beid-1.7': fromProfile(loadCardProfile('beid-1.7'), (persona) => createBeidCard('beid-1.7', persona)),
  'beid-1.8': fromProfile(loadCardProfile('beid-1.8'), (persona) => createBeidCard('beid-1.8', persona)),
  'emv-bancontact': fromProfile(loadCardProfile('emv-bancontact'), (persona) => createEmvCard(persona)),
  'iso-echo': fromProfile(loadCardProfile('iso-echo'), () => new IsoEchoCard()),
};

export function listProfiles(): string[] {
  return Object.keys(FACTORIES).sort();
}

/** A card ready to insert, with the persona it carries and that persona's PIN (test material, for the state). */
export interface PreparedCard {
  readonly card: VirtualCard;
  readonly profile: string;
  readonly persona: string | null;
  readonly pin: string | null;
}

function factoryFor(profile: string): CardFactory {
  const factory = FACTORIES[profile];
  if (!factory) throw new LabError('ERR_LAB_PROFILE_UNKNOWN', `unknown card profile "${profile}"; known: ${listProfiles().join(', ')}`);
  return factory;
}

function resolvePersona(factory: CardFactory, persona: string | null): string | null {
  const { id, defaultPersona, personas } = factory.profile;
  if (persona === null) return defaultPersona;
  if (!personas.includes(persona)) {
    const accepted = personas.length > 0 ? `it takes ${personas.join(', ')}` : 'it takes no persona';
    throw new LabError('ERR_LAB_PERSONA_UNKNOWN', `profile ${id} does not fit persona "${persona}"; ${accepted}`);
  }
  return persona;
}

/** A fresh card of `profile` for `persona` (null: the profile's default persona). */
export function createCard(profile: string, persona: string | null): VirtualCard {
  return prepareCard(profile, persona).card;
}

export function prepareCard(profile: string, persona: string | null): PreparedCard {
  const factory = factoryFor(profile);
  const resolved = resolvePersona(factory, persona);
  return { card: factory.create(resolved), profile, persona: resolved, pin: resolved === null ? null : loadPersona(resolved).pin };
}

/** Parses the CLI form `PROFILE[:PERSONA]`. */
export function parseCardSpec(spec: string): { profile: string; persona: string | null } {
  const [profile = '', persona, ...rest] = spec.split(':');
  if (profile === '' || rest.length > 0 || persona === '') {
    throw new LabError('ERR_LAB_PROFILE_UNKNOWN', `card "${spec}" is not PROFILE[:PERSONA]`);
  }
  return { profile, persona: persona ?? null };
}
