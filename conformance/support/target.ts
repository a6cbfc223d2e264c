import { inject } from 'vitest';
import type { LabState, StateReader } from '../../simulators/lab/state.js';
import { dsTokenSource, type DsEndpoint } from './ds.js';
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
  /** The DS the target's applications get tokens from (lab: `state.ds`; target: T1C_TARGET_DS_URL + T1C_TARGET_API_KEY). */
  readonly ds: DsEndpoint | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    t1cTarget: ConformanceTarget;
  }
}

export function conformanceTarget(): ConformanceTarget {
  return inject('t1cTarget');
}

const tokenSources = new Map<string, () => Promise<string>>();

/** The target application's DS token source (one per DS and API key, shared by a test file's clients), or null. */
export function targetTokens(target: ConformanceTarget = conformanceTarget()): (() => Promise<string>) | null {
  const ds = target.ds;
  if (!ds) return null;
  const key = `${ds.url} ${ds.apiKey}`;
  let source = tokenSources.get(key);
  if (!source) tokenSources.set(key, (source = dsTokenSource(ds)));
  return source;
}

/** A current DS token of the target's application (what a web app hands the SDK), or undefined without a DS. */
export async function targetJwt(target: ConformanceTarget = conformanceTarget()): Promise<string | undefined> {
  return (await targetTokens(target)?.()) ?? undefined;
}

/**
 * A client of the target connector. With a DS it sends the application's DS token on every request by default,
 * as a web application does (requests that need none or a bad one say so with `token`).
 */
export function connectorClient(target: ConformanceTarget = conformanceTarget(), options: { readonly maxSockets?: number } = {}): ConnectorClient {
  const token = targetTokens(target);
  return new ConnectorClient(target.url, target.caCert, { ...(token ? { token } : {}), ...options });
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
