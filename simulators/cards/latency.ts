import { INS, decodeCommand, type CommandApdu } from '../../connector/protocol/index.js';
import { PSO_CDS_P1P2 } from './beid/apdu.js';
import { isRedactingCard, type VirtualCard } from './card.js';

/**
 * A real-card latency model: simulators answer in microseconds, real cards take tens to hundreds of
 * milliseconds to sign (spec/performance-anchors.md §4.2). With it, a reader's queue — not the CPU — limits
 * throughput, as on users' machines.
 */
export interface CardLatency {
  /** On-card time of PSO: COMPUTE DIGITAL SIGNATURE, in ms. */
  readonly signMs: number;
  /** Added to every other APDU (reader, T=0/T=1 framing), in ms. Default 0. */
  readonly apduMs?: number;
}

/**
 * Signing time per profile, from the JCAlgTest figures in performance-anchors.md: RSA-2048 takes 60–680 ms
 * (150 ms: a mid-range coprocessor), ECDSA P-384 45–243 ms (95 ms: a JCOP3-class card).
 */
export const PROFILE_SIGN_MS: Readonly<Record<string, number>> = {
  'beid-1.7': 150,
  'beid-1.8': 95,
};

/** The sign time used for a profile the table does not name (RSA-2048 mid range). */
export const DEFAULT_SIGN_MS = 150;

/** The latency model of `profile`, with any field overridden. */
export function latencyFor(profile: string, override: Partial<CardLatency> = {}): CardLatency {
  const signMs = override.signMs ?? PROFILE_SIGN_MS[profile] ?? DEFAULT_SIGN_MS;
  if (!Number.isFinite(signMs) || signMs < 0) throw new RangeError(`card latency signMs must be a non-negative number, not ${signMs}`);
  const apduMs = override.apduMs ?? 0;
  if (!Number.isFinite(apduMs) || apduMs < 0) throw new RangeError(`card latency apduMs must be a non-negative number, not ${apduMs}`);
  return { signMs, apduMs };
}

/** A timer, not a busy wait: the card's link (and the event loop) stay free while it "computes". */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isComputeSignature(apdu: CommandApdu): boolean {
  return apdu.ins === INS.PERFORM_SECURITY_OPERATION && ((apdu.p1 << 8) | apdu.p2) === PSO_CDS_P1P2;
}

/** How long the model holds the answer to `command`. */
export function delayFor(command: Uint8Array, latency: CardLatency): number {
  let apdu: CommandApdu;
  try {
    apdu = decodeCommand(command);
  } catch {
    return latency.apduMs ?? 0; // a malformed command still crosses the reader
  }
  return isComputeSignature(apdu) ? latency.signMs : (latency.apduMs ?? 0);
}

/**
 * Wraps a card so it answers after the model's delay. The card stays serial (its link answers one APDU at a
 * time) and keeps redacting its secrets in traces.
 */
export function withLatency(card: VirtualCard, latency: CardLatency): VirtualCard {
  const slow: VirtualCard = {
    get atr() {
      return card.atr;
    },
    profile: card.profile,
    powerOn: () => card.powerOn(),
    powerOff: () => card.powerOff(),
    reset: () => card.reset(),
    async transmit(command: Uint8Array): Promise<Uint8Array> {
      const answer = await card.transmit(command);
      const ms = delayFor(command, latency);
      if (ms > 0) await sleep(ms);
      return answer;
    },
  };
  if (isRedactingCard(card)) return Object.assign(slow, { redactCommand: (command: Uint8Array) => card.redactCommand(command) });
  return slow;
}
