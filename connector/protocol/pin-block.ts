import { ProtocolError } from './errors.js';
import { secretBuffer } from './secret-buffer.js';

/**
 * ISO 9564 format 2 PIN block (the "GP" block of the Belgian eID and EMV plaintext PIN):
 * `2L` then one digit per nibble, padded with F to 8 bytes. PIN 1234 → 24 12 34 FF FF FF FF FF.
 * PINs are Buffers of ASCII digits so callers can zero them after use.
 */
export const PIN_BLOCK_LENGTH = 8;
export const MIN_PIN_LENGTH = 4;
export const MAX_PIN_LENGTH = 12;

export function isValidPin(pin: Uint8Array): boolean {
  return pin.length >= MIN_PIN_LENGTH && pin.length <= MAX_PIN_LENGTH && pin.every((c) => c >= 0x30 && c <= 0x39);
}

export function encodePinBlock(pin: Uint8Array): Buffer {
  if (!isValidPin(pin)) {
    throw new ProtocolError('ERR_PIN_FORMAT', `a PIN is ${MIN_PIN_LENGTH} to ${MAX_PIN_LENGTH} decimal digits`);
  }
  const block = secretBuffer(PIN_BLOCK_LENGTH).fill(0xff);
  block[0] = 0x20 | pin.length;
  for (let i = 0; i < pin.length; i += 1) {
    const digit = pin[i]! - 0x30;
    const at = 1 + (i >> 1);
    block[at] = i % 2 === 0 ? (digit << 4) | 0x0f : (block[at]! & 0xf0) | digit;
  }
  return block;
}

/** Decodes a format-2 block back to ASCII digits; any deviation from the format is a typed error. */
export function decodePinBlock(block: Uint8Array): Buffer {
  if (block.length !== PIN_BLOCK_LENGTH) throw new ProtocolError('ERR_PIN_FORMAT', `a PIN block has 8 bytes, got ${block.length}`);
  const control = block[0]! >> 4;
  const length = block[0]! & 0x0f;
  if (control !== 2 || length < MIN_PIN_LENGTH || length > MAX_PIN_LENGTH) {
    throw new ProtocolError('ERR_PIN_FORMAT', 'not a format-2 PIN block');
  }
  const pin = Buffer.alloc(length);
  for (let i = 0; i < 14; i += 1) {
    const byte = block[1 + (i >> 1)]!;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    if (i < length) {
      if (nibble > 9) {
        pin.fill(0);
        throw new ProtocolError('ERR_PIN_FORMAT', 'PIN block holds a non-digit');
      }
      pin[i] = 0x30 + nibble;
    } else if (nibble !== 0x0f) {
      pin.fill(0);
      throw new ProtocolError('ERR_PIN_FORMAT', 'PIN block padding is not F');
    }
  }
  return pin;
}
