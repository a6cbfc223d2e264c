import { readFileSync } from 'node:fs';
import https from 'node:https';

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: T;
  readonly text: string;
}

export interface ApiRequest {
  readonly method?: string;
  readonly body?: unknown;
  readonly rawBody?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** Sets `Origin`, as a browser page on that origin would. */
  readonly origin?: string;
  /**
   * The bearer token: by default the client's own (a DS token when the target has a DS); `null` sends no
   * Authorization header; a string sends `Bearer <string>` (a bad or attack token). An `authorization` entry in
   * `headers` wins over all of these.
   */
  readonly token?: string | null;
}

export interface ClientDefaults {
  readonly headers?: Record<string, string>;
  readonly servername?: string;
  readonly token?: () => Promise<string>;
  /** Connections open at once (default 16); requests beyond wait in the client, as a browser's do. */
  readonly maxSockets?: number;
}

/**
 * A black-box HTTPS client for a connector: trusts only the connector's CA and checks the certificate's name
 * (the URL's host, or `servername`), as browsers do. No TLS check is ever turned off.
 */
export class ConnectorClient {
  private readonly agent: https.Agent;

  constructor(
    readonly baseUrl: string,
    caCertPath: string,
    private readonly defaults: ClientDefaults = {},
  ) {
    this.agent = new https.Agent({ ca: readFileSync(caCertPath), keepAlive: true, maxSockets: defaults.maxSockets ?? 16 });
  }

  /** The Authorization header a request gets (see ApiRequest.token). */
  private async authorization(req: ApiRequest): Promise<string | null> {
    if (Object.keys(req.headers ?? {}).some((h) => h.toLowerCase() === 'authorization')) return null;
    if (req.token === null) return null;
    if (typeof req.token === 'string') return `Bearer ${req.token}`;
    return this.defaults.token ? `Bearer ${await this.defaults.token()}` : null;
  }

  async request<T = unknown>(path: string, req: ApiRequest = {}): Promise<ApiResponse<T>> {
    const url = new URL(path, this.baseUrl);
    const payload = req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body));
    const headers: Record<string, string> = { accept: 'application/json', ...this.defaults.headers, ...req.headers };
    const authorization = await this.authorization(req);
    if (authorization !== null) headers['authorization'] = authorization;
    if (req.origin) headers['origin'] = req.origin;
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const r = https.request(
        url,
        { method: req.method ?? (payload === undefined ? 'GET' : 'POST'), headers, agent: this.agent, ...(this.defaults.servername ? { servername: this.defaults.servername } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = undefined;
            try {
              body = text.length > 0 ? JSON.parse(text) : undefined;
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T, text });
          });
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  }

  get<T = unknown>(path: string, req: ApiRequest = {}): Promise<ApiResponse<T>> {
    return this.request<T>(path, { ...req, method: 'GET' });
  }

  post<T = unknown>(path: string, body: unknown, req: ApiRequest = {}): Promise<ApiResponse<T>> {
    return this.request<T>(path, { ...req, method: 'POST', body });
  }

  close(): void {
    this.agent.destroy();
  }
}
