import Decimal from 'decimal.js';

/**
 * The SROI arithmetic of the SROI Guide (Cabinet Office 2009), exactly as in
 * DOMAIN.md. Pure: decimals in, decimals out, no I/O. Decimal arithmetic so
 * results do not drift with float rounding.
 */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;
export const dec = (value: Decimal.Value): Dec => new D(value);

export interface OutcomeInput {
  id: string;
  stakeholder: string;
  quantity: Dec;
  /** Euros per unit per year. */
  financialProxy: Dec;
  durationYears: number;
  dropOff: Dec;
  deadweight: Dec;
  displacement: Dec;
  attribution: Dec;
  negative: boolean;
}

export interface SroiParameters {
  discountRate: Dec;
  discountFirstYear: boolean;
  /** Total inputs in euros. */
  inputs: Dec;
}

export interface OutcomeResult {
  id: string;
  stakeholder: string;
  impactYear1: Dec;
  /** Undiscounted value per year, index 0 is year 1. */
  values: Dec[];
  presentValue: Dec;
}

export interface SroiCalculation {
  outcomes: OutcomeResult[];
  presentValue: Dec;
  inputs: Dec;
  netPresentValue: Dec;
  /** Null when inputs are zero: the ratio is undefined, not infinite. */
  ratio: Dec | null;
  netRatio: Dec | null;
  /** Null when the yearly impact is not positive: the investment never pays back. */
  paybackMonths: Dec | null;
  /** Present value per year across outcomes, index 0 is year 1. */
  presentValueByYear: Dec[];
}

const ONE = dec(1);

export function impactYear1(o: OutcomeInput): Dec {
  const impact = o.quantity
    .times(o.financialProxy)
    .times(ONE.minus(o.deadweight))
    .times(ONE.minus(o.displacement))
    .times(ONE.minus(o.attribution));
  return o.negative ? impact.negated() : impact;
}

export function calculateSroi(outcomes: OutcomeInput[], p: SroiParameters): SroiCalculation {
  const factor = ONE.plus(p.discountRate);
  const presentValueByYear: Dec[] = [];
  const results = outcomes.map((o) => {
    const y1 = impactYear1(o);
    const values: Dec[] = [];
    let pv = dec(0);
    for (let t = 1; t <= o.durationYears; t++) {
      const value = y1.times(ONE.minus(o.dropOff).pow(t - 1));
      const discounted = value.dividedBy(factor.pow(p.discountFirstYear ? t : t - 1));
      values.push(value);
      pv = pv.plus(discounted);
      presentValueByYear[t - 1] = (presentValueByYear[t - 1] ?? dec(0)).plus(discounted);
    }
    return { id: o.id, stakeholder: o.stakeholder, impactYear1: y1, values, presentValue: pv };
  });
  const presentValue = results.reduce((sum, r) => sum.plus(r.presentValue), dec(0));
  const yearlyImpact = results.reduce((sum, r) => sum.plus(r.impactYear1), dec(0));
  const netPresentValue = presentValue.minus(p.inputs);
  const hasInputs = !p.inputs.isZero();
  return {
    outcomes: results,
    presentValue,
    inputs: p.inputs,
    netPresentValue,
    ratio: hasInputs ? presentValue.dividedBy(p.inputs) : null,
    netRatio: hasInputs ? netPresentValue.dividedBy(p.inputs) : null,
    paybackMonths: yearlyImpact.greaterThan(0) ? p.inputs.dividedBy(yearlyImpact.dividedBy(12)) : null,
    presentValueByYear,
  };
}
