import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LabError } from './lab-error.js';

/** Debian's vpcd IFD handler (package vsmartcard-vpcd). */
export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

/** The port of Debian's stock `/etc/reader.conf.d/vpcd` entry (`DEVICENAME /dev/null:0x8C7B`). */
export const VPCD_BASE_PORT = 0x8c7b; // 35963

/** One vpcd entry serves two slots, i.e. two readers. */
export const VPCD_SLOTS_PER_ENTRY = 2;

/** pcscd 1.9 handles at most 16 readers (PCSCLITE_MAX_READERS_CONTEXTS). */
export const PCSCD_MAX_READERS = 16;

export interface VpcdReader {
  /** The lab's reader index, 0-based. */
  readonly index: number;
  /** The name pcscd gives the reader, e.g. `Virtual PCD 00 00`. */
  readonly name: string;
  /** The TCP port vpcd listens on for this reader's card. */
  readonly port: number;
}

/**
 * The reader layout for `count` readers, as measured against pcscd 1.9.9 + vsmartcard-vpcd 3.3 (libifdvpcd 0.8)
 * on Debian 12:
 *
 * - An entry `DEVICENAME /dev/null:PORT` gives two slots; slot s listens (on all interfaces) on PORT + s. Entry e
 *   uses PORT = 0x8C7B + 2e, so lab reader i = 2e + s listens on 35963 + i (35963, 35964, 35965, …).
 * - pcscd names a reader `FRIENDLYNAME NN SS`, but NN stays 00 for every serial entry, so entries need distinct
 *   FRIENDLYNAMEs: entry 0 keeps the stock `Virtual PCD` (`Virtual PCD 00 00`, `Virtual PCD 00 01`, as on any
 *   machine with the package), entry e ≥ 1 is `Virtual PCD e` (`Virtual PCD 1 00 00`, …).
 * - The driver keeps one card context per slot number in a static table. Entries loaded from the same library
 *   share it, so a card on 35965 would show up in both `… 00 00` readers and one on 35963 in none. Each entry
 *   after the first therefore loads its own copy of the driver file (dlopen of another inode → its own table).
 *
 * vpcd always offers both slots of an entry, so the lab has an even number of readers (`count` rounded up).
 */
export function vpcdReaders(count: number, basePort: number = VPCD_BASE_PORT): VpcdReader[] {
  if (!Number.isInteger(count) || count < 1 || count > PCSCD_MAX_READERS) {
    throw new LabError('ERR_LAB_READER_INVALID', `pcscd offers 1..${PCSCD_MAX_READERS} vpcd readers, not ${count}`);
  }
  const readers: VpcdReader[] = [];
  for (let entry = 0; entry < entryCount(count); entry++) {
    for (let slot = 0; slot < VPCD_SLOTS_PER_ENTRY; slot++) {
      const index = entry * VPCD_SLOTS_PER_ENTRY + slot;
      readers.push({ index, name: `${friendlyName(entry)} 00 ${String(slot).padStart(2, '0')}`, port: basePort + index });
    }
  }
  return readers;
}

const entryCount = (count: number): number => Math.ceil(count / VPCD_SLOTS_PER_ENTRY);

function friendlyName(entry: number): string {
  return entry === 0 ? 'Virtual PCD' : `Virtual PCD ${entry}`;
}

/** Where the per-entry driver copies go: next to the config dir, never in it (pcscd parses every file there). */
export function vpcdDriverDir(confDir: string): string {
  return path.join(path.dirname(confDir), 't1c-lab-vpcd-drivers');
}

/**
 * The reader.conf text for `count` readers; `driverFor(entry)` is the library each entry loads. `basePort`: where
 * reader 0 listens (another base lets labs in containers on the host's network sit side by side).
 */
export function vpcdReaderConf(count: number, driverFor: (entry: number) => string = () => VPCD_DRIVER, basePort: number = VPCD_BASE_PORT): string {
  const blocks: string[] = [];
  for (let entry = 0; entry < entryCount(count); entry++) {
    const hexPort = '0x' + (basePort + entry * VPCD_SLOTS_PER_ENTRY).toString(16).toUpperCase();
    blocks.push(`FRIENDLYNAME "${friendlyName(entry)}"\nDEVICENAME   /dev/null:${hexPort}\nLIBPATH      ${driverFor(entry)}\nCHANNELID    ${hexPort}\n`);
  }
  return '# written by t1c-lab; removed when the lab stops\n' + blocks.join('\n');
}

/** Writes a fresh config dir for `pcscd -c DIR` holding only our vpcd entries (and the driver copies they need). */
export function writeReaderConfig(confDir: string, count: number): VpcdReader[] {
  const readers = vpcdReaders(count);
  removeReaderConfig(confDir);
  mkdirSync(confDir, { recursive: true });
  const drivers = vpcdDriverDir(confDir);
  const driverFor = (entry: number): string => {
    if (entry === 0) return VPCD_DRIVER;
    const copy = path.join(drivers, `libifdvpcd-${entry}.so`);
    mkdirSync(drivers, { recursive: true });
    copyFileSync(VPCD_DRIVER, copy);
    return copy;
  };
  writeFileSync(path.join(confDir, 'vpcd'), vpcdReaderConf(count, driverFor));
  return readers;
}

export function removeReaderConfig(confDir: string): void {
  rmSync(confDir, { recursive: true, force: true });
  rmSync(vpcdDriverDir(confDir), { recursive: true, force: true });
}
