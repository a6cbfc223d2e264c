import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
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

/**
 * Where Firefox keeps its profiles on Linux: $XDG_CONFIG_HOME/mozilla/firefox (new profiles since Firefox 147),
 * ~/.mozilla/firefox (older ones, kept where they are), and the snap's copy of the latter.
 */
export function firefoxProfileRoots(home: string, configHome = join(home, '.config')): string[] {
  return [join(configHome, 'mozilla', 'firefox'), join(home, '.mozilla', 'firefox'), join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox')];
}

/** The profile directories a profiles.ini names (`Path=`, relative to the ini unless `IsRelative=0`). */
export function profilesIniPaths(root: string, ini: string): string[] {
  const paths: string[] = [];
  for (const section of ini.split(/^\[/m).slice(1)) {
    if (!/^Profile\d+\]/.test(section)) continue;
    const field = (name: string): string | undefined => new RegExp(`^${name}=(.*)$`, 'm').exec(section)?.[1]?.trim();
    const p = field('Path');
    if (p) paths.push(field('IsRelative') === '0' ? p : join(root, p));
  }
  return paths;
}

/**
 * Firefox profiles under `home`: every one a profiles.ini lists that exists, and any other directory of a
 * profile root holding a certificate database. A listed profile may have no cert9.db yet (it never ran).
 */
export async function firefoxProfiles(home: string, configHome?: string): Promise<string[]> {
  const found = new Set<string>();
  for (const root of firefoxProfileRoots(home, configHome)) {
    let entries: string[];
    try {
      entries = await readdir(root);
    } catch {
      continue;
    }
    let ini = '';
    try {
      ini = await readFile(join(root, 'profiles.ini'), 'utf8');
    } catch {
      // no profiles.ini: only directories with a database count
    }
    for (const p of profilesIniPaths(root, ini)) if (existsSync(p)) found.add(p);
    for (const entry of entries.sort()) if (existsSync(join(root, entry, 'cert9.db'))) found.add(join(root, entry));
  }
  return [...found];
}

/** Firefox profiles that have a certificate database. */
export async function firefoxNssDbs(home: string, configHome?: string): Promise<string[]> {
  return (await firefoxProfiles(home, configHome)).filter((p) => existsSync(join(p, 'cert9.db')));
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
