import { X509Certificate, createHash, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SW, decodeSimpleTlv, fromHex, toHex } from '../../../connector/protocol/index.js';
import { caCertificates, personaBasicKey, personaKeys } from '../../../fixtures/pki/index.js';
import { loadBeidPersona } from '../../../fixtures/personas/index.js';
import { createBeidCard } from './card.js';
import { BeidTestDriver } from './test-driver.js';

/** The spec's notation: hex bytes with "quoted ASCII". */
function spec(text: string): string {
  return text
    .replace(/"([^"]*)"/g, (_, s: string) => Buffer.from(s, 'ascii').toString('hex'))
    .replace(/\s/g, '')
    .toUpperCase();
}

const EF_DIR = spec('61 23 4F 0C A0 00 00 01 77 50 4B 43 53 2D 31 35 50 06 42 45 4C 50 49 43 51 04 3F 00 DF 00 73 05 06 03 60 38 02');
const ODF = spec('A0 0A 30 08 04 06 3F 00 DF 00 50 35  A4 0A 30 08 04 06 3F 00 DF 00 50 37  A8 0A 30 08 04 06 3F 00 DF 00 50 34');
const AODF = spec(
  '30 33 30 0F 0C 09 "Basic PIN" 03 02 06 C0 30 03 04 01 01 A1 1B 30 19 03 02 02 0C 0A 01 00 02 01 04 02 01 08 80 01 01 04 01 FF 30 04 04 02 3F 00',
);
const PRKDF_17 = spec(
  '30 3A 30 17 0C 0E "Authentication" 03 02 06 C0 04 01 01 30 0F 04 01 02 03 02 05 20 03 02 03 B8 02 02 00 82 A1 0E 30 0C 30 06 04 04 3F 00 DF 00 02 02 08 00' +
    '30 39 30 15 0C 09 "Signature" 03 02 06 C0 04 01 01 02 01 01 30 10 04 01 03 03 03 06 00 40 03 02 03 B8 02 02 00 83 A1 0E 30 0C 30 06 04 04 3F 00 DF 00 02 02 08 00',
);
const PRKDF_18 = spec(
  'A0 3A 30 17 0C 0E "Authentication" 03 02 06 C0 04 01 01 30 0F 04 01 02 03 02 05 20 03 02 03 B8 02 02 00 82 A1 0E 30 0C 30 06 04 04 3F 00 DF 00 02 02 01 80' +
    'A0 39 30 15 0C 09 "Signature" 03 02 06 C0 04 01 01 02 01 01 30 10 04 01 03 03 03 06 00 40 03 02 03 B8 02 02 00 83 A1 0E 30 0C 30 06 04 04 3F 00 DF 00 02 02 01 80',
);
const CDF_ENTRIES_17 = {
  auth: spec('30 2C 30 17 0C 0E "Authentication" 03 02 06 40 04 01 01 30 03 04 01 02 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 38'),
  sign: spec('30 27 30 12 0C 09 "Signature" 03 02 06 40 04 01 01 30 03 04 01 03 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 39'),
  ca: spec('30 23 30 0B 0C 02 "CA" 03 02 06 40 04 01 01 30 06 04 01 04 01 01 FF A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3A'),
  root: spec('30 25 30 0D 0C 04 "Root" 03 02 06 40 04 01 01 30 06 04 01 06 01 01 FF A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3B'),
};
const CDF_ENTRIES_18 = {
  auth: spec('30 2F 30 17 0C 0E "Authentication" 03 02 06 40 04 01 01 30 06 04 01 02 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 38'),
  sign: spec('30 2A 30 12 0C 09 "Signature" 03 02 06 40 04 01 01 30 06 04 01 03 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 39'),
  ca: spec('30 26 30 0B 0C 02 "CA" 03 02 06 40 04 01 01 30 09 04 01 04 01 01 FF 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3A'),
  root: spec('30 28 30 0D 0C 04 "Root" 03 02 06 40 04 01 01 30 09 04 01 06 01 01 FF 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3B'),
};

const generations = [
  { profile: 'beid-1.7', family: 'rsa', prkdf: PRKDF_17, cdf: CDF_ENTRIES_17, cdfSize: 163, padding: 50, absent: 1300, photoHash: 'sha256' },
  { profile: 'beid-1.8', family: 'ec', prkdf: PRKDF_18, cdf: CDF_ENTRIES_18, cdfSize: 175, padding: 1100, absent: 2500, photoHash: 'sha384' },
] as const;

describe.each(generations)('$profile file system', (g) => {
  const persona = loadBeidPersona('be-nl-adult');
  const driver = new BeidTestDriver(createBeidCard(g.profile, 'be-nl-adult', { eofMode: 'short' }));
  const read = (path: string) => driver.readFile(path);

  it('holds EF(DIR), ODF and AODF byte for byte as documented', async () => {
    expect(toHex(await read('3F002F00'))).toBe(EF_DIR);
    expect(toHex(await read('3F00DF005031'))).toBe(ODF);
    expect(toHex(await read('3F00DF005034'))).toBe(AODF);
  });

  it('holds the TokenInfo with the chip serial and the PrKDF and CDF of the documentation (CDF flags 06 40)', async () => {
    const serial = toHex(persona.chipNumbers[g.profile]);
    const tokenInfo = toHex(await read('3F00DF005032'));
    expect(tokenInfo).toMatch(new RegExp(`^${spec(`30 27 02 01 00 04 10 ${serial} 80 06 "BELPIC" 03 02 04 30 9E 04`)}[0-9A-F]{8}$`));
    expect(toHex(await read('3F00DF005035'))).toBe(g.prkdf);
    const cdf = await read('3F00DF005037');
    expect(cdf).toHaveLength(g.cdfSize);
    expect(toHex(cdf)).toBe(g.cdf.auth + g.cdf.sign + g.cdf.ca + g.cdf.root);
  });

  it('holds the certificates as DER followed by the generation padding', async () => {
    const keys = personaKeys('be-nl-adult', g.family)!;
    const cas = caCertificates();
    const expected: Record<string, Buffer> = {
      '5038': keys.authentication.certificate,
      '5039': keys.nonRepudiation.certificate,
      '503A': cas.citizenCa,
      '503B': cas.root,
      '503C': cas.rrn,
    };
    for (const [fid, der] of Object.entries(expected)) {
      const file = await read(`3F00DF00${fid}`);
      expect(file.subarray(0, der.length).equals(der), fid).toBe(true);
      expect(file.subarray(der.length).equals(Buffer.alloc(g.padding)), fid).toBe(true);
    }
  });

  it('answers 6A82 for the absent PuKDF and RRN CA files', async () => {
    expect((await driver.selectPath('3F00DF005036')).sw).toBe(SW.FILE_NOT_FOUND);
    expect((await driver.selectPath('3F00DF00503D')).sw).toBe(SW.FILE_NOT_FOUND);
  });

  it('builds the identity file from the persona, tags ascending, with the photo hash of the generation', async () => {
    const identity = await read('3F00DF014031');
    expect(identity.length).toBeLessThanOrEqual(256);
    const fields = decodeSimpleTlv(identity);
    const tags = fields.map((f) => f.tag);
    expect(tags).toEqual([...tags].sort((a, b) => a - b));
    const value = (tag: number) => Buffer.from(fields.find((f) => f.tag === tag)!.value);
    const id = persona.identity;
    expect(value(0x01).toString()).toBe(id.cardNumber);
    expect(value(0x02).equals(persona.chipNumbers[g.profile])).toBe(true);
    expect(value(0x06).toString()).toBe(id.nationalNumber);
    expect(value(0x07).toString()).toBe(id.surname);
    expect(value(0x08).toString()).toBe(id.firstNames);
    expect(value(0x0c).toString()).toBe(id.birthDate);
    expect(value(0x0f).toString()).toBe(id.documentType);
    expect(value(0x11).equals(createHash(g.photoHash).update(await read('3F00DF014035')).digest())).toBe(true);
    expect((await read('3F00DF014035')).equals(persona.photo)).toBe(true);
  });

  it('pads the address to 117 bytes', async () => {
    const address = await read('3F00DF014033');
    expect(address).toHaveLength(117);
    expect(decodeSimpleTlv(address).map((f) => [f.tag, Buffer.from(f.value).toString()])).toEqual([
      [1, persona.address.street],
      [2, persona.address.zip],
      [3, persona.address.municipality],
    ]);
  });

  it('carries RRN signatures over exactly the bytes consumers check, stable across card instances', async () => {
    const rrn = new X509Certificate(caCertificates().rrn).publicKey;
    const identity = await read('3F00DF014031');
    const identitySignature = await read('3F00DF014032');
    const address = await read('3F00DF014033');
    const addressSignature = await read('3F00DF014034');
    const der = (file: Buffer) => file.subarray(0, 2 + file[1]!);
    expect(identitySignature).toHaveLength(256);
    expect(identitySignature.subarray(2 + identitySignature[1]!).every((b) => b === 0)).toBe(true);
    expect(verify('sha384', identity, rrn, der(identitySignature))).toBe(true);
    let end = address.length;
    while (address[end - 1] === 0) end -= 1;
    expect(verify('sha384', Buffer.concat([address.subarray(0, end), identitySignature]), rrn, der(addressSignature))).toBe(true);
    const again = new BeidTestDriver(createBeidCard(g.profile, 'be-nl-adult'));
    expect((await again.readFile('3F00DF014034')).equals(addressSignature)).toBe(true);
  });
});

describe('beid-1.8 basic key', () => {
  it('publishes the persona basic key in 4040 and its SHA-384 in identity tag 1A', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.8', 'be-de-adult', { eofMode: 'short' }));
    const spki = await driver.readFile('3F00DF014040');
    expect(spki).toHaveLength(120);
    expect(toHex(spki.subarray(0, 24))).toBe(spec('30 76 30 10 06 07 2A 86 48 CE 3D 02 01 06 05 2B 81 04 00 22 03 62 00 04'));
    expect(spki.equals(createPublicKey(personaBasicKey('be-de-adult')).export({ type: 'spki', format: 'der' }))).toBe(true);
    const identity = decodeSimpleTlv(await driver.readFile('3F00DF014031'));
    expect(identity.at(-1)!.tag).toBe(0x1a);
    expect(Buffer.from(identity.at(-1)!.value).equals(createHash('sha384').update(spki).digest())).toBe(true);
  });

  it('has no 4040 on 1.7', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.7', 'be-de-adult'));
    expect((await driver.selectPath('3F00DF014040')).sw).toBe(SW.FILE_NOT_FOUND);
    expect(decodeSimpleTlv(await driver.readFile('3F00DF014031')).some((f) => f.tag === 0x1a)).toBe(false);
  });
});

describe.each(generations)('$profile Kids-ID (no user certificates)', (g) => {
  const driver = new BeidTestDriver(createBeidCard(g.profile, 'be-kids', { eofMode: 'short' }));

  it('lists only CA and Root in the CDF, shifted up and zero-filled, and no keys in the PrKDF', async () => {
    const cdf = await driver.readFile('3F00DF005037');
    const entries = g.cdf.ca + g.cdf.root;
    expect(toHex(cdf)).toBe(entries + '00'.repeat(g.cdfSize - entries.length / 2));
    expect((await driver.readFile('3F00DF005035')).equals(Buffer.alloc(119))).toBe(true);
  });

  it('keeps zero-filled certificate files', async () => {
    for (const fid of ['5038', '5039']) {
      expect((await driver.readFile(`3F00DF00${fid}`)).equals(Buffer.alloc(g.absent))).toBe(true);
    }
  });

  it('refuses MSE SET for the missing user keys', async () => {
    expect((await driver.mse(0x02, 0x82)).sw).toBe(SW.REFERENCE_DATA_NOT_FOUND);
  });
});

describe('foreigner persona', () => {
  it('carries the Foreigner CA in 503A', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.7', 'be-foreigner', { eofMode: 'short' }));
    const ca = caCertificates().foreignerCa;
    expect((await driver.readFile('3F00DF00503A')).subarray(0, ca.length).equals(ca)).toBe(true);
  });
});

it('the spec helper turns quoted text into hex', () => {
  expect(spec('0C 02 "CA"')).toBe(toHex(fromHex('0C024341')));
});
