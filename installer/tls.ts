import { X509Certificate } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { loadOrMintTls } from '../connector/tls/index.js';
import type { InstallPaths } from './paths.js';
import { readRecord, writeRecord, type InstallRecord } from './record.js';
import { trustCa, untrustCa } from './trust/index.js';

export interface TlsState {
  readonly caCertPath: string;
  readonly caFingerprint: string;
  readonly leafNotAfter: string;
  readonly daysLeft: number;
  /** True when this call minted a new CA and leaf (and moved the trust to the new CA). */
  readonly renewed: boolean;
}

const DAY_MS = 86_400_000;

/**
 * The connector's TLS material, as the connector itself keeps it (connector/tls: a name-constrained CA whose key is
 * dropped after issuing one leaf ≤ 2 years, renewed 30 days before expiry). When it was renewed, the old CA
 * leaves every store the record lists and the new one is trusted in the same kinds of stores; the record follows.
 */
export async function ensureTls(paths: InstallPaths, now = new Date()): Promise<TlsState> {
  const files = await loadOrMintTls(paths.connectorDataDir, now);
  // owner-only like everything else of the installation (the connector writes the certificates 0644)
  await Promise.all([files.caCertPath, files.certPath, files.keyPath].map((f) => chmod(f, 0o600)));
  const ca = new X509Certificate(files.caPem);
  const leaf = new X509Certificate(files.certPem);
  const record = await readRecord(paths.recordFile);
  if (files.minted && record) {
    const problems = await untrustCa(record.trust);
    if (problems.length > 0) throw new Error(`renewing the TLS CA: could not remove the old one: ${problems.join('; ')}`);
    const trust = await trustCa(files.caCertPath, { home: paths.xdg.home, configHome: paths.xdg.configHome, systemTrust: record.systemTrust, systemRoot: record.systemRoot });
    const renewed: InstallRecord = { ...record, trust, caFingerprint: ca.fingerprint256 };
    await writeRecord(paths.recordFile, renewed);
  }
  return {
    caCertPath: files.caCertPath,
    caFingerprint: ca.fingerprint256,
    leafNotAfter: new Date(leaf.validTo).toISOString(),
    daysLeft: Math.floor((Date.parse(leaf.validTo) - now.getTime()) / DAY_MS),
    renewed: files.minted,
  };
}
