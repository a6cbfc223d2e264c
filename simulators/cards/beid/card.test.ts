import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SW, bytesAvailable, decodeSimpleTlv, fromHex, toHex, verifyFailed, wrongLe } from '../../../connector/protocol/index.js';
import { loadBeidPersona } from '../../../fixtures/personas/index.js';
import { BELPIC_APPLET_AID, BELPIC_ID_AID, BELPIC_PKCS15_AID, CARD_DATA_P2 } from './apdu.js';
import { BEID_DEFAULT_PERSONA, createBeidCard } from './card.js';
import { BEID_GENERATIONS } from './generation.js';
import { BeidTestDriver } from './test-driver.js';

const PROFILES = ['beid-1.7', 'beid-1.8'] as const;

describe.each(PROFILES)('%s card', (profile) => {
  const persona = loadBeidPersona('be-nl-adult');
  const fresh = (eofMode: 'exact' | 'short' = 'exact') => new BeidTestDriver(createBeidCard(profile, 'be-nl-adult', { eofMode }));

  it('answers the documented ATR and profile; the default persona comes from the profile file', () => {
    const card = createBeidCard(profile);
    expect(toHex(card.atr)).toBe(profile === 'beid-1.7' ? '3B9813400AA503010101AD1311' : '3B7F96000080318065B085040120120FFF829000');
    expect(card.profile).toBe(profile);
    expect(card.personaId).toBe(BEID_DEFAULT_PERSONA[profile]);
  });

  it('selects by AID (P2 00 or 0C, no data back): applet → MF, PKCS-15 → DF00, IdFiles → DF01; empty AID 6A82', async () => {
    const driver = fresh();
    const select = async (aid: Buffer, p2: number) => driver.raw(Buffer.concat([Buffer.from([0x00, 0xa4, 0x04, p2, aid.length]), aid]));
    expect(await select(BELPIC_APPLET_AID, 0x00)).toEqual({ data: Buffer.alloc(0), sw: SW.OK });
    expect((await driver.raw(fromHex('00A4020C022F00'))).sw).toBe(SW.OK); // MF is current: its child 2F00
    expect((await select(BELPIC_PKCS15_AID, 0x0c)).sw).toBe(SW.OK);
    expect((await driver.raw(fromHex('00A4020C025031'))).sw).toBe(SW.OK);
    expect((await select(BELPIC_ID_AID, 0x0c)).sw).toBe(SW.OK);
    expect((await driver.raw(fromHex('00A4020C024031'))).sw).toBe(SW.OK);
    expect((await driver.raw(fromHex('00A4040C00'))).sw).toBe(SW.FILE_NOT_FOUND);
  });

  it('walks paths FID by FID with P1=02 the way eid-mw falls back', async () => {
    const driver = fresh();
    for (const fid of ['3F00', 'DF01', '4031']) expect((await driver.raw(fromHex(`00A4020C02${fid}`))).sw).toBe(SW.OK);
    expect((await driver.raw(fromHex('00A4020C024032'))).sw).toBe(SW.OK); // sibling in the current DF
    expect((await driver.raw(fromHex('00A4020C02DF00'))).sw).toBe(SW.FILE_NOT_FOUND);
  });

  describe('READ BINARY', () => {
    it('gives 6Cxx at the tail, the exact tail on re-read, then 6B00', async () => {
      const driver = fresh();
      await driver.selectPath('3F002F00');
      expect((await driver.readBinary(0, 256)).sw).toBe(wrongLe(37));
      expect((await driver.readBinary(0, 37)).data).toHaveLength(37);
      expect((await driver.readBinary(36, 1)).sw).toBe(SW.OK);
      expect((await driver.readBinary(36, 2)).sw).toBe(wrongLe(1));
      expect((await driver.readBinary(37, 1)).sw).toBe(SW.WRONG_P1P2);
    });

    it('ends a file of exactly 256 bytes (4032) with 6B00, no 6Cxx', async () => {
      const driver = fresh();
      await driver.selectPath('3F00DF014032');
      const first = await driver.readBinary(0, 256);
      expect(first.sw).toBe(SW.OK);
      expect(first.data).toHaveLength(256);
      expect((await driver.readBinary(256, 256)).sw).toBe(SW.WRONG_P1P2);
    });

    it('in short mode returns the tail with 9000', async () => {
      const driver = fresh('short');
      await driver.selectPath('3F00DF005032');
      expect((await driver.readBinary(0, 256)).data).toHaveLength(41);
    });

    it('reads the photo in 256-byte steps to the same bytes in both EOF modes', async () => {
      expect((await fresh('exact').readFile('3F00DF014035')).equals(persona.photo)).toBe(true);
      expect((await fresh('short').readFile('3F00DF014035')).equals(persona.photo)).toBe(true);
    });

    it('refuses DFs with 6986', async () => {
      const driver = fresh();
      await driver.selectPath('3F00DF00');
      expect((await driver.readBinary(0, 1)).sw).toBe(SW.COMMAND_NOT_ALLOWED_NO_EF);
    });
  });

  it('answers GET CARD DATA with the serial and the generation bytes; wrong Le gives 6C1C', async () => {
    const driver = fresh();
    const answer = await driver.getCardData(CARD_DATA_P2.BASIC, 0x1c);
    expect(answer.sw).toBe(SW.OK);
    expect(answer.data.subarray(0, 16).equals(persona.chipNumbers[profile])).toBe(true);
    expect(answer.data[21]).toBe(profile === 'beid-1.7' ? 0x17 : 0x18);
    expect(toHex(answer.data.subarray(22, 24))).toBe(profile === 'beid-1.7' ? '0003' : '0001');
    expect(answer.data[27]).toBe(0x0f);
    expect(answer.data.subarray(16).equals(BEID_GENERATIONS[profile].cardDataTail)).toBe(true);
    expect((await driver.getCardData(CARD_DATA_P2.BASIC, 0xff)).sw).toBe(wrongLe(28));
    expect((await driver.getCardData(CARD_DATA_P2.BASIC, 256)).sw).toBe(wrongLe(28));
    expect((await driver.raw(fromHex('80E401001C'))).sw).toBe(SW.WRONG_P1P2);
    expect((await driver.raw(fromHex('00E400001C'))).sw).toBe(SW.CLA_NOT_SUPPORTED);
  });

  it('answers unknown instructions 6D00 and unknown classes 6E00', async () => {
    const driver = fresh();
    expect((await driver.raw(fromHex('0012000000'))).sw).toBe(SW.INS_NOT_SUPPORTED);
    expect((await driver.raw(fromHex('80CA9F1700'))).sw).toBe(SW.INS_NOT_SUPPORTED);
    expect((await driver.raw(fromHex('01A4080C023F00'))).sw).toBe(SW.CLA_NOT_SUPPORTED);
  });

  it('never throws and stays usable whatever bytes arrive (fast-check)', () => {
    const card = createBeidCard(profile, 'be-nl-adult');
    const headers = fc.constantFrom(0x00, 0x80, 0x0c).chain((cla) =>
      fc.tuple(fc.constant(cla), fc.constantFrom(0xa4, 0xb0, 0xc0, 0x20, 0x24, 0x22, 0x2a, 0x88, 0xb2, 0xe4, 0xe6, 0x84, 0x2c), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })),
    );
    const apdus = fc.oneof(
      fc.uint8Array({ maxLength: 270 }),
      fc.tuple(headers, fc.uint8Array({ maxLength: 260 })).map(([h, body]) => Uint8Array.from([...h, ...body])),
    );
    fc.assert(
      fc.property(apdus, (bytes) => {
        const answer = card.transmit(bytes);
        expect(answer.length).toBeGreaterThanOrEqual(2);
        const select = card.transmit(fromHex('00A4080C043F002F00'));
        expect(toHex(select)).toBe('9000');
      }),
      { seed: 17, numRuns: 3000 },
    );
    // The PIN may have been blocked by random VERIFYs, but the card still answers 63Cx or 6983, never throws.
    const status = toHex(card.transmit(fromHex('0020000100')));
    expect(['9000', '6983', ...[0, 1, 2, 3].map((n) => toHex(Buffer.from([0x63, 0xc0 | n])))]).toContain(status);
  });
});

describe('GET CARD DATA with PIN tries (P2=01)', () => {
  it('1.8: 31 bytes, byte 28 = tries left, then FF FF; Le 1C is wrong (6C1F)', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.8', 'be-nl-adult'));
    const answer = await driver.getCardData(CARD_DATA_P2.WITH_PIN_TRIES, 0x1f);
    expect(answer.data).toHaveLength(31);
    expect(toHex(answer.data.subarray(28))).toBe('03FFFF');
    expect((await driver.verify('0000')).sw).toBe(verifyFailed(2));
    expect((await driver.getCardData(CARD_DATA_P2.WITH_PIN_TRIES, 0x1f)).data[28]).toBe(2);
    expect((await driver.getCardData(CARD_DATA_P2.WITH_PIN_TRIES, 0x1c)).sw).toBe(wrongLe(31));
  });

  it('1.7: 6B00', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.7', 'be-nl-adult'));
    expect((await driver.getCardData(CARD_DATA_P2.WITH_PIN_TRIES, 0x1f)).sw).toBe(SW.WRONG_P1P2);
  });
});

describe('READ RECORD (1.8)', () => {
  const persona = loadBeidPersona('be-nl-adult');
  const driver = new BeidTestDriver(createBeidCard('beid-1.8', 'be-nl-adult'));
  const readRecord = (p1: number, p2: number, le: number) => driver.raw(Buffer.from([0x80, 0xb2, p1, p2, le]));

  it('returns the TLV fields with tags in [P1, P2] of the selected identity or address file', async () => {
    await driver.selectPath('3F00DF014031');
    const one = await readRecord(0x01, 0x01, 0x00);
    expect(one.sw).toBe(SW.OK);
    expect(decodeSimpleTlv(one.data)).toEqual([{ tag: 1, value: Buffer.from(persona.identity.cardNumber) }]);
    const names = decodeSimpleTlv((await readRecord(0x07, 0x08, 0x00)).data);
    expect(names.map((f) => Buffer.from(f.value).toString())).toEqual([persona.identity.surname, persona.identity.firstNames]);
    const all = await readRecord(0x00, 0xff, 0x00);
    expect(all.data.equals(await driver.readFile('3F00DF014031'))).toBe(true);
    await driver.selectPath('3F00DF014033');
    expect(decodeSimpleTlv((await readRecord(0x02, 0x02, 0x00)).data)[0]!.value).toEqual(Buffer.from(persona.address.zip));
  });

  it('cuts to a smaller Le, 6Cxx for a larger one, 61xx without Le', async () => {
    await driver.selectPath('3F00DF014031');
    const size = 2 + persona.identity.cardNumber.length;
    expect((await readRecord(0x01, 0x01, 0x04)).data).toHaveLength(4);
    expect((await readRecord(0x01, 0x01, size + 1)).sw).toBe(wrongLe(size));
    expect((await driver.raw(Buffer.from([0x80, 0xb2, 0x01, 0x01]))).sw).toBe(bytesAvailable(size));
  });

  it('answers 6A83 for missing tags or P2 < P1, 6981 for non-TLV files, 6986 on a DF', async () => {
    await driver.selectPath('3F00DF014031');
    expect((await readRecord(0x1b, 0x1f, 0x00)).sw).toBe(SW.RECORD_NOT_FOUND);
    expect((await readRecord(0x08, 0x07, 0x00)).sw).toBe(SW.RECORD_NOT_FOUND);
    await driver.selectPath('3F00DF014035');
    expect((await readRecord(0x01, 0x01, 0x00)).sw).toBe(SW.COMMAND_INCOMPATIBLE_WITH_FILE);
    await driver.selectPath('3F00DF01');
    expect((await readRecord(0x01, 0x01, 0x00)).sw).toBe(SW.COMMAND_NOT_ALLOWED_NO_EF);
  });

  it('does not exist on 1.7', async () => {
    const v17 = new BeidTestDriver(createBeidCard('beid-1.7', 'be-nl-adult'));
    await v17.selectPath('3F00DF014031');
    expect((await v17.raw(fromHex('80B2010100'))).sw).toBe(SW.INS_NOT_SUPPORTED);
  });
});

describe('createBeidCard', () => {
  it('refuses personas that do not fit a BeID card', () => {
    expect(() => createBeidCard('beid-1.7', 'emv-debit-1')).toThrow();
    expect(() => createBeidCard('beid-1.7', 'nobody')).toThrow();
  });
});
