import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConnectorError } from '../../errors/index.js';

/** The library path per operating system, as the SDK's getConfig/setConfig carry it (spec §4.5). */
export const LIBRARY_OSES = ['macos', 'win', 'linux'] as const;
export type LibraryOs = (typeof LIBRARY_OSES)[number];
export type LibraryPaths = Partial<Record<LibraryOs, string>>;

/** The key of this machine's OS in LibraryPaths. */
export function currentOs(platform: NodeJS.Platform = process.platform): LibraryOs {
  return platform === 'darwin' ? 'macos' : platform === 'win32' ? 'win' : 'linux';
}

function pathsFrom(value: unknown): LibraryPaths | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: LibraryPaths = {};
  for (const [key, path] of Object.entries(value)) {
    if (!(LIBRARY_OSES as readonly string[]).includes(key) || typeof path !== 'string' || path === '') return null;
    out[key as LibraryOs] = path;
  }
  return out;
}

/**
 * The paths saved by `POST …/config`, or null when none were saved. A file that is not such an object is reported
 * through `onInvalid` and ignored (the connector starts with its configured default).
 */
export function readSavedPaths(file: string, onInvalid: (message: string) => void): LibraryPaths | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const paths = pathsFrom(parsed);
  if (!paths) onInvalid(`${file} is not a {macos, win, linux} object of library paths; ignored`);
  return paths;
}

/** Saves atomically (temp file + rename), owner-only. */
export function savePaths(file: string, paths: LibraryPaths): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(temp, `${JSON.stringify(paths, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new ConnectorError('ERR_PKCS11_CONFIG_SAVE', { cause: e });
  }
}

export function removeSavedPaths(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch (e) {
    throw new ConnectorError('ERR_PKCS11_CONFIG_SAVE', { cause: e });
  }
}
