/**
 * PINs kept for bulk signing (CONTRACTS.md): per caller — the pair (Origin, JWT subject) — and reader, at most
 * five minutes, zeroed on `reset-bulk-pin` (every reader of that caller), on card removal and on expiry.
 * Callers get a copy they must zero; the stored Buffer never leaves this class.
 */
import { ConnectorError, isConnectorError } from '../errors/index.js';

export const BULK_PIN_TTL_MS = 5 * 60_000;

interface Entry {
  readonly pin: Buffer;
  readonly expiresAt: number;
}

export class BulkPinStore {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly ttlMs = BULK_PIN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(ttlMs, 30_000));
    this.sweeper.unref();
  }

  /** Stores a copy of `pin` for the caller on the reader, replacing (and zeroing) any previous one. */
  set(caller: string, readerId: string, pin: Uint8Array): void {
    const key = keyOf(caller, readerId);
    this.delete(key);
    this.entries.set(key, { pin: Buffer.from(pin), expiresAt: this.now() + this.ttlMs });
  }

  /** A copy of the caller's PIN for the reader, or null when there is none or it expired. */
  get(caller: string, readerId: string): Buffer | null {
    const key = keyOf(caller, readerId);
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.delete(key);
      return null;
    }
    return Buffer.from(entry.pin);
  }

  /** Ends bulk mode for the caller on this reader (its PIN was refused). */
  forget(caller: string, readerId: string): void {
    this.delete(keyOf(caller, readerId));
  }

  /** Ends bulk mode for the caller on every reader. Returns whether there was anything to end. */
  clearCaller(caller: string): boolean {
    let any = false;
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(`${caller}\u0000`)) {
        this.delete(key);
        any = true;
      }
    }
    return any;
  }

  /** The card in the reader went away: nobody keeps a PIN for it. */
  clearReader(readerId: string): void {
    for (const key of [...this.entries.keys()]) if (key.endsWith(`\u0000${readerId}`)) this.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const key of [...this.entries.keys()]) this.delete(key);
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.delete(key);
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.pin.fill(0);
    this.entries.delete(key);
  }
}

function keyOf(caller: string, readerId: string): string {
  return `${caller}\u0000${readerId}`;
}

export interface SigningPinRequest {
  readonly caller: string;
  readonly readerId: string;
  /** `?bulk=true` on a route that allows it. */
  readonly bulk: boolean;
  /** The PIN sent with the request (decoded, a Buffer this function zeroes), or null. */
  readonly pin: Buffer | null;
}

/**
 * The PIN of one signature: the request's, or in bulk mode the caller's stored one. `sign` gets it and whether it
 * came from the store. A PIN sent in bulk mode is stored only once the card or token accepted it, and a stored PIN
 * that is refused is forgotten — a wrong PIN never keeps spending tries. The PIN is zeroed afterwards.
 */
export async function withSigningPin<T>(store: BulkPinStore, request: SigningPinRequest, sign: (pin: Buffer, fromStore: boolean) => Promise<T>): Promise<T> {
  const fromStore = request.pin === null && request.bulk;
  const pin = fromStore ? store.get(request.caller, request.readerId) : request.pin;
  if (!pin) throw new ConnectorError('ERR_PIN_REQUIRED');
  try {
    const result = await sign(pin, fromStore);
    if (request.bulk && !fromStore) store.set(request.caller, request.readerId, pin);
    return result;
  } catch (e) {
    if (request.bulk && isConnectorError(e) && (e.key === 'ERR_PIN_WRONG' || e.key === 'ERR_PIN_BLOCKED')) store.forget(request.caller, request.readerId);
    throw e;
  } finally {
    pin.fill(0);
  }
}
