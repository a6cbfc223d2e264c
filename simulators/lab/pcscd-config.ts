import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Debian's vpcd IFD handler (package vsmartcard-vpcd). */
export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

/** The port of Debian's stock `/etc/reader.conf.d/vpcd` entry (`DEVICENAME /dev/null:0x8C7B`). */
export const VPCD_BASE_PORT = 0x8c7b; // 35963

/** One vpcd driver instance serves two slots, i.e. two readers. */
export const VPCD_SLOTS_PER_ENTRY = 2;

export interface VpcdReader {
  /** The lab's reader index, 0-based. */
  readonly index: number;
  /** The name pcscd gives the reader, e.g. `Virtual PCD 00 00`. */
  readonly name: string;
  /** The TCP port vpcd listens on for this reader's card. */
  readonly port: number;
}

/**
 * The reader layout for `count` readers, as measured against pcscd 1.9.9 + vsmartcard-vpcd 3.3 on Debian 12:
 *
 * - A `DEVICENAME /dev/null:PORT` entry makes vpcd listen (on all interfaces) on PORT for slot 0 and PORT+1 for
 *   slot 1. So entry e uses base port 0x8C7B + 2e, and lab reader i = 2e + slot listens on 0x8C7B + i
 *   (35963, 35964, 35965, …).
 * - pcscd names a reader `FRIENDLYNAME NN SS`, but for serial drivers NN stays 00 for every entry, so entries
 *   sharing a FRIENDLYNAME would give duplicate reader names. Entry 0 keeps the stock `Virtual PCD` (readers
 *   `Virtual PCD 00 00` and `Virtual PCD 00 01`, as on any machine with the package); entry e ≥ 1 is named
 *   `Virtual PCD e` (readers `Virtual PCD 1 00 00`, `Virtual PCD 1 00 01`, …).
 *
 * vpcd always offers both slots of an entry, so the lab has an even number of readers (`count` rounded up).
 */
export function vpcdReaders(count: number): VpcdReader[] {
  if (!Number.isInteger(count) || count < 1 || count > 32) throw new RangeError(`reader count must be 1..32, got ${count}`);
  const entries = Math.ceil(count / VPCD_SLOTS_PER_ENTRY);
  const readers: VpcdReader[] = [];
  for (let entry = 0; entry < entries; entry++) {
    for (let slot = 0; slot < VPCD_SLOTS_PER_ENTRY; slot++) {
      const index = entry * VPCD_SLOTS_PER_ENTRY + slot;
      readers.push({ index, name: `${friendlyName(entry)} 00 ${hex2(slot)}`, port: VPCD_BASE_PORT + index });
    }
  }
  return readers;
}

function friendlyName(entry: number): string {
  return entry === 0 ? 'Virtual PCD' : `Virtual PCD ${entry}`;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** The reader.conf text for `count` readers (one entry per two readers). */
export function vpcdReaderConf(count: number, driver: string = VPCD_DRIVER): string {
  const entries = Math.ceil(count / VPCD_SLOTS_PER_ENTRY);
  const blocks: string[] = [];
  for (let entry = 0; entry < entries; entry++) {
    const port = VPCD_BASE_PORT + entry * VPCD_SLOTS_PER_ENTRY;
    const hexPort = '0x' + port.toString(16).toUpperCase();
    blocks.push(`FRIENDLYNAME "${friendlyName(entry)}"\nDEVICENAME   /dev/null:${hexPort}\nLIBPATH      ${driver}\nCHANNELID    ${hexPort}\n`);
  }
  return '# written by t1c-lab; removed when the lab stops\n' + blocks.join('\n');
}

/** Writes a fresh config dir for `pcscd -c DIR` holding only our vpcd entries. */
export function writeReaderConfig(dir: string, count: number): VpcdReader[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'vpcd'), vpcdReaderConf(count));
  return vpcdReaders(count);
}
