import type * as SmartcardModule from 'smartcard';
import type { ContextInterface, ReaderState } from 'smartcard';
import { LabError } from './lab-error.js';

/**
 * Waiting for what pcscd sees, through the `smartcard` binding's SCardGetStatusChange (events, not sleeps).
 * The binding is an optional dependency: it is loaded on first use and its absence is a clear error.
 */
export type Smartcard = typeof SmartcardModule;

let loaded: Promise<Smartcard> | null = null;

export function loadSmartcard(): Promise<Smartcard> {
  loaded ??= import('smartcard').catch((e: unknown) => {
    loaded = null;
    throw new LabError('ERR_LAB_BINDING_MISSING', `the PC/SC binding \`smartcard\` did not load (${e instanceof Error ? e.message : String(e)}); install libpcsclite-dev and run npm ci`, { cause: e });
  });
  return loaded;
}

const PNP_NOTIFICATION = '\\\\?PnP?\\Notification';

async function withContext<T>(use: (context: ContextInterface, pcsc: Smartcard) => Promise<T>): Promise<T> {
  const pcsc = await loadSmartcard();
  const context = new pcsc.Context();
  try {
    return await use(context, pcsc);
  } finally {
    context.close();
  }
}

function remaining(deadline: number): number {
  return Math.max(0, deadline - Date.now());
}

/** Resolves once pcscd lists every reader in `names`. */
export function waitForReaders(names: readonly string[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return withContext(async (context, pcsc) => {
    let pnpState = pcsc.SCARD_STATE_UNAWARE;
    for (;;) {
      const listed = new Set(context.listReaders().map((reader) => reader.name));
      const missing = names.filter((name) => !listed.has(name));
      if (missing.length === 0) return;
      if (remaining(deadline) === 0) {
        throw new LabError('ERR_LAB_READER_TIMEOUT', `pcscd does not list ${missing.join(', ')} after ${timeoutMs} ms (it lists: ${[...listed].join(', ') || 'none'})`);
      }
      const changes = await context.waitForChange([{ name: PNP_NOTIFICATION, state: pnpState, changed: false, atr: null }], remaining(deadline));
      const pnp = changes?.[0];
      if (pnp) pnpState = pnp.state & ~pcsc.SCARD_STATE_CHANGED;
    }
  });
}

export type CardExpectation = { readonly present: true; readonly atr?: Uint8Array } | { readonly present: false };

/** Resolves with the reader's state once pcscd reports the card present (with that ATR) or absent. */
export function waitForCardState(readerName: string, expect: CardExpectation, timeoutMs = 10_000): Promise<ReaderState> {
  const deadline = Date.now() + timeoutMs;
  return withContext(async (context, pcsc) => {
    let current = pcsc.SCARD_STATE_UNAWARE;
    let last: ReaderState | null = null;
    for (;;) {
      const changes = await context.waitForChange([{ name: readerName, state: current, changed: false, atr: null }], remaining(deadline));
      const state = changes?.[0];
      if (state) {
        last = state;
        current = state.state & ~pcsc.SCARD_STATE_CHANGED;
        if (matches(state, expect, pcsc)) return state;
      }
      if (remaining(deadline) === 0) {
        const seen = last ? describe(last, pcsc) : 'no state';
        throw new LabError('ERR_LAB_READER_TIMEOUT', `pcscd did not see ${readerName} ${expect.present ? 'with a card' : 'empty'} within ${timeoutMs} ms (last: ${seen})`);
      }
    }
  });
}

function matches(state: ReaderState, expect: CardExpectation, pcsc: Smartcard): boolean {
  const present = (state.state & pcsc.SCARD_STATE_PRESENT) !== 0;
  if (!expect.present) return !present && (state.state & pcsc.SCARD_STATE_EMPTY) !== 0;
  if (!present || !state.atr) return false;
  return expect.atr === undefined || Buffer.compare(state.atr, Buffer.from(expect.atr)) === 0;
}

function describe(state: ReaderState, pcsc: Smartcard): string {
  const flags = (['PRESENT', 'EMPTY', 'UNKNOWN', 'UNAVAILABLE', 'MUTE', 'INUSE', 'EXCLUSIVE'] as const)
    .filter((flag) => (state.state & pcsc[`SCARD_STATE_${flag}`]) !== 0)
    .join('|');
  return `${flags || '0x' + state.state.toString(16)}${state.atr ? ' ATR ' + state.atr.toString('hex').toUpperCase() : ''}`;
}
