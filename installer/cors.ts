import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseAllowListFile } from '../connector/auth/allow-list-file.js';
import { isExactOrigin } from '../connector/auth/index.js';
import { loadConfig } from '../connector/config/index.js';
import type { InstallPaths } from './paths.js';
import { writePrivate } from './private-fs.js';
import { probe } from './probe.js';
import { readRecord } from './record.js';
import { tlsPaths } from '../connector/tls/index.js';

/** Where an allowed origin comes from: the installed configuration, the user's allow-list, or the DS. */
export type OriginSource = 'config' | 'user' | 'ds';

export interface AllowedOrigin {
  readonly origin: string;
  readonly source: OriginSource;
}

/** Why a string is not an exact origin, in the words a user needs to fix it; null when it is one. */
export function originProblem(value: string): string | null {
  if (isExactOrigin(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL: give scheme://host[:port], e.g. https://app.example.org`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${value}": only http and https origins`;
  if (url.username || url.password) return `"${value}": no user or password in an origin`;
  if (url.origin !== value && `${url.origin}/` === value) return `"${value}": no trailing slash (${url.origin})`;
  if (url.pathname !== '/' || url.search || url.hash) return `"${value}": no path, query or fragment in an origin (${url.origin})`;
  return `"${value}" is not written the way browsers send it: ${url.origin}`;
}

async function userOrigins(paths: InstallPaths): Promise<string[]> {
  return existsSync(paths.allowListFile) ? parseAllowListFile(await readFile(paths.allowListFile, 'utf8')) : [];
}

/** The running connector's whole list (config, user and DS origins), or null when it does not answer. */
async function liveOrigins(paths: InstallPaths): Promise<string[] | null> {
  const record = await readRecord(paths.recordFile);
  if (!record) return null;
  try {
    const ca = await readFile(tlsPaths(paths.connectorDataDir).caCertPath, 'utf8');
    const answer = await probe(record.port, '/info', ca);
    return answer.status === 200 ? ((answer.body as { t1CInfoAPI?: { cors?: string[] } }).t1CInfoAPI?.cors ?? []) : null;
  } catch {
    return null;
  }
}

/** Every allowed origin with its source; DS origins are those the running connector reports beyond the local ones. */
function configuredOrigins(paths: InstallPaths): readonly string[] {
  return existsSync(paths.configFile) ? loadConfig({ argv: ['--config', paths.configFile], env: {} }).cors.allowedOrigins : [];
}

export async function listOrigins(paths: InstallPaths): Promise<AllowedOrigin[]> {
  const configured = configuredOrigins(paths);
  const user = await userOrigins(paths);
  const local = new Set([...configured, ...user]);
  const ds = ((await liveOrigins(paths)) ?? []).filter((o) => !local.has(o));
  const seen = new Set<string>();
  const out: AllowedOrigin[] = [];
  for (const [origins, source] of [[configured, 'config'], [user, 'user'], [ds, 'ds']] as const) {
    for (const origin of origins) if (!seen.has(origin) && seen.add(origin)) out.push({ origin, source });
  }
  return out;
}

export type ChangeOutcome = 'applied' | 'saved' | 'unchanged';

/**
 * Waits until the running connector's list has (or lacks) the origin: 'applied'; when no connector answers,
 * 'saved' (it applies at the next start).
 */
async function confirm(paths: InstallPaths, origin: string, present: boolean, timeoutMs = 5_000): Promise<ChangeOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    const live = await liveOrigins(paths);
    if (live === null) return 'saved';
    if (live.includes(origin) === present) return 'applied';
    if (Date.now() > deadline) {
      const why = present ? '' : ' (an origin the Distribution Service lists stays allowed)';
      throw new Error(`saved, but the running connector did not pick the change up within ${timeoutMs} ms${why}; see t1c-lab connector logs`);
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** Adds an exact origin to the user's allow-list; the running connector applies it without a restart. */
export async function addOrigin(paths: InstallPaths, origin: string): Promise<ChangeOutcome> {
  const problem = originProblem(origin);
  if (problem) throw new TypeError(problem);
  if (!existsSync(paths.recordFile)) throw new Error('the connector is not installed (t1c-lab connector install)');
  const user = await userOrigins(paths);
  if (user.includes(origin)) return 'unchanged';
  await writePrivate(paths.allowListFile, `${JSON.stringify({ allowedOrigins: [...user, origin] }, null, 2)}\n`);
  return confirm(paths, origin, true);
}

/** Removes an origin from the user's allow-list (config and DS origins are managed where they come from). */
export async function removeOrigin(paths: InstallPaths, origin: string): Promise<ChangeOutcome> {
  const problem = originProblem(origin);
  if (problem) throw new TypeError(problem);
  const user = await userOrigins(paths);
  if (!user.includes(origin)) {
    const other = (await listOrigins(paths)).find((o) => o.origin === origin);
    if (other) throw new Error(`${origin} comes from the ${other.source === 'ds' ? 'Distribution Service' : 'installed configuration'}, not the user allow-list: change it there`);
    return 'unchanged';
  }
  await writePrivate(paths.allowListFile, `${JSON.stringify({ allowedOrigins: user.filter((o) => o !== origin) }, null, 2)}\n`);
  // Still allowed through the installed configuration: nothing to wait for. (The live list cannot tell: until the
  // connector has read the file, the origin it still shows looks like one from the DS.)
  if (configuredOrigins(paths).includes(origin)) return 'applied';
  return confirm(paths, origin, false);
}
