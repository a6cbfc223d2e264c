import { isIP } from 'node:net';
import { connectorHost, connectorTrust, type ConnectorInfo, type DoctorContext } from '../context.js';
import { errorCode, errorMessage, httpRequestOnce } from '../http.js';
import { result, type CheckResult } from '../types.js';

const ID = 'connector.info';
const TITLE = 'connector /info';

/** `t1CInfoAPI` and the runtime of an /info body, or null when it is not a connector's answer. */
export function parseInfo(body: unknown): ConnectorInfo | null {
  const b = body as { t1CInfoAPI?: Record<string, unknown>; t1CInfoRuntime?: Record<string, unknown> } | null;
  const api = b?.t1CInfoAPI;
  if (!api || typeof api['version'] !== 'string') return null;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    version: api['version'],
    jwtEnabled: api['jwtEnabled'] === true,
    modules: strings(api['modules']),
    cors: strings(api['cors']),
    runtime: `${String(b.t1CInfoRuntime?.['runtime'] ?? '?')} ${String(b.t1CInfoRuntime?.['version'] ?? '')}`.trim(),
  };
}

/** `/info` answers over verified TLS with a connector's body: its version, JWT mode and modules. */
export async function checkConnectorInfo(ctx: DoctorContext): Promise<CheckResult> {
  const { options } = ctx;
  const host = connectorHost(options);
  try {
    const answer = await httpRequestOnce({
      url: new URL('/info', options.connectorUrl).toString(),
      ca: connectorTrust(options).pems,
      servername: isIP(host) !== 0 ? options.connectorName : host,
    });
    const info = answer.status === 200 ? parseInfo(answer.body) : null;
    if (!info) return result(ID, 'connector', TITLE, 'problem', `${options.connectorUrl}/info answered ${answer.status} without a connector's body: another program answers on this port`, 'stop the other program or move the connector to another port (t1c-lab connector status shows its port)');
    ctx.facts.info = info;
    return result(ID, 'connector', TITLE, 'ok', `API ${info.version} (${info.runtime}), JWT ${info.jwtEnabled ? 'required' : 'off'}, modules: ${info.modules.join(', ') || 'none'}`);
  } catch (e) {
    return result(ID, 'connector', TITLE, 'n/a', `not asked: ${errorCode(e) === 'ERROR' ? errorMessage(e) : errorCode(e)} (see the checks above)`);
  }
}
