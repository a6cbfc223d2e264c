import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintTlsMaterial } from '../../connector/tls/index.js';
import { writePrivate } from '../private-fs.js';
import { CA_NAME, trustCa, trustedIn, untrustCa } from './index.js';

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

    const entries = await trustCa(caFile, { home, systemTrust: 'no' });
    const chromium = join(home, '.pki', 'nssdb');
    expect(entries).toEqual([
      { store: 'nss', db: chromium, nickname: CA_NAME },
      { store: 'nss', db: firefox, nickname: CA_NAME },
    ]);
    for (const db of [chromium, firefox]) expect(listed(db)).toMatch(new RegExp(`${CA_NAME}\\s+C,,`));
    expect(await trustedIn(entries)).toEqual(entries);

    expect(await trustCa(caFile, { home, systemTrust: 'no' }), 'installing again replaces, never duplicates').toEqual(entries);
    expect(execFileSync('certutil', ['-d', `sql:${chromium}`, '-L', '-n', CA_NAME, '-a'], { encoding: 'utf8' }).match(/BEGIN CERTIFICATE/g)).toHaveLength(1);

    expect(await untrustCa(entries)).toEqual([]);
    for (const db of [chromium, firefox]) expect(listed(db)).not.toContain(CA_NAME);
    expect(await trustedIn(entries)).toEqual([]);
  });
});
