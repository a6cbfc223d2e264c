import http from 'node:http';
import https from 'node:https';

/** Largest DS answer read (a key set or an origin list); anything bigger is refused unread. */
export const MAX_DS_RESPONSE_BYTES = 256 * 1024;
export const DS_TIMEOUT_MS = 5_000;

export class DsRequestError extends Error {
  override readonly name = 'DsRequestError';
}

export interface DsGetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** PEM of a CA to trust for an https DS with a private CA (default: the system's trust store). */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

/** A GET to the DS that answers parsed JSON; injectable so tests and the key set never need a network. */
export type DsGet = (url: string, options?: DsGetOptions) => Promise<unknown>;

/**
 * GET a JSON document from the Distribution Service: https (or http on loopback, checked at configuration),
 * no redirects followed, bounded time and size, 2xx only. Never sends anything but the given headers.
 */
export const dsGet: DsGet = (url, options = {}) => {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      target,
      { headers: { accept: 'application/json', ...options.headers }, timeout: options.timeoutMs ?? DS_TIMEOUT_MS, ...(options.ca ? { ca: options.ca } : {}) },
      (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_DS_RESPONSE_BYTES) {
            request.destroy(new DsRequestError(`answer from ${target.origin} larger than ${MAX_DS_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          if (status < 200 || status > 299) return reject(new DsRequestError(`${target.origin}${target.pathname} answered ${status}`));
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
          } catch {
            reject(new DsRequestError(`${target.origin}${target.pathname} answered something that is not JSON`));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new DsRequestError(`${target.origin} did not answer within ${options.timeoutMs ?? DS_TIMEOUT_MS} ms`)));
    request.on('error', reject);
  });
};
