import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON, or the text when it is not JSON. */
  readonly body: unknown;
  /** When the request was sent and the answer's headers arrived (ms since the epoch). */
  readonly sentAt: number;
  readonly receivedAt: number;
}

export interface HttpRequest {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** CA certificates (PEM) trusted for an https URL; absent: Node's default store. */
  readonly ca?: readonly string[];
  /** The name the certificate is checked against when the URL's host is an IP literal. */
  readonly servername?: string;
  readonly timeoutMs?: number;
}

/**
 * One HTTP(S) request without a proxy and without connection reuse; TLS always verified (the certificate must
 * chain to `ca` and be valid for the host, or for `servername` when the host is an IP literal).
 */
export function httpRequestOnce(req: HttpRequest): Promise<HttpAnswer> {
  const url = new URL(req.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const https = url.protocol === 'https:';
  const timeoutMs = req.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const sentAt = Date.now();
    const options = {
      host,
      port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: req.method ?? 'GET',
      headers: req.headers ?? {},
      timeout: timeoutMs,
      agent: false as const,
      ...(https ? { ca: req.ca ? [...req.ca] : undefined, servername: isIP(host) !== 0 && req.servername ? req.servername : undefined } : {}),
    };
    const send = https ? httpsRequest : httpRequest;
    const r = send(options, (res) => {
      const receivedAt = Date.now();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sentAt, receivedAt });
      });
    });
    r.on('timeout', () => r.destroy(Object.assign(new Error(`no answer from ${url.host} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    r.on('error', reject);
    r.end();
  });
}

/** The error code of a failed request (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED…), or 'ERROR'. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'ERROR';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
