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

export function impactYear1(o: OutcomeInput): Dec {
  const impact = o.quantity
    .times(o.financialProxy)
    .times(ONE.minus(o.deadweight))
    .times(ONE.minus(o.displacement))
    .times(ONE.minus(o.attribution));
  return o.negative ? impact.negated() : impact;
}

/** The discount divisor of year t: (1 + r)^t, or (1 + r)^(t − 1) when year 1 is not discounted. */
function discountFactor(p: Pick<SroiParameters, 'discountRate' | 'discountFirstYear'>, year: number): Dec {
  return ONE.plus(p.discountRate).pow(p.discountFirstYear ? year : year - 1);
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
      const discounted = value.dividedBy(discountFactor(p, t));
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

/** Present value of the whole analysis only; the sensitivity analysis recomputes it many times. */
export function presentValueOf(outcomes: OutcomeInput[], p: Pick<SroiParameters, 'discountRate' | 'discountFirstYear'>): Dec {
  return calculateSroi(outcomes, { ...p, inputs: ZERO }).presentValue;
}

// ---------------------------------------------------------------------------
// Sensitivity

export type Assumption = 'DEADWEIGHT' | 'DISPLACEMENT' | 'ATTRIBUTION' | 'DROP_OFF' | 'FINANCIAL_PROXY' | 'QUANTITY' | 'DURATION';

/** The variations the issue prescribes: fractions ±10 percentage points, proxy and quantity ±20%, duration ±1 year. */
export const FRACTION_STEP = dec('0.10');
export const PROPORTIONAL_STEP = dec('0.20');
export const DURATION_STEP = 1;

export interface Variation {
  assumption: Assumption;
  base: Dec;
  lowValue: Dec;
  /** Null when the inputs are zero. */
  lowRatio: Dec | null;
  highValue: Dec;
  highRatio: Dec | null;
}

export interface OutcomeSensitivity {
  id: string;
  variations: Variation[];
  breakEven: BreakEvenProxy;
}

const clampFraction = (value: Dec): Dec => Decimal.max(ZERO, Decimal.min(ONE, value)) as Dec;

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

/** The low and high value of one assumption of one outcome. */
export function variedValues(o: OutcomeInput, assumption: Assumption): [Dec, Dec] {
  switch (assumption) {
    case 'DEADWEIGHT':
    case 'DISPLACEMENT':
    case 'ATTRIBUTION':
    case 'DROP_OFF': {
      const base = o[fieldOf[assumption] as 'deadweight'];
      return [clampFraction(base.minus(FRACTION_STEP)), clampFraction(base.plus(FRACTION_STEP))];
    }
    case 'FINANCIAL_PROXY':
    case 'QUANTITY': {
      const base = o[fieldOf[assumption] as 'quantity'];
      return [base.times(ONE.minus(PROPORTIONAL_STEP)), base.times(ONE.plus(PROPORTIONAL_STEP))];
    }
    case 'DURATION':
      return [dec(Math.max(1, o.durationYears - DURATION_STEP)), dec(o.durationYears + DURATION_STEP)];
  }
}

function withValue(o: OutcomeInput, assumption: Assumption, value: Dec): OutcomeInput {
  return assumption === 'DURATION' ? { ...o, durationYears: value.toNumber() } : { ...o, [fieldOf[assumption]]: value };
}

export const ASSUMPTIONS: Assumption[] = ['DEADWEIGHT', 'DISPLACEMENT', 'ATTRIBUTION', 'DROP_OFF', 'FINANCIAL_PROXY', 'QUANTITY', 'DURATION'];

/**
 * The ratio with each assumption of each outcome varied on its own, all else
 * equal, and per outcome the financial proxy at which the ratio is 1 : 1.
 */
export function sensitivity(outcomes: OutcomeInput[], p: SroiParameters): OutcomeSensitivity[] {
  const ratioWith = (index: number, changed: OutcomeInput): Dec | null => {
    if (!p.inputs.greaterThan(0)) return null;
    const varied = outcomes.map((o, i) => (i === index ? changed : o));
    return presentValueOf(varied, p).dividedBy(p.inputs);
  };
  return outcomes.map((o, index) => ({
    id: o.id,
    variations: ASSUMPTIONS.map((assumption) => {
      const [lowValue, highValue] = variedValues(o, assumption);
      return {
        assumption,
        base: assumption === 'DURATION' ? dec(o.durationYears) : o[fieldOf[assumption] as 'quantity'],
        lowValue,
        lowRatio: ratioWith(index, withValue(o, assumption, lowValue)),
        highValue,
        highRatio: ratioWith(index, withValue(o, assumption, highValue)),
      };
    }),
    breakEven: breakEvenProxy(outcomes, index, p),
  }));
}

export type BreakEvenProxy =
  | { kind: 'PROXY'; proxy: Dec }
  /** The ratio is undefined: the inputs are zero or negative, so there is nothing to break even with. */
  | { kind: 'NO_INPUTS' }
  /** The outcome's value does not depend on its proxy (quantity 0, or a fraction of 1). */
  | { kind: 'PROXY_HAS_NO_EFFECT' }
  /** Only a negative proxy would bring the ratio to 1 : 1; proxies are never negative. */
  | { kind: 'NOT_REACHABLE'; proxy: Dec };

/**
 * The proxy of outcome `index` at which PV = inputs, all else equal.
 *
 * The outcome's present value is linear in its proxy:
 *   PV_o(x) = x · k,  k = ±q · (1 − dw)(1 − dis)(1 − att) · Σ_t (1 − d)^(t − 1) / (1 + r)^e(t)
 * (minus for a negative outcome; e(t) = t, or t − 1 when year 1 is not
 * discounted), so k = PV_o(1). With PV_rest the present value of the other
 * outcomes, PV_rest + x · k = inputs gives x = (inputs − PV_rest) / k.
 */
export function breakEvenProxy(outcomes: OutcomeInput[], index: number, p: SroiParameters): BreakEvenProxy {
  if (!p.inputs.greaterThan(0)) return { kind: 'NO_INPUTS' };
  const rest = presentValueOf(outcomes.filter((_, i) => i !== index), p);
  const k = presentValueOf([{ ...outcomes[index], financialProxy: ONE }], p);
  if (k.isZero()) return { kind: 'PROXY_HAS_NO_EFFECT' };
  const proxy = p.inputs.minus(rest).dividedBy(k);
  return proxy.isNegative() && !proxy.isZero() ? { kind: 'NOT_REACHABLE', proxy } : { kind: 'PROXY', proxy: proxy.abs() };
}
