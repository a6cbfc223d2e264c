import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface JsonResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/**
 * One request with full certificate checks over HTTPS (chain to `ca`, or the system roots, and the URL's host),
 * for everything the runner sends outside the load generator: priming bulk mode, fetching a JWT from the DS
 * (which may be plain HTTP on loopback).
 */
export function requestJson(url: string, options: { readonly ca?: Buffer; readonly method?: string; readonly headers?: Record<string, string>; readonly body?: unknown } = {}): Promise<JsonResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const secure = new URL(url).protocol === 'https:';
    const send = secure ? https.request : http.request;
    const request = send(url, { method: options.method ?? (payload === undefined ? 'GET' : 'POST'), headers, ...(secure && options.ca ? { ca: options.ca } : {}), timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text.length > 0 ? JSON.parse(text) : null;
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    request.on('timeout', () => request.destroy(new Error(`${url}: no answer within 30 s`)));
    request.on('error', reject);
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}

/** The SHA-256 fingerprint of the certificate a verified HTTPS connection to `url` presents. */
export function verifiedFingerprint(url: string, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: 'GET', ca, agent: false, timeout: 30_000 }, (res) => {
      const socket = res.socket as TLSSocket;
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      res.resume();
      res.on('end', () => resolve(fingerprint));
    });
    request.on('timeout', () => request.destroy(new Error(`${url}: no answer within 30 s`)));
    request.on('error', reject);
    request.end();
  });
}
