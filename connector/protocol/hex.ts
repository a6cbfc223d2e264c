import { ProtocolError } from './errors.js';

/** Upper-case hex without separators: the form ATRs and APDUs take in state files, logs and transcripts. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** Parses hex, tolerating spaces, colons and a mix of cases; anything else is a typed error. */
export function fromHex(text: string): Buffer {
  const compact = text.replace(/[\s:]/g, '');
  if (compact.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(compact)) {
    throw new ProtocolError('ERR_HEX_MALFORMED', `not a hex byte string: "${text.slice(0, 40)}"`);
  }
  return Buffer.from(compact, 'hex');
}
