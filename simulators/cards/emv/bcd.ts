/**
 * How an EMV card stores numbers and dates (Book 3 §4.3): `n` digits right-justified with leading zeros, `cn`
 * digits left-justified and padded with F, dates as YYMMDD (MMYY in certificates), all in BCD.
 */

/** `cn`: the digits then F nibbles up to `bytes` (default: just enough bytes). */
export function bcdPadded(digits: string, bytes = Math.ceil(digits.length / 2)): Buffer {
  checkDigits(digits, /^[0-9D]*$/);
  if (digits.length > bytes * 2) throw new RangeError(`${digits.length} digits do not fit in ${bytes} bytes`);
  return Buffer.from(digits.padEnd(bytes * 2, 'F'), 'hex');
}

/** `n`: right-justified, leading zeros, in exactly `bytes` bytes. */
export function bcdNumeric(digits: string, bytes: number): Buffer {
  checkDigits(digits, /^[0-9]+$/);
  if (digits.length > bytes * 2) throw new RangeError(`${digits.length} digits do not fit in ${bytes} bytes`);
  return Buffer.from(digits.padStart(bytes * 2, '0'), 'hex');
}

/** A `YYYY-MM-DD` date as YYMMDD (tags 5F24, 5F25, 9A). */
export function bcdDate(iso: string): Buffer {
  const m = /^\d{2}(\d{2})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`"${iso}" is not YYYY-MM-DD`);
  return Buffer.from(`${m[1]}${m[2]}${m[3]}`, 'hex');
}

/** A `YYYY-MM-DD` date as MMYY (certificate expiration dates, Book 2). */
export function bcdMonthYear(iso: string): Buffer {
  const m = /^\d{2}(\d{2})-(\d{2})-\d{2}$/.exec(iso);
  if (!m) throw new RangeError(`"${iso}" is not YYYY-MM-DD`);
  return Buffer.from(`${m[2]}${m[1]}`, 'hex');
}

function checkDigits(digits: string, pattern: RegExp): void {
  if (!pattern.test(digits)) throw new RangeError(`"${digits}" is not a digit string`);
}
