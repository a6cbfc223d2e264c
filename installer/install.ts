import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONNECTOR_VERSION } from '../connector/api/version.js';
import { checkConfigFile, installedConfig } from './connector-config.js';
import { installPaths, xdgEnvironment, type InstallPaths } from './paths.js';
import { mkdirPrivate, writePrivate } from './private-fs.js';
import { waitForInfo } from './probe.js';
import { readRecord, writeRecord, type InstallRecord } from './record.js';
import { detectServiceKind, serviceManager, type ServiceKind, type ServiceSpec } from './service/index.js';
import { footprint, packageRoot, stageApp, type Footprint } from './stage.js';
import { ensureTls } from './tls.js';
import { trustCa, type TrustEntry } from './trust/index.js';
import { uninstallConnector } from './uninstall.js';

export interface InstallOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The administrator's connector configuration (DS, auth, readers…). */
  readonly configFile?: string;
  readonly port?: number;
  readonly systemTrust?: 'auto' | 'yes' | 'no';
  /** Root of the system trust store (default '/'). */
  readonly systemRoot?: string;
  /** Default: systemd where a user manager answers, else XDG autostart. */
  readonly service?: ServiceKind;
  /** Where the program is copied from (default: the package this code runs from). */
  readonly sourceRoot?: string;
  /** Longest wait for the first /info answer. */
  readonly startTimeoutMs?: number;
}

export interface InstallResult {
  readonly paths: InstallPaths;
  readonly port: number;
  readonly url: string;
  readonly service: ServiceKind;
  readonly trust: readonly TrustEntry[];
  readonly footprint: Footprint;
  /** From starting the service to its first /info answer. */
  readonly coldStartMs: number;
}

/** The command line a service manager runs: this Node with the installed CLI's `connector serve`. */
export function serviceSpec(paths: InstallPaths, port: number): ServiceSpec {
  return {
    argv: [process.execPath, join(paths.appDir, 'dist', 'bin', 't1c-lab.js'), 'connector', 'serve', '--config', paths.configFile],
    env: xdgEnvironment(paths.xdg),
    description: `t1c-lab connector (smart-card API on https://t1c.t1t.io:${port})`,
  };
}

/**
 * Installs the connector for one user: configuration and allow-list in $XDG_CONFIG_HOME/t1c-lab, the program and
 * the connector's data in $XDG_DATA_HOME/t1c-lab, logs in $XDG_STATE_HOME/t1c-lab (directories 0700, files 0600);
 * the TLS CA trusted in the user's NSS databases (and the system store when permitted); started now and at every
 * login. Anything that fails undoes what was done so far.
 */
export async function installConnector(options: InstallOptions = {}): Promise<InstallResult> {
  const env = options.env ?? process.env;
  const paths = installPaths(env);
  if ((await readRecord(paths.recordFile)) !== null) throw new Error(`already installed (${paths.recordFile}); run \`t1c-lab connector uninstall\` first`);
  try {
    for (const dir of [paths.configDir, paths.dataDir, paths.connectorDataDir, paths.stateDir, join(paths.stateDir, 'logs')]) await mkdirPrivate(dir);
    const json = installedConfig(paths, { ...(options.configFile ? { from: options.configFile } : {}), ...(options.port !== undefined ? { port: options.port } : {}) });
    await writePrivate(paths.configFile, `${JSON.stringify(json, null, 2)}\n`);
    const config = checkConfigFile(paths.configFile);
    if (config.port === 0) throw new Error('install needs a fixed port (browsers reach the connector on it), not 0');
    if (!existsSync(paths.allowListFile)) await writePrivate(paths.allowListFile, `${JSON.stringify({ allowedOrigins: [] }, null, 2)}\n`);

    await stageApp(options.sourceRoot ?? packageRoot(), paths.appDir);
    const tls = await ensureTls(paths);
    const systemTrust = options.systemTrust ?? 'auto';
    const systemRoot = options.systemRoot ?? '/';
    const trust = await trustCa(tls.caCertPath, { home: paths.xdg.home, configHome: paths.xdg.configHome, systemTrust, systemRoot });
    const service = options.service ?? (await detectServiceKind(env));
    const record: InstallRecord = { version: 1, installedAt: new Date().toISOString(), appVersion: CONNECTOR_VERSION, port: config.port, service, caFingerprint: tls.caFingerprint, trust, systemTrust, systemRoot };
    await writeRecord(paths.recordFile, record);

    const manager = serviceManager(service, paths, env);
    const since = Date.now();
    await manager.install(serviceSpec(paths, config.port));
    const coldStartMs = await waitForInfo(config.port, await readFile(tls.caCertPath, 'utf8'), { since, timeoutMs: options.startTimeoutMs ?? 15_000, alive: () => manager.running() });
    return { paths, port: config.port, url: `https://t1c.t1t.io:${config.port}`, service, trust, footprint: await footprint(paths.appDir), coldStartMs };
  } catch (e) {
    const cleanup = await uninstallConnector({ env, ...(options.service ? { service: options.service } : {}) }).catch((u: Error) => ({ problems: [u.message] }));
    const left = cleanup.problems.length > 0 ? ` (cleaning up also failed: ${cleanup.problems.join('; ')})` : '';
    throw new Error(`install failed: ${(e as Error).message}${left}`, { cause: e });
  }
}
