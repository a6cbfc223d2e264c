import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runProgram } from '../run.js';

/**
 * NSS certificate databases (Chromium and Firefox on Linux read them), managed with `certutil` from
 * libnss3-tools. A database is a directory holding cert9.db; it is addressed as `sql:DIR`.
 */

/** Chromium's per-user database: ~/.pki/nssdb. */
export function chromiumNssDb(home: string): string {
  return join(home, '.pki', 'nssdb');
}

/** Firefox profiles (classic and snap) that have a certificate database. */
export async function firefoxNssDbs(home: string): Promise<string[]> {
  const roots = [join(home, '.mozilla', 'firefox'), join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox')];
  const found: string[] = [];
  for (const root of roots) {
    let entries: string[];
    try {
      entries = await readdir(root);
    } catch {
      continue;
    }
    for (const entry of entries.sort()) if (existsSync(join(root, entry, 'cert9.db'))) found.push(join(root, entry));
  }
  return found;
}

async function certutil(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const result = await runProgram('certutil', args);
  if (result.code === 127) throw new Error('certutil is not installed (Debian/Ubuntu: apt-get install libnss3-tools)');
  return result;
}

/** Creates the database (empty password, as browsers do) when the directory has none yet. */
export async function ensureNssDb(db: string): Promise<void> {
  if (existsSync(join(db, 'cert9.db'))) return;
  await mkdir(db, { recursive: true, mode: 0o700 });
  const made = await certutil(['-d', `sql:${db}`, '-N', '--empty-password']);
  if (made.code !== 0) throw new Error(`certutil could not create ${db}: ${made.stderr.trim()}`);
}

/** Adds a CA certificate trusted for TLS servers only (`C,,`) under `nickname`. */
export async function addNssCa(db: string, nickname: string, caFile: string): Promise<void> {
  const added = await certutil(['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', nickname, '-i', caFile]);
  if (added.code !== 0) throw new Error(`certutil could not add the CA to ${db}: ${added.stderr.trim()}`);
}

export async function hasNssCert(db: string, nickname: string): Promise<boolean> {
  if (!existsSync(join(db, 'cert9.db'))) return false;
  return (await certutil(['-d', `sql:${db}`, '-L', '-n', nickname])).code === 0;
}

/** Deletes every certificate under `nickname` (certutil removes one per call). */
export async function removeNssCert(db: string, nickname: string): Promise<void> {
  for (let i = 0; i < 16 && (await hasNssCert(db, nickname)); i++) {
    const removed = await certutil(['-d', `sql:${db}`, '-D', '-n', nickname]);
    if (removed.code !== 0) throw new Error(`certutil could not remove ${nickname} from ${db}: ${removed.stderr.trim()}`);
  }
}
