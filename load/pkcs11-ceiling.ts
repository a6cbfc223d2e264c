import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PKCS11 } from 'pkcs11js';
import { initializeWithConf, loadPkcs11js, slotByLabel, TOKEN_KEYS } from '../simulators/hsm/index.js';
import type { CeilingResult } from './card-ceiling.js';
import { SIGN_DIGEST_BASE64 } from './scenarios.js';
import { round3, summarize } from './stats.js';
import type { LoadToken } from './target.js';

/** SHA-256 DigestInfo prefix (PKCS#1 v1.5): CKM_RSA_PKCS signs DigestInfo ‖ hash, as the connector sends it. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export type TokenKeyType = 'rsa' | 'ec';

/** RSA or EC, from the token's label (the lab's tokens say "RSA-2048", "EC P-256", "EC P-384"). */
export function tokenKeyType(label: string): TokenKeyType | null {
  if (/\bRSA\b/i.test(label)) return 'rsa';
  if (/\bEC\b|ECDSA|P-\d{3}/i.test(label)) return 'ec';
  return null;
}

/** The SoftHSM config a lab wrote (`softhsm2.conf` somewhere under its directory), or null. */
export function findSoftHsmConf(dir: string, depth = 3): string | null {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const entry of entries) if (entry.isFile() && entry.name === 'softhsm2.conf') return path.join(dir, entry.name);
  if (depth === 0) return null;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const found = findSoftHsmConf(path.join(dir, entry.name), depth - 1);
    if (found) return found;
  }
  return null;
}

const NON_REPUDIATION_ID = Buffer.from(TOKEN_KEYS.find((k) => k.role === 'nonRepudiation')!.id, 'hex');

/**
 * The PKCS#11 ceiling: raw C_SignInit + C_Sign (with the context-specific login a CKA_ALWAYS_AUTHENTICATE key
 * needs, the PKCS#11 twin of the BeID's VERIFY before each signature) on the token's non-repudiation key,
 * one session logged in once, for `durationS` — no connector, no HTTP.
 */
export async function measurePkcs11Ceiling(label: string, token: LoadToken, keyType: TokenKeyType, durationS: number, softHsmConf: string | null): Promise<CeilingResult> {
  const p = await loadPkcs11js();
  const native: PKCS11 = new p.PKCS11();
  native.load(token.module);
  initializeWithConf(native, softHsmConf);
  try {
    const slot = slotByLabel(native, token.label);
    const session = native.C_OpenSession(slot, p.CKF_SERIAL_SESSION);
    try {
      native.C_Login(session, p.CKU_USER, token.pin);
      native.C_FindObjectsInit(session, [
        { type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY },
        { type: p.CKA_ID, value: NON_REPUDIATION_ID },
      ]);
      const key = native.C_FindObjects(session);
      native.C_FindObjectsFinal(session);
      if (!key) throw new Error(`token "${token.label}" has no non-repudiation key`);
      const [always] = native.C_GetAttributeValue(session, key, [{ type: p.CKA_ALWAYS_AUTHENTICATE }]);
      const reLogin = always?.value?.[0] === 1;
      const hash = Buffer.from(SIGN_DIGEST_BASE64, 'base64');
      const data = keyType === 'rsa' ? Buffer.concat([SHA256_DIGEST_INFO, hash]) : hash;
      const mechanism = { mechanism: keyType === 'rsa' ? p.CKM_RSA_PKCS : p.CKM_ECDSA };
      const out = Buffer.alloc(1024);
      const signOnce = (): void => {
        native.C_SignInit(session, mechanism, key);
        if (reLogin) native.C_Login(session, p.CKU_CONTEXT_SPECIFIC, token.pin);
        native.C_Sign(session, data, out);
      };
      signOnce(); // warm-up
      const latencies: number[] = [];
      let failed = 0;
      const started = performance.now();
      const end = started + durationS * 1000;
      while (performance.now() < end && failed <= 50) {
        const t0 = performance.now();
        try {
          signOnce();
          latencies.push(performance.now() - t0);
        } catch {
          failed += 1;
        }
        // C_Sign is synchronous: yield now and then so timers and sockets are served.
        if (latencies.length % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const elapsed = (performance.now() - started) / 1000;
      return { label, cards: 1, ok: latencies.length, failed, durationS: round3(elapsed), throughput: round3(latencies.length / elapsed), latency: summarize(latencies) };
    } finally {
      native.C_CloseSession(session);
    }
  } finally {
    native.C_Finalize();
    native.close();
  }
}
