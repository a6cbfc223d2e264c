import { createRequire } from 'node:module';

/**
 * The part of autocannon 8's API the runner uses (the package ships no types). autocannon is a closed-model
 * generator: each connection sends its next request when the previous one answered; `overallRate` caps the
 * requests per second (per connection, reset every second).
 */
export interface AutocannonRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | undefined>) => void;
}

export interface AutocannonClient {
  readonly conn: { readonly authorized?: boolean; getPeerCertificate?: () => { fingerprint256?: string } };
  setRequests(requests: AutocannonRequest[]): void;
}

export interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly overallRate?: number;
  readonly requests: AutocannonRequest[];
  readonly tlsOptions?: { readonly ca: Buffer };
  readonly setupClient?: (client: AutocannonClient) => void;
  /** Per-request timeout, seconds. */
  readonly timeout?: number;
}

export interface AutocannonResult {
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly start: Date;
  readonly finish: Date;
}

export interface AutocannonInstance {
  on(event: 'response', listener: (client: AutocannonClient, statusCode: number, resBytes: number, responseTime: number) => void): void;
  stop(): void;
}

type AutocannonFn = (options: AutocannonOptions, done: (error: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

const require = createRequire(import.meta.url);
export const autocannon = require('autocannon') as AutocannonFn;
export const AUTOCANNON_VERSION = (require('autocannon/package.json') as { version: string }).version;
