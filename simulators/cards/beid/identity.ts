import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { ADDRESS_TAG, IDENTITY_TAG, encodeSimpleTlv, type SimpleTlv } from '../../../connector/protocol/index.js';
import type { BeidAddress, BeidPersona } from '../../../fixtures/personas/index.js';
import type { BeidGeneration } from './generation.js';

/** Identity (4031) and address (4033) files in the BeID's simple TLV, tags ascending (cards.md §1.5). */

export { ADDRESS_TAG, IDENTITY_TAG };

/** The address file's fixed size (perso v01+); a longer address keeps its own length. */
export const ADDRESS_FILE_SIZE = 117;

const text = (tag: number, value: string): SimpleTlv => ({ tag, value: Buffer.from(value, 'utf8') });

/** File 4040 on 1.8: the basic key's SubjectPublicKeyInfo (120 bytes for P-384). */
export function basicPublicKeyFile(basicKey: KeyObject): Buffer {
  return createPublicKey(basicKey).export({ type: 'spki', format: 'der' });
}

export interface IdentityInputs {
  readonly chipNumber: Uint8Array;
  readonly photo: Uint8Array;
  /** Content of file 4040 (1.8), hashed into tag 1A. */
  readonly basicPublicKey: Uint8Array | null;
}

/** File 4031: the persona's identity, the chip number, the photo hash (SHA-256 on 1.7, SHA-384 on 1.8), tag 1A on 1.8. */
export function identityFile(persona: BeidPersona, generation: BeidGeneration, inputs: IdentityInputs): Buffer {
  const id = persona.identity;
  const items: SimpleTlv[] = [
    text(IDENTITY_TAG.CARD_NUMBER, id.cardNumber),
    { tag: IDENTITY_TAG.CHIP_NUMBER, value: inputs.chipNumber },
    text(IDENTITY_TAG.VALIDITY_BEGIN, id.validityBegin),
    text(IDENTITY_TAG.VALIDITY_END, id.validityEnd),
    text(IDENTITY_TAG.ISSUING_MUNICIPALITY, id.issuingMunicipality),
    text(IDENTITY_TAG.NATIONAL_NUMBER, id.nationalNumber),
    text(IDENTITY_TAG.SURNAME, id.surname),
    text(IDENTITY_TAG.FIRST_NAMES, id.firstNames),
    text(IDENTITY_TAG.THIRD_INITIAL, id.thirdInitial),
    text(IDENTITY_TAG.NATIONALITY, id.nationality),
    text(IDENTITY_TAG.BIRTH_PLACE, id.birthPlace),
    text(IDENTITY_TAG.BIRTH_DATE, id.birthDate),
    text(IDENTITY_TAG.SEX, id.sex),
    text(IDENTITY_TAG.NOBLE_CONDITION, id.nobleCondition),
    text(IDENTITY_TAG.DOCUMENT_TYPE, id.documentType),
    text(IDENTITY_TAG.SPECIAL_STATUS, id.specialStatus),
    { tag: IDENTITY_TAG.PHOTO_HASH, value: createHash(generation.photoHash).update(inputs.photo).digest() },
  ];
  if (id.duplicate !== undefined) items.push(text(IDENTITY_TAG.DUPLICATE, id.duplicate));
  if (generation.basicKey) {
    if (inputs.basicPublicKey === null) throw new TypeError(`${generation.profile} needs the basic public key`);
    items.push({ tag: IDENTITY_TAG.BASIC_KEY_HASH, value: createHash('sha384').update(inputs.basicPublicKey).digest() });
  }
  return encodeSimpleTlv(items);
}

/** File 4033: street, zip, municipality, zero-padded to 117 bytes. */
export function addressFile(address: BeidAddress): Buffer {
  const tlv = encodeSimpleTlv([
    text(ADDRESS_TAG.STREET_AND_NUMBER, address.street),
    text(ADDRESS_TAG.ZIP, address.zip),
    text(ADDRESS_TAG.MUNICIPALITY, address.municipality),
  ]);
  return tlv.length >= ADDRESS_FILE_SIZE ? tlv : Buffer.concat([tlv, Buffer.alloc(ADDRESS_FILE_SIZE - tlv.length)]);
}

/** The address as consumers sign-check it: trailing zero padding removed. */
export function stripTrailingZeros(bytes: Uint8Array): Buffer {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  return Buffer.from(bytes.subarray(0, end));
}
