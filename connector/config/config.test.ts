import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS } from '../readers/index.js';
import { ConfigError } from './errors.js';
import { detectDefaultBackend, loadConfig, type LoadOptions } from './load.js';
import { CONFIG_FILE_ENV, CONFIG_FILE_FLAG, SETTINGS, usage } from './settings.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 't1c-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const load = (options: LoadOptions = {}) => loadConfig({ env: { HOME: '/home/alice' }, cwd: '/work', defaultBackend: () => 'embedded', ...options });

async function configFile(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('loadConfig', () => {
  it('denies by default: loopback only, empty CORS list, JWT unless none is set explicitly', () => {
    expect(load()).toEqual({
      hosts: ['127.0.0.1'],
      port: 51983,
      dataDir: '/home/alice/.local/share/t1c-lab/connector',
      readers: { backend: 'embedded', embedded: { host: '127.0.0.1', ports: [] } },
      bounds: { ...DEFAULT_BOUNDS },
      cors: { allowedOrigins: [] },
      allowedHosts: [],
      auth: { mode: 'jwt' },
      emv: { fullPan: false },
      log: { level: 'info' },
    });
  });

  it('takes the file, then the environment, then flags', async () => {
    const file = await configFile('layers.json', { port: 1111, auth: { mode: 'none' }, log: { level: 'warn' }, cors: { allowedOrigins: ['https://file.example'] } });
    const config = load({
      argv: ['--config', file, '--port', '3333'],
      env: { T1C_PORT: '2222', T1C_LOG_LEVEL: 'debug', T1C_CORS_ALLOWED_ORIGINS: 'https://env.example, http://localhost:8080' },
    });
    expect(config.port).toBe(3333);
    expect(config.log.level).toBe('debug');
    expect(config.auth.mode).toBe('none');
    expect(config.cors.allowedOrigins).toEqual(['https://env.example', 'http://localhost:8080']);
  });

  it('reads emv.fullPan as true or false from the environment and flags, and refuses anything else', () => {
    expect(load({ env: { T1C_EMV_FULL_PAN: 'true' } }).emv.fullPan).toBe(true);
    expect(load({ env: { T1C_EMV_FULL_PAN: 'true' }, argv: ['--emv-full-pan', 'false'] }).emv.fullPan).toBe(false);
    expect(() => load({ env: { T1C_EMV_FULL_PAN: 'yes' } })).toThrow(/T1C_EMV_FULL_PAN: "yes" is not true or false/);
  });

  it('finds the file through T1C_CONFIG and resolves its paths against its own directory', async () => {
    const file = await configFile('paths.json', { dataDir: 'data', tls: { cert: 'c.pem', key: '/abs/k.pem' }, log: { level: 'info', file: 'logs/c.log' } });
    const config = load({ env: { [CONFIG_FILE_ENV]: file } });
    expect(config.dataDir).toBe(join(dir, 'data'));
    expect(config.tls).toEqual({ cert: join(dir, 'c.pem'), key: '/abs/k.pem' });
    expect(config.log.file).toBe(join(dir, 'logs/c.log'));
  });

  it('resolves path flags and variables against the working directory', () => {
    expect(load({ argv: ['--data-dir', 'd'] }).dataDir).toBe('/work/d');
    expect(load({ env: { T1C_DATA_DIR: 'e' } }).dataDir).toBe('/work/e');
    expect(load({ env: { XDG_DATA_HOME: '/xdg' } }).dataDir).toBe('/xdg/t1c-lab/connector');
  });

  it('accepts repeated and comma-separated list flags', () => {
    const config = load({
      argv: ['--host', '127.0.0.1', '--host', '::1', '--embedded-port', '35963,35964', '--backend', 'embedded', '--allowed-host', 'connector.lan', '--allowed-origin', 'https://a.example', '--allowed-origin', 'https://b.example:8443'],
    });
    expect(config.hosts).toEqual(['127.0.0.1', '::1']);
    expect(config.readers.embedded.ports).toEqual([35963, 35964]);
    expect(config.allowedHosts).toEqual(['connector.lan']);
    expect(config.cors.allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
  });

  it('uses the default backend only when none is configured', () => {
    expect(load({ defaultBackend: () => 'pcsc' }).readers.backend).toBe('pcsc');
    expect(load({ defaultBackend: () => 'pcsc', env: { T1C_READERS_BACKEND: 'embedded' } }).readers.backend).toBe('embedded');
    expect(['pcsc', 'embedded']).toContain(detectDefaultBackend());
  });

  it.each([
    ['a non-loopback listen address (NET-01)', { argv: ['--host', '0.0.0.0'] }, /hosts/],
    ['a port out of range', { argv: ['--port', '70000'] }, /port/],
    ['a port that is no number', { env: { T1C_PORT: '80a' } }, /T1C_PORT/],
    ['an unknown flag', { argv: ['--prot', '1'] }, /prot/],
    ['an unknown auth mode', { argv: ['--auth', 'basic'] }, /auth/],
    ['an embedded reader off loopback', { argv: ['--embedded-host', '0.0.0.0'] }, /host/],
    ['a host name with a port', { argv: ['--allowed-host', 'connector.lan:443'] }, /allowedHosts/],
    ['an origin with a path', { argv: ['--allowed-origin', 'https://a.example/app'] }, /exact origin/],
    ['an origin with a trailing slash', { argv: ['--allowed-origin', 'https://a.example/'] }, /exact origin/],
    ['an origin in upper case', { argv: ['--allowed-origin', 'https://A.example'] }, /exact origin/],
    ['the null origin (CORS-03)', { argv: ['--allowed-origin', 'null'] }, /exact origin/],
    ['a wildcard origin', { argv: ['--allowed-origin', '*'] }, /exact origin/],
    ['a non-web scheme', { argv: ['--allowed-origin', 'file:///x'] }, /exact origin/],
    ['a TLS certificate without its key', { argv: ['--tls-cert', 'c.pem'] }, /key/],
    ['a zero queue limit', { argv: ['--queue-limit', '0'] }, /queueLimit/],
  ])('refuses %s with a ConfigError naming it', (_what, options, message) => {
    expect(() => load(options)).toThrow(ConfigError);
    expect(() => load(options)).toThrow(message);
  });

  it('refuses unknown keys and broken files', async () => {
    const typo = await configFile('typo.json', { prot: 1 });
    expect(() => load({ argv: ['--' + CONFIG_FILE_FLAG, typo] })).toThrow(/prot/);
    const nested = await configFile('nested.json', { cors: { allowedOrigin: [] } });
    expect(() => load({ argv: ['--config', nested] })).toThrow(/allowedOrigin/);
    const broken = await configFile('broken.json', '{"port": ');
    expect(() => load({ argv: ['--config', broken] })).toThrow(/not valid JSON/);
    const array = await configFile('array.json', []);
    expect(() => load({ argv: ['--config', array] })).toThrow(/JSON object/);
    expect(() => load({ argv: ['--config', join(dir, 'missing.json')] })).toThrow(/cannot read/);
  });
});

describe('settings table', () => {
  const doc = readFileSync(new URL('../../docs/connector-config.md', import.meta.url), 'utf8');

  it('has one distinct env variable and flag per setting', () => {
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((s) => s.flag)).size).toBe(SETTINGS.length);
    expect(SETTINGS.every((s) => s.env.startsWith('T1C_'))).toBe(true);
  });

  it('is what --help and docs/connector-config.md show', () => {
    for (const s of SETTINGS) {
      expect(usage()).toContain(`--${s.flag}`);
      expect(usage()).toContain(s.env);
      expect(doc, s.env).toContain(`\`${s.env}\``);
      expect(doc, s.flag).toContain(`\`--${s.flag}\``);
      expect(doc, s.path.join('.')).toContain(`\`${s.path.join('.')}\``);
    }
  });
});
