import { isIP } from 'node:net';
import { connectorHost, connectorTrust, type DoctorContext } from '../context.js';
import { errorCode, httpRequestOnce } from '../http.js';
import { result, type CheckResult } from '../types.js';

const ID = 'cors.origin';
const TITLE = 'CORS allow-list';

/**
 * A real preflight, as a browser sends before the SDK's first call: OPTIONS with Origin and
 * Access-Control-Request-Method/-Headers; the origin is allowed when the answer echoes it.
 */
export async function checkCors(ctx: DoctorContext): Promise<CheckResult> {
  const { options } = ctx;
  if (!options.origin) return result(ID, 'cors', TITLE, 'n/a', 'no origin given (--origin https://app.example.org: the web application\'s origin)');
  const origin = options.origin;
  const host = connectorHost(options);
  let status: number;
  let allowOrigin: string | undefined;
  try {
    const answer = await httpRequestOnce({
      url: new URL('/v3/readers', options.connectorUrl).toString(),
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      ca: connectorTrust(options).pems,
      servername: isIP(host) !== 0 ? options.connectorName : host,
    });
    status = answer.status;
    const header = answer.headers['access-control-allow-origin'];
    allowOrigin = Array.isArray(header) ? header[0] : header;
  } catch (e) {
    return result(ID, 'cors', TITLE, 'n/a', `not asked: the connector does not answer over verified TLS (${errorCode(e)})`);
  }
  if (status < 300 && allowOrigin === origin) return result(ID, 'cors', TITLE, 'ok', `the preflight from ${origin} is allowed (${status})`);
  const listed = ctx.facts.info?.cors;
  return result(
    ID,
    'cors',
    TITLE,
    'problem',
    `the connector refuses ${origin} (preflight ${status}, Access-Control-Allow-Origin ${allowOrigin ?? 'absent'})${listed ? `; its list: ${listed.join(', ') || 'empty'}` : ''}`,
    `add the exact origin (scheme, host, port): t1c-lab connector cors add ${origin} — or, with a DS, register it for the application at the DS (the connector syncs the list)`,
  );
}
