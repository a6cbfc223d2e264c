import { constants } from 'node:fs';
import { access, copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runProgram } from '../run.js';

/** The Debian/Ubuntu system trust store that `update-ca-certificates` maintains (all of its directories). */
export interface SystemStore {
  readonly localCertsDir: string;
  readonly certsConf: string;
  readonly certsDir: string;
  readonly etcCertsDir: string;
  readonly hooksDir: string;
}

/** The store under `root` ('/' for the machine's own; another root for a staged image or a test). */
export function systemStoreAt(root = '/'): SystemStore {
  return {
    localCertsDir: join(root, 'usr/local/share/ca-certificates'),
    certsConf: join(root, 'etc/ca-certificates.conf'),
    certsDir: join(root, 'usr/share/ca-certificates'),
    etcCertsDir: join(root, 'etc/ssl/certs'),
    hooksDir: join(root, 'etc/ca-certificates/update.d'),
  };
}

/** May this process change the store? Root, or a store whose local directory it can write (a staged root). */
export async function systemStoreWritable(store: SystemStore): Promise<boolean> {
  if (process.getuid?.() === 0) return true;
  try {
    await access(store.localCertsDir, constants.W_OK);
    await access(store.etcCertsDir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** `fresh` rebuilds the links too (Debian's way to drop a removed local CA; a plain run only rebuilds the bundle). */
async function update(store: SystemStore, fresh: boolean): Promise<void> {
  const args = [...(fresh ? ['--fresh'] : []), '--certsconf', store.certsConf, '--certsdir', store.certsDir, '--localcertsdir', store.localCertsDir, '--etccertsdir', store.etcCertsDir, '--hooksdir', store.hooksDir];
  const result = await runProgram('update-ca-certificates', args, { timeoutMs: 120_000 });
  if (result.code === 127) throw new Error('update-ca-certificates is not installed (Debian/Ubuntu: apt-get install ca-certificates)');
  if (result.code !== 0) throw new Error(`update-ca-certificates failed: ${result.stderr.trim()}`);
}

/** The file a CA gets in the store's local directory (update-ca-certificates only reads *.crt). */
export function systemCaFile(store: SystemStore, name: string): string {
  return join(store.localCertsDir, `${name}.crt`);
}

/** Adds the CA to the system store: a .crt in the local directory, then update-ca-certificates. */
export async function addSystemCa(store: SystemStore, name: string, caFile: string): Promise<string> {
  const target = systemCaFile(store, name);
  await mkdir(store.localCertsDir, { recursive: true, mode: 0o755 });
  await copyFile(caFile, target);
  await update(store, false);
  return target;
}

/** Removes the CA file and rebuilds the store without it. */
export async function removeSystemCa(store: SystemStore, file: string): Promise<void> {
  await rm(file, { force: true });
  await update(store, true);
}
