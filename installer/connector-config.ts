import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createConnectorAuth } from '../connector/auth/index.js';
import { SETTINGS, loadConfig, type ConnectorConfig } from '../connector/config/index.js';
import type { InstallPaths } from './paths.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The user's config file with its path settings made absolute (they were relative to the file). */
function readUserConfig(file: string): Json {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isObject(parsed)) throw new Error(`${file} must hold a JSON object`);
  for (const setting of SETTINGS.filter((s) => s.kind === 'path')) {
    let node: unknown = parsed;
    for (const key of setting.path.slice(0, -1)) node = isObject(node) ? node[key] : undefined;
    const last = setting.path[setting.path.length - 1]!;
    if (isObject(node) && typeof node[last] === 'string') node[last] = resolve(dirname(file), node[last]);
  }
  return parsed;
}

export interface InstalledConfigOptions {
  /** The administrator's configuration (DS, auth, readers…), if any. */
  readonly from?: string;
  readonly port?: number;
}

/**
 * The installed connector's configuration: the given file's settings, with the installation's own places for the
 * data (device key, TLS), the log and the user's allow-list, and the port. Checked the way the connector checks it
 * (schema, then authentication: `auth.mode: jwt` needs a DS), so a bad configuration stops the install, not the
 * service (checkConfigFile).
 */
export function installedConfig(paths: InstallPaths, options: InstalledConfigOptions): Json {
  const base = options.from ? readUserConfig(options.from) : {};
  const log = isObject(base['log']) ? base['log'] : {};
  const cors = isObject(base['cors']) ? base['cors'] : {};
  const json: Json = {
    ...base,
    port: options.port ?? base['port'] ?? 51983,
    dataDir: paths.connectorDataDir,
    cors: { ...cors, allowListFile: paths.allowListFile },
    log: { level: 'info', ...log, file: paths.logFile },
  };
  return json;
}

/** Loads a written configuration file as the connector will (no environment, no flags) and builds its auth. */
export function checkConfigFile(file: string): ConnectorConfig {
  const config = loadConfig({ argv: ['--config', file], env: {} });
  createConnectorAuth(config);
  return config;
}
