import { newSecret, secretDigest } from './secrets.js';

/** A web application registered at the DS: its API key (held by its back end) and its browser origins. */
export interface Application {
  readonly name: string;
  readonly origins: readonly string[];
}

/**
 * API keys → applications. Keys are stored by digest, never compared byte by byte; a revoked key is gone.
 * The union of the applications' origins is the CORS allow-list the DS gives connectors.
 */
export class Applications {
  private readonly byDigest = new Map<string, Application>();

  /** Registers an application; returns its new API key. */
  add(app: Application): string {
    const apiKey = newSecret();
    this.byDigest.set(secretDigest(apiKey), { name: app.name, origins: [...app.origins] });
    return apiKey;
  }

  find(apiKey: string | undefined): Application | null {
    if (apiKey === undefined || apiKey.length === 0 || apiKey.length > 256) return null;
    return this.byDigest.get(secretDigest(apiKey)) ?? null;
  }

  revoke(apiKey: string): boolean {
    return this.byDigest.delete(secretDigest(apiKey));
  }

  origins(): string[] {
    return [...new Set([...this.byDigest.values()].flatMap((a) => a.origins))];
  }
}
