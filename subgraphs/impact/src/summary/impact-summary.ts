import { dec, type Dec } from '../analyses/numbers';
import type { SroiResultValue } from '../analyses/sroi-result';

/** What ImpactSummary's resolvers receive. */
export interface ImpactSummaryValue {
  results: SroiResultValue[];
  presentValue: Dec;
  inputs: Dec;
  /** Null when the inputs are zero or negative. */
  ratio: Dec | null;
  complete: boolean;
}

/**
 * Adds up project-level results. The combined ratio is total present value
 * over total inputs (a weighted ratio), not the mean of the projects' ratios.
 */
export function combineResults(results: SroiResultValue[], complete: boolean): ImpactSummaryValue {
  const presentValue = results.reduce((sum, r) => sum.plus(r.calculation.presentValue), dec(0));
  const inputs = results.reduce((sum, r) => sum.plus(r.calculation.inputs), dec(0));
  return { results, presentValue, inputs, ratio: inputs.greaterThan(0) ? presentValue.dividedBy(inputs) : null, complete };
}
