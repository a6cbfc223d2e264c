import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENEW_BEFORE_DAYS } from '../connector/tls/index.js';
import { installPaths, type InstallPaths } from './paths.js';
import { mkdirPrivate } from './private-fs.js';
import { readRecord, writeRecord } from './record.js';
import { ensureTls } from './tls.js';
import { CA_NAME, trustCa } from './trust/index.js';

const hasCertutil = existsSync('/usr/bin/certutil');
if (process.env['T1C_LAB_STRICT'] === '1' && !hasCertutil) throw new Error('certutil (libnss3-tools) is missing');

let root: string;
let paths: InstallPaths;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 't1c-renew-'));
  paths = installPaths({ HOME: root, XDG_CONFIG_HOME: join(root, 'c'), XDG_DATA_HOME: join(root, 'd'), XDG_STATE_HOME: join(root, 's') });
  await mkdirPrivate(paths.connectorDataDir);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The certificate NSS holds under the CA's nickname, as PEM. */
function nssCa(): string {
  return execFileSync('certutil', ['-d', `sql:${join(root, '.pki', 'nssdb')}`, '-L', '-n', CA_NAME, '-a'], { encoding: 'utf8' });
}

describe.skipIf(!hasCertutil)('TLS renewal of an installation', () => {
  it('keeps a valid leaf, and near expiry mints a new CA and leaf and moves the NSS trust to the new CA', async () => {
    const first = await ensureTls(paths);
    expect(first.daysLeft).toBeGreaterThan(RENEW_BEFORE_DAYS);
    for (const file of ['ca.pem', 'server.pem', 'server-key.pem']) expect((await stat(join(paths.connectorDataDir, 'tls', file))).mode & 0o777).toBe(0o600);
    const trust = await trustCa(first.caCertPath, { home: root, systemTrust: 'no' });
    await writeRecord(paths.recordFile, { version: 1, installedAt: new Date().toISOString(), appVersion: '0', port: 1, service: 'autostart', caFingerprint: first.caFingerprint, trust, systemTrust: 'no', systemRoot: '/' });
    expect(new X509Certificate(nssCa()).fingerprint256).toBe(first.caFingerprint);

    expect((await ensureTls(paths)).renewed).toBe(false);

    const nearExpiry = new Date(Date.parse(first.leafNotAfter) - (RENEW_BEFORE_DAYS - 1) * 86_400_000);
    const renewed = await ensureTls(paths, nearExpiry);
    expect(renewed.renewed).toBe(true);
    expect(renewed.caFingerprint).not.toBe(first.caFingerprint);
    expect(new X509Certificate(nssCa()).fingerprint256, 'NSS now holds the new CA, and only it').toBe(renewed.caFingerprint);
    expect(nssCa().match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    expect((await readRecord(paths.recordFile))!.caFingerprint).toBe(renewed.caFingerprint);
    expect(readFileSync(renewed.caCertPath, 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
