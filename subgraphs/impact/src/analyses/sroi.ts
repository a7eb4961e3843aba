import { dec, exactDec, MAX_AMOUNT, type Dec } from './numbers';

/**
 * The SROI arithmetic of the SROI Guide (Cabinet Office 2009), exactly as in
 * DOMAIN.md and the README. Pure: decimals in, decimals out, no I/O, at the
 * working precision of numbers.ts (100 significant digits).
 */
export { dec, type Dec } from './numbers';

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

export interface DiscountParameters {
  discountRate: Dec;
  discountFirstYear: boolean;
}

export interface SroiParameters extends DiscountParameters {
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

export interface YearResult {
  year: number;
  /** Undiscounted value of all outcomes in that year. */
  value: Dec;
  presentValue: Dec;
}

export interface StakeholderResult {
  stakeholder: string;
  presentValue: Dec;
}

export interface SroiCalculation {
  outcomes: OutcomeResult[];
  presentValue: Dec;
  inputs: Dec;
  netPresentValue: Dec;
  /** Null when inputs are zero (the ratio is undefined, not infinite) or negative (refunds exceeding spending). */
  ratio: Dec | null;
  netRatio: Dec | null;
  /** Null when the yearly impact is not positive (the investment never pays back) or the inputs are negative. */
  paybackMonths: Dec | null;
  /** Present value per year across outcomes, index 0 is year 1. */
  presentValueByYear: Dec[];
  byYear: YearResult[];
  /** In order of first appearance among the outcomes. */
  byStakeholder: StakeholderResult[];
}

const ZERO = dec(0);
const ONE = dec(1);

/** The longest an outcome may last, in whole years (rules.ts refuses longer). */
export const MAX_DURATION_YEARS = 50;

export function impactYear1(o: OutcomeInput): Dec {
  const impact = o.quantity
    .times(o.financialProxy)
    .times(ONE.minus(o.deadweight))
    .times(ONE.minus(o.displacement))
    .times(ONE.minus(o.attribution));
  return o.negative ? impact.negated() : impact;
}

/** The discount divisor of year t: (1 + r)^t, or (1 + r)^(t − 1) when year 1 is not discounted. */
export function discountDivisor(p: DiscountParameters, year: number): Dec {
  return ONE.plus(p.discountRate).pow(p.discountFirstYear ? year : year - 1);
}

/** Divisors of years 1..n, index 0 is year 1: the sensitivity analysis reuses them for every variation. */
function divisors(p: DiscountParameters, years = MAX_DURATION_YEARS + 1): Dec[] {
  return Array.from({ length: years }, (_, i) => discountDivisor(p, i + 1));
}

/** Present value of one outcome: Σ_t impact_y1 × (1 − drop-off)^(t − 1) / divisor(t). */
function outcomePresentValue(o: OutcomeInput, divisor: Dec[]): Dec {
  const y1 = impactYear1(o);
  const keep = ONE.minus(o.dropOff);
  let pv = ZERO;
  let value = y1;
  for (let t = 1; t <= o.durationYears; t++) {
    pv = pv.plus(value.dividedBy(divisor[t - 1]));
    value = value.times(keep);
  }
  return pv;
}

export function calculateSroi(outcomes: OutcomeInput[], p: SroiParameters): SroiCalculation {
  const valueByYear: Dec[] = [];
  const presentValueByYear: Dec[] = [];
  const byStakeholder = new Map<string, Dec>();
  const results = outcomes.map((o) => {
    const y1 = impactYear1(o);
    const values: Dec[] = [];
    let pv = ZERO;
    for (let t = 1; t <= o.durationYears; t++) {
      const value = y1.times(ONE.minus(o.dropOff).pow(t - 1));
      const discounted = value.dividedBy(discountDivisor(p, t));
      values.push(value);
      pv = pv.plus(discounted);
      valueByYear[t - 1] = (valueByYear[t - 1] ?? ZERO).plus(value);
      presentValueByYear[t - 1] = (presentValueByYear[t - 1] ?? ZERO).plus(discounted);
    }
    byStakeholder.set(o.stakeholder, (byStakeholder.get(o.stakeholder) ?? ZERO).plus(pv));
    return { id: o.id, stakeholder: o.stakeholder, impactYear1: y1, values, presentValue: pv };
  });
  const presentValue = results.reduce((sum, r) => sum.plus(r.presentValue), ZERO);
  const yearlyImpact = results.reduce((sum, r) => sum.plus(r.impactYear1), ZERO);
  const netPresentValue = presentValue.minus(p.inputs);
  const hasInputs = p.inputs.greaterThan(0);
  return {
    outcomes: results,
    presentValue,
    inputs: p.inputs,
    netPresentValue,
    ratio: hasInputs ? presentValue.dividedBy(p.inputs) : null,
    netRatio: hasInputs ? netPresentValue.dividedBy(p.inputs) : null,
    paybackMonths: yearlyImpact.greaterThan(0) && !p.inputs.isNegative() ? p.inputs.dividedBy(yearlyImpact.dividedBy(12)) : null,
    presentValueByYear,
    byYear: presentValueByYear.map((pv, i) => ({ year: i + 1, value: valueByYear[i], presentValue: pv })),
    byStakeholder: [...byStakeholder].map(([stakeholder, pv]) => ({ stakeholder, presentValue: pv })),
  };
}

/** Present value of the whole analysis only. */
export function presentValueOf(outcomes: OutcomeInput[], p: DiscountParameters): Dec {
  const divisor = divisors(p);
  return outcomes.reduce((sum, o) => sum.plus(outcomePresentValue(o, divisor)), ZERO);
}

// ---------------------------------------------------------------------------
// Sensitivity

export type Assumption = 'DEADWEIGHT' | 'DISPLACEMENT' | 'ATTRIBUTION' | 'DROP_OFF' | 'FINANCIAL_PROXY' | 'QUANTITY' | 'DURATION';

export const ASSUMPTIONS: Assumption[] = ['DEADWEIGHT', 'DISPLACEMENT', 'ATTRIBUTION', 'DROP_OFF', 'FINANCIAL_PROXY', 'QUANTITY', 'DURATION'];

/** The one-way variations: fractions ±10 percentage points, proxy and quantity ±20%, duration ±1 year. */
export const FRACTION_STEP = dec('0.10');
export const PROPORTIONAL_STEP = dec('0.20');
export const DURATION_STEP = 1;

type Field = 'deadweight' | 'displacement' | 'attribution' | 'dropOff' | 'financialProxy' | 'quantity' | 'durationYears';

const fieldOf: Record<Assumption, Field> = {
  DEADWEIGHT: 'deadweight',
  DISPLACEMENT: 'displacement',
  ATTRIBUTION: 'attribution',
  DROP_OFF: 'dropOff',
  FINANCIAL_PROXY: 'financialProxy',
  QUANTITY: 'quantity',
  DURATION: 'durationYears',
};

/** The values an assumption may take: what the API accepts for it. */
export function rangeOf(assumption: Assumption): [minimum: Dec, maximum: Dec] {
  switch (assumption) {
    case 'DEADWEIGHT':
    case 'DISPLACEMENT':
    case 'ATTRIBUTION':
    case 'DROP_OFF':
      return [ZERO, ONE];
    case 'FINANCIAL_PROXY':
    case 'QUANTITY':
      return [ZERO, MAX_AMOUNT];
    case 'DURATION':
      return [ONE, dec(MAX_DURATION_YEARS)];
  }
}

const clamp = (value: Dec, [min, max]: [Dec, Dec]): Dec => (value.lessThan(min) ? min : value.greaterThan(max) ? max : value);

export function valueOf(o: OutcomeInput, assumption: Assumption): Dec {
  return assumption === 'DURATION' ? dec(o.durationYears) : o[fieldOf[assumption] as 'quantity'];
}

export function withValue(o: OutcomeInput, assumption: Assumption, value: Dec): OutcomeInput {
  return assumption === 'DURATION' ? { ...o, durationYears: value.toNumber() } : { ...o, [fieldOf[assumption]]: value };
}

/**
 * The low and high value of one assumption, kept within what the API accepts
 * and written as their exact forms, so that the ratio reported for a value is
 * the ratio of the value reported (and sending it back gives that ratio).
 */
export function variedValues(o: OutcomeInput, assumption: Assumption): [Dec, Dec] {
  const range = rangeOf(assumption);
  const base = valueOf(o, assumption);
  switch (assumption) {
    case 'DEADWEIGHT':
    case 'DISPLACEMENT':
    case 'ATTRIBUTION':
    case 'DROP_OFF':
      // 0.1 plus a fraction with many decimals can have more significant digits than an exact form: round it first.
      return [clamp(exactDec(base.minus(FRACTION_STEP)), range), clamp(exactDec(base.plus(FRACTION_STEP)), range)];
    case 'FINANCIAL_PROXY':
    case 'QUANTITY':
      return [exactDec(base.times(ONE.minus(PROPORTIONAL_STEP))), clamp(exactDec(base.times(ONE.plus(PROPORTIONAL_STEP))), range)];
    case 'DURATION':
      return [clamp(base.minus(DURATION_STEP), range), clamp(base.plus(DURATION_STEP), range)];
  }
}

export interface Variation {
  assumption: Assumption;
  base: Dec;
  lowValue: Dec;
  /** Null when the inputs are not positive. */
  lowRatio: Dec | null;
  highValue: Dec;
  highRatio: Dec | null;
}

/** Where an assumption's break-even stands; see breakEven(). */
export type BreakEvenStatus = 'REACHED' | 'BETWEEN_WHOLE_YEARS' | 'OUT_OF_RANGE' | 'NO_EFFECT' | 'NO_RATIO';

export interface BreakEven {
  assumption: Assumption;
  status: BreakEvenStatus;
  /** REACHED: the value at which the ratio is exactly 1 (its exact form). */
  value: Dec | null;
  /** BETWEEN_WHOLE_YEARS: the whole durations on either side of 1 : 1, and their ratios. */
  lowerYears: number | null;
  upperYears: number | null;
  ratioAtLowerYears: Dec | null;
  ratioAtUpperYears: Dec | null;
  /** OUT_OF_RANGE, for an assumption the present value is linear in: the value outside the range that would give 1 : 1. */
  valueOutsideRange: Dec | null;
  minimum: Dec;
  maximum: Dec;
  /** The ratio with the assumption at its minimum and at its maximum, all else equal; null when the inputs are not positive. */
  ratioAtMinimum: Dec | null;
  ratioAtMaximum: Dec | null;
}

export interface OutcomeSensitivity {
  id: string;
  variations: Variation[];
  breakEvens: BreakEven[];
}

/**
 * The analysis seen from one outcome: the present value of all others is
 * fixed, so every variation of the outcome only recomputes the outcome itself.
 */
class Model {
  private readonly divisor: Dec[];
  readonly presentValues: Dec[];
  readonly total: Dec;

  constructor(
    readonly outcomes: OutcomeInput[],
    readonly p: SroiParameters,
  ) {
    this.divisor = divisors(p);
    this.presentValues = outcomes.map((o) => outcomePresentValue(o, this.divisor));
    this.total = this.presentValues.reduce((sum, pv) => sum.plus(pv), ZERO);
  }

  get hasRatio(): boolean {
    return this.p.inputs.greaterThan(0);
  }

  presentValue(o: OutcomeInput): Dec {
    return outcomePresentValue(o, this.divisor);
  }

  /** Present value of every outcome but one. */
  rest(index: number): Dec {
    return this.total.minus(this.presentValues[index]);
  }

  /** The ratio with outcomes replaced (index → changed outcome), all else equal. */
  ratioWith(changes: Map<number, OutcomeInput>): Dec | null {
    if (!this.hasRatio) return null;
    let pv = this.total;
    for (const [index, changed] of changes) pv = pv.minus(this.presentValues[index]).plus(this.presentValue(changed));
    return pv.dividedBy(this.p.inputs);
  }

  ratioWithOne(index: number, changed: OutcomeInput): Dec | null {
    return this.ratioWith(new Map([[index, changed]]));
  }

  /** Year-by-year discounted values of one outcome over `years` years, ignoring its own duration. */
  discountedValues(o: OutcomeInput, years: number): Dec[] {
    const keep = ONE.minus(o.dropOff);
    const result: Dec[] = [];
    let value = impactYear1(o);
    for (let t = 1; t <= years; t++) {
      result.push(value.dividedBy(this.divisor[t - 1]));
      value = value.times(keep);
    }
    return result;
  }

  /** Coefficients c_t = impact_y1 / divisor(t) of PV(x) = Σ c_t x^(t − 1), x = 1 − drop-off. */
  dropOffPolynomial(o: OutcomeInput): Dec[] {
    const y1 = impactYear1(o);
    return Array.from({ length: o.durationYears }, (_, i) => y1.dividedBy(this.divisor[i]));
  }
}

/**
 * The ratio with each assumption of each outcome varied on its own, all else
 * equal, and for every assumption of every outcome its break-even.
 */
export function sensitivity(outcomes: OutcomeInput[], p: SroiParameters): OutcomeSensitivity[] {
  const model = new Model(outcomes, p);
  return outcomes.map((o, index) => ({
    id: o.id,
    variations: ASSUMPTIONS.map((assumption) => {
      const [lowValue, highValue] = variedValues(o, assumption);
      return {
        assumption,
        base: valueOf(o, assumption),
        lowValue,
        lowRatio: model.ratioWithOne(index, withValue(o, assumption, lowValue)),
        highValue,
        highRatio: model.ratioWithOne(index, withValue(o, assumption, highValue)),
      };
    }),
    breakEvens: ASSUMPTIONS.map((assumption) => breakEvenIn(model, index, assumption)),
  }));
}

/** The break-even of one assumption of one outcome: see breakEvenIn. */
export function breakEven(outcomes: OutcomeInput[], index: number, assumption: Assumption, p: SroiParameters): BreakEven {
  return breakEvenIn(new Model(outcomes, p), index, assumption);
}

/**
 * The value of one assumption of outcome `index` at which the ratio is exactly
 * 1 : 1 (PV = inputs), all else equal, within the values the API accepts.
 *
 * - Proxy and quantity: the outcome's PV is linear in either, PV_o(x) = x · U
 *   with U its PV at x = 1, so x = (inputs − PV_rest) / U.
 * - Deadweight, displacement, attribution: PV_o(f) = K · (1 − f) with K its PV
 *   at f = 0, so f = 1 − (inputs − PV_rest) / K.
 * - Drop-off: PV_o = Σ_t c_t x^(t − 1) with x = 1 − d, a polynomial with
 *   coefficients of one sign, strictly monotone on 0 ≤ d ≤ 1; its root is
 *   found by Newton's method inside a shrinking bracket, to 10^-75.
 * - Duration: whole years only; the PV is monotone in the duration, so the
 *   answer is the duration at which the ratio is exactly 1, or the two whole
 *   durations on either side of it.
 * When no accepted value gets there, OUT_OF_RANGE, with the ratio at both ends
 * of the range (and, for the linear ones, the value that would be needed).
 */
function breakEvenIn(model: Model, index: number, assumption: Assumption): BreakEven {
  const o = model.outcomes[index];
  const [minimum, maximum] = rangeOf(assumption);
  const none = {
    value: null,
    lowerYears: null,
    upperYears: null,
    ratioAtLowerYears: null,
    ratioAtUpperYears: null,
    valueOutsideRange: null,
  };
  const ends = {
    minimum,
    maximum,
    ratioAtMinimum: model.ratioWithOne(index, withValue(o, assumption, minimum)),
    ratioAtMaximum: model.ratioWithOne(index, withValue(o, assumption, maximum)),
  };
  const answer = (status: BreakEvenStatus, fields: Partial<BreakEven> = {}): BreakEven => ({ assumption, status, ...none, ...ends, ...fields });
  if (!model.hasRatio) return answer('NO_RATIO');
  const target = model.p.inputs.minus(model.rest(index));

  /** A linear solution: inside the range it is the break-even, outside it is what would be needed. */
  const linear = (solution: Dec): BreakEven => {
    const value = exactDec(solution);
    return value.lessThan(minimum) || value.greaterThan(maximum) ? answer('OUT_OF_RANGE', { valueOutsideRange: value }) : answer('REACHED', { value });
  };

  switch (assumption) {
    case 'FINANCIAL_PROXY':
    case 'QUANTITY': {
      const unit = model.presentValue(withValue(o, assumption, ONE));
      if (unit.isZero()) return answer('NO_EFFECT');
      return linear(target.dividedBy(unit));
    }
    case 'DEADWEIGHT':
    case 'DISPLACEMENT':
    case 'ATTRIBUTION': {
      const whole = model.presentValue(withValue(o, assumption, ZERO));
      if (whole.isZero()) return answer('NO_EFFECT');
      return linear(ONE.minus(target.dividedBy(whole)));
    }
    case 'DROP_OFF': {
      const c = model.dropOffPolynomial(o);
      if (c.length < 2 || c[0].isZero()) return answer('NO_EFFECT');
      const root = solveDropOff(c, target);
      return root === null ? answer('OUT_OF_RANGE') : answer('REACHED', { value: exactDec(root) });
    }
    case 'DURATION': {
      // Cumulative PV over 1..50 years: one pass gives the ratio at every whole duration.
      const rest = model.rest(index);
      const ratios: Dec[] = [];
      let pv = ZERO;
      for (const value of model.discountedValues(o, MAX_DURATION_YEARS)) {
        pv = pv.plus(value);
        ratios.push(rest.plus(pv).dividedBy(model.p.inputs));
      }
      if (ratios.every((r) => r.equals(ratios[0]))) return answer('NO_EFFECT');
      const hit = ratios.findIndex((r) => r.equals(ONE));
      if (hit >= 0) return answer('REACHED', { value: dec(hit + 1) });
      for (let n = 1; n < ratios.length; n++) {
        const below = ratios[n - 1].minus(ONE);
        const above = ratios[n].minus(ONE);
        if (below.isNegative() !== above.isNegative()) {
          return answer('BETWEEN_WHOLE_YEARS', { lowerYears: n, upperYears: n + 1, ratioAtLowerYears: ratios[n - 1], ratioAtUpperYears: ratios[n] });
        }
      }
      return answer('OUT_OF_RANGE');
    }
  }
}

/**
 * The drop-off d in [0, 1] with Σ_t c_t (1 − d)^(t − 1) = target, or null when
 * none. With x = 1 − d, h(x) = Σ c_t x^(t − 1) − target is strictly monotone
 * on [0, 1] (all c_t share a sign, and there are at least two).
 */
function solveDropOff(c: Dec[], target: Dec): Dec | null {
  const h = (x: Dec): [Dec, Dec] => {
    // Horner for the value and the derivative together.
    let value = ZERO;
    let slope = ZERO;
    for (let i = c.length - 1; i >= 0; i--) {
      slope = slope.times(x).plus(value);
      value = value.times(x).plus(c[i]);
    }
    return [value.minus(target), slope];
  };
  const [atZero] = h(ZERO); // d = 1
  const [atOne] = h(ONE); // d = 0
  if (atOne.isZero()) return ZERO;
  if (atZero.isZero()) return ONE;
  if (atZero.isNegative() === atOne.isNegative()) return null;
  // Keep a bracket [lo, hi] in x with h(lo) and h(hi) of opposite signs; take Newton's step when it stays inside.
  let lo = ZERO;
  let hi = ONE;
  const loNegative = atZero.isNegative();
  let x = dec('0.5');
  const tolerance = dec('1e-75');
  for (let i = 0; i < 400 && hi.minus(lo).greaterThan(tolerance); i++) {
    const [value, slope] = h(x);
    if (value.isZero()) return ONE.minus(x);
    if (value.isNegative() === loNegative) lo = x;
    else hi = x;
    const newton = slope.isZero() ? null : x.minus(value.dividedBy(slope));
    if (newton && newton.greaterThan(lo) && newton.lessThan(hi)) {
      // Newton converges from one side, so the bracket may stay wide: stop when the step is small enough.
      if (newton.minus(x).abs().lessThan(tolerance)) return ONE.minus(newton);
      x = newton;
    } else {
      x = lo.plus(hi).dividedBy(2);
    }
  }
  return ONE.minus(x);
}

// ---------------------------------------------------------------------------
// Two-way sensitivity

export interface TwoWayAxis {
  index: number;
  assumption: Assumption;
  /** Low, base and high value, each once (a clamped low or high equal to the base is not repeated). */
  values: Dec[];
  /** |high ratio − low ratio| of the one-way variation. */
  swing: Dec;
}

export interface TwoWayTable {
  rows: TwoWayAxis;
  columns: TwoWayAxis;
  /** ratios[i][j]: the ratio with rows.values[i] and columns.values[j], all else equal. */
  ratios: Dec[][];
}

/**
 * The two assumptions whose one-way variation moves the ratio most (largest
 * swing; ties in the order of the outcomes, then of ASSUMPTIONS), varied
 * together. Null when the ratio is undefined or fewer than two assumptions move it.
 */
export function twoWaySensitivity(outcomes: OutcomeInput[], p: SroiParameters, oneWay = sensitivity(outcomes, p)): TwoWayTable | null {
  const model = new Model(outcomes, p);
  if (!model.hasRatio) return null;
  const candidates: TwoWayAxis[] = [];
  oneWay.forEach((s, index) =>
    s.variations.forEach((v) => {
      const swing = v.highRatio!.minus(v.lowRatio!).abs();
      if (!swing.isZero()) {
        const values = [v.lowValue, v.base, v.highValue].filter((x, i, all) => all.findIndex((y) => y.equals(x)) === i);
        candidates.push({ index, assumption: v.assumption, values, swing });
      }
    }),
  );
  // A stable sort keeps the outcome and assumption order among equal swings.
  candidates.sort((a, b) => b.swing.comparedTo(a.swing));
  if (candidates.length < 2) return null;
  const [rows, columns] = candidates;
  const ratios = rows.values.map((rowValue) =>
    columns.values.map((columnValue) => {
      const changes = new Map<number, OutcomeInput>();
      changes.set(rows.index, withValue(outcomes[rows.index], rows.assumption, rowValue));
      const base = changes.get(columns.index) ?? outcomes[columns.index];
      changes.set(columns.index, withValue(base, columns.assumption, columnValue));
      return model.ratioWith(changes)!;
    }),
  );
  return { rows, columns, ratios };
}

// ---------------------------------------------------------------------------
// Plausibility

export type WarningCode = 'DISCOUNT_RATE_ABOVE_20_PERCENT' | 'DROP_OFF_100_PERCENT' | 'DURATION_OVER_10_YEARS' | 'OUTCOME_OVER_90_PERCENT_OF_VALUE';

export interface PlausibilityWarning {
  code: WarningCode;
  /** The outcome it is about, or null for the analysis as a whole. */
  index: number | null;
  /** OUTCOME_OVER_90_PERCENT_OF_VALUE: |PV_o| / Σ |PV|. */
  share: Dec | null;
}

export const PLAUSIBLE_DISCOUNT_RATE = dec('0.2');
export const PLAUSIBLE_DURATION_YEARS = 10;
export const DOMINANT_SHARE = dec('0.9');

/**
 * What an assurance reviewer would question first. None of these blocks
 * anything: each is a fact about the analysis, shown with its result.
 */
export function plausibilityWarnings(outcomes: OutcomeInput[], p: DiscountParameters): PlausibilityWarning[] {
  const warnings: PlausibilityWarning[] = [];
  if (p.discountRate.greaterThan(PLAUSIBLE_DISCOUNT_RATE)) warnings.push({ code: 'DISCOUNT_RATE_ABOVE_20_PERCENT', index: null, share: null });
  const divisor = divisors(p);
  const sizes = outcomes.map((o) => outcomePresentValue(o, divisor).abs());
  const gross = sizes.reduce((sum, s) => sum.plus(s), ZERO);
  outcomes.forEach((o, index) => {
    if (o.dropOff.equals(ONE)) warnings.push({ code: 'DROP_OFF_100_PERCENT', index, share: null });
    if (o.durationYears > PLAUSIBLE_DURATION_YEARS) warnings.push({ code: 'DURATION_OVER_10_YEARS', index, share: null });
    if (gross.greaterThan(0)) {
      const share = sizes[index].dividedBy(gross);
      if (share.greaterThan(DOMINANT_SHARE)) warnings.push({ code: 'OUTCOME_OVER_90_PERCENT_OF_VALUE', index, share });
    }
  });
  return warnings;
}
