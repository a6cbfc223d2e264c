import {
  CLA_ISO,
  CLA_PROPRIETARY,
  EMV_INS,
  EMV_PSE_NAME,
  EMV_SELECT_P2,
  EMV_TAG,
  EMV_VERIFY_P2,
  INS,
  SELECT_P1,
  command,
  encodeBerTlv,
  readRecordP2,
  type CommandApdu,
} from '../../protocol/index.js';

/** The contact PSE's DF name as SELECT sends it. */
export const PSE_NAME = Buffer.from(EMV_PSE_NAME, 'ascii');

/**
 * The AIDs the connector tries, as a terminal does, on a card without a PSE (cards.md §2.2; Book 1 §12.3.3):
 * each is selected with partial-name matching, so one entry finds every application starting with it.
 */
export const KNOWN_AIDS: readonly { readonly aid: string; readonly name: string }[] = [
  { aid: 'D056000666111010', name: 'Bancontact' },
  { aid: 'A0000000043060', name: 'Maestro' },
  { aid: 'A0000000041010', name: 'Mastercard' },
  { aid: 'A0000000031010', name: 'Visa' },
  { aid: 'A0000000032010', name: 'Visa Electron' },
  { aid: 'A0000000032020', name: 'V PAY' },
  { aid: 'A0000000046000', name: 'Cirrus' },
  { aid: 'A00000002501', name: 'American Express' },
];

/** SELECT by DF name with Le 00: the first occurrence, or the next one matching the same partial name. */
export function selectByName(name: Uint8Array, next = false): CommandApdu {
  return command(CLA_ISO, INS.SELECT, SELECT_P1.AID, next ? EMV_SELECT_P2.NEXT : EMV_SELECT_P2.FIRST, name, 256);
}

export function readRecord(sfi: number, record: number): CommandApdu {
  return command(CLA_ISO, INS.READ_RECORD, record, readRecordP2(sfi), undefined, 256);
}

/** GET PROCESSING OPTIONS with the PDOL data in its `83` template (`83 00` without a PDOL). */
export function getProcessingOptions(pdolData: Uint8Array): CommandApdu {
  return command(CLA_PROPRIETARY, EMV_INS.GET_PROCESSING_OPTIONS, 0x00, 0x00, encodeBerTlv(EMV_TAG.COMMAND_TEMPLATE, pdolData), 256);
}

export function getData(tag: number): CommandApdu {
  return command(CLA_PROPRIETARY, EMV_INS.GET_DATA, (tag >> 8) & 0xff, tag & 0xff, undefined, 256);
}

/** VERIFY with the offline PIN in plain text (format-2 block). */
export function verifyPlaintextPin(pinBlock: Uint8Array): CommandApdu {
  return command(CLA_ISO, INS.VERIFY, 0x00, EMV_VERIFY_P2.PLAINTEXT_PIN, pinBlock);
}
