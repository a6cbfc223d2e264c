import type { PinObject } from '../engine/index.js';
import type { EmvApplicationData, EmvCardData } from './card-data.js';

/** What the card has selected: nothing yet, the PSE (its directory), or an application (possibly blocked). */
export type EmvSelection =
  | { readonly kind: 'none' }
  | { readonly kind: 'pse' }
  | { readonly kind: 'application'; readonly app: EmvApplicationData; readonly blocked: boolean };

/**
 * Where the selected application is in a transaction: `selected` (after SELECT), `initiated` (after GET PROCESSING
 * OPTIONS), `online` (a first GENERATE AC asked to go online), `done` (the transaction has its final cryptogram).
 */
export type TransactionPhase = 'selected' | 'initiated' | 'online' | 'done';

/** Variants of the card the connector must cope with. */
export interface EmvCardOptions {
  /** With `false` the card has no PSE: SELECT 1PAY.SYS.DDF01 answers `6A82` (default true). */
  readonly pse?: boolean;
  /** AIDs whose application is blocked: SELECT answers `6283` and the application refuses to run. */
  readonly blockedApplications?: readonly string[];
  /** A blocked card: every SELECT answers `6A81`. */
  readonly cardBlocked?: boolean;
  /** First value of the application transaction counter (default 0x0010). */
  readonly initialAtc?: number;
}

/** The card's state: volatile selection and phase (cleared by reset), persistent counters. */
export class EmvCardState {
  selection: EmvSelection = { kind: 'none' };
  phase: TransactionPhase = 'selected';
  /** Application transaction counter: one more per GET PROCESSING OPTIONS; survives resets. */
  atc: number;
  /** ATC of the last transaction the issuer approved online (tag 9F13). */
  lastOnlineAtc = 0;

  constructor(initialAtc: number) {
    this.atc = initialAtc;
  }

  /** The selected application when it may run commands, else null. */
  get runningApplication(): EmvApplicationData | null {
    const s = this.selection;
    return s.kind === 'application' && !s.blocked ? s.app : null;
  }

  clearVolatile(): void {
    this.selection = { kind: 'none' };
    this.phase = 'selected';
  }
}

/** What the command handlers work on. */
export interface EmvContext {
  readonly data: EmvCardData;
  readonly state: EmvCardState;
  readonly pin: PinObject;
  readonly pse: boolean;
  readonly blockedApplications: ReadonlySet<string>;
  readonly cardBlocked: boolean;
}

export const EMV_ATC_MAX = 0xffff;
