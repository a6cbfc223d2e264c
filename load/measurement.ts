import type { CeilingResult } from './card-ceiling.js';
import type { HttpStepResult } from './http-step.js';
import type { K6Outcome } from './k6-run.js';
import type { ScenarioName } from './scenarios.js';

/** One connector path measured against its ceilings. */
export interface PathMeasurement {
  readonly scenario: ScenarioName;
  /** Maximum throughput: closed model, `connectionsPerCard` in flight per card. */
  readonly max: HttpStepResult;
  /** Fixed-rate run at half of `max.throughput`, where the added latency is read. */
  readonly half: HttpStepResult | null;
  /** Ceiling name → its throughput (/s). */
  readonly ceilings: Readonly<Record<string, number>>;
  /** The lowest ceiling: what the path could do at most without the connector's own cost. */
  readonly limitedBy: string;
  /** max.throughput / min(ceilings). */
  readonly ceilingRatio: number;
}

/** Throughput of the bulk-sign path with 1, 2, 4 … cards. */
export interface ScalingSeries {
  /** Card count → connector measurement. */
  readonly http: Readonly<Record<string, HttpStepResult>>;
  /** Card count → direct-APDU ceiling with the same cards. */
  readonly ceiling: Readonly<Record<string, CeilingResult>>;
  /** Card count → http throughput / the 1-card http throughput. */
  readonly growth: Readonly<Record<string, number>>;
}

export interface NotMeasured {
  readonly what: string;
  readonly reason: string;
}

/** Everything measured on one backend (or a `--target`) in one run. */
export interface BackendMeasurement {
  readonly backend: string;
  readonly cardHost: string | null;
  readonly auth: 'none' | 'jwt';
  readonly ceilings: {
    readonly info: HttpStepResult | null;
    readonly pkcs11: Readonly<Record<string, CeilingResult>>;
  };
  readonly paths: Readonly<Partial<Record<ScenarioName, PathMeasurement>>>;
  readonly scaling: {
    readonly plain: ScalingSeries | null;
    /** With the real-card latency model (signMs per PSO:CDS). */
    readonly latencyModel: (ScalingSeries & { readonly signMs: number }) | null;
  };
  readonly notMeasured: readonly NotMeasured[];
  /** The k6 open-model run of the same scenarios, when k6 is on PATH; null otherwise. */
  readonly k6: K6Outcome | null;
}
