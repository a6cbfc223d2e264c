import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fetchDsToken, type DsEndpoint } from '../../simulators/ds/token-client.js';
import type { LabDsAdmin } from '../../simulators/lab/lab-ds.js';

/** The Distribution Service a target's web applications get tokens from, and a back end's token call. */
export { fetchDsToken, type DsEndpoint };

/** Re-fetch a token this long before it expires. */
const REFRESH_BEFORE_S = 120;

function expiryOf(token: string): number {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : 0;
  } catch {
    return 0;
  }
}

/** A cached token for one API key, fetched again shortly before it expires. */
export function dsTokenSource(ds: DsEndpoint, apiKey: string = ds.apiKey): () => Promise<string> {
  let current: { token: string; exp: number } | null = null;
  return async () => {
    if (!current || current.exp - REFRESH_BEFORE_S <= Date.now() / 1000) {
      const token = await fetchDsToken(ds, apiKey);
      current = { token, exp: expiryOf(token) };
    }
    return current.token;
  };
}

/** The lab DS's admin access (`<lab>/ds/admin.json`), or null against a target or a lab without a DS. */
export function labDsAdmin(labDir: string | null): DsAdmin | null {
  if (!labDir) return null;
  let admin: LabDsAdmin;
  try {
    admin = JSON.parse(readFileSync(path.join(labDir, 'ds', 'admin.json'), 'utf8')) as LabDsAdmin;
  } catch {
    return null;
  }
  return new DsAdmin(admin);
}

/** The simulator's admin calls (docs/ds-contract.md §5). */
export class DsAdmin {
  constructor(readonly admin: LabDsAdmin) {}

  async call<T = Record<string, unknown>>(route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.admin.url}${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-ds-admin-key': this.admin.adminKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as T;
    if (res.status !== 200) throw new Error(`DS admin ${route}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** A token of the application `apiKey` with chosen claims/header (`null` removes one). */
  async token(apiKey: string, overrides: { claims?: object; header?: object; atOffsetSeconds?: number; lifetimeSeconds?: number; kid?: string } = {}): Promise<string> {
    return (await this.call<{ token: string }>('/admin/tokens', { apiKey, ...overrides })).token;
  }

  /** Signs header and payload texts exactly as given with the DS's current (or the named) key. */
  async sign(header: string, payload: string, kid?: string): Promise<string> {
    return (await this.call<{ token: string }>('/admin/sign', { header, payload, ...(kid ? { kid } : {}) })).token;
  }

  async addApplication(name: string, origins: readonly string[]): Promise<string> {
    return (await this.call<{ apiKey: string }>('/admin/applications', { name, origins })).apiKey;
  }

  async revoke(apiKey: string): Promise<void> {
    await this.call('/admin/applications/revoke', { apiKey });
  }

  stats(): Promise<{ tokenRequests: number; jwksRequests: number; corsRequests: number; kids: string[]; currentKid: string }> {
    return this.call('/admin/stats');
  }
}
