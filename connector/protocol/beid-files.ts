/**
 * Tags of the Belgian eID's identity (4031) and address (4033) files, simple TLV (cards.md §1.5): named once for
 * the card simulator that writes them and the connector module that reads them.
 */
export const IDENTITY_TAG = {
  CARD_NUMBER: 0x01,
  CHIP_NUMBER: 0x02,
  VALIDITY_BEGIN: 0x03,
  VALIDITY_END: 0x04,
  ISSUING_MUNICIPALITY: 0x05,
  NATIONAL_NUMBER: 0x06,
  SURNAME: 0x07,
  FIRST_NAMES: 0x08,
  THIRD_INITIAL: 0x09,
  NATIONALITY: 0x0a,
  BIRTH_PLACE: 0x0b,
  BIRTH_DATE: 0x0c,
  SEX: 0x0d,
  NOBLE_CONDITION: 0x0e,
  DOCUMENT_TYPE: 0x0f,
  SPECIAL_STATUS: 0x10,
  PHOTO_HASH: 0x11,
  DUPLICATE: 0x12,
  SPECIAL_ORGANISATION: 0x13,
  MEMBER_OF_FAMILY: 0x14,
  DATE_AND_COUNTRY_OF_PROTECTION: 0x15,
  WORK_PERMIT: 0x16,
  BASIC_KEY_HASH: 0x1a,
} as const;

export const ADDRESS_TAG = { STREET_AND_NUMBER: 0x01, ZIP: 0x02, MUNICIPALITY: 0x03 } as const;
