import { ConnectorError } from '../errors/index.js';
import { isValidPin } from '../protocol/index.js';

/** What decoding needs from the device key. */
export interface PinDecryptor {
  readonly modulusBytes: number;
  decrypt(ciphertext: Buffer): Buffer;
}

const PLAIN_PIN = /^[0-9]{4,12}$/;
/** Leading zero bytes a ciphertext may have lost; more than 8 happens once in 2^64 encryptions. */
const MAX_DROPPED_ZEROS = 8;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Turns the `pin` field of a request into PIN digits (ASCII, 4–12) in a Buffer the caller zeroes after use.
 * Accepted: the SDK's device-key encryption (base64 of RSAES-PKCS1-v1_5, spec §3) and a plain PIN (the SDK
 * sends one while the device key is still loading). Everything else — `false` (JSEncrypt failed), other
 * types, bad base64, a ciphertext that doesn't decrypt, a plaintext that isn't a PIN — is the same
 * ERR_PIN_FORMAT. A bad ciphertext decrypts to a pseudo-random message (implicit rejection) and fails the
 * same digit check as a well-formed ciphertext of a malformed PIN; it never reaches a card.
 */
export function decodePin(value: unknown, key: PinDecryptor): Buffer {
  if (typeof value !== 'string') throw pinFormatError();
  if (PLAIN_PIN.test(value)) return Buffer.from(value, 'latin1');
  if (value.length > Math.ceil(key.modulusBytes / 3) * 4 || !BASE64.test(value)) throw pinFormatError();
  const raw = Buffer.from(value, 'base64');
  if (raw.length > key.modulusBytes || raw.length < key.modulusBytes - MAX_DROPPED_ZEROS) throw pinFormatError();
  // JSEncrypt, the SDK's RSA, writes the ciphertext integer without its leading zero bytes (about 1 in 256
  // encryptions): the same integer, left-padded back to the modulus length.
  const ciphertext = raw.length === key.modulusBytes ? raw : Buffer.concat([Buffer.alloc(key.modulusBytes - raw.length), raw]);
  const pin = key.decrypt(ciphertext);
  if (!isValidPin(pin)) {
    pin.fill(0);
    throw pinFormatError();
  }
  return pin;
}

function pinFormatError(): ConnectorError {
  return new ConnectorError('ERR_PIN_FORMAT');
}
