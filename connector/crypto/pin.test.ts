import { constants, generateKeyPairSync, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors/index.js';
import { fcParams } from '../protocol/fc-params.js';
import { DeviceKey } from './device-key.js';
import { decodePin, type PinDecryptor } from './pin.js';

type JSEncryptCtor = new () => { setPublicKey(key: string): void; encrypt(text: string): string | false };

/** The JSEncrypt the official SDK bundles, resolved from the SDK's own package (as the SDK would load it). */
function sdkJsEncrypt(): JSEncryptCtor | undefined {
  try {
    const fromSdk = createRequire(createRequire(import.meta.url).resolve('t1c-sdk-js/package.json'));
    const loaded = fromSdk('jsencrypt') as JSEncryptCtor | { JSEncrypt?: JSEncryptCtor };
    return typeof loaded === 'function' ? loaded : loaded.JSEncrypt;
  } catch {
    return undefined;
  }
}

let key: DeviceKey;
let spkiPem: string;
let other: KeyObject;

const encryptWith = (publicKey: KeyObject | string, text: string | Buffer): string =>
  publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(text)).toString('base64');

/** The answer a caller sees: code, status and message of the error, or the decoded digits. */
function outcome(value: unknown): string {
  try {
    const pin = decodePin(value, key);
    const digits = pin.toString('latin1');
    pin.fill(0);
    return `pin:${digits}`;
  } catch (e) {
    if (!(e instanceof ConnectorError)) throw e;
    return JSON.stringify({ code: e.code, status: e.status, message: e.message, details: e.details ?? null });
  }
}

const MALFORMED = () => outcome('12ab');

beforeAll(async () => {
  key = await DeviceKey.generate();
  spkiPem = `-----BEGIN PUBLIC KEY-----\n${key.publicKeyBase64}\n-----END PUBLIC KEY-----\n`;
  other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
});

describe('decodePin', () => {
  it('decrypts a PIN node:crypto encrypted with RSAES-PKCS1-v1_5 to the device key', () => {
    expect(outcome(encryptWith(spkiPem, '1234'))).toBe('pin:1234');
    expect(outcome(encryptWith(spkiPem, '123456789012'))).toBe('pin:123456789012');
  });

  it('decrypts what the SDK\'s own JSEncrypt produces from the bare base64 key /device-key serves', () => {
    const JSEncrypt = sdkJsEncrypt();
    expect(JSEncrypt, 'jsencrypt from node_modules/t1c-sdk-js').toBeDefined();
    const enc = new JSEncrypt!();
    enc.setPublicKey(key.publicKeyBase64);
    const pin = enc.encrypt('987654');
    expect(typeof pin === 'string' && pin.length).toBe(344);
    expect(outcome(pin)).toBe('pin:987654');
  });

  it('decrypts ciphertexts written without their leading zero bytes, as the SDK bundle\'s JSEncrypt does about once in 256', () => {
    // The bundle's RSAKey.encrypt returns the integer's hex, padded only to an even length.
    let withZero: Buffer | null = null;
    for (let i = 0; i < 20_000 && withZero === null; i++) {
      const c = publicEncrypt({ key: spkiPem, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('246813'));
      if (c[0] === 0) withZero = c;
    }
    expect(withZero, 'a ciphertext starting with 00 within 20,000 encryptions').not.toBeNull();
    expect(outcome(withZero!.subarray(1).toString('base64'))).toBe('pin:246813');
    expect(outcome(withZero!.toString('base64'))).toBe('pin:246813');
    expect(outcome(Buffer.concat([Buffer.alloc(1), withZero!]).toString('base64')), 'longer than the modulus').not.toBe('pin:246813');
  });

  it('round-trips any 4–12 digit PIN', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{4,12}$/), (pin) => {
        expect(outcome(encryptWith(spkiPem, pin))).toBe(`pin:${pin}`);
      }),
      fcParams(25),
    );
  });

  it('accepts a plain 4–12 digit PIN (sent before the SDK has the device key)', () => {
    expect(outcome('0000')).toBe('pin:0000');
    expect(outcome('123456789012')).toBe('pin:123456789012');
  });

  it.each([
    ['false (JSEncrypt failure)', false],
    ['true', true],
    ['a number', 1234],
    ['null', null],
    ['missing', undefined],
    ['3 digits', '123'],
    ['13 digits', '1234567890123'],
    ['non-digits', '12ab'],
    ['empty', ''],
    ['base64 of the wrong length', Buffer.from('1234').toString('base64')],
    ['344 chars that are not base64', '!'.repeat(344)],
  ])('gives ERR_PIN_FORMAT for %s', (_what, value) => {
    expect(outcome(value)).toBe(MALFORMED());
    expect(MALFORMED()).toContain('108001');
  });

  it('answers a ciphertext for another key exactly like a malformed PIN', () => {
    expect(outcome(encryptWith(other, '1234'))).toBe(MALFORMED());
  });

  it('answers random and corrupted ciphertexts exactly like a malformed PIN', () => {
    const good = Buffer.from(encryptWith(spkiPem, '1234'), 'base64');
    for (let i = 0; i < 8; i += 1) {
      const bad = Buffer.from(good);
      bad[i * 31]! ^= 0x01;
      expect(outcome(bad.toString('base64'))).toBe(MALFORMED());
    }
    expect(outcome(Buffer.alloc(256, 0x5a).toString('base64'))).toBe(MALFORMED());
    expect(outcome(Buffer.alloc(256, 0xff).toString('base64')), 'a value above the modulus').toBe(MALFORMED());
  });

  it('answers a well-encrypted plaintext that is not a PIN like a malformed PIN', () => {
    for (const text of ['123', '1234567890123', 'abcd', '12 34', '']) {
      expect(outcome(encryptWith(spkiPem, text)), JSON.stringify(text)).toBe(MALFORMED());
    }
  });

  it('zeroes a decrypted buffer it rejects', () => {
    const leaked = Buffer.from('12ab');
    const fake: PinDecryptor = { modulusBytes: key.modulusBytes, decrypt: () => leaked };
    expect(() => decodePin(encryptWith(spkiPem, '12ab'), fake)).toThrow(ConnectorError);
    expect([...leaked]).toEqual([0, 0, 0, 0]);
  });

  it('never puts the PIN into the error', () => {
    try {
      decodePin(encryptWith(spkiPem, '98765432109876'), key);
      expect.unreachable();
    } catch (e) {
      expect(JSON.stringify({ e, m: (e as Error).message, s: (e as Error).stack })).not.toContain('98765432109876');
    }
  });
});

describe('PKCS#1 v1.5 implicit rejection', () => {
  it('decrypts a bad ciphertext to the same pseudo-random message every time, different per ciphertext', () => {
    const a = Buffer.alloc(256, 0x5a); // below the modulus (whose top bit is set); its padding does not check
    const b = Buffer.from(a);
    b[255]! ^= 1;
    expect(key.decrypt(a)).toEqual(key.decrypt(a));
    expect(key.decrypt(a)).not.toEqual(key.decrypt(b));
    expect(key.decrypt(a).length).toBeLessThanOrEqual(256 - 11);
  });

  /** A ciphertext whose raw RSA decryption is exactly `block` (encrypted without padding). */
  const rawCiphertext = (block: Buffer): Buffer => publicEncrypt({ key: spkiPem, padding: constants.RSA_NO_PADDING }, block);
  const ok = Buffer.concat([Buffer.from([0x00, 0x02]), Buffer.alloc(256 - 3 - 4, 0x77), Buffer.from([0x00]), Buffer.from('1234')]);

  it('checks the padding: 00 02, at least 8 non-zero bytes, 00 separator', () => {
    expect(key.decrypt(rawCiphertext(ok)).toString()).toBe('1234');
    const cases: Array<[string, Buffer, Buffer]> = [
      ['block type 01', Buffer.concat([Buffer.from([0x00, 0x01]), ok.subarray(2)]), Buffer.from('1234')],
      ['leading byte not 00', Buffer.concat([Buffer.from([0x01, 0x02]), ok.subarray(2)]), Buffer.from('1234')],
      ['7 padding bytes', Buffer.concat([Buffer.from([0x00, 0x02]), Buffer.alloc(7, 0x77), Buffer.from([0x00]), Buffer.alloc(246, 0x31)]), Buffer.alloc(246, 0x31)],
    ];
    for (const [what, bad, ifAccepted] of cases) {
      expect(bad.length, what).toBe(256);
      expect(key.decrypt(rawCiphertext(bad)).equals(ifAccepted), what).toBe(false);
    }
  });

  it('decrypts real messages of every length up to k-11', () => {
    for (const length of [0, 1, 4, 100, 245]) {
      const message = randomBytes(length);
      expect(key.decrypt(Buffer.from(encryptWith(spkiPem, message), 'base64'))).toEqual(message);
    }
  });
});
