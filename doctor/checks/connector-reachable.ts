import { connect } from 'node:net';
import { connectorHost, type DoctorContext } from '../context.js';
import { errorCode } from '../http.js';
import { result, type CheckResult } from '../types.js';

const ID = 'connector.reachable';
const TITLE = 'connector port';

/** Opens a TCP connection; resolves with null when it connects, else the error code. */
export function tcpConnect(host: string, port: number, timeoutMs = 3_000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (e) => resolve(errorCode(e)));
  });
}

export function connectorPort(url: string): number {
  const u = new URL(url);
  return u.port === '' ? 443 : Number(u.port);
}

/** Something listens on the connector's address and port. */
export async function checkConnectorReachable(ctx: DoctorContext): Promise<CheckResult> {
  const host = connectorHost(ctx.options);
  const port = connectorPort(ctx.options.connectorUrl);
  const failed = await tcpConnect(host, port);
  if (failed === null) return result(ID, 'connector', TITLE, 'ok', `${host}:${port} accepts connections`);
  if (failed === 'ECONNREFUSED')
    return result(ID, 'connector', TITLE, 'problem', `nothing listens on ${host}:${port}: the connector is not running (or uses another port)`, 'start it: t1c-lab connector status shows an installed connector (t1c-lab connector install sets it to start at login); or pass its URL with --connector');
  if (failed === 'ENOTFOUND' || failed === 'EAI_AGAIN')
    return result(ID, 'connector', TITLE, 'problem', `${host} does not resolve here (${failed})`, `see "name resolution" above: add "127.0.0.1 ${host}" to /etc/hosts or allow the name on the resolver`);
  return result(ID, 'connector', TITLE, 'problem', `cannot connect to ${host}:${port} (${failed})`, 'check that the connector runs and that no firewall blocks loopback connections');
}
