import { runConnector } from '../connector/main.js';
import { installPaths } from './paths.js';
import { ensureTls } from './tls.js';

/**
 * `t1c-lab connector serve --config FILE`: what the service manager runs. Renews the TLS material when its leaf
 * nears expiry (moving the trust to the new CA) before the connector loads it, then runs the connector.
 */
export async function serveInstalled(args: readonly string[], stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  process.umask(0o077); // whatever started it (XDG autostart has no UMask=), files it creates are owner-only
  try {
    const tls = await ensureTls(installPaths(process.env));
    if (tls.renewed) stderr.write(`t1c-lab connector: new TLS certificate until ${tls.leafNotAfter}, CA ${tls.caFingerprint} trusted\n`);
  } catch (e) {
    stderr.write(`t1c-lab connector: TLS renewal failed, starting with what is there: ${(e as Error).message}\n`);
  }
  return runConnector(args);
}
