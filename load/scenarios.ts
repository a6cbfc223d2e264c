/**
 * The load scenarios: one source of truth for paths, payloads, rates, durations and thresholds, read by the
 * k6 script (`load/k6/t1c-load.ts`, which imports this file as `../scenarios.ts`) and by the autocannon runner
 * (`t1c-lab load`). Pure data and pure functions only — no imports — so k6's runtime can load it as it is.
 */

export type ScenarioName = 'beid_sign' | 'beid_bulk_sign' | 'pkcs11_sign_rsa' | 'pkcs11_sign_ec' | 'info' | 'readers';

/** Which kind of target a scenario drives: a BeID card reader, a PKCS#11 token, or the connector alone. */
export type ScenarioTarget = 'beid' | 'pkcs11-rsa' | 'pkcs11-ec' | 'none';

/** `every`: the PIN in every request; `once`: bulk mode, the PIN in a priming request only; `none`. */
export type PinMode = 'every' | 'once' | 'none';

export interface ScenarioThresholds {
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Highest acceptable share of failed requests (0..1). */
  readonly errorRate: number;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly title: string;
  readonly method: 'GET' | 'POST';
  /** Path on the connector; `{readerId}` is replaced by the card reader's or token's id. */
  readonly path: string;
  /** Query string including `?`, or ''. */
  readonly query: string;
  readonly target: ScenarioTarget;
  readonly pin: PinMode;
  /** Whether the request signs: its latency goes into k6's `sign_ms` trend. */
  readonly signs: boolean;
  /**
   * k6's open-model arrival rate (iterations per second) per reader or token, sized for real hardware: a
   * real RSA-2048 card signs in 60–680 ms (performance-anchors.md §4.2), so 3/s keeps a mid-range card
   * busy about half the time; non-card endpoints are sized for thousands per second.
   */
  readonly k6Rate: number;
  readonly thresholds: ScenarioThresholds;
}

/** The digest every signing request signs: SHA-256 of "t1c-lab load" (32 bytes, base64). */
export const SIGN_DIGEST_BASE64 = 'aoS+d4WZIu2RyVdewIKxQa/ayUQF+UCOZpzM1SCh69Y=';
export const SIGN_ALGORITHM = 'sha256';

const SIGN_PATH_BEID = '/v3/modules/beid/apps/token/readers/{readerId}/sign';
const SIGN_PATH_PKCS11 = '/v3/modules/pkcs11/apps/token/readers/{readerId}/sign';

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'beid_sign',
    title: 'BeID non-repudiation sign, PIN every time',
    method: 'POST',
    path: SIGN_PATH_BEID,
    query: '',
    target: 'beid',
    pin: 'every',
    signs: true,
    k6Rate: 3,
    thresholds: { p95Ms: 800, p99Ms: 1500, errorRate: 0.01 },
  },
  {
    name: 'beid_bulk_sign',
    title: 'BeID bulk sign (?bulk=true, PIN once)',
    method: 'POST',
    path: SIGN_PATH_BEID,
    query: '?bulk=true',
    target: 'beid',
    pin: 'once',
    signs: true,
    k6Rate: 3,
    thresholds: { p95Ms: 800, p99Ms: 1500, errorRate: 0.01 },
  },
  {
    name: 'pkcs11_sign_rsa',
    title: 'PKCS#11 sign, RSA (SoftHSM)',
    method: 'POST',
    path: SIGN_PATH_PKCS11,
    query: '?bulk=true',
    target: 'pkcs11-rsa',
    pin: 'once',
    signs: true,
    k6Rate: 50,
    thresholds: { p95Ms: 50, p99Ms: 100, errorRate: 0.01 },
  },
  {
    name: 'pkcs11_sign_ec',
    title: 'PKCS#11 sign, EC (SoftHSM)',
    method: 'POST',
    path: SIGN_PATH_PKCS11,
    query: '?bulk=true',
    target: 'pkcs11-ec',
    pin: 'once',
    signs: true,
    k6Rate: 50,
    thresholds: { p95Ms: 50, p99Ms: 100, errorRate: 0.01 },
  },
  {
    name: 'info',
    title: 'GET /info',
    method: 'GET',
    path: '/info',
    query: '',
    target: 'none',
    pin: 'none',
    signs: false,
    k6Rate: 200,
    thresholds: { p95Ms: 10, p99Ms: 25, errorRate: 0.001 },
  },
  {
    name: 'readers',
    title: 'GET /v3/readers',
    method: 'GET',
    path: '/v3/readers',
    query: '',
    target: 'none',
    pin: 'none',
    signs: false,
    k6Rate: 200,
    thresholds: { p95Ms: 10, p99Ms: 25, errorRate: 0.001 },
  },
];

export function scenario(name: ScenarioName): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

/** The request path of a scenario for one reader or token. */
export function scenarioUrlPath(s: Scenario, readerId: string | null): string {
  if (s.path.includes('{readerId}') && readerId === null) throw new Error(`scenario ${s.name} needs a reader id`);
  return s.path.replace('{readerId}', readerId ?? '') + s.query;
}

export interface SignBody {
  readonly algorithm: string;
  readonly data: string;
  readonly pin?: string;
}

/** The JSON body of a signing request; `pin` only where the scenario sends it with this request. */
export function signBody(pin: string | null): SignBody {
  return pin === null ? { algorithm: SIGN_ALGORITHM, data: SIGN_DIGEST_BASE64 } : { algorithm: SIGN_ALGORITHM, data: SIGN_DIGEST_BASE64, pin };
}

/** How long each step of a run lasts, and what the runner holds fixed. */
export const RUN_PLAN = {
  /** k6: seconds per scenario (scenarios run one after another). */
  k6DurationS: 30,
  /** k6: pause between scenarios, seconds. */
  k6GapS: 2,
  /** The runner's default seconds per measured step (`t1c-lab load --duration`). */
  durationS: 5,
  /** Requests in flight per card when measuring maximum throughput (one waits while the other holds the card). */
  connectionsPerCard: 2,
  /** Connections for the non-card endpoints at maximum rate. */
  publicConnections: 8,
  /** The "half of maximum rate" point where the latency the connector adds is measured. */
  halfRateFraction: 0.5,
  /** Card counts for the throughput-versus-cards figure. */
  cardCounts: [1, 2, 4],
  /** BeID 1.7 personas that have a non-repudiation key (be-kids has none), one per card. */
  signingPersonas: ['be-nl-adult', 'be-fr-adult', 'be-de-adult', 'be-foreigner'],
  /** Seconds of warm-up traffic (TLS sessions, JIT) before the first measured step. */
  warmupS: 1,
} as const;

/** The figures the issue sets as goals (reported, never asserted in unit tests). */
export const GOALS = {
  /** Connector signing throughput ≥ this × min(ceilings), BeID RSA path in bulk mode (and SoftHSM EC). */
  ceilingRatio: 0.8,
  /** p99 latency the connector adds at half of its maximum rate, ms. */
  addedP99Ms: 2,
  /** Throughput growth from one to two cards with the latency model on. */
  twoCardGrowth: 1.7,
} as const;

/** What the k6 script reads from `T1C_LOAD_TARGET` (a JSON file the runner writes, or you write by hand). */
export interface K6Target {
  /** The connector, e.g. https://127.0.0.1:51983 (trust its CA with SSL_CERT_FILE). */
  readonly url: string;
  /** BeID card readers with the card's PIN. */
  readonly readers: readonly { readonly id: string; readonly pin: string }[];
  /** PKCS#11 tokens: the reader id the connector lists, the user PIN, the key type to sign with. */
  readonly tokens: readonly { readonly id: string; readonly pin: string; readonly keyType: 'rsa' | 'ec' }[];
  /** A Distribution Service to fetch a JWT from (`GET /v3/tokens/application`, header `apikey`). */
  readonly ds?: { readonly url: string; readonly apiKey: string };
  /** Seconds per scenario (default RUN_PLAN.k6DurationS). */
  readonly durationS?: number;
}
