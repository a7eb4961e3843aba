import type { AnalysisView } from './analysis.view';
import type { InKindInputEntity } from './in-kind-input.entity';
import type { OutcomeEntity } from './outcome.entity';
import { calculateSroi, dec, type Dec, type OutcomeInput, type SroiCalculation, type SroiParameters } from './sroi';

export type InputsBasis = 'LEDGER_SPENDING' | 'PLANNED_INPUTS';

/** What SroiResult's resolvers receive: the analysis, its rows and the calculation over them. */
export interface SroiResultValue {
  analysis: AnalysisView;
  outcomes: OutcomeEntity[];
  basis: InputsBasis;
  monetary: Dec;
  inKind: Dec;
  parameters: SroiParameters;
  outcomeInputs: OutcomeInput[];
  calculation: SroiCalculation;
}

export function toOutcomeInput(o: OutcomeEntity): OutcomeInput {
  return {
    id: o.id,
    stakeholder: o.stakeholder,
    quantity: dec(o.quantity),
    financialProxy: dec(o.proxyValue),
    durationYears: o.durationYears,
    dropOff: dec(o.dropOff),
    deadweight: dec(o.deadweight),
    displacement: dec(o.displacement),
    attribution: dec(o.attribution),
    negative: o.negative,
  };
}

export const inKindValue = (i: InKindInputEntity): Dec => dec(i.quantity).times(dec(i.rate));
export const inKindTotal = (inputs: InKindInputEntity[]): Dec => inputs.reduce((sum, i) => sum.plus(inKindValue(i)), dec(0));

/**
 * The monetary inputs: a forecast's planned inputs when it states them, else
 * the project's spending in the books, which only arrives when the analysis
 * was reached through its project. Null when neither is at hand.
 */
export function monetaryInputs(analysis: AnalysisView): { basis: InputsBasis; monetary: Dec } | null {
  if (analysis.plannedInputs !== null) return { basis: 'PLANNED_INPUTS', monetary: dec(analysis.plannedInputs) };
  if (analysis.ledgerSpentMinor !== undefined) return { basis: 'LEDGER_SPENDING', monetary: dec(analysis.ledgerSpentMinor.toString()).dividedBy(100) };
  return null;
}

export function buildResult(analysis: AnalysisView, outcomes: OutcomeEntity[], inKind: InKindInputEntity[]): SroiResultValue | null {
  const money = monetaryInputs(analysis);
  if (!money) return null;
  const inKindSum = inKindTotal(inKind);
  const parameters: SroiParameters = {
    discountRate: dec(analysis.discountRate),
    discountFirstYear: analysis.discountFirstYear,
    inputs: money.monetary.plus(inKindSum),
  };
  const outcomeInputs = outcomes.map(toOutcomeInput);
  return {
    analysis,
    outcomes,
    basis: money.basis,
    monetary: money.monetary,
    inKind: inKindSum,
    parameters,
    outcomeInputs,
    calculation: calculateSroi(outcomeInputs, parameters),
  };
}
