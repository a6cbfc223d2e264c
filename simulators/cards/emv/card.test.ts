import { describe, expect, it } from 'vitest';
import { EMV_CRYPTOGRAM, EMV_TAG, SW, bytesAvailable, decodeBerTlv, findBerTlv, fromHex, toHex, verifyFailed } from '../../../connector/protocol/index.js';
import profile from '../../../fixtures/cards/emv-bancontact.json' with { type: 'json' };
import { isLuhnValid, loadEmvPersona } from '../../../fixtures/personas/index.js';
import { REDACTED_BYTE } from '../engine/index.js';
import { EMV_AID } from './applications.js';
import { EMV_ATR, createEmvCard } from './card.js';
import { EmvTestDriver } from './test-driver.js';

const persona = loadEmvPersona('emv-debit-1');
const WRONG = persona.pin === '0000' ? '1111' : '0000';
const BANCONTACT_PDOL_DATA = fromHex('0056' + '0978' + '270315' + '00' + '01020304');
const CDOL1_DATA = Buffer.alloc(29);
const cdol2 = (arc: string): Buffer => Buffer.concat([Buffer.from(arc, 'ascii'), Buffer.alloc(29)]);

const fresh = (options: Parameters<typeof createEmvCard>[1] = {}): EmvTestDriver => new EmvTestDriver(createEmvCard('emv-debit-1', options));
const tag = (data: Buffer, t: number): Buffer | undefined => {
  const hit = findBerTlv(decodeBerTlv(data), t);
  return hit ? Buffer.from(hit.value) : undefined;
};

/** SELECT Maestro (no PDOL) and GET PROCESSING OPTIONS: a running transaction. */
async function initiated(driver: EmvTestDriver): Promise<void> {
  expect((await driver.select(EMV_AID.MAESTRO)).sw).toBe(SW.OK);
  expect((await driver.gpo()).sw).toBe(SW.OK);
}

describe('EMV card: ATR, PSE and directory', () => {
  it('answers the basic EMV ATR of its profile', () => {
    expect(toHex(EMV_ATR)).toBe(profile.atrs[0]!.atr);
    expect(createEmvCard().profile).toBe('emv-bancontact');
  });

  it('selects the PSE with its FCI: name, directory SFI 1, language preference', async () => {
    const res = await fresh().selectPse();
    expect(res.sw).toBe(SW.OK);
    expect(tag(res.data, EMV_TAG.DF_NAME)?.toString('ascii')).toBe('1PAY.SYS.DDF01');
    expect(tag(res.data, EMV_TAG.SFI)).toEqual(Buffer.from([1]));
    expect(tag(res.data, EMV_TAG.LANGUAGE_PREFERENCE)?.toString('ascii')).toBe(persona.languagePreference);
  });

  it('lists Bancontact then Maestro in the directory, with labels and priorities, and ends with 6A83', async () => {
    const driver = fresh();
    await driver.selectPse();
    const entries = [];
    for (let rec = 1; ; rec += 1) {
      const res = await driver.readRecord(1, rec);
      if (res.sw === SW.RECORD_NOT_FOUND) break;
      expect(res.sw).toBe(SW.OK);
      entries.push({ aid: toHex(tag(res.data, EMV_TAG.AID)!), label: tag(res.data, EMV_TAG.APPLICATION_LABEL)!.toString(), priority: tag(res.data, EMV_TAG.APPLICATION_PRIORITY)![0] });
    }
    expect(entries).toEqual([
      { aid: EMV_AID.BANCONTACT, label: 'BANCONTACT', priority: 1 },
      { aid: EMV_AID.MAESTRO, label: 'MAESTRO', priority: 2 },
    ]);
    expect((await driver.readRecord(2, 1)).sw).toBe(SW.FILE_NOT_FOUND);
    expect((await driver.raw(fromHex('00B2010800'))).sw).toBe(SW.INCORRECT_P1P2);
    expect((await driver.raw(fromHex('00B2000C00'))).sw).toBe(SW.INCORRECT_P1P2);
  });

  it('answers a T=0 SELECT without Le with 61xx and the FCI through GET RESPONSE', async () => {
    const driver = fresh();
    const first = await driver.raw(Buffer.concat([fromHex('00A404000E'), Buffer.from('1PAY.SYS.DDF01')]));
    expect(first.sw & 0xff00).toBe(bytesAvailable(0) & 0xff00);
    const rest = await driver.raw(Buffer.from([0x00, 0xc0, 0x00, 0x00, first.sw & 0xff]));
    expect(rest.sw).toBe(SW.OK);
    expect(tag(rest.data, EMV_TAG.DF_NAME)?.toString()).toBe('1PAY.SYS.DDF01');
  });
});

describe('EMV card: application selection', () => {
  it('answers each application with its FCI; only Bancontact asks for a PDOL', async () => {
    const driver = fresh();
    const bc = await driver.select(EMV_AID.BANCONTACT);
    expect(bc.sw).toBe(SW.OK);
    expect(toHex(tag(bc.data, EMV_TAG.DF_NAME)!)).toBe(EMV_AID.BANCONTACT);
    expect(tag(bc.data, EMV_TAG.APPLICATION_LABEL)?.toString()).toBe('BANCONTACT');
    expect(toHex(tag(bc.data, EMV_TAG.PDOL)!)).toBe('9F1A025F2A029A039C019F3704');
    const ma = await driver.select(EMV_AID.MAESTRO);
    expect(tag(ma.data, EMV_TAG.APPLICATION_PRIORITY)).toEqual(Buffer.from([2]));
    expect(tag(ma.data, EMV_TAG.PDOL)).toBeUndefined();
  });

  it('selects by a partial AID (the RID), and answers 6A82 when there is no next occurrence', async () => {
    const driver = fresh();
    const first = await driver.select('A000000004');
    expect(toHex(tag(first.data, EMV_TAG.DF_NAME)!)).toBe(EMV_AID.MAESTRO);
    expect((await driver.select('A000000004', true)).sw).toBe(SW.FILE_NOT_FOUND);
    expect((await driver.select('A0000000')).sw).toBe(SW.FILE_NOT_FOUND); // shorter than a RID: exact only
  });

  it('refuses unknown AIDs and other selection methods', async () => {
    const driver = fresh();
    expect((await driver.select('A0000000031010')).sw).toBe(SW.FILE_NOT_FOUND);
    expect((await driver.raw(fromHex('00A40000023F0000'))).sw).toBe(SW.INCORRECT_P1P2);
    expect((await driver.raw(fromHex('00A4040C07A000000004306000'))).sw).toBe(SW.INCORRECT_P1P2);
  });
});

describe('EMV card: GET PROCESSING OPTIONS, records, GET DATA', () => {
  it('answers Maestro in format 1 and Bancontact (with PDOL data) in format 2, the same AIP and AFL', async () => {
    const driver = fresh();
    await driver.select(EMV_AID.MAESTRO);
    const f1 = await driver.gpo();
    expect(toHex(f1.data)).toBe('800A3C000801050010010201');
    await driver.select(EMV_AID.BANCONTACT);
    const f2 = await driver.gpo(BANCONTACT_PDOL_DATA);
    expect(f2.sw).toBe(SW.OK);
    expect(f2.data[0]).toBe(EMV_TAG.RESPONSE_FORMAT_2);
    expect(toHex(tag(f2.data, EMV_TAG.AIP)!)).toBe('3C00');
    expect(toHex(tag(f2.data, EMV_TAG.AFL)!)).toBe('0801050010010201');
  });

  it('refuses GPO with the wrong PDOL data, twice in a transaction, or with nothing selected (6985)', async () => {
    const driver = fresh();
    expect((await driver.gpo()).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    await driver.select(EMV_AID.BANCONTACT);
    expect((await driver.gpo()).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect((await driver.gpo(BANCONTACT_PDOL_DATA.subarray(1))).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect((await driver.gpo(BANCONTACT_PDOL_DATA)).sw).toBe(SW.OK);
    expect((await driver.gpo(BANCONTACT_PDOL_DATA)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
  });

  it('holds every record the AFL names: Luhn-valid PAN, expiry, name, track 2, CA index, certificates', async () => {
    const driver = fresh();
    await initiated(driver);
    const records: Buffer[] = [];
    for (const [sfi, last] of [[1, 5], [2, 2]] as const) {
      for (let rec = 1; rec <= last; rec += 1) {
        const res = await driver.readRecord(sfi, rec);
        expect(res.sw, `SFI ${sfi} record ${rec}`).toBe(SW.OK);
        expect(res.data[0]).toBe(EMV_TAG.RECORD_TEMPLATE);
        records.push(res.data);
      }
      expect((await driver.readRecord(sfi, last + 1)).sw).toBe(SW.RECORD_NOT_FOUND);
    }
    expect((await driver.readRecord(3, 1)).sw).toBe(SW.FILE_NOT_FOUND);
    const all = Buffer.concat(records);
    const pan = toHex(tag(all, EMV_TAG.PAN)!).replace(/F+$/, '');
    expect(pan).toBe(persona.pan);
    expect(isLuhnValid(pan)).toBe(true);
    expect(toHex(tag(all, EMV_TAG.EXPIRATION_DATE)!)).toBe('311231');
    expect(toHex(tag(all, EMV_TAG.EFFECTIVE_DATE)!)).toBe('261201');
    expect(tag(all, EMV_TAG.CARDHOLDER_NAME)?.toString()).toBe(persona.cardholderName);
    expect(toHex(tag(all, EMV_TAG.TRACK2_EQUIVALENT)!)).toMatch(new RegExp(`^${persona.pan}D3112201\\d*F?$`));
    expect(toHex(tag(all, EMV_TAG.ISSUER_COUNTRY_CODE)!)).toBe('0056');
    expect(tag(all, EMV_TAG.CA_PK_INDEX)).toHaveLength(1);
    expect(tag(all, EMV_TAG.ISSUER_PK_CERTIFICATE)).toHaveLength(176);
    expect(tag(all, EMV_TAG.ISSUER_PK_REMAINDER)).toHaveLength(4);
    expect(toHex(tag(all, EMV_TAG.ISSUER_PK_EXPONENT)!)).toBe('03');
    expect(tag(all, EMV_TAG.ICC_PK_CERTIFICATE)).toHaveLength(144);
    expect(tag(all, EMV_TAG.ICC_PK_REMAINDER)).toHaveLength(26);
    expect(toHex(tag(all, EMV_TAG.ICC_PK_EXPONENT)!)).toBe('010001');
  });

  it('reads records only in a running application (6985 before any selection)', async () => {
    expect((await fresh().readRecord(1, 1)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
  });

  it('answers GET DATA for the PIN try counter, the ATC and the last online ATC; 6A88 for others', async () => {
    const driver = fresh();
    expect((await driver.getData(EMV_TAG.PIN_TRY_COUNTER)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    await driver.select(EMV_AID.MAESTRO);
    expect(toHex((await driver.getData(EMV_TAG.PIN_TRY_COUNTER)).data)).toBe('9F170103');
    expect(toHex((await driver.getData(EMV_TAG.ATC)).data)).toBe('9F36020010');
    expect(toHex((await driver.getData(EMV_TAG.LAST_ONLINE_ATC)).data)).toBe('9F13020000');
    expect((await driver.getData(0x9f99)).sw).toBe(SW.REFERENCE_DATA_NOT_FOUND);
    expect((await driver.raw(fromHex('00CA9F1700'))).sw).toBe(SW.CLA_NOT_SUPPORTED);
  });
});

describe('EMV card: offline PIN', () => {
  it('verifies only in a running transaction (6985 after SELECT alone)', async () => {
    const driver = fresh();
    await driver.select(EMV_AID.MAESTRO);
    expect((await driver.verify(persona.pin)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect((await driver.gpo()).sw).toBe(SW.OK);
    expect((await driver.verify(persona.pin)).sw).toBe(SW.OK);
  });

  it('counts down 63C2, 63C1, 63C0, then 6983 even for the right PIN; GET DATA follows the counter', async () => {
    const driver = fresh();
    await initiated(driver);
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(2));
    expect(toHex((await driver.getData(EMV_TAG.PIN_TRY_COUNTER)).data)).toBe('9F170102');
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(1));
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(0));
    expect((await driver.verify(persona.pin)).sw).toBe(SW.AUTH_METHOD_BLOCKED);
    expect(toHex((await driver.getData(EMV_TAG.PIN_TRY_COUNTER)).data)).toBe('9F170100');
  });

  it('restores the tries with the right PIN; the counter survives reset and is card-wide; a new card starts at 3', async () => {
    const driver = fresh();
    await initiated(driver);
    await driver.verify(WRONG);
    driver.card.reset();
    await driver.select(EMV_AID.BANCONTACT);
    await driver.gpo(BANCONTACT_PDOL_DATA);
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(1));
    expect((await driver.verify(persona.pin)).sw).toBe(SW.OK);
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(2));
    const other = fresh();
    await initiated(other);
    expect(toHex((await other.getData(EMV_TAG.PIN_TRY_COUNTER)).data)).toBe('9F170103');
  });

  it('refuses enciphered PIN, other references and lengths, and malformed blocks without spending a try', async () => {
    const driver = fresh();
    await initiated(driver);
    expect((await driver.raw(fromHex('0020008808241234FFFFFFFFFF'))).sw).toBe(SW.FUNCTION_NOT_SUPPORTED);
    expect((await driver.raw(fromHex('0020000108241234FFFFFFFFFF'))).sw).toBe(SW.INCORRECT_P1P2);
    expect((await driver.raw(fromHex('0020008006241234FFFFFF'))).sw).toBe(SW.WRONG_LENGTH);
    expect((await driver.raw(fromHex('0020008008341234FFFFFFFFFF'))).sw).toBe(SW.WRONG_DATA);
    expect(toHex((await driver.getData(EMV_TAG.PIN_TRY_COUNTER)).data)).toBe('9F170103');
  });

  it('masks the PIN block in traces', () => {
    const card = createEmvCard();
    const redacted = card.redactCommand(fromHex('0020008008241234FFFFFFFFFF'));
    expect(toHex(redacted.subarray(0, 5))).toBe('0020008008');
    expect([...redacted.subarray(5)].every((b) => b === REDACTED_BYTE)).toBe(true);
  });
});

describe('EMV card: GENERATE AC and INTERNAL AUTHENTICATE', () => {
  const cid = (res: { data: Buffer }): number => tag(res.data, EMV_TAG.CRYPTOGRAM_INFORMATION)![0]!;
  const atc = (res: { data: Buffer }): string => toHex(tag(res.data, EMV_TAG.ATC)!);

  it('goes online (ARQC for a TC request), then approves with ARC 00 (TC); a third GENAC is 6985', async () => {
    const driver = fresh();
    await initiated(driver);
    const first = await driver.generateAc(EMV_CRYPTOGRAM.TC, CDOL1_DATA);
    expect(first.sw).toBe(SW.OK);
    expect(cid(first)).toBe(EMV_CRYPTOGRAM.ARQC);
    expect(atc(first)).toBe('0011');
    expect(tag(first.data, EMV_TAG.APPLICATION_CRYPTOGRAM)).toHaveLength(8);
    const second = await driver.generateAc(EMV_CRYPTOGRAM.TC, cdol2('00'));
    expect(cid(second)).toBe(EMV_CRYPTOGRAM.TC);
    expect(toHex((await driver.getData(EMV_TAG.LAST_ONLINE_ATC)).data)).toBe('9F13020011');
    expect((await driver.generateAc(EMV_CRYPTOGRAM.TC, cdol2('00'))).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
  });

  it('declines: AAC asked → AAC; issuer refusal (ARC 05) → AAC; ARQC in the second GENAC → 6A86', async () => {
    const driver = fresh();
    await initiated(driver);
    expect(cid(await driver.generateAc(EMV_CRYPTOGRAM.AAC, CDOL1_DATA))).toBe(EMV_CRYPTOGRAM.AAC);
    await initiated(driver);
    await driver.generateAc(EMV_CRYPTOGRAM.ARQC, CDOL1_DATA);
    expect((await driver.generateAc(EMV_CRYPTOGRAM.ARQC, cdol2('00'))).sw).toBe(SW.INCORRECT_P1P2);
    expect(cid(await driver.generateAc(EMV_CRYPTOGRAM.TC, cdol2('05')))).toBe(EMV_CRYPTOGRAM.AAC);
  });

  it('increments the ATC once per transaction and keeps it across resets', async () => {
    const driver = fresh();
    const seen: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      await initiated(driver);
      seen.push(atc(await driver.generateAc(EMV_CRYPTOGRAM.AAC, CDOL1_DATA)));
      driver.card.reset();
    }
    expect(seen).toEqual(['0011', '0012', '0013']);
  });

  it('refuses GENAC before GPO (6985), with CDOL data of the wrong length (6700) or an RFU type (6A86)', async () => {
    const driver = fresh();
    await driver.select(EMV_AID.MAESTRO);
    expect((await driver.generateAc(EMV_CRYPTOGRAM.TC, CDOL1_DATA)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    await driver.gpo();
    expect((await driver.generateAc(EMV_CRYPTOGRAM.TC, CDOL1_DATA.subarray(1))).sw).toBe(SW.WRONG_LENGTH);
    expect((await driver.generateAc(0xc0, CDOL1_DATA)).sw).toBe(SW.INCORRECT_P1P2);
    expect((await driver.generateAc(EMV_CRYPTOGRAM.TC | EMV_CRYPTOGRAM.CDA, CDOL1_DATA)).sw).toBe(SW.OK);
  });

  it('answers INTERNAL AUTHENTICATE with format 1 signed dynamic data as long as the ICC key, only in a transaction', async () => {
    const driver = fresh();
    await driver.select(EMV_AID.MAESTRO);
    expect((await driver.internalAuthenticate(fromHex('01020304'))).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    await driver.gpo();
    const res = await driver.internalAuthenticate(fromHex('01020304'));
    expect(res.sw).toBe(SW.OK);
    expect(tag(res.data, EMV_TAG.RESPONSE_FORMAT_1)).toHaveLength(128);
  });
});
