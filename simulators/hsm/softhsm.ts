import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Debian's SoftHSM2 PKCS#11 module and its token tool (package `softhsm2`). */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const SOFTHSM_UTIL = 'softhsm2-util';
export const SOFTHSM_CONF_ENV = 'SOFTHSM2_CONF';

export function softHsmInstalled(): boolean {
  return existsSync(SOFTHSM_MODULE) && ['/usr/bin', '/usr/local/bin', '/bin'].some((dir) => existsSync(path.join(dir, SOFTHSM_UTIL)));
}

/** One run's SoftHSM: a private config file naming a private token directory (lab-recipe.md "SoftHSM2 + pkcs11js"). */
export interface SoftHsmDir {
  readonly dir: string;
  readonly confPath: string;
  readonly tokenDir: string;
  /** The environment a process needs to see these tokens (SoftHSM reads it at C_Initialize). */
  readonly env: Readonly<Record<typeof SOFTHSM_CONF_ENV, string>>;
}

/** Creates `dir` afresh (any previous tokens in it are removed) with its config and an empty token directory. */
export function createSoftHsmDir(dir: string): SoftHsmDir {
  rmSync(dir, { recursive: true, force: true });
  const tokenDir = path.join(dir, 'tokens');
  mkdirSync(tokenDir, { recursive: true, mode: 0o700 });
  const confPath = path.join(dir, 'softhsm2.conf');
  writeFileSync(confPath, [`directories.tokendir = ${tokenDir}`, 'objectstore.backend = file', 'log.level = ERROR', 'slots.removable = false', ''].join('\n'), { mode: 0o600 });
  return { dir, confPath, tokenDir, env: { [SOFTHSM_CONF_ENV]: confPath } };
}

export function removeSoftHsmDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `softhsm2-util --init-token --free`: a new token with its label, user PIN and SO PIN. Resolves when the tool exits. */
export function initToken(hsm: SoftHsmDir, token: { label: string; pin: string; soPin: string }): Promise<void> {
  const args = ['--init-token', '--free', '--label', token.label, '--pin', token.pin, '--so-pin', token.soPin];
  return new Promise((resolve, reject) => {
    execFile(SOFTHSM_UTIL, args, { env: { ...process.env, ...hsm.env }, timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${SOFTHSM_UTIL} --init-token "${token.label}" failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}
