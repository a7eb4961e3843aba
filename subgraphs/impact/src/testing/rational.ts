/**
 * Exact rational arithmetic on BigInt, for tests only: an SROI computation
 * that shares no code (and no decimal library) with src/analyses/sroi.ts, so
 * that every figure the subgraph returns can be checked against the exact
 * value. Every operation is exact; nothing is rounded.
 */
export class Q {
  private constructor(
    readonly n: bigint,
    readonly d: bigint,
  ) {}

  static of(n: bigint, d = 1n): Q {
    if (d === 0n) throw new RangeError('division by zero');
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n < 0n ? -n : n, d);
    return new Q(n / g, d / g);
  }

  /** A decimal string such as "-12.5" or "0.000123", exactly. */
  static parse(text: string): Q {
    const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match) throw new Error(`not a plain decimal: "${text}"`);
    const [, sign, whole, fraction = ''] = match;
    const n = BigInt(whole + fraction) * (sign ? -1n : 1n);
    return Q.of(n, 10n ** BigInt(fraction.length));
  }

  static int(n: number | bigint): Q {
    return Q.of(BigInt(n));
  }

  plus(o: Q): Q {
    return Q.of(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  minus(o: Q): Q {
    return Q.of(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  times(o: Q): Q {
    return Q.of(this.n * o.n, this.d * o.d);
  }
  div(o: Q): Q {
    return Q.of(this.n * o.d, this.d * o.n);
  }
  pow(k: number): Q {
    return Q.of(this.n ** BigInt(k), this.d ** BigInt(k));
  }
  isZero(): boolean {
    return this.n === 0n;
  }
  sign(): number {
    return this.n === 0n ? 0 : this.n < 0n ? -1 : 1;
  }
  compare(o: Q): number {
    return this.minus(o).sign();
  }
  abs(): Q {
    return this.n < 0n ? Q.of(-this.n, this.d) : this;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

export const ZERO = Q.int(0);
/** 10^-k. */
export const tenToMinus = (k: number): Q => Q.of(1n, 10n ** BigInt(k));
export const ONE = Q.int(1);

/**
 * |returned − exact| / |exact| (or the absolute difference when exact is 0),
 * as a Q, for a decimal string the API returned.
 */
export function relativeError(returned: string, exact: Q): Q {
  const diff = Q.parse(returned).minus(exact).abs();
  return exact.isZero() ? diff : diff.div(exact.abs());
}

/** True when the decimal string is within `tolerance` (relative) of the exact value. */
export function within(returned: string, exact: Q, tolerance = tenToMinus(9)): boolean {
  return relativeError(returned, exact).compare(tolerance) <= 0;
}

/** The exact value correctly rounded (half away from zero) to `decimals` places, as the API's display forms are. */
export function rounded(exact: Q, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const scaled = exact.abs().times(Q.of(scale));
  let whole = scaled.n / scaled.d;
  if ((scaled.n % scaled.d) * 2n >= scaled.d) whole += 1n;
  const digits = whole.toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return exact.sign() < 0 && whole !== 0n ? `-${text}` : text;
}

// ---------------------------------------------------------------------------
// The SROI formulas of DOMAIN.md, written out again in rationals.

export interface RefOutcome {
  stakeholder: string;
  quantity: string;
  proxy: string;
  years: number;
  dropOff: string;
  deadweight: string;
  displacement: string;
  attribution: string;
  negative?: boolean;
}

export interface RefParameters {
  rate: string;
  discountFirstYear: boolean;
  inputs: Q;
}

export interface RefResult {
  impactYear1: Q[];
  values: Q[][];
  presentValues: Q[];
  presentValue: Q;
  netPresentValue: Q;
  ratio: Q | null;
  netRatio: Q | null;
  paybackMonths: Q | null;
  byYearValue: Q[];
  byYearPresentValue: Q[];
  byStakeholder: Map<string, Q>;
}

export function reference(outcomes: RefOutcome[], p: RefParameters): RefResult {
  const r = Q.parse(p.rate);
  const divisor = (t: number) => ONE.plus(r).pow(p.discountFirstYear ? t : t - 1);
  const impactYear1 = outcomes.map((o) => {
    const v = Q.parse(o.quantity)
      .times(Q.parse(o.proxy))
      .times(ONE.minus(Q.parse(o.deadweight)))
      .times(ONE.minus(Q.parse(o.displacement)))
      .times(ONE.minus(Q.parse(o.attribution)));
    return o.negative ? ZERO.minus(v) : v;
  });
  const values = outcomes.map((o, i) => Array.from({ length: o.years }, (_, k) => impactYear1[i].times(ONE.minus(Q.parse(o.dropOff)).pow(k))));
  const presentValues = values.map((vs) => vs.reduce((sum, v, k) => sum.plus(v.div(divisor(k + 1))), ZERO));
  const presentValue = presentValues.reduce((a, b) => a.plus(b), ZERO);
  const years = Math.max(0, ...outcomes.map((o) => o.years));
  const byYearValue = Array.from({ length: years }, (_, k) => values.reduce((sum, vs) => sum.plus(vs[k] ?? ZERO), ZERO));
  const byYearPresentValue = byYearValue.map((v, k) => v.div(divisor(k + 1)));
  const byStakeholder = new Map<string, Q>();
  outcomes.forEach((o, i) => byStakeholder.set(o.stakeholder, (byStakeholder.get(o.stakeholder) ?? ZERO).plus(presentValues[i])));
  const yearly = impactYear1.reduce((a, b) => a.plus(b), ZERO);
  const positive = p.inputs.sign() > 0;
  return {
    impactYear1,
    values,
    presentValues,
    presentValue,
    netPresentValue: presentValue.minus(p.inputs),
    ratio: positive ? presentValue.div(p.inputs) : null,
    netRatio: positive ? presentValue.minus(p.inputs).div(p.inputs) : null,
    paybackMonths: yearly.sign() > 0 && p.inputs.sign() >= 0 ? p.inputs.div(yearly.div(Q.int(12))) : null,
    byYearValue,
    byYearPresentValue,
    byStakeholder,
  };
}

/** The ratio of an impact map, exactly. */
export const referenceRatio = (outcomes: RefOutcome[], p: RefParameters): Q | null => reference(outcomes, p).ratio;
