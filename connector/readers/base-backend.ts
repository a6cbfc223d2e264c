import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ConnectorError, isConnectorError } from '../errors/index.js';
import { isProtocolError } from '../protocol/index.js';
import { readerId } from './ids.js';
import type { ApduTracer, RawCard, SessionBounds } from './raw-card.js';
import { SessionQueue } from './session-queue.js';
import { createChannel } from './t0-channel.js';
import type { BackendKind, CardChannel, ReaderBackend, ReaderEvents, ReaderInfo, SessionOptions } from './types.js';

/** A card opened for one session by a backend; `close` hands it back (keeping or resetting its state). */
export interface RawSession {
  readonly raw: RawCard;
  close(disposition: 'leave' | 'reset'): Promise<void>;
}

interface ReaderSlot {
  info: ReaderInfo;
  readonly queue: SessionQueue;
  /** Aborted when the card now in the reader goes away; replaced on every insertion. */
  cardPresence: AbortController;
}

/**
 * What both backends share: the reader table with stable ids, events, the per-reader queue, and the
 * bounds on every session (queue limit, per-APDU timeout, operation deadline, card removal).
 */
export abstract class BaseBackend implements ReaderBackend {
  readonly events = new EventEmitter<ReaderEvents>();
  private readonly slots = new Map<string, ReaderSlot>();

  protected constructor(
    readonly kind: BackendKind,
    protected readonly bounds: SessionBounds,
    private readonly trace?: ApduTracer,
  ) {}

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  /** Opens the card in the named reader for one exclusive session. */
  protected abstract open(readerName: string, signal: AbortSignal): Promise<RawSession>;

  list(): ReaderInfo[] {
    return [...this.slots.values()].map((s) => s.info);
  }

  get(id: string): ReaderInfo | undefined {
    return this.slots.get(id)?.info;
  }

  protected readerAdded(name: string, atr: Buffer | null): void {
    const id = readerId(name);
    if (this.slots.has(id)) {
      this.cardChanged(name, atr);
      return;
    }
    const info: ReaderInfo = { id, name, backend: this.kind, card: null, pinpad: false };
    this.slots.set(id, { info, queue: new SessionQueue(this.bounds.queueLimit), cardPresence: new AbortController() });
    this.events.emit('reader-added', info);
    if (atr) this.cardChanged(name, atr);
  }

  protected readerRemoved(name: string): void {
    const id = readerId(name);
    const slot = this.slots.get(id);
    if (!slot) return;
    this.cardChanged(name, null);
    this.slots.delete(id);
    this.events.emit('reader-removed', slot.info);
  }

  /** Records a card inserted (atr) or removed (null); a different ATR counts as a swap. */
  protected cardChanged(name: string, atr: Buffer | null): void {
    const slot = this.slots.get(readerId(name));
    if (!slot) return;
    const before = slot.info.card?.atr ?? null;
    if (before && atr && before.equals(atr)) return;
    if (before) {
      slot.cardPresence.abort(new ConnectorError('ERR_CARD_REMOVED'));
      slot.cardPresence = new AbortController();
      slot.info = { ...slot.info, card: null };
      this.events.emit('card-removed', slot.info);
    }
    if (atr) {
      slot.info = { ...slot.info, card: { atr: Buffer.from(atr) } };
      this.events.emit('card-inserted', slot.info);
    }
  }

  protected readerNames(): string[] {
    return [...this.slots.values()].map((s) => s.info.name);
  }

  withSession<T>(id: string, operation: (channel: CardChannel) => Promise<T>, options: SessionOptions = {}): Promise<T> {
    const slot = this.slots.get(id);
    if (!slot) return Promise.reject(new ConnectorError('ERR_READER_NOT_FOUND'));
    const queuedAt = performance.now();
    return slot.queue.run(async () => {
      const startedAt = performance.now();
      options.onStage?.('queue', startedAt - queuedAt);
      try {
        return await this.runSession(slot, operation, options);
      } finally {
        options.onStage?.('card', performance.now() - startedAt);
      }
    });
  }

  private async runSession<T>(slot: ReaderSlot, operation: (channel: CardChannel) => Promise<T>, options: SessionOptions): Promise<T> {
    // Queued when its reader went away (even if it is back by now: a new slot, a card powered afresh). Retryable,
    // like the session that was on the card then: the reader may come back (pcscd restarted, a reader replugged).
    if (this.slots.get(slot.info.id) !== slot) throw new ConnectorError('ERR_CARD_REMOVED', { message: 'the reader was removed' });
    if (!slot.info.card) throw new ConnectorError('ERR_CARD_NOT_PRESENT');
    // The session's own signal: the card leaving or the deadline. Not AbortSignal.any over the card's presence
    // signal: that one lives as long as the card, and Node keeps a record of every signal ever derived from it
    // (a leak of one entry per session, seen in the soak).
    const abort = new AbortController();
    const presence = slot.cardPresence.signal;
    const onCardGone = (): void => abort.abort(presence.reason);
    presence.addEventListener('abort', onCardGone, { once: true });
    if (presence.aborted) onCardGone();
    const deadlineMs = options.deadlineMs ?? this.bounds.operationDeadlineMs;
    let pastDeadline = false;
    const deadline = setTimeout(() => {
      pastDeadline = true;
      abort.abort(new ConnectorError('ERR_OPERATION_DEADLINE'));
    }, deadlineMs);
    const signal = abort.signal;
    const guard = <R>(p: Promise<R>, apduTimeout = true): Promise<R> => bounded(p, signal, apduTimeout ? this.bounds.apduTimeoutMs : 0);
    try {
      let session: RawSession;
      try {
        session = await guard(this.open(slot.info.name, signal), false);
      } catch (e) {
        throw asReaderError(e, pastDeadline);
      }
      let disposition = options.disposition ?? 'leave';
      try {
        return await operation(createChannel(slot.info.id, session.raw, guard, this.trace, options.label));
      } catch (e) {
        disposition = 'reset';
        throw asReaderError(e, pastDeadline);
      } finally {
        // A reader still stuck on a card that went mute (pcscd waits on it with no timeout of its own) cannot be
        // reset now: the caller gets its answer after at most one APDU timeout, the close goes on in the background.
        await bounded(session.close(disposition), NEVER_ABORTED, this.bounds.apduTimeoutMs).catch(() => undefined);
      }
    } finally {
      clearTimeout(deadline);
      presence.removeEventListener('abort', onCardGone);
    }
  }
}

/** Decoding errors of what a card sent: inside a session they mean the card answered something malformed. */
const CARD_DATA_ERRORS: ReadonlySet<string> = new Set(['ERR_TLV_MALFORMED', 'ERR_RESPONSE_MALFORMED']);

const NEVER_ABORTED = new AbortController().signal;

function asReaderError(e: unknown, pastDeadline: boolean): unknown {
  if (isConnectorError(e, 'ERR_CARD_REMOVED') || isConnectorError(e, 'ERR_CARD_TIMEOUT')) return e;
  if (pastDeadline) return new ConnectorError('ERR_OPERATION_DEADLINE', { cause: e });
  if (isProtocolError(e) && CARD_DATA_ERRORS.has(e.code)) return new ConnectorError('ERR_CARD_PROTOCOL', { message: `card data: ${e.message}`, cause: e });
  return e;
}

/** Races a card exchange against the session's signal and, when given, a per-APDU timeout. */
function bounded<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) {
    // The exchange already started (e.g. LOG OFF after the card left); its own failure is not news, and an
    // unhandled rejection would end the process.
    work.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => finish(() => reject(abortReason(signal)));
    const timer = timeoutMs > 0 ? setTimeout(() => finish(() => reject(new ConnectorError('ERR_CARD_TIMEOUT'))), timeoutMs) : null;
    let done = false;
    function finish(settle: () => void): void {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      settle();
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  if (isConnectorError(reason)) return reason;
  return new ConnectorError('ERR_OPERATION_DEADLINE');
}
