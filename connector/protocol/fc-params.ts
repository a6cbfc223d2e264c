/**
 * fast-check settings shared by the property tests: a fixed seed so CI is repeatable, and FC_NUM_RUNS /
 * FC_SEED to scale a run up or replay a failure. fast-check prints the seed and the shrunk counterexample.
 */
export interface FcParams {
  readonly seed: number;
  readonly numRuns: number;
}

export const DEFAULT_FC_SEED = 0x7c1ab;

export function fcParams(defaultRuns = 200): FcParams {
  const runs = Number.parseInt(process.env['FC_NUM_RUNS'] ?? '', 10);
  const seed = Number.parseInt(process.env['FC_SEED'] ?? '', 10);
  return {
    seed: Number.isFinite(seed) ? seed : DEFAULT_FC_SEED,
    numRuns: Number.isFinite(runs) && runs > 0 ? runs : defaultRuns,
  };
}
