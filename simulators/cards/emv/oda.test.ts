import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMV_TAG, decodeBerTlv, findBerTlv, fromHex, toHex } from '../../../connector/protocol/index.js';
import { EMV_TEST_CA, emvCaKeys, emvIccKeys, emvIssuerKeys, recoverPublicKeyCertificate, rsaRecover } from '../../../fixtures/emv/index.js';
import { loadEmvPersona } from '../../../fixtures/personas/index.js';
import { EMV_AID } from './applications.js';
import { createEmvCard, loadEmvCardData } from './index.js';
import { EmvTestDriver } from './test-driver.js';

const persona = loadEmvPersona('emv-debit-1');

/** Reads every record the AFL names, as a terminal does, and returns them concatenated. */
async function readAll(driver: EmvTestDriver): Promise<Buffer> {
  await driver.select(EMV_AID.MAESTRO);
  const gpo = await driver.gpo();
  const afl = gpo.data.subarray(4);
  const parts: Buffer[] = [];
  for (let i = 0; i < afl.length; i += 4) {
    for (let rec = afl[i + 1]!; rec <= afl[i + 2]!; rec += 1) parts.push((await driver.readRecord(afl[i]! >> 3, rec)).data);
  }
  return Buffer.concat(parts);
}

const value = (data: Buffer, tag: number): Buffer => Buffer.from(findBerTlv(decodeBerTlv(data), tag)!.value);

describe('EMV offline data authentication material (Book 2)', () => {
  it('carries an issuer certificate the test CA recovers: format 02, issuer identifier, hash, the issuer key', async () => {
    const records = await readAll(new EmvTestDriver(createEmvCard()));
    expect(value(records, EMV_TAG.CA_PK_INDEX)[0]).toBe(EMV_TEST_CA.index);
    const issuer = recoverPublicKeyCertificate(
      { certificate: value(records, EMV_TAG.ISSUER_PK_CERTIFICATE), remainder: value(records, EMV_TAG.ISSUER_PK_REMAINDER), exponent: value(records, EMV_TAG.ISSUER_PK_EXPONENT) },
      emvCaKeys().publicKey,
      0x02,
    );
    expect(issuer).toMatchObject({ wellFormed: true, hashMatches: true, format: 0x02 });
    expect(toHex(issuer.identifier)).toBe(`${persona.pan.slice(0, 6)}FF`);
    expect(toHex(issuer.expiry)).toBe('1235');
    expect(issuer.publicKey.modulus.equals(emvIssuerKeys().publicKey.modulus)).toBe(true);
  });

  it('carries an ICC certificate the issuer key recovers, whose hash covers the AFL-signed records and the AIP', async () => {
    const records = await readAll(new EmvTestDriver(createEmvCard()));
    const data = loadEmvCardData('emv-debit-1');
    const onCard = { certificate: value(records, EMV_TAG.ICC_PK_CERTIFICATE), remainder: value(records, EMV_TAG.ICC_PK_REMAINDER), exponent: value(records, EMV_TAG.ICC_PK_EXPONENT) };
    const icc = recoverPublicKeyCertificate(onCard, emvIssuerKeys().publicKey, 0x04, data.staticData);
    expect(icc).toMatchObject({ wellFormed: true, hashMatches: true, format: 0x04 });
    expect(toHex(icc.identifier).replace(/F+$/, '')).toBe(persona.pan);
    expect(toHex(icc.expiry)).toBe('1231');
    expect(icc.publicKey.modulus.equals(emvIccKeys('emv-debit-1').publicKey.modulus)).toBe(true);
    // The static data is exactly SFI 2 record 1 without its template, then the AIP.
    const sfi2rec1 = decodeBerTlv(data.files.get(2)![0]!)[0]!.value;
    expect(toHex(data.staticData)).toBe(toHex(Buffer.concat([sfi2rec1, fromHex('3C00')])));
    // Any other static data breaks the hash.
    expect(recoverPublicKeyCertificate(onCard, emvIssuerKeys().publicKey, 0x04, Buffer.concat([data.staticData, Buffer.from([0])])).hashMatches).toBe(false);
  });

  it('signs dynamic data (DDA) that the ICC key recovered from the certificate verifies', async () => {
    const driver = new EmvTestDriver(createEmvCard());
    await readAll(driver);
    const un = fromHex('A1B2C3D4');
    const res = await driver.internalAuthenticate(un);
    const sdad = value(res.data, EMV_TAG.RESPONSE_FORMAT_1);
    const recovered = rsaRecover(sdad, emvIccKeys('emv-debit-1').publicKey);
    expect([recovered[0], recovered[1], recovered[2], recovered[recovered.length - 1]]).toEqual([0x6a, 0x05, 0x01, 0xbc]);
    const hash = recovered.subarray(recovered.length - 21, recovered.length - 1);
    const fields = recovered.subarray(1, recovered.length - 21);
    expect(createHash('sha1').update(fields).update(un).digest().equals(hash)).toBe(true);
    expect(createHash('sha1').update(fields).update(fromHex('00000000')).digest().equals(hash)).toBe(false);
  });
});
