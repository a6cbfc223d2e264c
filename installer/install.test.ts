import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserExecutable, launchSdkBrowser } from '../conformance/support/browser/index.js';
import { startDs, type RunningDs } from '../simulators/ds/index.js';
import { initializeSdk } from '../conformance/sdk/sdk-page.js';
import { addOrigin, listOrigins, removeOrigin } from './cors.js';
import { installConnector, type InstallResult } from './install.js';
import { installPaths, type InstallPaths } from './paths.js';
import { probe, waitForInfo } from './probe.js';
import { stopDetached } from './service/detached.js';
import { readLogs } from './logs.js';
import { packageRoot } from './stage.js';
import { connectorStatus } from './status.js';
import { systemStoreAt } from './trust/system.js';
import { CA_NAME } from './trust/index.js';
import { uninstallConnector } from './uninstall.js';

/**
 * Issue 13 acceptance: in a throwaway HOME with its own XDG directories (and a throwaway system trust store), install
 * → the service answers with a certificate Chromium trusts through that HOME's NSS database, and Firefox through its
 * profile's (issue 23: a profile Firefox made where it makes them now, $XDG_CONFIG_HOME/mozilla/firefox, before
 * it ever ran) → `cors add` lets a new origin in without a restart (a real preflight) → uninstall → no process, no
 * file in the XDG locations, no certificate in any store, no autostart entry.
 */
const strict = process.env['T1C_LAB_STRICT'] === '1';
const onPath = (program: string): boolean => ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((d) => existsSync(join(d, program)));
const missing = [
  ...['certutil', 'update-ca-certificates', 'openssl'].filter((p) => !onPath(p)),
  ...(existsSync(browserExecutable('chromium')) ? [] : ['chromium']),
  ...(existsSync(browserExecutable('firefox')) ? [] : ['firefox-esr']),
  ...(existsSync(join(packageRoot(), 'dist', 'installer', 'install.js')) ? [] : ['dist/ (npm run build)']),
];
if (strict && missing.length > 0) throw new Error(`issue 13 acceptance needs ${missing.join(', ')}`);

const APP_ORIGIN = 'https://rmc.t1c-lab.test';
const DS_ORIGIN = 'https://ds-synced.t1c-lab.test';
const CONNECTOR = 'https://t1c.t1t.io';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port === 51983 ? freePort() : port));
    });
  });
}

/** Every path under `dir` with its mode bits. */
async function modes(dir: string): Promise<Array<{ path: string; dir: boolean; mode: number }>> {
  const out: Array<{ path: string; dir: boolean; mode: number }> = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    out.push({ path, dir: entry.isDirectory(), mode: (await stat(path)).mode & 0o777 });
  }
  return out;
}

let root: string;
let env: NodeJS.ProcessEnv;
let paths: InstallPaths;
let systemRoot: string;
let installed: InstallResult;
let ds: RunningDs | undefined;
let firefoxProfile: string;

beforeAll(async () => {
  if (missing.length > 0) return;
  root = await mkdtemp(join(tmpdir(), 't1c-install-'));
  const home = join(root, 'home');
  env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), XDG_STATE_HOME: join(home, '.local', 'state') };
  delete env['XDG_RUNTIME_DIR'];
  delete env['DBUS_SESSION_BUS_ADDRESS'];
  paths = installPaths(env);
  // the user's Firefox profile, as `firefox -CreateProfile` (or a first start) leaves it: no certificate database yet
  execFileSync(browserExecutable('firefox'), ['--headless', '-CreateProfile', 'default'], { env, stdio: 'ignore' });
  const profilesRoot = join(paths.xdg.configHome, 'mozilla', 'firefox');
  firefoxProfile = join(profilesRoot, readdirSync(profilesRoot).find((d) => d.endsWith('.default'))!);
  systemRoot = join(root, 'system');
  const store = systemStoreAt(systemRoot);
  for (const d of [store.localCertsDir, store.certsDir, store.etcCertsDir, store.hooksDir]) await mkdir(d, { recursive: true });
  // one CA of the distribution, as on a real machine (update-ca-certificates keeps an empty bundle's old content)
  const distributed = readdirSync('/usr/share/ca-certificates/mozilla').find((f) => f.endsWith('.crt'))!;
  await mkdir(join(store.certsDir, 'mozilla'), { recursive: true });
  await copyFile(join('/usr/share/ca-certificates/mozilla', distributed), join(store.certsDir, 'mozilla', distributed));
  await writeFile(store.certsConf, `mozilla/${distributed}\n`);
  // the connector as a partner deploys it: JWT from a Distribution Service, which also syncs origins to it
  ds = await startDs({ applications: [{ name: 'portal', origins: [DS_ORIGIN] }] });
  const credentialFile = join(root, 'ds-credential');
  await writeFile(credentialFile, ds.connectorCredential, { mode: 0o600 });
  const config = join(root, 'admin-config.json');
  await writeFile(
    config,
    JSON.stringify({
      auth: { mode: 'jwt' },
      ds: { url: ds.url, credentialFile: 'ds-credential' },
      readers: { backend: 'embedded' },
      log: { level: 'debug' },
      cors: { allowedOrigins: ['https://configured.t1c-lab.test'] },
    }),
  );
  installed = await installConnector({ env, configFile: config, port: await freePort(), systemTrust: 'yes', systemRoot });
}, 120_000);

afterAll(async () => {
  if (missing.length > 0) return;
  await uninstallConnector({ env }).catch(() => undefined);
  await ds?.stop();
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(missing.length > 0)(`connector install → trust → cors add → uninstall (skipped when ${missing.join(', ') || 'nothing'} is missing)`, () => {
  it('installs for the user: running, answering /info, with owner-only XDG files, the CA in the NSS and system stores', async () => {
    expect(installed.service).toBe(existsSync('/run/systemd/system') ? installed.service : 'autostart');
    expect(existsSync(installed.service === 'systemd' ? paths.systemdUnit : paths.autostartEntry)).toBe(true);
    const status = await connectorStatus(env);
    expect(status).toMatchObject({ installed: true, running: true, port: installed.port, version: expect.any(String), readers: null, ds: { url: ds!.url, state: 'reachable', syncedOrigins: 1 } });
    expect(status.tls!.trustedIn).toEqual([`nss:${join(paths.xdg.home, '.pki', 'nssdb')}`, `nss:${firefoxProfile}`, `system:${join(systemStoreAt(systemRoot).localCertsDir, `${CA_NAME}.crt`)}`]);
    expect(status.tls!.daysLeft).toBeGreaterThan(300);
    expect(status.tls!.daysLeft).toBeLessThanOrEqual(730);
    // the system store's bundle now carries the CA
    const ca = readFileSync(join(paths.connectorDataDir, 'tls', 'ca.pem'), 'utf8').trim();
    expect(readFileSync(join(systemStoreAt(systemRoot).etcCertsDir, 'ca-certificates.crt'), 'utf8')).toContain(ca);

    for (const top of [paths.configDir, paths.dataDir, paths.stateDir]) {
      expect((await stat(top)).mode & 0o777, top).toBe(0o700);
      for (const entry of (await modes(top)).filter((e) => !e.path.startsWith(`${paths.appDir}/`))) {
        expect(entry.mode, entry.path).toBe(entry.dir ? 0o700 : 0o600);
      }
    }
    // footprint: a production build within the seed's 40-50 MB, reported by status
    expect(status.installedBytes).toBe(installed.footprint.bytes);
    expect(installed.footprint.bytes).toBeLessThan(50 * 1024 * 1024);
    expect(existsSync(join(paths.appDir, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(paths.appDir, 'node_modules', 'fastify'))).toBe(true);
    console.log(`[issue 13] ${installed.service}: first /info ${installed.coldStartMs} ms after start; installed size ${(installed.footprint.bytes / 1_048_576).toFixed(1)} MB`);
  });

  it('is trusted by Chromium through the NSS database alone; cors add lets a new origin in without a restart', async () => {
    const untrusting = await launchSdkBrowser('chromium', { home: await mkdtemp(join(root, 'other-home-')), origins: [APP_ORIGIN] });
    try {
      const { page } = await untrusting.openPage(APP_ORIGIN);
      const refused = await page.evaluate(async (url) => fetch(url).then(() => 'ok', (e: Error) => e.message), `${CONNECTOR}:${installed.port}/info`);
      expect(refused, 'a browser without the CA in its NSS database refuses the certificate').not.toBe('ok');
    } finally {
      await untrusting.close();
    }

    const browser = await launchSdkBrowser('chromium', { home: paths.xdg.home, origins: [APP_ORIGIN] });
    try {
      const { page } = await browser.openPage(APP_ORIGIN);
      const pidBefore = readFileSync(paths.pidFile, 'utf8');
      const before = await initializeSdk(page, CONNECTOR, installed.port);
      expect(before.ok, 'the origin is not on the allow-list yet').toBe(false);

      expect(await addOrigin(paths, APP_ORIGIN)).toBe('applied');
      expect(await listOrigins(paths)).toEqual([
        { origin: 'https://configured.t1c-lab.test', source: 'config' },
        { origin: APP_ORIGIN, source: 'user' },
        { origin: DS_ORIGIN, source: 'ds' },
      ]);
      await expect(removeOrigin(paths, DS_ORIGIN)).rejects.toThrow(/comes from the Distribution Service/);

      const after = await initializeSdk(page, CONNECTOR, installed.port);
      expect(after).toMatchObject({ ok: true, value: { version: expect.any(String) } });
      expect(readFileSync(paths.pidFile, 'utf8'), 'no restart').toBe(pidBefore);
    } finally {
      await browser.close();
    }
  });

  it("is trusted by Firefox through the user's profile, which install gave a certificate database holding the CA", async () => {
    const browser = await launchSdkBrowser('firefox', { home: paths.xdg.home, origins: [APP_ORIGIN] });
    try {
      const { page } = await browser.openPage(APP_ORIGIN);
      // no-cors: whatever the allow-list says, the request settles only if the TLS handshake succeeded
      const answered = await page.evaluate(async (url) => fetch(url, { mode: 'no-cors' }).then(() => 'reached', (e: Error) => e.message), `${CONNECTOR}:${installed.port}/info`);
      expect(answered, 'Firefox reaches /info over TLS it trusts').toBe('reached');
    } finally {
      await browser.close();
    }
  });

  it('answers a real Chromium preflight for an origin once `cors add` put it on the list, without a restart', async () => {
    // The page comes from a real local server and nothing is intercepted: every preflight below is Chromium's own,
    // reaching the connector.
    const site = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
    const browser = await launchSdkBrowser('chromium', { home: paths.xdg.home, origins: [APP_ORIGIN] });
    try {
      const blank = await browser.blankPage();
      const { page } = blank;
      await page.goto(`${origin}/`);
      const nonSimpleGet = (): Promise<number | string> =>
        page.evaluate(
          async (url) => fetch(url, { headers: { 'Content-Type': 'application/json' } }).then((r) => r.status, (e: Error) => e.message),
          `${CONNECTOR}:${installed.port}/info`,
        );
      const pidBefore = readFileSync(paths.pidFile, 'utf8');
      const since = Date.now(); // preflights of the tests before (a page served by interception) are not this one's
      expect(typeof (await nonSimpleGet()), 'refused before cors add').toBe('string');
      expect(await addOrigin(paths, origin)).toBe('applied');
      expect(await nonSimpleGet()).toBe(200);
      expect(readFileSync(paths.pidFile, 'utf8'), 'no restart').toBe(pidBefore);

      const log = await readLogs(paths.logFile, { since });
      const preflights = log.filter((l) => l.raw.includes('"method":"OPTIONS"')).map((l) => (JSON.parse(l.raw) as { reqId: string }).reqId);
      const statuses = preflights.map((id) => (JSON.parse(log.find((l) => l.raw.includes(`"reqId":"${id}"`) && l.msg === 'request completed')!.raw) as { res: { statusCode: number } }).res.statusCode);
      expect(statuses, 'the connector refused the first preflight and allowed the second').toEqual([403, 204]);

      expect(await removeOrigin(paths, origin)).toBe('applied');
      expect(typeof (await nonSimpleGet()), 'refused again after cors remove').toBe('string');
      await expect(removeOrigin(paths, 'https://configured.t1c-lab.test')).rejects.toThrow(/installed configuration/);
      await blank.close();
    } finally {
      await browser.close();
      await new Promise((resolve) => site.close(resolve));
    }
  });

  it.skipIf(existsSync('/run/systemd/system'))('(XDG autostart) starts from the autostart entry as the desktop does at login, and status and uninstall find that process', async () => {
    await stopDetached(paths.pidFile, paths.appDir);
    expect((await connectorStatus(env)).running).toBe(false);
    const exec = /^Exec=(.*)$/m.exec(readFileSync(paths.autostartEntry, 'utf8'))![1]!;
    expect(exec, 'no desktop-entry escapes to undo for sh in this HOME').not.toMatch(/%|\\/);
    const login = spawn('/bin/sh', ['-c', `exec ${exec}`], { detached: true, stdio: 'ignore', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
    login.unref();
    const ca = readFileSync(join(paths.connectorDataDir, 'tls', 'ca.pem'), 'utf8');
    await waitForInfo(installed.port, ca, { since: Date.now(), timeoutMs: 15_000, alive: () => login.exitCode === null });
    expect(readFileSync(paths.pidFile, 'utf8').trim()).toBe(String(login.pid));
    expect((await connectorStatus(env)).running).toBe(true);
  });

  it('uninstalls to nothing: no process, no file in the XDG locations, no certificate in any store, no autostart entry', async () => {
    const pid = Number(readFileSync(paths.pidFile, 'utf8'));
    const ca = readFileSync(join(paths.connectorDataDir, 'tls', 'ca.pem'), 'utf8');
    const result = await uninstallConnector({ env });
    expect(result.problems).toEqual([]);

    expect(existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '', 'the connector process is gone').toBe(false);
    await expect(probe(installed.port, '/info', ca, 1_000)).rejects.toThrow();
    for (const gone of [paths.configDir, paths.dataDir, paths.stateDir, paths.autostartEntry, paths.systemdUnit]) expect(existsSync(gone), gone).toBe(false);

    for (const nssdb of [join(paths.xdg.home, '.pki', 'nssdb'), firefoxProfile]) expect(execFileSync('certutil', ['-d', `sql:${nssdb}`, '-L'], { encoding: 'utf8' })).not.toContain(CA_NAME);
    const store = systemStoreAt(systemRoot);
    expect(await readdir(store.localCertsDir)).toEqual([]);
    expect(readFileSync(join(store.etcCertsDir, 'ca-certificates.crt'), 'utf8')).not.toContain(ca.trim());
    expect((await readdir(store.etcCertsDir)).filter((f) => f.includes(CA_NAME))).toEqual([]);
    expect((await connectorStatus(env)).installed).toBe(false);
  });
});
