import { timingSafeEqual } from 'node:crypto';
import { MAX_PIN_LENGTH, isValidPin } from '../../../connector/protocol/index.js';

export type PinCheck = { readonly result: 'ok' } | { readonly result: 'wrong'; readonly triesLeft: number } | { readonly result: 'blocked' };

export interface PinObjectOptions {
  /** The reference VERIFY names in P2 (e.g. 01 for the BeID PIN). */
  readonly reference: number;
  /** ASCII digits; copied, so the caller may zero its buffer. */
  readonly value: Uint8Array;
  readonly maxTries: number;
}

/**
 * A PIN with its retry counter. Lives as long as the card instance: power cycles and resets do not
 * restore tries, a right PIN does. Comparisons take the same time whatever the candidate.
 */
export class PinObject {
  readonly reference: number;
  readonly maxTries: number;
  private value: Buffer;
  private tries: number;

  constructor(options: PinObjectOptions) {
    if (!isValidPin(options.value)) throw new Error('a PIN object holds 4 to 12 decimal digits');
    if (!Number.isInteger(options.maxTries) || options.maxTries < 1 || options.maxTries > 15) {
      throw new Error('maxTries must be 1..15 (it travels in the low nibble of 63Cx)');
    }
    this.reference = options.reference;
    this.maxTries = options.maxTries;
    this.value = padded(options.value);
    this.tries = options.maxTries;
  }

  get triesLeft(): number {
    return this.tries;
  }

  get blocked(): boolean {
    return this.tries === 0;
  }

  /** Checks a candidate (ASCII digits): a wrong one costs a try, a right one restores them all. */
  verify(candidate: Uint8Array): PinCheck {
    if (this.blocked) return { result: 'blocked' };
    const probe = padded(candidate);
    const same = timingSafeEqual(probe, this.value);
    probe.fill(0);
    if (same) {
      this.tries = this.maxTries;
      return { result: 'ok' };
    }
    this.tries -= 1;
    return { result: 'wrong', triesLeft: this.tries };
  }

  /** Replaces the value after `verify(old)` said ok; the caller checks the new PIN's format first. */
  replace(value: Uint8Array): void {
    if (!isValidPin(value)) throw new Error('a PIN object holds 4 to 12 decimal digits');
    this.value.fill(0);
    this.value = padded(value);
    this.tries = this.maxTries;
  }
}

/** Length byte plus the digits in a fixed-size buffer, so every comparison reads the same number of bytes. */
function padded(pin: Uint8Array): Buffer {
  const out = Buffer.alloc(1 + MAX_PIN_LENGTH);
  out[0] = Math.min(pin.length, 0xff);
  out.set(pin.subarray(0, MAX_PIN_LENGTH), 1);
  return out;
}
