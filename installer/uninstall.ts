import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { installPaths } from './paths.js';
import { readRecord } from './record.js';
import { detectServiceKind, serviceManager, type ServiceKind } from './service/index.js';
import { untrustCa } from './trust/index.js';

export interface UninstallOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Default: the recorded one; without a record, both kinds are cleaned. */
  readonly service?: ServiceKind;
}

export interface UninstallResult {
  /** Whether an installation record was found. */
  readonly wasInstalled: boolean;
  readonly removed: readonly string[];
  /** What could not be undone (empty on a clean uninstall). */
  readonly problems: readonly string[];
}

/**
 * Stops the connector and removes its autostart entry, its CA from every store it was added to, and the
 * t1c-lab directories under the XDG locations. Safe to run twice, and after a half-done install.
 */
export async function uninstallConnector(options: UninstallOptions = {}): Promise<UninstallResult> {
  const env = options.env ?? process.env;
  const paths = installPaths(env);
  const record = await readRecord(paths.recordFile).catch(() => null);
  const problems: string[] = [];
  const removed: string[] = [];
  const kinds: ServiceKind[] = options.service ? [options.service] : record ? [record.service] : ['autostart', ...((await detectServiceKind(env)) === 'systemd' ? (['systemd'] as const) : [])];
  for (const kind of kinds) {
    const manager = serviceManager(kind, paths, env);
    try {
      const had = existsSync(manager.entry);
      await manager.uninstall();
      if (had) removed.push(manager.entry);
    } catch (e) {
      problems.push(`stopping the ${kind} service: ${(e as Error).message}`);
    }
  }
  if (record) {
    const untrusted = await untrustCa(record.trust);
    // the record is the only list of where the CA went: it stays until every store has let the CA go
    if (untrusted.length > 0) return { wasInstalled: true, removed, problems: [...problems, ...untrusted, `kept ${paths.recordFile}: run uninstall again once fixed`] };
    removed.push(...record.trust.map((t) => (t.store === 'nss' ? `CA in NSS database ${t.db}` : `CA ${t.file} in the system store`)));
  }
  for (const dir of [paths.configDir, paths.dataDir, paths.stateDir]) {
    if (!existsSync(dir)) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return { wasInstalled: record !== null, removed, problems };
}
