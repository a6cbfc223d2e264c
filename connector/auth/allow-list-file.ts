import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { isExactOrigin } from './origins.js';

/** Most origins taken from the user's allow-list file. */
export const MAX_FILE_ORIGINS = 1000;

/**
 * Parses the user's allow-list file: `{"allowedOrigins": ["https://app.example.org", …]}`. Throws on anything else
 * (not JSON, other keys, an entry that is not an exact origin, too many entries), naming the problem.
 */
export function parseAllowListFile(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the allow-list file must hold a JSON object');
  const keys = Object.keys(parsed);
  if (keys.some((k) => k !== 'allowedOrigins')) throw new Error(`unknown key in the allow-list file: ${keys.find((k) => k !== 'allowedOrigins')}`);
  const list = (parsed as { allowedOrigins?: unknown }).allowedOrigins ?? [];
  if (!Array.isArray(list)) throw new Error('allowedOrigins must be an array');
  if (list.length > MAX_FILE_ORIGINS) throw new Error(`more than ${MAX_FILE_ORIGINS} origins`);
  for (const origin of list) {
    if (typeof origin !== 'string' || !isExactOrigin(origin)) throw new Error(`not an exact origin: ${JSON.stringify(origin)}`);
  }
  return [...new Set(list as string[])];
}

export interface AllowListWatch {
  /** Resolves once the current content has been applied (used at start, before listening). */
  readonly ready: Promise<void>;
  close(): void;
}

/**
 * Applies the user's allow-list file now and whenever it changes, without a restart. The directory is watched
 * (editors and `t1c-lab connector cors` replace the file by renaming a new one over it, which a watch on the
 * file itself would lose). A missing file means no origins from it; an invalid one keeps the last good list
 * and warns.
 */
export function watchAllowListFile(file: string, apply: (origins: readonly string[]) => void, warn: (message: string) => void): AllowListWatch {
  let closed = false;
  let pending: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    pending = pending.then(async () => {
      if (closed) return;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return apply([]);
        return warn(`cors.allowListFile: cannot read ${file}: ${(e as Error).message}`);
      }
      try {
        apply(parseAllowListFile(text));
      } catch (e) {
        warn(`cors.allowListFile: ${file} ignored, keeping the last list: ${(e as Error).message}`);
      }
    });
    return pending;
  };
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
      if (name === null || name === basename(file)) void reload();
    });
    watcher.on('error', (e) => warn(`cors.allowListFile: watching ${dirname(file)} failed: ${e.message}`));
  } catch (e) {
    warn(`cors.allowListFile: cannot watch ${dirname(file)} (changes apply at the next start): ${(e as Error).message}`);
  }
  return {
    ready: reload(),
    close() {
      closed = true;
      watcher?.close();
    },
  };
}
