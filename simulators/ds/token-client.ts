import { DS_PATHS } from './server.js';

/** A Distribution Service as a web application's back end knows it (docs/ds-contract.md). */
export interface DsEndpoint {
  readonly url: string;
  readonly apiKey: string;
}

/**
 * Fetches a token exactly as a web application's back end does: `GET {ds}/v3/tokens/application` with header
 * `apikey`, the token in `data`. Throws with the DS's status on a refusal.
 */
export async function fetchDsToken(ds: DsEndpoint, apiKey: string = ds.apiKey): Promise<string> {
  const res = await fetch(`${ds.url.replace(/\/+$/, '')}${DS_PATHS.token}`, { headers: { apikey: apiKey, accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as { data?: unknown } | null;
  if (res.status !== 200 || typeof body?.data !== 'string') throw new Error(`the DS at ${ds.url} gave no token (HTTP ${res.status})`);
  return body.data;
}
