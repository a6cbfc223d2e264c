import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBerTlv } from '../protocol/index.js';
import { LEAF_VALIDITY_DAYS, createLocalCa, issueServerCertificate, mintTlsMaterial, type TlsMaterial } from './mint.js';
import { LOOPBACK_DNS_NAMES, LOOPBACK_IPS, NAME_CONSTRAINTS_OID } from './names.js';
import { RENEW_BEFORE_DAYS, loadOrMintTls, tlsPaths } from './store.js';

const DAY_MS = 86_400_000;

/** One TLS handshake against a server holding `cert`/`key`, as a client trusting only `ca`. */
async function handshake(server: { certPem: string; keyPem: string }, ca: string, options: { host: string; servername?: string }): Promise<void> {
  const srv = tls.createServer({ cert: server.certPem, key: server.keyPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => srv.listen(0, options.host, resolve));
  const { port } = srv.address() as { port: number };
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ host: options.host, port, ca, ...(options.servername ? { servername: options.servername } : {}) }, () => {
        socket.end();
        resolve();
      });
      socket.once('error', reject);
    });
  } finally {
    await new Promise((resolve) => srv.close(resolve));
  }
}

let material: TlsMaterial;
let dir: string;
beforeAll(async () => {
  material = await mintTlsMaterial();
  dir = await mkdtemp(join(tmpdir(), 't1c-tls-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('minted TLS material', () => {
  it('has a CA with CRITICAL name constraints permitting only the loopback names', () => {
    const ca = new x509.X509Certificate(material.caPem);
    const ext = ca.getExtension(NAME_CONSTRAINTS_OID);
    expect(ext?.critical).toBe(true);
    const [nameConstraints] = decodeBerTlv(new Uint8Array(ext!.value), { skipPadding: false });
    const permitted = nameConstraints!.children!;
    expect(permitted.map((t) => t.tag)).toEqual([0xa0]);
    const names = permitted[0]!.children!.map((subtree) => subtree.children![0]!);
    expect(names.filter((n) => n.tag === 0x82).map((n) => Buffer.from(n.value).toString('ascii'))).toEqual([...LOOPBACK_DNS_NAMES]);
    expect(names.filter((n) => n.tag === 0x87).map((n) => Buffer.from(n.value).toString('hex'))).toEqual([
      '7f000001ffffffff',
      `${'00'.repeat(15)}01${'ff'.repeat(16)}`,
    ]);
    expect(ca.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: true, critical: true });
  });

  it('has a leaf for the loopback names only, for serverAuth, valid at most LEAF_VALIDITY_DAYS (≤ 2 years)', () => {
    const leaf = new X509Certificate(material.certPem);
    const ca = new X509Certificate(material.caPem);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    for (const name of LOOPBACK_DNS_NAMES) expect(leaf.checkHost(name)).toBe(name);
    for (const ip of LOOPBACK_IPS) expect(leaf.checkIP(ip)).toBe(ip);
    expect(leaf.checkHost('evil.example')).toBeUndefined();
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / DAY_MS;
    expect(days).toBeLessThanOrEqual(LEAF_VALIDITY_DAYS + 1);
    expect(LEAF_VALIDITY_DAYS).toBeLessThanOrEqual(730);
  });

  it.each([
    ['t1c.t1t.io', { host: '127.0.0.1', servername: 't1c.t1t.io' }],
    ['localhost', { host: '127.0.0.1', servername: 'localhost' }],
    ['127.0.0.1', { host: '127.0.0.1' }],
    ['::1', { host: '::1' }],
  ])('passes a real handshake for %s with only the CA trusted', async (_name, options) => {
    await expect(handshake(material, material.caPem, options)).resolves.toBeUndefined();
  });

  it('fails the handshake for a name the leaf does not carry', async () => {
    await expect(handshake(material, material.caPem, { host: '127.0.0.1', servername: 'example.org' })).rejects.toThrow(/altnames|does not match/i);
  });

  it('makes TLS clients refuse a leaf the CA issued for a name outside its constraints', async () => {
    const now = new Date();
    const ca = await createLocalCa(now, new Date(now.getTime() + DAY_MS));
    const evil = await issueServerCertificate(ca, { dnsNames: ['evil.example'], ips: [], now, notAfter: new Date(now.getTime() + DAY_MS) });
    await expect(handshake(evil, ca.certificate.toString('pem'), { host: '127.0.0.1', servername: 'evil.example' })).rejects.toThrow(
      /permitted subtree violation/,
    );
  });
});

describe('loadOrMintTls', () => {
  it('writes the CA, the leaf and an owner-only leaf key, and no CA private key anywhere in the data directory', async () => {
    const dataDir = join(dir, 'first');
    const files = await loadOrMintTls(dataDir);
    expect(files.minted).toBe(true);
    expect(files.caCertPath).toBe(tlsPaths(dataDir).caCertPath);
    expect((await stat(files.keyPath)).mode & 0o777).toBe(0o600);
    const leaf = new X509Certificate(await readFile(files.certPath, 'utf8'));
    const everything = await readdir(dataDir, { recursive: true, withFileTypes: true });
    const privateKeys: string[] = [];
    for (const entry of everything.filter((e) => e.isFile())) {
      const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
      privateKeys.push(...(text.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]+-----END [A-Z ]*PRIVATE KEY-----/g) ?? []));
    }
    expect(privateKeys).toHaveLength(1);
    expect(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(privateKeys[0]!))).toBe(true);
  });

  it('reuses valid material on restart and renews it (new CA) when the leaf nears expiry', async () => {
    const dataDir = join(dir, 'restart');
    const first = await loadOrMintTls(dataDir);
    const again = await loadOrMintTls(dataDir);
    expect(again.minted).toBe(false);
    expect(again.certPem).toBe(first.certPem);
    const nearExpiry = new Date(Date.parse(new X509Certificate(first.certPem).validTo) - (RENEW_BEFORE_DAYS - 1) * DAY_MS);
    const renewed = await loadOrMintTls(dataDir, nearExpiry);
    expect(renewed.minted).toBe(true);
    expect(renewed.caPem).not.toBe(first.caPem);
    expect(await readFile(renewed.caCertPath, 'utf8')).toBe(renewed.caPem);
  });

  it('re-mints when the stored files do not belong together', async () => {
    const dataDir = join(dir, 'mixed');
    const first = await loadOrMintTls(dataDir);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(first.caCertPath, material.caPem);
    expect((await loadOrMintTls(dataDir)).minted).toBe(true);
  });
});
