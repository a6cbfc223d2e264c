import { existsSync } from 'node:fs';
import { addNssCa, chromiumNssDb, ensureNssDb, firefoxProfiles, hasNssCert, removeNssCert } from './nss.js';
import { addSystemCa, removeSystemCa, systemStoreAt, systemStoreWritable } from './system.js';

/** The nickname (NSS) and file name (system store) of the connector's local CA. */
export const CA_NAME = 't1c-lab-connector-ca';

/** One place the CA was added to, as the install record remembers it (uninstall removes it from each). */
export type TrustEntry = { readonly store: 'nss'; readonly db: string; readonly nickname: string } | { readonly store: 'system'; readonly root: string; readonly file: string };

export interface TrustOptions {
  readonly home: string;
  /** $XDG_CONFIG_HOME (default HOME/.config), where Firefox 147 and later keeps new profiles. */
  readonly configHome?: string;
  /** `auto`: the system store only when this process may change it (root); `yes`: required; `no`: never. */
  readonly systemTrust: 'auto' | 'yes' | 'no';
  /** Root of the system store (default '/'). */
  readonly systemRoot?: string;
}

/**
 * Trusts the CA where Linux browsers look: Chromium's per-user NSS database and every Firefox profile's (each
 * created if missing: Firefox adopts a profile's database when it first runs), and the system store when permitted. Returns where it went; on a failure it takes back
 * what it added and throws.
 */
export async function trustCa(caFile: string, options: TrustOptions): Promise<TrustEntry[]> {
  const added: TrustEntry[] = [];
  try {
    for (const db of [chromiumNssDb(options.home), ...(await firefoxProfiles(options.home, options.configHome))]) {
      await ensureNssDb(db);
      await removeNssCert(db, CA_NAME); // a previous CA under the same name
      await addNssCa(db, CA_NAME, caFile);
      added.push({ store: 'nss', db, nickname: CA_NAME });
    }
    if (options.systemTrust !== 'no') {
      const root = options.systemRoot ?? '/';
      const store = systemStoreAt(root);
      if (await systemStoreWritable(store)) {
        added.push({ store: 'system', root, file: await addSystemCa(store, CA_NAME, caFile) });
      } else if (options.systemTrust === 'yes') {
        throw new Error('--system-trust needs root (e.g. sudo) to change the system store; the user stores are enough for Chromium and Firefox');
      }
    }
    return added;
  } catch (e) {
    await untrustCa(added);
    throw e;
  }
}

/** Removes the CA from every store in `entries`; returns the problems (empty when all went). */
export async function untrustCa(entries: readonly TrustEntry[]): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of entries) {
    try {
      if (entry.store === 'nss') await removeNssCert(entry.db, entry.nickname);
      else await removeSystemCa(systemStoreAt(entry.root), entry.file);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return problems;
}

/** Which of the entries still hold the CA (for status and for checking an uninstall). */
export async function trustedIn(entries: readonly TrustEntry[]): Promise<TrustEntry[]> {
  const present: TrustEntry[] = [];
  for (const entry of entries) {
    if (entry.store === 'nss' ? await hasNssCert(entry.db, entry.nickname) : existsSync(entry.file)) present.push(entry);
  }
  return present;
}
