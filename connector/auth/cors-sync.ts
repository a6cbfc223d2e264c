import type { DsGet } from './ds-client.js';
import { isExactOrigin } from './origins.js';

/** Most origins taken from the DS. */
export const MAX_DS_ORIGINS = 1000;
/** Where the DS publishes the allow-list for connectors (docs/ds-contract.md). */
export const DS_CORS_PATH = '/v3/connectors/cors';

/** Reads the DS's list of allowed origins; throws when the DS cannot be asked. */
export type OriginSource = () => Promise<readonly string[]>;

/**
 * The DS side of the CORS allow-list (docs/ds-contract.md): `GET {dsUrl}/v3/connectors/cors` with the
 * connector's own DS credential as a Bearer token, answering `{success:true, data:{allowedOrigins:[…]}}`.
 * Entries that are not exact origins are dropped; at most MAX_DS_ORIGINS are kept.
 */
export function dsOriginSource(get: DsGet, dsUrl: string, credential: string, ca?: string): OriginSource {
  const url = `${dsUrl.replace(/\/+$/, '')}${DS_CORS_PATH}`;
  return async () => {
    const body = await get(url, { headers: { authorization: `Bearer ${credential}` }, ...(ca ? { ca } : {}) });
    const data = body !== null && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
    const list = data !== null && typeof data === 'object' ? (data as { allowedOrigins?: unknown }).allowedOrigins : undefined;
    if (!Array.isArray(list)) throw new Error('the DS origin list has no data.allowedOrigins array');
    return list.filter((o): o is string => typeof o === 'string' && isExactOrigin(o)).slice(0, MAX_DS_ORIGINS);
  };
}

export interface AllowListOptions {
  /** The DS list; absent: the configured origins only. */
  readonly source?: OriginSource;
  /** Two DS requests are at least this far apart (a page calling /v3/agents in a loop costs the DS little). */
  readonly minSyncIntervalMs?: number;
  readonly now?: () => number;
  readonly onWarning?: (message: string) => void;
}

/**
 * The CORS allow-list: the configured origins plus the DS's, matched exactly. `sync()` asks the DS (at start and
 * on `GET /v3/agents`, spec §2.5); a failed sync keeps the last list. Concurrent syncs share one request.
 */
export class SyncedOriginList {
  private fromDs: readonly string[] = [];
  private fromFile: readonly string[] = [];
  private all: ReadonlySet<string>;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(
    private readonly configured: readonly string[],
    private readonly options: AllowListOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.all = new Set(configured);
  }

  has(origin: string): boolean {
    return this.all.has(origin);
  }

  /** Replaces the origins of the user's allow-list file (cors.allowListFile), effective for the next request. */
  setFileOrigins(origins: readonly string[]): void {
    this.fromFile = [...origins];
    this.rebuild();
  }

  private rebuild(): void {
    this.all = new Set([...this.configured, ...this.fromFile, ...this.fromDs]);
  }

  /** Configured origins first, then the allow-list file's, then the DS's (as /info reports them). */
  list(): readonly string[] {
    return [...this.all];
  }

  /** Whether origins come from a DS too. */
  get synced(): boolean {
    return this.options.source !== undefined;
  }

  sync(): Promise<void> {
    const source = this.options.source;
    if (!source) return Promise.resolve();
    if (this.inflight) return this.inflight;
    if (this.now() - this.lastAttempt < (this.options.minSyncIntervalMs ?? 0)) return Promise.resolve();
    this.lastAttempt = this.now();
    this.inflight = source()
      .then(
        (origins) => {
          this.fromDs = origins;
          this.rebuild();
        },
        (e: unknown) => this.options.onWarning?.(`CORS sync with the DS failed, keeping ${this.all.size} origin(s): ${(e as Error).message}`),
      )
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }
}
