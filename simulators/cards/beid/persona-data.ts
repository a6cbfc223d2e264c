import type { KeyObject } from 'node:crypto';
import { caCertificates, issuingCa, KEY_FAMILY_BY_PROFILE, personaBasicKey, personaKeys, rrnPrivateKey, type CardKeys } from '../../../fixtures/pki/index.js';
import { loadBeidPersona, type BeidPersona, type BeidProfile } from '../../../fixtures/personas/index.js';

/** Everything a BeID card is personalised with. Tests may build one by hand (other keys, other PIN…). */
export interface BeidCardData {
  readonly persona: BeidPersona;
  /** Keys 82/83 of the generation's key family; null when the card has no user certificates (Kids-ID). */
  readonly userKeys: CardKeys | null;
  readonly certificates: { readonly issuingCa: Buffer; readonly root: Buffer; readonly rrn: Buffer };
  /** Signs the identity and address files (4032, 4034). */
  readonly rrnKey: KeyObject;
  /** Key 81 (INTERNAL AUTHENTICATE, file 4040); used on 1.8 only. */
  readonly basicKey: KeyObject;
}

/** A persona from `fixtures/personas` with its keys and certificates from `fixtures/pki`, for one card generation. */
export function loadBeidCardData(profile: BeidProfile, personaId: string): BeidCardData {
  const persona = loadBeidPersona(personaId);
  const cas = caCertificates();
  return {
    persona,
    userKeys: personaKeys(personaId, KEY_FAMILY_BY_PROFILE[profile]),
    certificates: { issuingCa: issuingCa(personaId), root: cas.root, rrn: cas.rrn },
    rrnKey: rrnPrivateKey(),
    basicKey: personaBasicKey(personaId),
  };
}
