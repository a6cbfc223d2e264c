import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Ajv } from 'ajv';
import { ConfigError } from './errors.js';
import { CONFIG_SCHEMA, type ConnectorConfig } from './schema.js';
import { CONFIG_FILE_ENV, CONFIG_FILE_FLAG, SETTINGS, type Setting } from './settings.js';

type Json = Record<string, unknown>;

export interface LoadOptions {
  /** Command-line arguments after `connector` (flags only). */
  readonly argv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** The reader backend when none is configured; default: pcsc where pcscd is installed, else embedded. */
  readonly defaultBackend?: () => 'pcsc' | 'embedded';
}

const validate = new Ajv({ useDefaults: true, allErrors: true, strict: true, allowUnionTypes: false }).compile<ConnectorConfig>(CONFIG_SCHEMA);

/** pcsc when pcscd is installed here (CONTRACTS.md: the default backend), else embedded. */
export function detectDefaultBackend(): 'pcsc' | 'embedded' {
  return ['/usr/sbin/pcscd', '/usr/bin/pcscd', '/usr/local/sbin/pcscd'].some((p) => existsSync(p)) ? 'pcsc' : 'embedded';
}

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const dataHome = env['XDG_DATA_HOME'] || join(env['HOME'] || homedir(), '.local', 'share');
  return join(dataHome, 't1c-lab', 'connector');
}

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    node = (node[key] = child !== null && typeof child === 'object' && !Array.isArray(child) ? child : {}) as Json;
  }
  node[path[path.length - 1]!] = value;
}

function getPath(source: Json, path: readonly string[]): unknown {
  let node: unknown = source;
  for (const key of path) node = node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Json)[key] : undefined;
  return node;
}

/** Objects merge key by key; arrays and scalars from `over` replace. */
function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    const bothObjects = [prev, value].every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    out[key] = bothObjects ? merge(prev as Json, value as Json) : value;
  }
  return out;
}

function convert(setting: Setting, raw: string | readonly string[], where: string, cwd: string): unknown {
  const items = (typeof raw === 'string' ? [raw] : raw).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const int = (v: string): number => {
    if (!/^\d+$/.test(v)) throw new ConfigError(`${where}: "${v}" is not a non-negative integer`);
    return Number(v);
  };
  const one = typeof raw === 'string' ? raw.trim() : (raw[raw.length - 1] ?? '').trim();
  switch (setting.kind) {
    case 'int':
      return int(one);
    case 'path':
      return resolve(cwd, one);
    case 'string':
      return one;
    case 'bool':
      if (one === 'true' || one === 'false') return one === 'true';
      throw new ConfigError(`${where}: "${one}" is not true or false`);
    case 'list':
      return items;
    case 'intList':
      return items.map(int);
  }
}

/** Makes the path settings of a config file absolute, relative to the file's directory. */
function resolveFilePaths(file: Json, baseDir: string): Json {
  const out = structuredClone(file);
  for (const setting of SETTINGS.filter((s) => s.kind === 'path')) {
    const value = getPath(out, setting.path);
    if (typeof value === 'string' && value !== '') setPath(out, setting.path, resolve(baseDir, value));
  }
  return out;
}

function readConfigFile(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the config file ${path}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`the config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`the config file ${path} must hold a JSON object`);
  return resolveFilePaths(parsed as Json, dirname(path));
}

/** Exact web origins only: what a browser sends in `Origin` (no path, no trailing slash, lower-case host). */
function checkOrigins(origins: readonly string[]): void {
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin) {
      throw new ConfigError(`cors.allowedOrigins: "${origin}" is not an exact origin like https://app.example.org or http://localhost:8080`);
    }
  }
}

/**
 * Loads the configuration: schema defaults, then the JSON file (`--config` / T1C_CONFIG), then T1C_*
 * environment variables, then flags. Validated against the schema; any problem is a ConfigError naming the
 * setting.
 */
export function loadConfig(options: LoadOptions = {}): ConnectorConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let flags: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    flags = parseArgs({
      args: [...(options.argv ?? [])],
      strict: true,
      allowPositionals: false,
      options: {
        [CONFIG_FILE_FLAG]: { type: 'string' },
        ...Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const, multiple: s.kind === 'list' || s.kind === 'intList' }])),
      },
    }).values;
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }

  const configFile = flags[CONFIG_FILE_FLAG] ?? env[CONFIG_FILE_ENV];
  let config: Json = typeof configFile === 'string' && configFile !== '' ? readConfigFile(resolve(cwd, configFile)) : {};
  const fromEnv: Json = {};
  const fromFlags: Json = {};
  for (const setting of SETTINGS) {
    const envValue = env[setting.env];
    if (envValue !== undefined && envValue !== '') setPath(fromEnv, setting.path, convert(setting, envValue, setting.env, cwd));
    const flagValue = flags[setting.flag];
    if (flagValue !== undefined) setPath(fromFlags, setting.path, convert(setting, flagValue as string | string[], `--${setting.flag}`, cwd));
  }
  config = merge(merge(config, fromEnv), fromFlags);
  if (getPath(config, ['dataDir']) === undefined) config['dataDir'] = defaultDataDir(env);
  if (getPath(config, ['readers', 'backend']) === undefined) setPath(config, ['readers', 'backend'], (options.defaultBackend ?? detectDefaultBackend)());

  if (!validate(config)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(top level)'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params['additionalProperty'])}` : ''}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  checkOrigins(config.cors.allowedOrigins);
  return config;
}
