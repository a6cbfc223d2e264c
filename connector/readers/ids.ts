import { createHash } from 'node:crypto';

/**
 * A reader id is derived from the reader's name only, so it stays the same across connector restarts, card
 * swaps and backends that expose the same reader. 16 hex digits, like the vendor's ids.
 */
export function readerId(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 16);
}
