import { readFileSync } from 'node:fs';
import type { Backend, LabState } from '../simulators/lab/state.js';
import { requestJson } from './https-json.js';

/** A BeID card the runner signs with: the connector's reader id, its lab reader index and the PIN. */
export interface LoadCard {
  readonly readerId: string;
  readonly readerIndex: number;
  readonly readerName: string;
  readonly profile: string;
  readonly persona: string | null;
  readonly pin: string;
  /** True when the card runs the real-card latency model. */
  readonly latency: boolean;
}

/** A PKCS#11 token from the lab state. */
export interface LoadToken {
  readonly readerId: string;
  readonly label: string;
  readonly pin: string;
  readonly module: string;
}

/** What a run measures: a connector, its cards and tokens, and how to authenticate. */
export interface LoadTarget {
  readonly url: string;
  readonly caCertPath: string;
  readonly ca: Buffer;
  /** The reader backend, or `target` for a connector the runner did not start. */
  readonly backend: Backend | 'target';
  readonly cards: readonly LoadCard[];
  readonly tokens: readonly LoadToken[];
  readonly ds: { readonly url: string; readonly apiKey: string } | null;
  /** The lab's card host (pcsc: maybe 127.0.0.2 with the quickack route), null for a foreign target. */
  readonly cardHost: string | null;
}

/** BeID 1.7 cards in the state's readers that have an id, a PIN and a non-repudiation key. */
function cardsOf(state: LabState, latencyReaders: ReadonlySet<number>): LoadCard[] {
  const out: LoadCard[] = [];
  for (const reader of state.readers) {
    const card = reader.card;
    if (!card || reader.id === undefined || card.pin === null || !card.profile.startsWith('beid-')) continue;
    out.push({ readerId: reader.id, readerIndex: reader.index, readerName: reader.name, profile: card.profile, persona: card.persona, pin: card.pin, latency: latencyReaders.has(reader.index) });
  }
  return out;
}

function tokensOf(state: LabState): LoadToken[] {
  return (state.tokens ?? []).flatMap((t) => (t.id === undefined ? [] : [{ readerId: t.id, label: t.label, pin: t.pin, module: t.module }]));
}

/** The target of a lab the runner brought up; `latencyReaders` are the reader indexes holding latency-model cards. */
export function labTarget(state: LabState, latencyReaders: ReadonlySet<number>): LoadTarget {
  if (!state.connector) throw new Error('the lab runs no connector (is it built? npm run build)');
  return {
    url: state.connector.url,
    caCertPath: state.connector.caCert,
    ca: readFileSync(state.connector.caCert),
    backend: state.backend,
    cards: cardsOf(state, latencyReaders),
    tokens: tokensOf(state),
    ds: state.ds ?? dsFromEnv(),
    cardHost: state.lab?.cardHost ?? null,
  };
}

function dsFromEnv(): LoadTarget['ds'] {
  const url = process.env['T1C_TARGET_DS_URL'];
  const apiKey = process.env['T1C_TARGET_API_KEY'];
  return url && apiKey ? { url, apiKey } : null;
}

/**
 * `--target URL --ca PEM [--state FILE]`: another connector. Without a state file the runner knows no PINs, so
 * only the endpoints without a card are measured; a state file (the lab state format) names cards and PINs.
 */
export function foreignTarget(url: string, caCertPath: string, statePath?: string): LoadTarget {
  const state = statePath ? (JSON.parse(readFileSync(statePath, 'utf8')) as LabState) : null;
  return {
    url,
    caCertPath,
    ca: readFileSync(caCertPath),
    backend: 'target',
    cards: state ? cardsOf(state, new Set()) : [],
    tokens: state ? tokensOf(state) : [],
    ds: state?.ds ?? dsFromEnv(),
    cardHost: null,
  };
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The JWT in a DS answer: the body itself, or a `token`/`accessToken`/`jwt`/`data` field (one level down too). */
export function jwtIn(body: unknown, depth = 0): string | null {
  if (typeof body === 'string') return JWT.test(body.trim()) ? body.trim() : null;
  if (typeof body !== 'object' || body === null || depth > 1) return null;
  const record = body as Record<string, unknown>;
  for (const key of ['token', 'accessToken', 'access_token', 'jwt', 'data']) {
    const found = jwtIn(record[key], depth + 1);
    if (found) return found;
  }
  return null;
}

/** The `exp` claim of a JWT (seconds), or null. Only read to know when to ask for a new token, never trusted. */
function expiry(jwt: string): number | null {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : null;
  } catch {
    return null;
  }
}

const tokens = new WeakMap<LoadTarget, { readonly jwt: string; readonly exp: number | null }>();

/**
 * Request headers for the connector: `Authorization: Bearer <jwt>` with a token fetched from the DS like a
 * web application's back end does (`GET /v3/tokens/application`, header `apikey`, docs/ds-contract.md), kept
 * until a minute before it expires; none without a DS (the connector then runs `auth: none`).
 */
export async function authHeaders(target: LoadTarget): Promise<Record<string, string>> {
  const ds = target.ds;
  if (!ds) return {};
  const cached = tokens.get(target);
  if (cached && (cached.exp === null || cached.exp - 60 > Date.now() / 1000)) return { authorization: `Bearer ${cached.jwt}` };
  const url = new URL('/v3/tokens/application', ds.url).href;
  const headers = { apikey: ds.apiKey };
  // An HTTPS DS may use the lab's CA or a public one.
  const res = await requestJson(url, { ca: target.ca, headers }).catch(() => requestJson(url, { headers }));
  const jwt = res.status === 200 ? jwtIn(res.body) : null;
  if (!jwt) throw new Error(`the DS at ${ds.url} gave no token (HTTP ${res.status})`);
  tokens.set(target, { jwt, exp: expiry(jwt) });
  return { authorization: `Bearer ${jwt}` };
}
