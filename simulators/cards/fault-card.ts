import { isRedactingCard, type VirtualCard } from './card.js';
import { HostileCard, type HostileMode } from './hostile/index.js';
import { delayFor, latencyFor, type CardLatency } from './latency.js';

/**
 * Faults the lab can put on an inserted card (`t1c-lab lab fault …`, control op `fault`):
 * - `remove`: the card leaves the reader now, when its `afterApdus`-th APDU from now arrives, or when an APDU with
 *   instruction `atIns` arrives (e.g. 2A: during a signature) — that APDU stays unanswered;
 * - `power-off`: the card loses power — its volatile state (PIN rights, selection, security environment) is gone
 *   and it answers nothing until the reader powers it on again;
 * - `latency`: a per-command delay — `real` the profile's real-card timings (RSA-2048 sign 150 ms, ECDSA P-384
 *   95 ms, see latency.ts), `fixed` the given `signMs`/`apduMs`, `none` answers at simulator speed;
 * - `drop`: the next `count` answers never come;
 * - `corrupt`: the next `count` answers get one byte changed;
 * - `hostile`: the card turns hostile (simulators/cards/hostile): its answers rewritten in `mode` from `seed`, after
 *   `honestApdus` honest ones; mode `off` ends it;
 * - `clear`: every pending fault, the latency model and hostility go.
 */
export type CardFault =
  | { readonly kind: 'remove'; readonly afterApdus?: number; readonly atIns?: number }
  | { readonly kind: 'power-off' }
  | { readonly kind: 'latency'; readonly model: 'none' | 'real' | 'fixed'; readonly signMs?: number; readonly apduMs?: number }
  | { readonly kind: 'drop'; readonly count?: number }
  | { readonly kind: 'corrupt'; readonly count?: number }
  | { readonly kind: 'hostile'; readonly mode: HostileMode | 'off'; readonly seed?: number; readonly honestApdus?: number }
  | { readonly kind: 'clear' };

export const CARD_FAULT_KINDS = ['remove', 'power-off', 'latency', 'drop', 'corrupt', 'hostile', 'clear'] as const;

/** What the faults of one card look like now (for the lab state and tests). */
export interface CardFaultState {
  readonly latency: CardLatency | null;
  readonly removeInApdus: number | null;
  readonly removeAtIns: number | null;
  readonly dropping: number;
  readonly corrupting: number;
  readonly poweredOff: boolean;
  readonly hostile: HostileMode | 'off';
  readonly apdus: number;
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * An inserted card with fault knobs. It forwards everything to the card it wraps until a fault says otherwise;
 * `onRemoveDue` is how a `remove` fault takes the card out of its reader (the lab removes the link).
 */
export class FaultCard implements VirtualCard {
  private latency: CardLatency | null = null;
  private removeIn: number | null = null;
  private removeAtIns: number | null = null;
  private dropping = 0;
  private corrupting = 0;
  private poweredOff = false;
  private apdus = 0;
  private readonly hostile: HostileCard;

  constructor(
    readonly inner: VirtualCard,
    private readonly onRemoveDue: () => void,
  ) {
    this.hostile = new HostileCard(inner);
  }

  get atr(): Uint8Array {
    return this.inner.atr;
  }

  get profile(): string {
    return this.inner.profile;
  }

  get faults(): CardFaultState {
    return { latency: this.latency, removeInApdus: this.removeIn, removeAtIns: this.removeAtIns, dropping: this.dropping, corrupting: this.corrupting, poweredOff: this.poweredOff, hostile: this.hostile.mode, apdus: this.apdus };
  }

  /** Applies one fault; throws RangeError for numbers that make no sense. */
  apply(fault: CardFault): void {
    switch (fault.kind) {
      case 'remove':
        if (fault.atIns !== undefined) this.removeAtIns = fault.atIns;
        else if ((fault.afterApdus ?? 0) === 0) this.onRemoveDue();
        else this.removeIn = positive(fault.afterApdus, 'afterApdus');
        return;
      case 'power-off':
        this.inner.powerOff();
        this.poweredOff = true;
        return;
      case 'latency':
        this.latency = fault.model === 'none' ? null : latencyFor(this.inner.profile, fault.model === 'real' ? {} : { signMs: fault.signMs ?? 0, apduMs: fault.apduMs ?? 0 });
        return;
      case 'drop':
        this.dropping = positive(fault.count ?? 1, 'count');
        return;
      case 'corrupt':
        this.corrupting = positive(fault.count ?? 1, 'count');
        return;
      case 'hostile':
        this.hostile.setPlan({ mode: fault.mode, seed: fault.seed ?? 0, ...(fault.honestApdus === undefined ? {} : { honestApdus: fault.honestApdus }) });
        return;
      case 'clear':
        this.hostile.setPlan({ mode: 'off', seed: 0 });
        this.latency = null;
        this.removeIn = null;
        this.removeAtIns = null;
        this.dropping = 0;
        this.corrupting = 0;
        return;
    }
  }

  powerOn(): void {
    this.poweredOff = false;
    this.inner.powerOn();
  }

  powerOff(): void {
    this.inner.powerOff();
  }

  reset(): void {
    this.poweredOff = false;
    this.inner.reset();
  }

  redactCommand(command: Uint8Array): Uint8Array {
    return isRedactingCard(this.inner) ? this.inner.redactCommand(command) : Uint8Array.from(command);
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    this.apdus += 1;
    if (this.removeIn !== null) this.removeIn -= 1;
    if (this.removeIn === 0 || (this.removeAtIns !== null && command[1] === this.removeAtIns)) {
      this.removeIn = null;
      this.removeAtIns = null;
      this.onRemoveDue();
      return never();
    }
    if (this.poweredOff) return never();
    const answer = Uint8Array.from(await this.hostile.transmit(command));
    if (this.latency) {
      const ms = delayFor(command, this.latency);
      if (ms > 0) await sleep(ms);
    }
    if (this.dropping > 0) {
      this.dropping -= 1;
      return never();
    }
    if (this.corrupting > 0) {
      this.corrupting -= 1;
      // The status word's first byte if there is no data, else the data's last byte: either way a different answer.
      const at = answer.length > 2 ? answer.length - 3 : 0;
      answer[at] = answer[at]! ^ 0x5a;
    }
    return answer;
  }
}

function positive(value: number | undefined, name: string): number {
  if (value === undefined || !Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, not ${value}`);
  return value;
}
