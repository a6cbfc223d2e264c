import { readFileSync, rmSync } from 'node:fs';
import { runConnector } from '../connector/main.js';
import { installPaths } from './paths.js';
import { writePrivate } from './private-fs.js';
import { ensureTls } from './tls.js';

/** Removes the pid file when it still names this process (a newer instance may have replaced it). */
function dropPidFile(pidFile: string): void {
  try {
    if (readFileSync(pidFile, 'utf8').trim() === String(process.pid)) rmSync(pidFile);
  } catch {
    // already gone
  }
}

/**
 * `t1c-lab connector serve --config FILE`: what the service manager (or the desktop's autostart) runs. Records its
 * pid, so status and uninstall find it whoever started it; renews the TLS material when its leaf nears expiry
 * (moving the trust to the new CA) before the connector loads it; then runs the connector until SIGTERM/SIGINT.
 */
export async function serveInstalled(args: readonly string[], stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  process.umask(0o077); // whatever started it (XDG autostart has no UMask=), files it creates are owner-only
  const paths = installPaths(process.env);
  await writePrivate(paths.pidFile, `${process.pid}\n`);
  try {
    try {
      const tls = await ensureTls(paths);
      if (tls.renewed) stderr.write(`t1c-lab connector: new TLS certificate until ${tls.leafNotAfter}, CA ${tls.caFingerprint} trusted\n`);
    } catch (e) {
      stderr.write(`t1c-lab connector: TLS renewal failed, starting with what is there: ${(e as Error).message}\n`);
    }
    return await runConnector(args);
  } finally {
    dropPidFile(paths.pidFile);
  }
}
