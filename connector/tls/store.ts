import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOOPBACK_DNS_NAMES, LOOPBACK_IPS } from './names.js';
import { mintTlsMaterial, type TlsMaterial } from './mint.js';

const DAY_MS = 86_400_000;
/** A leaf closer to expiry than this is replaced (with a new CA) at start. */
export const RENEW_BEFORE_DAYS = 30;

export interface TlsFiles extends TlsMaterial {
  /** The CA certificate clients trust (reported as `caCert` in the ready line). */
  readonly caCertPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** True when this start minted new material (clients must trust the new CA). */
  readonly minted: boolean;
}

/** Where the minted material lives: `<dataDir>/tls/{ca.pem, server.pem, server-key.pem}`. */
export function tlsPaths(dataDir: string): { dir: string; caCertPath: string; certPath: string; keyPath: string } {
  const dir = join(dataDir, 'tls');
  return { dir, caCertPath: join(dir, 'ca.pem'), certPath: join(dir, 'server.pem'), keyPath: join(dir, 'server-key.pem') };
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** True when stored material is whole, consistent and valid for at least RENEW_BEFORE_DAYS more. */
export function isReusable(material: TlsMaterial, now: Date): boolean {
  try {
    const ca = new X509Certificate(material.caPem);
    const leaf = new X509Certificate(material.certPem);
    const key = createPrivateKey(material.keyPem);
    const from = Date.parse(leaf.validFrom);
    const to = Date.parse(leaf.validTo);
    return (
      ca.ca &&
      leaf.verify(ca.publicKey) &&
      leaf.checkPrivateKey(key) &&
      from <= now.getTime() &&
      to - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS &&
      LOOPBACK_DNS_NAMES.every((name) => leaf.checkHost(name) === name) &&
      LOOPBACK_IPS.every((ip) => leaf.checkIP(ip) !== undefined)
    );
  } catch {
    return false;
  }
}

/**
 * The connector's TLS material: reused from the data directory while valid, else minted afresh (new CA,
 * new leaf; the CA key is never written anywhere). The server key is owner-only (0600).
 */
export async function loadOrMintTls(dataDir: string, now = new Date()): Promise<TlsFiles> {
  const paths = tlsPaths(dataDir);
  const [caPem, certPem, keyPem] = await Promise.all([readIfPresent(paths.caCertPath), readIfPresent(paths.certPath), readIfPresent(paths.keyPath)]);
  if (caPem !== undefined && certPem !== undefined && keyPem !== undefined) {
    const stored = { caPem, certPem, keyPem };
    if (isReusable(stored, now)) return { ...stored, ...paths, minted: false };
  }
  const material = await mintTlsMaterial(now);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await writeFile(paths.keyPath, material.keyPem, { mode: 0o600 });
  await chmod(paths.keyPath, 0o600);
  await writeFile(paths.certPath, material.certPem, { mode: 0o644 });
  await writeFile(paths.caCertPath, material.caPem, { mode: 0o644 });
  return { ...material, ...paths, minted: true };
}
