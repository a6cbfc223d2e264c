import { decodeJwt } from 'jose';
import { systemTrust, type DoctorContext } from '../context.js';
import { errorCode, errorMessage, httpRequestOnce, type HttpAnswer } from '../http.js';
import { result, type CheckResult } from '../types.js';

/** The DS token exchange an application's back end calls (docs/ds-contract.md). */
export const DS_TOKEN_PATH = '/v3/tokens/application';
export const DS_JWKS_PATH = '/.well-known/jwks.json';
/** Clock skew limits in seconds: tokens carry nbf = iat − 5 s and connectors allow a small leeway. */
export const SKEW_WARNING_S = 30;
export const SKEW_PROBLEM_S = 60;

const isLoopbackHost = (host: string): boolean => host === 'localhost' || host.startsWith('127.') || host === '[::1]';

/** Skew in seconds between this machine and a server's Date header (positive: this clock is ahead). */
export function clockSkewSeconds(answer: Pick<HttpAnswer, 'headers' | 'sentAt' | 'receivedAt'>): number | null {
  const date = Date.parse(String(answer.headers.date ?? ''));
  if (Number.isNaN(date)) return null;
  // The header has whole seconds: compare with the middle of the round trip, rounded down the same way.
  const local = Math.floor((answer.sentAt + answer.receivedAt) / 2 / 1000) * 1000;
  return Math.round((local - date) / 1000);
}

/**
 * The DS answers from here over HTTPS (plain HTTP only on loopback, as the lab's simulator), and its clock
 * agrees with this machine's (a token's validity is judged by the connector's clock).
 */
export async function checkDs(ctx: DoctorContext): Promise<CheckResult[]> {
  const { dsUrl } = ctx.options;
  if (!dsUrl) {
    const na = 'no Distribution Service given (--ds URL)';
    return [result('ds.reachable', 'ds', 'Distribution Service', 'n/a', na), result('ds.clock', 'ds', 'clock against the DS', 'n/a', na)];
  }
  const url = new URL(dsUrl);
  let answer: HttpAnswer;
  try {
    answer = await httpRequestOnce({ url: new URL(DS_JWKS_PATH, url).toString(), ca: systemTrust().pems });
  } catch (e) {
    const code = errorCode(e);
    const fix =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `have the network resolve ${url.hostname} (or use the DNS servers 8.8.8.8 and 8.8.4.4)`
        : /CERT|SELF_SIGNED|ALTNAME|LEAF_SIGNATURE|ISSUER/.test(code)
          ? `the DS's certificate is not trusted or not valid for ${url.hostname}: a TLS-inspecting proxy must be bypassed for ${url.hostname}, or its CA added to the system store (/usr/local/share/ca-certificates, then sudo update-ca-certificates)`
          : `allow HTTPS traffic from this machine to ${url.origin} (firewall, proxy) and check that the DS runs`;
    return [
      result('ds.reachable', 'ds', 'Distribution Service', 'problem', `${url.origin} does not answer (${code === 'ERROR' ? errorMessage(e) : code}): no tokens, no key set for the connector`, fix),
      result('ds.clock', 'ds', 'clock against the DS', 'n/a', 'not measured: the DS did not answer'),
    ];
  }
  const plain = url.protocol === 'http:';
  const reachable =
    plain && !isLoopbackHost(url.hostname)
      ? result('ds.reachable', 'ds', 'Distribution Service', 'problem', `${url.origin} is plain HTTP: API keys and tokens would cross the network unprotected`, `use the DS's https:// URL`)
      : result('ds.reachable', 'ds', 'Distribution Service', 'ok', `${url.origin} answers (${answer.status})${plain ? ', plain HTTP on loopback (a lab DS; a real one is HTTPS)' : ' over verified HTTPS'}`);
  const skew = clockSkewSeconds(answer);
  const abs = Math.abs(skew ?? 0);
  const direction = (skew ?? 0) > 0 ? 'ahead of' : 'behind';
  const clockFix = 'turn on time synchronisation: sudo timedatectl set-ntp true (Windows: Settings > Time > Sync now)';
  const clock =
    skew === null
      ? result('ds.clock', 'ds', 'clock against the DS', 'warning', 'the DS sent no Date header: skew not measured', 'check this machine\'s clock against a time server (timedatectl)')
      : abs > SKEW_PROBLEM_S
        ? result('ds.clock', 'ds', 'clock against the DS', 'problem', `this clock is ${abs} s ${direction} the DS's: tokens will look ${direction === 'ahead of' ? 'expired' : 'not yet valid'} to the connector (limit ${SKEW_PROBLEM_S} s)`, clockFix)
        : abs > SKEW_WARNING_S
          ? result('ds.clock', 'ds', 'clock against the DS', 'warning', `this clock is ${abs} s ${direction} the DS's (warning above ${SKEW_WARNING_S} s, tokens fail above ${SKEW_PROBLEM_S} s)`, clockFix)
          : result('ds.clock', 'ds', 'clock against the DS', 'ok', `within ${Math.max(abs, 1)} s of the DS's clock`);
  return [reachable, clock];
}

/** Exchanges the API key for a token (`GET /v3/tokens/application`, header `apikey`); the key is never shown. */
export async function checkToken(ctx: DoctorContext): Promise<CheckResult> {
  const { dsUrl, apiKey } = ctx.options;
  const title = 'token exchange';
  if (!dsUrl) return result('ds.token', 'ds', title, 'n/a', 'no Distribution Service given (--ds URL)');
  if (!apiKey) return result('ds.token', 'ds', title, 'n/a', 'no API key given (put it in an environment variable and name it with --api-key-env NAME)');
  const url = new URL(dsUrl);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    return result('ds.token', 'ds', title, 'problem', `not tried: the API key would cross the network in clear text to ${url.origin}`, "use the DS's https:// URL");
  let answer: HttpAnswer;
  try {
    answer = await httpRequestOnce({ url: new URL(DS_TOKEN_PATH, url).toString(), headers: { apikey: apiKey }, ca: systemTrust().pems });
  } catch (e) {
    return result('ds.token', 'ds', title, 'n/a', `not tried: the DS does not answer (${errorCode(e)})`);
  }
  if (answer.status === 401 || answer.status === 403)
    return result('ds.token', 'ds', title, 'problem', `the DS refused the API key (${answer.status}): unknown, revoked or expired`, 'ask the DS operator (Trust1Team, or your own DS) for a valid API key for this application');
  const token = (answer.body as { data?: unknown } | null)?.data;
  if (answer.status !== 200 || typeof token !== 'string')
    return result('ds.token', 'ds', title, 'problem', `the DS answered ${answer.status} without a token`, `check the DS URL (${new URL(dsUrl).origin}${DS_TOKEN_PATH} must exchange API keys)`);
  let lifetime = '';
  try {
    const claims = decodeJwt(token);
    if (typeof claims.exp === 'number') {
      const left = Math.round(claims.exp - Date.now() / 1000);
      if (left <= 0) return result('ds.token', 'ds', title, 'problem', `the DS issued a token that has already expired by this clock (${-left} s ago)`, 'set this machine\'s clock right (sudo timedatectl set-ntp true)');
      lifetime = `, valid ${Math.round(left / 60)} min more`;
    }
  } catch {
    return result('ds.token', 'ds', title, 'problem', 'the DS answered with something that is not a JWT', 'check the DS URL');
  }
  ctx.facts.token = token;
  return result('ds.token', 'ds', title, 'ok', `the API key gets a token${lifetime}`);
}
