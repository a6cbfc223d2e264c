import { CARD_FAULT_KINDS, FaultCard, type CardFault, type CardFaultState } from '../cards/fault-card.js';
import type { VirtualCard } from '../cards/card.js';
import { HOSTILE_MODES, type HostileMode } from '../cards/hostile/index.js';
import { LabError } from './lab-error.js';

export const LATENCY_MODELS = ['none', 'real', 'fixed'] as const;

/** Checks a fault as it comes over the control socket or from the CLI; throws ERR_LAB_FAULT_INVALID. */
export function parseCardFault(data: unknown): CardFault {
  const bad = (why: string): never => {
    throw new LabError('ERR_LAB_FAULT_INVALID', `fault: ${why}`);
  };
  if (typeof data !== 'object' || data === null) return bad('not an object');
  const f = data as Record<string, unknown>;
  const kind = f['kind'];
  if (!CARD_FAULT_KINDS.includes(kind as CardFault['kind'])) return bad(`kind must be one of ${CARD_FAULT_KINDS.join(', ')}`);
  const count = (name: string, min: number): number | undefined => {
    const v = f[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 1_000_000) return bad(`${name} must be an integer ${min}..1000000`);
    return v;
  };
  const ms = (name: string): number | undefined => {
    const v = f[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 60_000) return bad(`${name} must be 0..60000 ms`);
    return v;
  };
  switch (kind as CardFault['kind']) {
    case 'remove': {
      const afterApdus = count('afterApdus', 0);
      const atIns = f['atIns'];
      if (atIns !== undefined && (typeof atIns !== 'number' || !Number.isInteger(atIns) || atIns < 0 || atIns > 0xff)) return bad('atIns must be an instruction byte 0..255');
      if (atIns !== undefined && afterApdus !== undefined) return bad('remove takes afterApdus or atIns, not both');
      return { kind: 'remove', ...(afterApdus === undefined ? {} : { afterApdus }), ...(atIns === undefined ? {} : { atIns }) };
    }
    case 'latency': {
      const model = f['model'];
      if (!LATENCY_MODELS.includes(model as (typeof LATENCY_MODELS)[number])) return bad(`latency model must be one of ${LATENCY_MODELS.join(', ')}`);
      const signMs = ms('signMs');
      const apduMs = ms('apduMs');
      return { kind: 'latency', model: model as (typeof LATENCY_MODELS)[number], ...(signMs === undefined ? {} : { signMs }), ...(apduMs === undefined ? {} : { apduMs }) };
    }
    case 'drop':
    case 'corrupt': {
      const n = count('count', 1);
      return { kind: kind as 'drop' | 'corrupt', ...(n === undefined ? {} : { count: n }) };
    }
    case 'hostile': {
      const mode = f['mode'];
      if (mode !== 'off' && !HOSTILE_MODES.includes(mode as HostileMode)) return bad(`hostile mode must be off or one of ${HOSTILE_MODES.join(', ')}`);
      const seed = count('seed', 0);
      const honestApdus = count('honestApdus', 0);
      return { kind: 'hostile', mode: mode as HostileMode | 'off', ...(seed === undefined ? {} : { seed }), ...(honestApdus === undefined ? {} : { honestApdus }) };
    }
    case 'power-off':
      return { kind: 'power-off' };
    case 'clear':
      return { kind: 'clear' };
  }
}

/**
 * The fault knobs of a lab's readers: every inserted card goes in through `wrap`, so a fault can be put on it
 * later. `remove` is how the lab takes a card out (it updates the state and waits until the connector saw it).
 */
export class LabFaults {
  private readonly cards = new Map<number, FaultCard>();

  constructor(
    private readonly remove: (reader: number) => Promise<unknown>,
    private readonly log: (line: string) => void,
  ) {}

  wrap(reader: number, card: VirtualCard): FaultCard {
    const faulty = new FaultCard(card, () => {
      this.log(`reader ${reader}: fault removes the card`);
      void this.remove(reader).catch((e: unknown) => this.log(`reader ${reader}: fault removal failed: ${String(e)}`));
    });
    this.cards.set(reader, faulty);
    return faulty;
  }

  forget(reader: number): void {
    this.cards.delete(reader);
  }

  state(reader: number): CardFaultState | null {
    return this.cards.get(reader)?.faults ?? null;
  }

  /** Puts `fault` on the card in `reader`; a removal now resolves once the lab has taken the card out. */
  async apply(reader: number, fault: CardFault): Promise<void> {
    const card = this.cards.get(reader);
    if (!card) throw new LabError('ERR_LAB_READER_EMPTY', `reader ${reader} holds no card`);
    this.log(`reader ${reader}: fault ${JSON.stringify(fault)}`);
    if (fault.kind === 'remove' && fault.atIns === undefined && (fault.afterApdus ?? 0) === 0) {
      await this.remove(reader);
      return;
    }
    card.apply(fault);
  }
}
