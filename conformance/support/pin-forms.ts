import { encodePinBlock, toHex } from '../../connector/protocol/index.js';

/**
 * The forms a PIN would take if it leaked into text (PIN-01's canary): its digits, its format-2 PIN block in hex
 * (with and without spaces, as APDU logs print it), and its digits in base64 and in hex.
 */
export function pinForms(pin: string): string[] {
  const block = toHex(encodePinBlock(Buffer.from(pin)));
  return [pin, block, block.replace(/(..)(?!$)/g, '$1 '), Buffer.from(pin).toString('base64'), Buffer.from(pin).toString('hex')];
}

/** The PIN forms found in `text` (case-insensitive), described without printing the PIN. */
export function pinFormsIn(text: string, pins: readonly string[]): string[] {
  const upper = text.toUpperCase();
  return pins.flatMap((pin) => pinForms(pin).filter((form) => upper.includes(form.toUpperCase())).map((form) => (form.length > 8 ? 'a PIN form' : 'a PIN')));
}
