import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LabError } from './lab-error.js';

/** Debian's vpcd IFD handler (package vsmartcard-vpcd). */
export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

/** The port of Debian's stock `/etc/reader.conf.d/vpcd` entry (`DEVICENAME /dev/null:0x8C7B`). */
export const VPCD_BASE_PORT = 0x8c7b; // 35963

/** The readers one pcscd can offer through vpcd (see `vpcdReaders`). */
export const VPCD_MAX_READERS = 2;

export interface VpcdReader {
  /** The lab's reader index, 0-based. */
  readonly index: number;
  /** The name pcscd gives the reader, e.g. `Virtual PCD 00 00`. */
  readonly name: string;
  /** The TCP port vpcd listens on for this reader's card. */
  readonly port: number;
}

/**
 * The reader layout, as measured against pcscd 1.9.9 + vsmartcard-vpcd 3.3 (libifdvpcd 0.8) on Debian 12:
 *
 * - The entry `DEVICENAME /dev/null:PORT` makes vpcd report two slots; slot s listens (on all interfaces) on
 *   PORT + s. pcscd names them `FRIENDLYNAME 00 0s`. So reader i is `Virtual PCD 00 0i` on 35963 + i.
 * - More entries do NOT give more readers: pcscd does list them (and vpcd listens on 35965, 35966, …), but the
 *   driver keeps one card context per slot number, shared by all entries, so a card on 35965 shows up in
 *   both `… 00 00` readers and a card on 35963 in none. Hence at most two readers with pcscd; more readers
 *   need the embedded backend.
 */
export function vpcdReaders(count: number = VPCD_MAX_READERS): VpcdReader[] {
  if (!Number.isInteger(count) || count < 1) throw new LabError('ERR_LAB_READER_INVALID', `reader count must be a positive integer, got ${count}`);
  if (count > VPCD_MAX_READERS) {
    throw new LabError('ERR_LAB_READER_INVALID', `pcscd's vpcd driver offers ${VPCD_MAX_READERS} readers, not ${count}; use --backend embedded for more`);
  }
  return Array.from({ length: VPCD_MAX_READERS }, (_, slot) => ({ index: slot, name: `Virtual PCD 00 ${String(slot).padStart(2, '0')}`, port: VPCD_BASE_PORT + slot }));
}

/** The reader.conf text: the single vpcd entry (both slots). */
export function vpcdReaderConf(driver: string = VPCD_DRIVER): string {
  const hexPort = '0x' + VPCD_BASE_PORT.toString(16).toUpperCase();
  return `# written by t1c-lab; removed when the lab stops\nFRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:${hexPort}\nLIBPATH      ${driver}\nCHANNELID    ${hexPort}\n`;
}

/** Writes a fresh config dir for `pcscd -c DIR` holding only our vpcd entry; returns the readers (always two). */
export function writeReaderConfig(dir: string, count: number): VpcdReader[] {
  const readers = vpcdReaders(count);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'vpcd'), vpcdReaderConf());
  return readers;
}
