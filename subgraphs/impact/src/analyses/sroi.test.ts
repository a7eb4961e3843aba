import { breakEvenProxy, calculateSroi, dec, presentValueOf, sensitivity, type OutcomeInput, type SroiParameters } from './sroi';

/*
 * Every expected number below was worked out by hand from the formulas in
 * DOMAIN.md (written out in the comments) and cross-checked with Python's
 * decimal module at 40 digits, independently of this code.
 */

const outcome = (over: Partial<OutcomeInput>): OutcomeInput => ({
  id: 'o',
  stakeholder: 'residents',
  quantity: dec(1),
  financialProxy: dec(1000),
  durationYears: 1,
  dropOff: dec(0),
  deadweight: dec(0),
  displacement: dec(0),
  attribution: dec(0),
  negative: false,
  ...over,
});

const guide = (inputs: number | string, over: Partial<SroiParameters> = {}): SroiParameters => ({
  discountRate: dec('0.035'),
  discountFirstYear: true,
  inputs: dec(inputs),
  ...over,
});

/** 10 people × €500, deadweight 20%, displacement 10%, attribution 25%, three years, drop-off 10% a year. */
const single = outcome({
  quantity: dec(10),
  financialProxy: dec(500),
  deadweight: dec('0.2'),
  displacement: dec('0.1'),
  attribution: dec('0.25'),
  durationYears: 3,
  dropOff: dec('0.1'),
});

describe('calculateSroi: one outcome over several years', () => {
  // impact_y1 = 10 × 500 × (1 − 0.2) × (1 − 0.1) × (1 − 0.25) = 5000 × 0.8 × 0.9 × 0.75 = 2700
  // value[t] = 2700 × 0.9^(t − 1): year 1 2700, year 2 2430, year 3 2187 (drop-off over several years)

  it('discounts year 1 by default (the Guide)', () => {
    // PV = 2700 / 1.035 + 2430 / 1.035² + 2187 / 1.035³
    //    = 2608.695652… + 2268.431002… + 1972.548696… = 6849.675351…
    // inputs 5000: ratio 1.369935…, NPV 1849.675351…, net ratio 0.369935…
    // payback = 5000 / (2700 / 12) = 5000 / 225 = 22.222… months
    const result = calculateSroi([single], guide(5000));
    expect(result.outcomes[0].impactYear1.toString()).toBe('2700');
    expect(result.outcomes[0].values.map(String)).toEqual(['2700', '2430', '2187']);
    expect(result.presentValue.toFixed(6)).toBe('6849.675351');
    expect(result.ratio!.toFixed(6)).toBe('1.369935');
    expect(result.netPresentValue.toFixed(6)).toBe('1849.675351');
    expect(result.netRatio!.toFixed(6)).toBe('0.369935');
    expect(result.paybackMonths!.toFixed(4)).toBe('22.2222');
  });

  it('does not discount year 1 when the analysis says so', () => {
    // PV = 2700 + 2430 / 1.035 + 2187 / 1.035² = 2700 + 2347.826087… + 2041.587901… = 7089.413988…
    // ratio = 7089.413988… / 5000 = 1.417883
    const result = calculateSroi([single], guide(5000, { discountFirstYear: false }));
    expect(result.presentValue.toFixed(6)).toBe('7089.413989');
    expect(result.ratio!.toFixed(6)).toBe('1.417883');
  });

  it('with rate 0 the present value is the plain sum of the values', () => {
    // PV = 2700 + 2430 + 2187 = 7317; ratio = 7317 / 5000 = 1.4634 exactly
    const result = calculateSroi([single], guide(5000, { discountRate: dec(0) }));
    expect(result.presentValue.toString()).toBe('7317');
    expect(result.ratio!.toString()).toBe('1.4634');
    expect(result.byYear.map((y) => y.presentValue.toString())).toEqual(['2700', '2430', '2187']);
  });
});

/*
 * Four outcomes of different durations, one negative; r = 3.5%, year 1 discounted, inputs 4000.
 *   o1 residents: 20 × €100, deadweight 10%, attribution 20%, 3 years, drop-off 20%
 *      impact_y1 = 2000 × 0.9 × 0.8 = 1440; values 1440, 1152, 921.6
 *      PV = 1440/1.035 + 1152/1.035² + 921.6/1.035³ = 1391.304348 + 1075.404327 + 831.230398 = 3297.939072
 *   o2 municipality: 5 × €1000, one year: 5000; PV = 5000/1.035 = 4830.917874
 *   o3 residents, negative: 40 × €25, one year: −1000; PV = −1000/1.035 = −966.183575
 *   o4 volunteers: 2 × €300, deadweight 50%, 5 years, drop-off 50%
 *      impact_y1 = 300; values 300, 150, 75, 37.5, 18.75; PV = 545.993461
 *   PV = 3297.939072 + 4830.917874 − 966.183575 + 545.993461 = 7708.666833
 *   ratio = 7708.666833 / 4000 = 1.927167; NPV = 3708.666833; net ratio 0.927167
 *   payback = 4000 / ((1440 + 5000 − 1000 + 300) / 12) = 4000 / 478.333… = 8.362369 months
 *   by year (undiscounted): 5740, 1302, 996.6, 37.5, 18.75
 *   by year (PV): 5545.893720, 1215.430932, 898.876100, 32.679084, 15.786997
 *   by stakeholder: residents 3297.939072 − 966.183575 = 2331.755497; municipality 4830.917874; volunteers 545.993461
 */
const mixed = [
  outcome({ id: 'o1', stakeholder: 'residents', quantity: dec(20), financialProxy: dec(100), deadweight: dec('0.1'), attribution: dec('0.2'), durationYears: 3, dropOff: dec('0.2') }),
  outcome({ id: 'o2', stakeholder: 'municipality', quantity: dec(5), financialProxy: dec(1000) }),
  outcome({ id: 'o3', stakeholder: 'residents', quantity: dec(40), financialProxy: dec(25), negative: true }),
  outcome({ id: 'o4', stakeholder: 'volunteers', quantity: dec(2), financialProxy: dec(300), deadweight: dec('0.5'), durationYears: 5, dropOff: dec('0.5') }),
];

describe('calculateSroi: several outcomes of different durations, one negative', () => {
  const result = calculateSroi(mixed, guide(4000));

  it('computes each outcome, the totals and the ratio', () => {
    expect(result.outcomes.map((o) => o.impactYear1.toString())).toEqual(['1440', '5000', '-1000', '300']);
    expect(result.outcomes.map((o) => o.presentValue.toFixed(6))).toEqual(['3297.939072', '4830.917874', '-966.183575', '545.993461']);
    expect(result.outcomes[3].values.map(String)).toEqual(['300', '150', '75', '37.5', '18.75']);
    expect(result.presentValue.toFixed(6)).toBe('7708.666833');
    expect(result.ratio!.toFixed(6)).toBe('1.927167');
    expect(result.netPresentValue.toFixed(6)).toBe('3708.666833');
    expect(result.netRatio!.toFixed(6)).toBe('0.927167');
  });

  it('computes the payback period from the year-1 impact, negative outcomes included', () => {
    expect(result.paybackMonths!.toFixed(6)).toBe('8.362369');
  });

  it('breaks the result down by year and by stakeholder', () => {
    expect(result.byYear.map((y) => y.value.toString())).toEqual(['5740', '1302', '996.6', '37.5', '18.75']);
    expect(result.byYear.map((y) => y.presentValue.toFixed(6))).toEqual(['5545.893720', '1215.430932', '898.876100', '32.679084', '15.786997']);
    expect(result.byStakeholder.map((s) => [s.stakeholder, s.presentValue.toFixed(6)])).toEqual([
      ['residents', '2331.755497'],
      ['municipality', '4830.917874'],
      ['volunteers', '545.993461'],
    ]);
  });
});

describe('calculateSroi: edge cases', () => {
  it('leaves the ratio undefined when the inputs are zero, instead of dividing by zero', () => {
    const result = calculateSroi([outcome({})], guide(0));
    expect(result.ratio).toBeNull();
    expect(result.netRatio).toBeNull();
    expect(result.presentValue.toFixed(2)).toBe('966.18');
    // Zero inputs pay back at once.
    expect(result.paybackMonths!.toString()).toBe('0');
  });

  it('gives no ratio and no payback for negative inputs (refunds exceeding spending)', () => {
    const result = calculateSroi([outcome({})], guide(-250));
    expect(result.ratio).toBeNull();
    expect(result.netRatio).toBeNull();
    expect(result.paybackMonths).toBeNull();
    expect(breakEvenProxy([outcome({})], 0, guide(-250))).toEqual({ kind: 'NO_INPUTS' });
  });

  it('never pays back when the yearly impact is not positive', () => {
    // impact_y1 = 1000 − 1000 = 0
    const result = calculateSroi([outcome({ id: 'a' }), outcome({ id: 'b', negative: true })], guide(500));
    expect(result.paybackMonths).toBeNull();
    expect(result.ratio!.toString()).toBe('0');
  });
});

/*
 * Sensitivity of o1 in the mixed case, recomputed independently:
 *   the other outcomes are worth 4830.917874 − 966.183575 + 545.993461 = 4410.727760;
 *   ratio = (4410.727760 + PV(o1 varied)) / 4000.
 *   deadweight 0.1 → 0:    impact_y1 = 2000 × 0.8 = 1600 (values 1600, 1280, 1024)
 *                          PV(o1) = 3664.376747, ratio = 8075.104507 / 4000 = 2.018776
 *   deadweight 0.1 → 0.2:  impact_y1 = 2000 × 0.8 × 0.8 = 1280; PV(o1) = 2931.501398, ratio 1.835557
 *   displacement 0 → 0 (clamped at 0): ratio unchanged 1.927167; 0 → 0.1: PV(o1) = 2968.145165, ratio 1.844718
 *   attribution 0.2 → 0.1: PV(o1) = 3710.181456, ratio 2.030227; → 0.3: PV(o1) = 2885.696688, ratio 1.824106
 *   drop-off 0.2 → 0.1: values 1440, 1296, 1166.4; PV(o1) = 3653.160188, ratio 2.015972
 *                  → 0.3: values 1440, 1008, 705.6; PV(o1) = 2968.693907, ratio 1.844855
 *   proxy (and likewise quantity) ×0.8: PV(o1) = 2638.351258, ratio 1.762270; ×1.2: PV(o1) = 3957.526887, ratio 2.092064
 *   duration 3 → 2: PV(o1) = 2466.708675, ratio 1.719359; → 4: values + 737.28, PV(o1) = 3940.435998, ratio 2.087791
 */
describe('sensitivity', () => {
  const [o1, o2, o3] = sensitivity(mixed, guide(4000));
  const ratios = (assumption: string) => {
    const v = o1.variations.find((x) => x.assumption === assumption)!;
    return [v.lowValue.toString(), v.lowRatio!.toFixed(6), v.highValue.toString(), v.highRatio!.toFixed(6)];
  };

  it('varies each assumption of an outcome and recomputes the ratio', () => {
    expect(ratios('DEADWEIGHT')).toEqual(['0', '2.018776', '0.2', '1.835557']);
    expect(ratios('DISPLACEMENT')).toEqual(['0', '1.927167', '0.1', '1.844718']);
    expect(ratios('ATTRIBUTION')).toEqual(['0.1', '2.030227', '0.3', '1.824106']);
    expect(ratios('DROP_OFF')).toEqual(['0.1', '2.015972', '0.3', '1.844855']);
    expect(ratios('FINANCIAL_PROXY')).toEqual(['80', '1.762270', '120', '2.092064']);
    expect(ratios('QUANTITY')).toEqual(['16', '1.762270', '24', '2.092064']);
    expect(ratios('DURATION')).toEqual(['2', '1.719359', '4', '2.087791']);
  });

  it('keeps fractions within 0..1 and durations at least one year', () => {
    const [edge] = sensitivity([outcome({ deadweight: dec('0.95'), attribution: dec('0.05'), durationYears: 1 })], guide(100));
    const v = (a: string) => edge.variations.find((x) => x.assumption === a)!;
    expect([v('DEADWEIGHT').lowValue.toString(), v('DEADWEIGHT').highValue.toString()]).toEqual(['0.85', '1']);
    expect([v('ATTRIBUTION').lowValue.toString(), v('ATTRIBUTION').highValue.toString()]).toEqual(['0', '0.15']);
    expect([v('DURATION').lowValue.toString(), v('DURATION').highValue.toString()]).toEqual(['1', '2']);
  });

  /*
   * Break-even proxy x of outcome o: PV_rest + x · PV_o(proxy 1) = inputs.
   *   o2: PV_rest = 3297.939072 − 966.183575 + 545.993461 = 2877.748958; PV_o2(1) = 5 / 1.035 = 4.830918
   *       x = (4000 − 2877.748958) / 4.830918 = 232.305966
   *   o3 (negative): PV_rest = 8674.850407; PV_o3(1) = −40 / 1.035 = −38.647343
   *       x = (4000 − 8674.850407) / −38.647343 = 120.961754
   *   o1: the others alone are worth 4410.73 > 4000, so only x = −12.454074 would do: not reachable.
   */
  it('solves the proxy at which the ratio is exactly 1 : 1', () => {
    expect(o2.breakEven.kind).toBe('PROXY');
    expect(o2.breakEven.kind === 'PROXY' && o2.breakEven.proxy.toFixed(6)).toBe('232.305966');
    expect(o3.breakEven.kind === 'PROXY' && o3.breakEven.proxy.toFixed(6)).toBe('120.961754');
    expect(o1.breakEven).toEqual({ kind: 'NOT_REACHABLE', proxy: expect.anything() });
    expect(o1.breakEven.kind === 'NOT_REACHABLE' && o1.breakEven.proxy.toFixed(6)).toBe('-12.454074');
  });

  it('gives a proxy that really brings the ratio to 1 : 1', () => {
    const proxy = o2.breakEven.kind === 'PROXY' ? o2.breakEven.proxy : dec(NaN);
    const atBreakEven = mixed.map((o) => (o.id === 'o2' ? { ...o, financialProxy: proxy } : o));
    expect(presentValueOf(atBreakEven, guide(4000)).minus(4000).abs().lessThan(dec('1e-30'))).toBe(true);
  });

  it('says when no break-even exists', () => {
    expect(breakEvenProxy(mixed, 0, guide(0))).toEqual({ kind: 'NO_INPUTS' });
    expect(breakEvenProxy([outcome({ quantity: dec(0) })], 0, guide(100))).toEqual({ kind: 'PROXY_HAS_NO_EFFECT' });
    expect(breakEvenProxy([outcome({ attribution: dec(1) })], 0, guide(100))).toEqual({ kind: 'PROXY_HAS_NO_EFFECT' });
  });

  it('reports no ratio for any variation when the inputs are zero', () => {
    const [s] = sensitivity([outcome({})], guide(0));
    expect(s.variations.every((v) => v.lowRatio === null && v.highRatio === null)).toBe(true);
  });
});
