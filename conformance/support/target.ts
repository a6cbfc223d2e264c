import { inject } from 'vitest';
import type { LabState, StateReader } from '../../simulators/lab/state.js';
import { ConnectorClient } from './http.js';

/**
 * What a suite certifies: a connector reached over HTTPS, and — when the lab runs it — the lab's state, which
 * says which card (profile, persona, PIN) sits in which reader. Suites never reach into the connector.
 */
export interface ConformanceTarget {
  readonly url: string;
  readonly caCert: string;
  /** An origin the connector allows (CORS), used as the web application's origin. */
  readonly allowedOrigin: string;
  /** An origin the connector does not allow. */
  readonly foreignOrigin: string;
  readonly backend: string;
  readonly state: LabState | null;
  /** The lab's directory when the suites run against the lab (for inserting and removing cards), else null. */
  readonly labDir: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    t1cTarget: ConformanceTarget;
  }
}

export function conformanceTarget(): ConformanceTarget {
  return inject('t1cTarget');
}

export function connectorClient(target: ConformanceTarget = conformanceTarget()): ConnectorClient {
  return new ConnectorClient(target.url, target.caCert);
}

export interface PlacedCard {
  readonly reader: StateReader & { readonly id: string };
  readonly profile: string;
  readonly persona: string | null;
  readonly pin: string | null;
  readonly atr: string;
}

/** The cards in the lab, optionally only those of some profiles. */
export function placedCards(target: ConformanceTarget, filter?: (profile: string) => boolean): PlacedCard[] {
  const out: PlacedCard[] = [];
  for (const reader of target.state?.readers ?? []) {
    if (!reader.card || reader.id === undefined) continue;
    if (filter && !filter(reader.card.profile)) continue;
    out.push({ reader: { ...reader, id: reader.id }, profile: reader.card.profile, persona: reader.card.persona, pin: reader.card.pin, atr: reader.card.atr });
  }
  return out;
}
