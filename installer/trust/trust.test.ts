import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintTlsMaterial } from '../../connector/tls/index.js';
import { writePrivate } from '../private-fs.js';
import { CA_NAME, trustCa, trustedIn, untrustCa } from './index.js';
import { profilesIniPaths } from './nss.js';

const hasCertutil = existsSync('/usr/bin/certutil');
if (process.env['T1C_LAB_STRICT'] === '1' && !hasCertutil) throw new Error('certutil (libnss3-tools) is missing');

let home: string;
let caFile: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 't1c-trust-'));
  caFile = join(home, 'ca.pem');
  await writePrivate(caFile, (await mintTlsMaterial()).caPem);
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const listed = (db: string): string => execFileSync('certutil', ['-d', `sql:${db}`, '-L'], { encoding: 'utf8' });

describe.skipIf(!hasCertutil)('user trust stores', () => {
  it("creates Chromium's database, adds the CA there and to every Firefox profile (TLS servers only), and takes it back out", async () => {
    const firefox = join(home, '.mozilla', 'firefox', 'abcd1234.default-release');
    await mkdir(firefox, { recursive: true });
    execFileSync('certutil', ['-d', `sql:${firefox}`, '-N', '--empty-password']);
    await mkdir(join(home, '.mozilla', 'firefox', 'no-db-profile'), { recursive: true });
    // Firefox 147 and later: new profiles under $XDG_CONFIG_HOME, listed in profiles.ini, no database before the first run
    const configHome = join(home, 'xdg-config');
    const xdgFirefox = join(configHome, 'mozilla', 'firefox', 'wxyz5678.default');
    await mkdir(xdgFirefox, { recursive: true });
    await writeFile(join(configHome, 'mozilla', 'firefox', 'profiles.ini'), '[General]\nStartWithLastProfile=1\n\n[Profile0]\nName=default\nIsRelative=1\nPath=wxyz5678.default\n');

    const entries = await trustCa(caFile, { home, configHome, systemTrust: 'no' });
    const chromium = join(home, '.pki', 'nssdb');
    expect(entries).toEqual([
      { store: 'nss', db: chromium, nickname: CA_NAME },
      { store: 'nss', db: xdgFirefox, nickname: CA_NAME },
      { store: 'nss', db: firefox, nickname: CA_NAME },
    ]);
    for (const db of [chromium, xdgFirefox, firefox]) expect(listed(db)).toMatch(new RegExp(`${CA_NAME}\\s+C,,`));
    expect(existsSync(join(home, '.mozilla', 'firefox', 'no-db-profile', 'cert9.db')), 'a directory no profiles.ini names is left alone').toBe(false);
    expect(await trustedIn(entries)).toEqual(entries);

    expect(await trustCa(caFile, { home, configHome, systemTrust: 'no' }), 'installing again replaces, never duplicates').toEqual(entries);
    expect(execFileSync('certutil', ['-d', `sql:${chromium}`, '-L', '-n', CA_NAME, '-a'], { encoding: 'utf8' }).match(/BEGIN CERTIFICATE/g)).toHaveLength(1);

    expect(await untrustCa(entries)).toEqual([]);
    for (const db of [chromium, xdgFirefox, firefox]) expect(listed(db)).not.toContain(CA_NAME);
    expect(await trustedIn(entries)).toEqual([]);
  });
});

describe('profiles.ini', () => {
  it('names relative and absolute profile paths, and nothing of other sections', () => {
    const ini = '[Install4F96D1932A9F858E]\nDefault=abc.default-esr\n\n[Profile1]\nName=work\nIsRelative=0\nPath=/srv/ff/work\n\n[Profile0]\nName=default-esr\nIsRelative=1\nPath=abc.default-esr\nDefault=1\n\n[General]\nVersion=2\n';
    expect(profilesIniPaths('/home/u/.config/mozilla/firefox', ini)).toEqual(['/srv/ff/work', '/home/u/.config/mozilla/firefox/abc.default-esr']);
    expect(profilesIniPaths('/x', '')).toEqual([]);
  });
});
