import { readFile } from 'node:fs/promises';
import { writePrivate } from './private-fs.js';
import type { ServiceKind } from './service/index.js';
import type { TrustEntry } from './trust/index.js';

/** What an installation did, so status can report it and uninstall can undo exactly that. */
export interface InstallRecord {
  readonly version: 1;
  readonly installedAt: string;
  readonly appVersion: string;
  readonly port: number;
  readonly service: ServiceKind;
  /** SHA-256 fingerprint of the trusted CA certificate. */
  readonly caFingerprint: string;
  readonly trust: readonly TrustEntry[];
  /** Whether the system store was asked for (auto/yes/no), so a renewal trusts the new CA in the same places. */
  readonly systemTrust: 'auto' | 'yes' | 'no';
  readonly systemRoot: string;
}

export async function readRecord(file: string): Promise<InstallRecord | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const record = JSON.parse(text) as InstallRecord;
  if (record.version !== 1) throw new Error(`${file}: unknown install record version ${String(record.version)}`);
  return record;
}

export function writeRecord(file: string, record: InstallRecord): Promise<void> {
  return writePrivate(file, `${JSON.stringify(record, null, 2)}\n`);
}
