import { EventEmitter } from 'node:events';
import { realpathSync } from 'node:fs';
import { ConnectorError } from '../../errors/index.js';
import { currentOs, readSavedPaths, removeSavedPaths, savePaths, type LibraryOs, type LibraryPaths } from './config-store.js';
import { Pkcs11Library, type PresentToken } from './library.js';
import { Pkcs11Token, tokenId } from './token.js';
import type { TokenSource, TokenView } from './token-source.js';

/** How often the slot list is read for tokens appearing and leaving (bounded: the library call is synchronous). */
export const DEFAULT_POLL_INTERVAL_MS = 1000;
/** `/v3/readers` re-reads the slot list when the last read is older than this. */
const LIST_FRESHNESS_MS = 250;

export interface Pkcs11ServiceOptions {
  /** The library per OS the connector is configured with (`pkcs11.library` for this OS); `reset` returns to it. */
  readonly defaults: LibraryPaths;
  /** Where `POST …/config` saves the paths (and a restart finds them); null: kept in memory only. */
  readonly configFile: string | null;
  /** Operations waiting per token before ERR_READER_QUEUE_FULL. */
  readonly queueLimit: number;
  readonly pollIntervalMs?: number;
  readonly onWarning?: (message: string) => void;
  readonly os?: LibraryOs;
}

export interface Pkcs11ServiceEvents {
  'token-added': [TokenView];
  'token-removed': [TokenView];
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}

/**
 * The connector's PKCS#11 side: the configured library (opened once, swapped only for one that loads), its tokens
 * as a TokenSource for `/v3/readers`, and access to one token for the module's routes.
 */
export class Pkcs11Service implements TokenSource {
  readonly events = new EventEmitter<Pkcs11ServiceEvents>();
  private readonly os: LibraryOs;
  private readonly warn: (message: string) => void;
  private paths: LibraryPaths;
  private library: Pkcs11Library | null = null;
  private readonly tokens = new Map<string, Pkcs11Token>();
  private timer: NodeJS.Timeout | null = null;
  private lastRefresh = 0;
  /** Configuration changes, one at a time. */
  private change: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: Pkcs11ServiceOptions) {
    this.os = options.os ?? currentOs();
    this.warn = options.onWarning ?? (() => undefined);
    this.paths = { ...options.defaults };
  }

  /** Loads the saved or configured library for this OS (a failure is a warning: cards still work), then polls. */
  async start(): Promise<void> {
    const saved = this.options.configFile ? readSavedPaths(this.options.configFile, this.warn) : null;
    if (saved) this.paths = { ...this.options.defaults, ...saved };
    const path = this.paths[this.os];
    if (path !== undefined) {
      try {
        this.library = await Pkcs11Library.open(path);
      } catch (e) {
        this.warn(`PKCS#11 library not loaded: ${(e as Error).message}`);
      }
    }
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.change.catch(() => undefined);
    await this.unload();
  }

  /** The library in use, or null. */
  get libraryPath(): string | null {
    return this.library?.path ?? null;
  }

  list(): TokenView[] {
    if (Date.now() - this.lastRefresh > LIST_FRESHNESS_MS) this.refresh();
    return [...this.tokens.values()].map((t) => t.view);
  }

  get(id: string): TokenView | undefined {
    return this.tokens.get(id)?.view;
  }

  /** The token with this id (the slot list is read again once for an id not seen yet). */
  token(id: string): Pkcs11Token {
    if (!this.library) throw new ConnectorError('ERR_PKCS11_UNAVAILABLE');
    if (!this.tokens.has(id)) this.refresh();
    const token = this.tokens.get(id);
    if (!token) throw new ConnectorError('ERR_READER_NOT_FOUND');
    return token;
  }

  config(): LibraryPaths {
    return { ...this.paths };
  }

  /**
   * `POST …/config`: the given paths replace those of the same OS. This OS's library must load (else
   * ERR_PKCS11_LIBRARY_INVALID and nothing changes); it is saved, then swapped in.
   */
  setConfig(update: LibraryPaths): Promise<LibraryPaths> {
    return this.serialise(async () => {
      const next = { ...this.paths, ...update };
      await this.switchTo(next[this.os], () => {
        if (this.options.configFile) savePaths(this.options.configFile, next);
      });
      this.paths = next;
      return this.config();
    });
  }

  /** `PATCH …/config/reset`: forget the saved paths and return to the configured defaults. */
  resetConfig(): Promise<void> {
    return this.serialise(async () => {
      const next = { ...this.options.defaults };
      await this.switchTo(next[this.os], () => {
        if (this.options.configFile) removeSavedPaths(this.options.configFile);
      });
      this.paths = next;
    });
  }

  /** Reads the slot list: new tokens are added, missing ones closed and removed (events for both). */
  refresh(): void {
    this.lastRefresh = Date.now();
    const library = this.library;
    if (!library) return;
    let present: PresentToken[];
    try {
      present = library.presentTokens();
    } catch (e) {
      this.warn(`C_GetSlotList failed: ${(e as Error).message}`);
      present = [];
    }
    const seen = new Map<string, PresentToken>();
    for (const p of present) if (!seen.has(tokenId(p.info))) seen.set(tokenId(p.info), p);
    for (const [id, token] of this.tokens) {
      if (seen.has(id)) continue;
      this.tokens.delete(id);
      void token.close();
      this.events.emit('token-removed', token.view);
    }
    for (const [id, p] of seen) {
      const known = this.tokens.get(id);
      if (known) {
        known.moveTo(p.slot);
        continue;
      }
      const token = new Pkcs11Token(library, p, this.options.queueLimit);
      this.tokens.set(id, token);
      this.events.emit('token-added', token.view);
    }
  }

  /** Opens `path` (unless it is the library in use), runs `commit`, then swaps; on any failure the old library stays. */
  private async switchTo(path: string | undefined, commit: () => void): Promise<void> {
    const current = this.library;
    if (path !== undefined && current && sameFile(path, current.path)) {
      commit();
      return;
    }
    const next = path === undefined ? null : await Pkcs11Library.open(path);
    try {
      commit();
    } catch (e) {
      next?.close();
      throw e;
    }
    await this.unload();
    this.library = next;
    this.refresh();
  }

  /** Closes every token (their queued operations finish first), then finalises the library. */
  private async unload(): Promise<void> {
    const library = this.library;
    this.library = null;
    const tokens = [...this.tokens.values()];
    this.tokens.clear();
    for (const token of tokens) this.events.emit('token-removed', token.view);
    await Promise.all(tokens.map((t) => t.close()));
    library?.close();
  }

  private serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.change.then(task, task);
    this.change = run.catch(() => undefined);
    return run;
  }
}
