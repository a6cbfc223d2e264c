import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { InstallPaths } from '../paths.js';
import { writePrivate } from '../private-fs.js';
import { desktopEntryText } from './desktop-entry.js';
import { runningPid, startDetached, stopDetached } from './detached.js';
import type { ServiceKind, ServiceSpec } from './spec.js';
import { installSystemdUnit, removeSystemdUnit, restartSystemdUnit, systemdUnitActive, systemdUserAvailable } from './systemd.js';

export type { ServiceKind, ServiceSpec } from './spec.js';
export { systemdUnitText } from './systemd.js';
export { desktopEntryText } from './desktop-entry.js';

/** Starts the connector at login and now, reports whether it runs, stops it and removes its entry. */
export interface ServiceManager {
  readonly kind: ServiceKind;
  /** The file the service manager reads (unit or desktop entry). */
  readonly entry: string;
  install(spec: ServiceSpec): Promise<void>;
  restart(spec: ServiceSpec): Promise<void>;
  running(): Promise<boolean>;
  uninstall(): Promise<void>;
}

/** The systemd user unit where a user manager answers, else an XDG autostart entry plus a detached start now. */
export async function detectServiceKind(env: NodeJS.ProcessEnv): Promise<ServiceKind> {
  return (await systemdUserAvailable(env)) ? 'systemd' : 'autostart';
}

export function serviceManager(kind: ServiceKind, paths: InstallPaths, env: NodeJS.ProcessEnv): ServiceManager {
  if (kind === 'systemd') {
    return {
      kind,
      entry: paths.systemdUnit,
      install: (spec) => installSystemdUnit(paths.systemdUnit, spec, env),
      restart: () => restartSystemdUnit(paths.systemdUnit, env),
      running: () => systemdUnitActive(paths.systemdUnit, env),
      uninstall: () => removeSystemdUnit(paths.systemdUnit, env),
    };
  }
  const marker = paths.appDir;
  return {
    kind,
    entry: paths.autostartEntry,
    async install(spec) {
      await writePrivate(paths.autostartEntry, desktopEntryText(spec));
      await startDetached(spec, paths.outputFile, paths.pidFile);
    },
    async restart(spec) {
      await stopDetached(paths.pidFile, marker);
      await startDetached(spec, paths.outputFile, paths.pidFile);
    },
    running: async () => (await runningPid(paths.pidFile, marker)) !== null,
    async uninstall() {
      await stopDetached(paths.pidFile, marker);
      if (existsSync(paths.autostartEntry)) await rm(paths.autostartEntry);
    },
  };
}
