/*
 * How much the reliability tests do. The default run stays within a few
 * minutes on two cores; RELIABILITY_LONG=1 runs the long variants.
 */
export const LONG = process.env.RELIABILITY_LONG === '1' || process.env.RELIABILITY_LONG === 'true';

export const runsFor = {
  /** Command sequences of the model-based ledger test. */
  modelSequences: () => Number(process.env.RELIABILITY_RUNS ?? (LONG ? 10_000 : 1_000)),
  /** Longest command sequence of the model-based test. */
  maxCommands: () => (LONG ? 12 : 8),
  // Generous: the time depends on the machine's load, the correctness does not.
  modelTimeoutMs: () => (LONG ? 3_600_000 : 1_200_000),
  /** A failing run printed by fast-check, replayed: RELIABILITY_SEED=<seed> RELIABILITY_PATH=<path>. */
  replay(): { seed?: number; path?: string; endOnFailure?: boolean } {
    const seed = process.env.RELIABILITY_SEED;
    if (seed === undefined) return {};
    return { seed: Number(seed), ...(process.env.RELIABILITY_PATH ? { path: process.env.RELIABILITY_PATH } : {}), endOnFailure: true };
  },
  /** Inputs per mutation in the hostile-input fuzzing. */
  fuzzInputsPerMutation: () => (LONG ? 200 : 10),
  /** Transfers in the bank test. */
  bankTransfers: () => (LONG ? 3_000 : 300),
};
