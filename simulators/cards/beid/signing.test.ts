import { X509Certificate, constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SW, bytesAvailable, command, fromHex, wrongLe } from '../../../connector/protocol/index.js';
import { personaKeys } from '../../../fixtures/pki/index.js';
import { loadBeidPersona } from '../../../fixtures/personas/index.js';
import { digestInfo } from '../engine/index.js';
import { BEID_KEY, INTERNAL_AUTH_LIMIT } from './apdu.js';
import { createBeidCard } from './card.js';
import { BeidTestDriver } from './test-driver.js';

const PERSONA = 'be-fr-adult';
const pin = loadBeidPersona(PERSONA).pin;
const message = Buffer.from('Ceci est signé par la carte simulée');
const digest = (hash: string) => createHash(hash).update(message).digest();
const certKey = (der: Buffer): KeyObject => new X509Certificate(der).publicKey;

/** A card with the PIN verified just before each signature (non-repudiation needs it right before). */
async function signOnce(profile: 'beid-1.7' | 'beid-1.8', key: number, algorithm: number, dtbs: Uint8Array) {
  const driver = new BeidTestDriver(createBeidCard(profile, PERSONA));
  expect((await driver.mse(algorithm, key)).sw).toBe(SW.OK);
  expect((await driver.verify(pin)).sw).toBe(SW.OK);
  return driver.sign(dtbs);
}

describe('beid-1.7 PSO:CDS (RSA 2048), verified against the persona certificates', () => {
  const keys = personaKeys(PERSONA, 'rsa')!;
  const roles = [
    ['authentication (82)', BEID_KEY.AUTHENTICATION, certKey(keys.authentication.certificate)],
    ['non-repudiation (83)', BEID_KEY.NON_REPUDIATION, certKey(keys.nonRepudiation.certificate)],
  ] as const;

  describe.each(roles)('%s', (_, key, publicKey) => {
    it.each(['sha256', 'sha384', 'sha512', 'sha1'] as const)('01 with a %s DigestInfo: PKCS#1 v1.5', async (hash) => {
      const answer = await signOnce('beid-1.7', key, 0x01, digestInfo(hash, digest(hash)));
      expect(answer.sw).toBe(SW.OK);
      expect(answer.data).toHaveLength(256);
      expect(verify(hash, message, publicKey, answer.data)).toBe(true);
    });

    it.each([
      [0x02, 'sha1'],
      [0x04, 'md5'],
      [0x08, 'sha256'],
    ] as const)('%i with a raw %s digest: the card adds the DigestInfo', async (algorithm, hash) => {
      const answer = await signOnce('beid-1.7', key, algorithm, digest(hash));
      expect(answer.sw).toBe(SW.OK);
      expect(verify(hash, message, publicKey, answer.data)).toBe(true);
    });

    it.each([
      [0x10, 'sha1', 20],
      [0x20, 'sha256', 32],
    ] as const)('%i: RSASSA-PSS with %s, salt %i', async (algorithm, hash, saltLength) => {
      const answer = await signOnce('beid-1.7', key, algorithm, digest(hash));
      expect(answer.sw).toBe(SW.OK);
      expect(verify(hash, message, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, answer.data)).toBe(true);
    });
  });

  it('answers 6700 to a DTBS of the wrong length for the algorithm', async () => {
    for (const [algorithm, length] of [
      [0x01, 246],
      [0x02, 32],
      [0x04, 20],
      [0x08, 20],
      [0x10, 32],
      [0x20, 20],
    ] as const) {
      const answer = await signOnce('beid-1.7', BEID_KEY.AUTHENTICATION, algorithm, Buffer.alloc(length, 1));
      expect(answer.sw, `algorithm ${algorithm} length ${length}`).toBe(SW.WRONG_LENGTH);
    }
    const driver = new BeidTestDriver(createBeidCard('beid-1.7', PERSONA));
    await driver.mse(0x01, BEID_KEY.AUTHENTICATION);
    await driver.verify(pin);
    expect((await driver.raw(fromHex('002A9E9A00'))).sw).toBe(SW.WRONG_LENGTH); // T=0 case 1: Lc=0
  });

  it('answers T=0-style without Le (6100 then GET RESPONSE) and at once with Le 00', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.7', PERSONA));
    await driver.mse(0x08, BEID_KEY.AUTHENTICATION);
    await driver.verify(pin);
    const announced = await driver.pso(digest('sha256'));
    expect(announced).toEqual({ data: Buffer.alloc(0), sw: bytesAvailable(256) });
    expect((await driver.send(command(0x00, 0xc0, 0, 0, undefined, 0x80))).sw).toBe(wrongLe(256));
    const signature = await driver.fetch(announced);
    expect(signature.data).toHaveLength(256);
    const direct = await driver.send(command(0x00, 0x2a, 0x9e, 0x9a, digest('sha256'), 256));
    expect(direct.sw).toBe(SW.OK);
    expect(direct.data.equals(signature.data)).toBe(true); // PKCS#1 v1.5 is deterministic
  });
});

describe('beid-1.8 PSO:CDS (ECDSA P-384), raw r‖s verified against the persona certificates', () => {
  const keys = personaKeys(PERSONA, 'ec')!;
  const cases = [
    [0x01, 'sha256'],
    [0x02, 'sha384'],
    [0x04, 'sha512'],
    [0x08, 'sha3-256'],
    [0x10, 'sha3-384'],
    [0x20, 'sha3-512'],
    [0x40, 'sha1'],
    [0x40, 'sha224'],
    [0x40, 'sha256'],
    [0x40, 'sha384'],
    [0x40, 'sha512'],
  ] as const;

  it.each(cases)('%i over a %s digest', async (algorithm, hash) => {
    for (const [key, der] of [
      [BEID_KEY.AUTHENTICATION, keys.authentication.certificate],
      [BEID_KEY.NON_REPUDIATION, keys.nonRepudiation.certificate],
    ] as const) {
      const answer = await signOnce('beid-1.8', key, algorithm, digest(hash));
      expect(answer.sw).toBe(SW.OK);
      expect(answer.data).toHaveLength(96);
      expect(verify(hash, message, { key: certKey(der), dsaEncoding: 'ieee-p1363' }, answer.data)).toBe(true);
    }
  });

  it('answers 6700 to digests of the wrong length', async () => {
    for (const [algorithm, length] of [
      [0x01, 48],
      [0x02, 32],
      [0x04, 48],
      [0x40, 30],
    ] as const) {
      const answer = await signOnce('beid-1.8', BEID_KEY.AUTHENTICATION, algorithm, Buffer.alloc(length, 1));
      expect(answer.sw, `algorithm ${algorithm} length ${length}`).toBe(SW.WRONG_LENGTH);
    }
  });
});

describe('MSE SET', () => {
  it.each(['beid-1.7', 'beid-1.8'] as const)('%s: refuses bad P1P2, Lc, tags, algorithms and keys', async (profile) => {
    const driver = new BeidTestDriver(createBeidCard(profile, PERSONA));
    const raw = async (hex: string) => (await driver.raw(fromHex(hex))).sw;
    expect(await raw('002241A4050480028482')).toBe(SW.WRONG_P1P2);
    expect(await raw('002241B60404800284')).toBe(SW.WRONG_LENGTH);
    expect(await raw('002241B6050580028482')).toBe(SW.WRONG_DATA);
    expect(await raw('002241B6050481028482')).toBe(SW.WRONG_DATA);
    expect(await raw('002241B6050480028582')).toBe(SW.WRONG_DATA);
    expect(await raw('002241B6050480038482')).toBe(SW.WRONG_DATA);
    expect(await raw('002241B6050480028484')).toBe(SW.REFERENCE_DATA_NOT_FOUND);
    expect(await raw('002241B6050480028482')).toBe(SW.OK);
    expect(await raw(`002A9E9B20${'00'.repeat(32)}`)).toBe(SW.INCORRECT_P1P2);
  });

  it('1.7 has neither algorithm 40 nor key 81; 1.8 accepts key 81 but PSO refuses it', async () => {
    const v17 = new BeidTestDriver(createBeidCard('beid-1.7', PERSONA));
    expect((await v17.mse(0x40, BEID_KEY.AUTHENTICATION)).sw).toBe(SW.WRONG_DATA);
    expect((await v17.mse(0x02, BEID_KEY.BASIC)).sw).toBe(SW.REFERENCE_DATA_NOT_FOUND);
    const v18 = new BeidTestDriver(createBeidCard('beid-1.8', PERSONA));
    expect((await v18.mse(0x02, BEID_KEY.BASIC)).sw).toBe(SW.OK);
    await v18.verify(pin);
    expect((await v18.pso(digest('sha384'))).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
  });
});

describe('INTERNAL AUTHENTICATE (1.8 basic key)', () => {
  const challenge = createHash('sha384').update('challenge from the relying party').digest();

  it('signs the challenge as a SHA-384 digest with the key published in 4040, without PIN', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.8', PERSONA, { eofMode: 'short' }));
    const basicKey = createPublicKey({ key: await driver.readFile('3F00DF014040'), format: 'der', type: 'spki' });
    const announced = await driver.raw(Buffer.concat([fromHex('0088028132 9430'), challenge]));
    expect(announced.sw).toBe(bytesAvailable(96));
    const answer = await driver.fetch(announced);
    expect(verify('sha384', Buffer.from('challenge from the relying party'), { key: basicKey, dsaEncoding: 'ieee-p1363' }, answer.data)).toBe(true);
    for (const [p1, hash] of [
      [0x01, 'sha256'],
      [0x04, 'sha512'],
    ] as const) {
      const c = createHash(hash).update('x').digest();
      const res = await driver.fetch(await driver.raw(Buffer.concat([Buffer.from([0x00, 0x88, p1, 0x81, c.length + 2, 0x94, c.length]), c])));
      expect(verify(hash, Buffer.from('x'), { key: basicKey, dsaEncoding: 'ieee-p1363' }, res.data), hash).toBe(true);
    }
  });

  it('refuses wrong algorithms, lengths, tags and keys', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.8', PERSONA));
    const send = async (header: string, data: Buffer) => (await driver.raw(Buffer.concat([fromHex(header), data]))).sw;
    expect(await send('0088038132 9430', challenge)).toBe(SW.WRONG_DATA);
    expect(await send('0088018132 9430', challenge)).toBe(SW.WRONG_DATA);
    expect(await send('0088028132 9530', challenge)).toBe(SW.WRONG_DATA);
    expect(await send('0088028131 942F', challenge.subarray(1))).toBe(SW.WRONG_DATA);
    expect(await send('0088028232 9430', challenge)).toBe(SW.REFERENCE_DATA_NOT_FOUND);
  });

  it('clears the security environment', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.8', PERSONA));
    await driver.mse(0x02, BEID_KEY.AUTHENTICATION);
    await driver.verify(pin);
    await driver.fetch(await driver.raw(Buffer.concat([fromHex('0088028132 9430'), challenge])));
    expect((await driver.pso(challenge)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
  });

  it('does not exist on 1.7', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.7', PERSONA));
    expect((await driver.raw(Buffer.concat([fromHex('0088028132 9430'), challenge]))).sw).toBe(SW.INS_NOT_SUPPORTED);
  });

  it('works 5000 times, then answers 6985 until a right PIN', async () => {
    const driver = new BeidTestDriver(createBeidCard('beid-1.8', PERSONA));
    const apdu = Buffer.concat([fromHex('0088028132 9430'), challenge, fromHex('00')]);
    for (let i = 0; i < INTERNAL_AUTH_LIMIT; i += 1) {
      const answer = await driver.raw(apdu);
      if (answer.sw !== SW.OK) expect.fail(`use ${i + 1}: SW ${answer.sw.toString(16)}`);
    }
    expect((await driver.raw(apdu)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    driver.card.reset();
    expect((await driver.raw(apdu)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect((await driver.verify(pin)).sw).toBe(SW.OK);
    expect((await driver.raw(apdu)).sw).toBe(SW.OK);
  });
});

describe('GET CHALLENGE', () => {
  it.each(['beid-1.7', 'beid-1.8'] as const)('%s: Le random bytes', async (profile) => {
    const driver = new BeidTestDriver(createBeidCard(profile, PERSONA));
    const a = await driver.raw(fromHex('0084000008'));
    const b = await driver.raw(fromHex('0084000008'));
    expect(a.sw).toBe(SW.OK);
    expect(a.data).toHaveLength(8);
    expect(a.data.equals(b.data)).toBe(false);
    expect((await driver.raw(fromHex('0084000108'))).sw).toBe(SW.INCORRECT_P1P2);
  });
});
