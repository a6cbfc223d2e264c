/**
 * PINs kept for bulk signing (CONTRACTS.md): per caller — the pair (Origin, JWT subject) — and reader, at most
 * five minutes, zeroed on `reset-bulk-pin` (every reader of that caller), on card removal and on expiry.
 * Callers get a copy they must zero; the stored Buffer never leaves this class.
 */
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
