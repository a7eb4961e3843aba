import { breakEven, calculateSroi, dec, plausibilityWarnings, presentValueOf, sensitivity, twoWaySensitivity, type Assumption, type OutcomeInput, type SroiParameters } from './sroi';
import { display, exact } from './numbers';
import { Q, ONE, reference, referenceRatio, rounded, tenToMinus, within, type RefOutcome, type RefParameters } from '../testing/rational';

/*
 * Every figure is compared with an exact computation in rational numbers
 * (src/testing/rational.ts: BigInt fractions, no decimal library, no shared
 * code), to a relative error of 1e-9 or better, and every display form with
 * the exact value correctly rounded. The comments give the hand computation.
 */

const toInput = (o: RefOutcome, i: number): OutcomeInput => ({
  id: `o${i}`,
  stakeholder: o.stakeholder,
  quantity: dec(o.quantity),
  financialProxy: dec(o.proxy),
  durationYears: o.years,
  dropOff: dec(o.dropOff),
  deadweight: dec(o.deadweight),
  displacement: dec(o.displacement),
  attribution: dec(o.attribution),
  negative: o.negative ?? false,
});

const params = (p: RefParameters): SroiParameters => ({
  discountRate: dec(p.rate),
  discountFirstYear: p.discountFirstYear,
  // Inputs in these cases are decimals; Q has no decimal form, so tests pass both.
  inputs: dec(p.inputs.n.toString()).dividedBy(p.inputs.d.toString()),
});

const ref = (over: Partial<RefOutcome>): RefOutcome => ({
  stakeholder: 'residents',
  quantity: '1',
  proxy: '1000',
  years: 1,
  dropOff: '0',
  deadweight: '0',
  displacement: '0',
  attribution: '0',
  ...over,
});

const guide = (inputs: string, over: Partial<RefParameters> = {}): RefParameters => ({ rate: '0.035', discountFirstYear: true, inputs: Q.parse(inputs), ...over });

/** Compares every figure of the calculation with the exact reference: exact forms to 1e-9 (relative), display forms digit for digit. */
function expectEveryFigure(outcomes: RefOutcome[], p: RefParameters): void {
  const result = calculateSroi(outcomes.map(toInput), params(p));
  const expected = reference(outcomes, p);
  const check = (label: string, value: ReturnType<typeof dec> | null, exactValue: Q | null, decimals: number) => {
    expect([label, value === null]).toEqual([label, exactValue === null]);
    if (value === null || exactValue === null) return;
    expect([label, within(exact(value), exactValue)]).toEqual([label, true]);
    expect([label, display(value, decimals)]).toEqual([label, rounded(exactValue, decimals)]);
  };
  check('presentValue', result.presentValue, expected.presentValue, 2);
  check('netPresentValue', result.netPresentValue, expected.netPresentValue, 2);
  check('ratio', result.ratio, expected.ratio, 2);
  check('netRatio', result.netRatio, expected.netRatio, 2);
  check('paybackMonths', result.paybackMonths, expected.paybackMonths, 1);
  result.outcomes.forEach((o, i) => {
    check(`impactYear1[${i}]`, o.impactYear1, expected.impactYear1[i], 2);
    check(`presentValue[${i}]`, o.presentValue, expected.presentValues[i], 2);
    o.values.forEach((v, t) => check(`values[${i}][${t}]`, v, expected.values[i][t], 2));
  });
  result.byYear.forEach((y, t) => {
    check(`byYear[${t}].value`, y.value, expected.byYearValue[t], 2);
    check(`byYear[${t}].presentValue`, y.presentValue, expected.byYearPresentValue[t], 2);
  });
  result.byStakeholder.forEach((s) => check(`byStakeholder ${s.stakeholder}`, s.presentValue, expected.byStakeholder.get(s.stakeholder)!, 2));
}

/** 10 people × €500, deadweight 20%, displacement 10%, attribution 25%, three years, drop-off 10% a year. */
const single = ref({ quantity: '10', proxy: '500', deadweight: '0.2', displacement: '0.1', attribution: '0.25', years: 3, dropOff: '0.1' });

/*
 * Four outcomes of different durations, one negative; r = 3.5%, year 1 discounted, inputs 4000.
 *   o1 residents: 20 × €100, deadweight 10%, attribution 20%, 3 years, drop-off 20%: impact_y1 1440; PV 3297.939072
 *   o2 municipality: 5 × €1000, one year: PV 5000/1.035 = 4830.917874
 *   o3 residents, negative: 40 × €25: PV −1000/1.035 = −966.183575
 *   o4 volunteers: 2 × €300, deadweight 50%, 5 years, drop-off 50%: PV 545.993461
 *   PV 7708.666833, ratio 1.927167, payback 4000 / (5740 / 12) = 8.362369 months
 */
const mixed: RefOutcome[] = [
  ref({ stakeholder: 'residents', quantity: '20', proxy: '100', deadweight: '0.1', attribution: '0.2', years: 3, dropOff: '0.2' }),
  ref({ stakeholder: 'municipality', quantity: '5', proxy: '1000' }),
  ref({ stakeholder: 'residents', quantity: '40', proxy: '25', negative: true }),
  ref({ stakeholder: 'volunteers', quantity: '2', proxy: '300', deadweight: '0.5', years: 5, dropOff: '0.5' }),
];

describe('calculateSroi against exact computations', () => {
  it('NIAA/SVA 2014 forecast: present value 4,760,250 over investment 847,166, no discount, ratio 5.6190', () => {
    const niaa = [ref({ quantity: '1', proxy: '4760250' })];
    const p = guide('847166', { rate: '0' });
    expectEveryFigure(niaa, p);
    const result = calculateSroi(niaa.map(toInput), params(p));
    // 4760250 / 847166 = 5.619028620128758708446750695849…
    expect(exact(result.ratio!)).toBe('5.619028620128758708446750695849455714701');
    expect(display(result.ratio!, 2)).toBe('5.62');
    // The payback the issue quotes: 847166 / (4760250 / 12) = 2.1356 months.
    expect(exact(result.paybackMonths!).slice(0, 8)).toBe('2.135600');
  });

  it('one outcome over three years, year 1 discounted (the Guide)', () => {
    // PV = 2700/1.035 + 2430/1.035² + 2187/1.035³ = 6849.675351…; ratio over 5000 = 1.369935…
    expectEveryFigure([single], guide('5000'));
    expect(exact(calculateSroi([toInput(single, 0)], params(guide('5000'))).presentValue).slice(0, 11)).toBe('6849.675351');
  });

  it('year 1 not discounted', () => {
    // PV = 2700 + 2430/1.035 + 2187/1.035² = 7089.413988…
    expectEveryFigure([single], guide('5000', { discountFirstYear: false }));
  });

  it('r = 0: the present value is the plain sum of the values, exactly', () => {
    const p = guide('5000', { rate: '0' });
    expectEveryFigure([single], p);
    const result = calculateSroi([toInput(single, 0)], params(p));
    expect(exact(result.presentValue)).toBe('7317');
    expect(exact(result.ratio!)).toBe('1.4634');
  });

  it('several outcomes of different durations, one negative', () => {
    expectEveryFigure(mixed, guide('4000'));
    expectEveryFigure(mixed, guide('4000', { discountFirstYear: false }));
  });

  it('100% deadweight leaves nothing of an outcome', () => {
    expectEveryFigure([ref({ deadweight: '1' }), ref({ quantity: '3', proxy: '10' })], guide('20'));
  });

  it('zero inputs: no ratio, paid back at once', () => {
    expectEveryFigure([single], guide('0'));
    expect(calculateSroi([toInput(single, 0)], params(guide('0'))).ratio).toBeNull();
  });

  it('negative inputs (refunds exceeding spending): no ratio, no payback', () => {
    expectEveryFigure([single], guide('-250'));
    const result = calculateSroi([toInput(single, 0)], params(guide('-250')));
    expect([result.ratio, result.netRatio, result.paybackMonths]).toEqual([null, null, null]);
  });

  it('a yearly impact that is not positive never pays back', () => {
    expectEveryFigure([ref({}), ref({ negative: true })], guide('500'));
  });

  it('quantities of 10^12 and proxies with 12 decimals, exactly', () => {
    const big = [
      ref({ quantity: '1000000000000', proxy: '0.123456789012', years: 7, dropOff: '0.123456789012', deadweight: '0.000000000001', displacement: '0.333333333333', attribution: '0.5' }),
      ref({ quantity: '999999999999.5', proxy: '0.000000000001', negative: true, years: 2 }),
    ];
    expectEveryFigure(big, guide('123456789.12', { rate: '0.000000000001' }));
    expectEveryFigure(big, guide('0.01', { rate: '3.5', discountFirstYear: false }));
  });

  it('never writes an exponent or a negative zero', () => {
    // A present value of −0.001 rounds to zero cents: "0.00", not "-0.00".
    const tiny = calculateSroi([toInput(ref({ quantity: '0.000001', proxy: '1000', negative: true }), 0)], params(guide('1', { rate: '0' })));
    expect(exact(tiny.presentValue)).toBe('-0.001');
    expect(display(tiny.presentValue, 2)).toBe('0.00');
    expect(display(tiny.netRatio!, 2)).toBe('-1.00');
    expect(exact(dec('1e-12'))).toBe('0.000000000001');
    expect(exact(dec('1e-7'))).toBe('0.0000001');
    expect(exact(dec('-0'))).toBe('0');
  });
});

/** Every assumption, its value in the reference outcome, and how to set it. */
const setters: Record<Assumption, (o: RefOutcome, v: string) => RefOutcome> = {
  DEADWEIGHT: (o, v) => ({ ...o, deadweight: v }),
  DISPLACEMENT: (o, v) => ({ ...o, displacement: v }),
  ATTRIBUTION: (o, v) => ({ ...o, attribution: v }),
  DROP_OFF: (o, v) => ({ ...o, dropOff: v }),
  FINANCIAL_PROXY: (o, v) => ({ ...o, proxy: v }),
  QUANTITY: (o, v) => ({ ...o, quantity: v }),
  DURATION: (o, v) => ({ ...o, years: Number(v) }),
};

/** The exact ratio with one assumption of one outcome set to a value. */
const ratioAt = (outcomes: RefOutcome[], p: RefParameters, index: number, assumption: Assumption, value: string): Q =>
  referenceRatio(
    outcomes.map((o, i) => (i === index ? setters[assumption](o, value) : o)),
    p,
  )!;

describe('one-way sensitivity', () => {
  it('gives every varied ratio exactly, for the value it reports', () => {
    const p = guide('4000');
    sensitivity(mixed.map(toInput), params(p)).forEach((s, index) => {
      for (const v of s.variations) {
        expect([index, v.assumption, within(exact(v.lowRatio!), ratioAt(mixed, p, index, v.assumption, exact(v.lowValue)))]).toEqual([index, v.assumption, true]);
        expect([index, v.assumption, within(exact(v.highRatio!), ratioAt(mixed, p, index, v.assumption, exact(v.highValue)))]).toEqual([index, v.assumption, true]);
      }
    });
  });

  it('varies fractions by ±10 points within 0..1, proxy and quantity by ±20%, duration by a year (at least 1)', () => {
    /*
     * o1 of the mixed case, the others worth 4410.727760: deadweight 0.1 → 0 gives PV(o1) 3664.376747, ratio 2.018776;
     * → 0.2 gives 2931.501398, ratio 1.835557; proxy ×0.8 gives ratio 1.762270, ×1.2 2.092064; duration 2 → 1.719359, 4 → 2.087791.
     */
    const [o1] = sensitivity(mixed.map(toInput), params(guide('4000')));
    const row = (a: Assumption) => {
      const v = o1.variations.find((x) => x.assumption === a)!;
      return [exact(v.lowValue), display(v.lowRatio!, 6), exact(v.highValue), display(v.highRatio!, 6)];
    };
    expect(row('DEADWEIGHT')).toEqual(['0', '2.018776', '0.2', '1.835557']);
    expect(row('DISPLACEMENT')).toEqual(['0', '1.927167', '0.1', '1.844718']);
    expect(row('FINANCIAL_PROXY')).toEqual(['80', '1.762270', '120', '2.092064']);
    expect(row('QUANTITY')).toEqual(['16', '1.762270', '24', '2.092064']);
    expect(row('DURATION')).toEqual(['2', '1.719359', '4', '2.087791']);
    const [edge] = sensitivity([toInput(ref({ deadweight: '0.95', attribution: '0.05', quantity: '999999999999999' }), 0)], params(guide('100')));
    const v = (a: Assumption) => edge.variations.find((x) => x.assumption === a)!;
    expect([exact(v('DEADWEIGHT').lowValue), exact(v('DEADWEIGHT').highValue)]).toEqual(['0.85', '1']);
    expect([exact(v('ATTRIBUTION').lowValue), exact(v('ATTRIBUTION').highValue)]).toEqual(['0', '0.15']);
    expect([exact(v('DURATION').lowValue), exact(v('DURATION').highValue)]).toEqual(['1', '2']);
    // Raising a quantity by 20% stops at the largest quantity accepted.
    expect(exact(v('QUANTITY').highValue)).toBe('1000000000000000');
    // A fraction of 40 significant digits plus 0.1 would have 60: the varied value is rounded to an exact form, which the API accepts.
    const fine = `0.${'0'.repeat(20)}${'1234567890'.repeat(4)}`;
    const [tiny] = sensitivity([toInput(ref({ deadweight: fine }), 0)], params(guide('100')));
    const raised = tiny.variations.find((x) => x.assumption === 'DEADWEIGHT')!.highValue;
    // 0.1, nineteen zeros, then the fine digits up to the 40th significant digit, a 0 (the next one, 1, rounds down).
    expect(exact(raised)).toBe(`0.1${'0'.repeat(19)}1234567890123456789`);
  });

  it('reports no ratio for any variation when the inputs are zero', () => {
    const [s] = sensitivity([toInput(ref({}), 0)], params(guide('0')));
    expect(s.variations.every((v) => v.lowRatio === null && v.highRatio === null)).toBe(true);
    expect(s.breakEvens.every((b) => b.status === 'NO_RATIO')).toBe(true);
  });
});

describe('break-even of every assumption', () => {
  /*
   * The mixed case, inputs 4000: o2 (5 × €1000, one year) with the others worth 2877.748958.
   *   proxy: 5x / 1.035 = 1122.251042 → x = 232.305966
   *   quantity: 1000q / 1.035 = 1122.251042 → q = 1.161530
   *   deadweight: 4830.917874 (1 − f) = 1122.251042 → f = 0.767691 (likewise displacement, attribution)
   *   drop-off and duration: o2 lasts one year, so neither changes anything... except a longer duration:
   *     duration 1 gives ratio 1.927167 > 1 already; duration only raises it: out of range.
   */
  const p = guide('4000');
  const breakEvens = (index: number) => sensitivity(mixed.map(toInput), params(p))[index].breakEvens;
  const of = (index: number, a: Assumption) => breakEvens(index).find((b) => b.assumption === a)!;

  it('solves proxy, quantity and the fractions exactly (linear), inside their range', () => {
    expect(display(of(1, 'FINANCIAL_PROXY').value!, 6)).toBe('232.305966');
    expect(display(of(1, 'QUANTITY').value!, 6)).toBe('1.161530');
    // The exact solutions, in rationals: x = (inputs − PV_rest) / PV_o(1).
    const rest = reference(mixed, p).presentValues.filter((_, i) => i !== 1).reduce((a, b) => a.plus(b), Q.int(0));
    const unit = Q.int(5).div(Q.parse('1.035'));
    expect(within(exact(of(1, 'FINANCIAL_PROXY').value!), p.inputs.minus(rest).div(unit))).toBe(true);
    for (const a of ['DEADWEIGHT', 'DISPLACEMENT', 'ATTRIBUTION'] as const) {
      const b = of(1, a);
      expect(b.status).toBe('REACHED');
      expect(within(exact(b.value!), ONE.minus(p.inputs.minus(rest).div(unit.times(Q.int(1000)))))).toBe(true);
    }
  });

  it('puts every reached break-even back and gets a ratio of exactly 1 (to 1e-30)', () => {
    mixed.forEach((_, index) => {
      for (const b of breakEvens(index)) {
        if (b.status !== 'REACHED') continue;
        const ratio = ratioAt(mixed, p, index, b.assumption, exact(b.value!));
        expect([index, b.assumption, ratio.minus(ONE).abs().compare(tenToMinus(30))]).toEqual([index, b.assumption, -1]);
      }
    });
  });

  it('says when no accepted value reaches 1 : 1, with the ratio at both ends of the range', () => {
    // o1: the others alone are worth 4410.73 > 4000: only a proxy of −12.454074 would do.
    const proxy = of(0, 'FINANCIAL_PROXY');
    expect(proxy.status).toBe('OUT_OF_RANGE');
    expect(display(proxy.valueOutsideRange!, 6)).toBe('-12.454074');
    expect(display(proxy.ratioAtMinimum!, 6)).toBe('1.102682');
    // A whole year or more of o2 already gives more than 1 : 1.
    const duration = of(1, 'DURATION');
    expect(duration.status).toBe('OUT_OF_RANGE');
    expect(duration.ratioAtMinimum!.greaterThan(1)).toBe(true);
    // o2 lasts one year: its drop-off changes nothing.
    expect(of(1, 'DROP_OFF').status).toBe('NO_EFFECT');
  });

  it('solves the drop-off of a monotone polynomial to full precision', () => {
    // One outcome 10 × €500, deadweight 20%, three years, r = 3.5%, inputs 6000.
    const outcome = ref({ quantity: '10', proxy: '500', deadweight: '0.2', years: 3, dropOff: '0.1' });
    const q = guide('6000');
    const b = breakEven([toInput(outcome, 0)], 0, 'DROP_OFF', params(q));
    expect(b.status).toBe('REACHED');
    expect(exact(b.value!)).toBe('0.5903225291240085356945531935412542360532');
    const ratio = ratioAt([outcome], q, 0, 'DROP_OFF', exact(b.value!));
    expect(ratio.minus(ONE).abs().compare(tenToMinus(39))).toBeLessThan(0);
  });

  it('gives the whole durations on either side of 1 : 1', () => {
    // 10 × €500 × 0.8 = 4000 a year, drop-off 10%: 1 year 3864.73, 2 years 7225.37 over inputs 5000.
    const outcome = ref({ quantity: '10', proxy: '500', deadweight: '0.2', years: 3, dropOff: '0.1' });
    const b = breakEven([toInput(outcome, 0)], 0, 'DURATION', params(guide('5000')));
    expect(b).toMatchObject({ status: 'BETWEEN_WHOLE_YEARS', lowerYears: 1, upperYears: 2 });
    expect(within(exact(b.ratioAtLowerYears!), ratioAt([outcome], guide('5000'), 0, 'DURATION', '1'))).toBe(true);
    expect(b.ratioAtLowerYears!.lessThan(1) && b.ratioAtUpperYears!.greaterThan(1)).toBe(true);
  });

  it('a break-even proxy below half a cent is given exactly, not as 0.00', () => {
    // 1000 people, inputs €3.12 at r = 0: x = 3.12 / 1000 = 0.00312.
    const b = breakEven([toInput(ref({ quantity: '1000' }), 0)], 0, 'FINANCIAL_PROXY', params(guide('3.12', { rate: '0' })));
    expect(exact(b.value!)).toBe('0.00312');
  });

  it('says when an assumption does not change the ratio', () => {
    const zero = [toInput(ref({ quantity: '0' }), 0)];
    expect(breakEven(zero, 0, 'FINANCIAL_PROXY', params(guide('100'))).status).toBe('NO_EFFECT');
    const gone = [toInput(ref({ attribution: '1' }), 0)];
    expect(breakEven(gone, 0, 'FINANCIAL_PROXY', params(guide('100'))).status).toBe('NO_EFFECT');
    expect(breakEven(gone, 0, 'ATTRIBUTION', params(guide('100'))).status).toBe('REACHED');
  });

  it('handles a negative outcome: a larger proxy lowers the ratio', () => {
    // o3 (negative, 40 units, one year): PV_rest 8674.850407, PV_o3(1) = −40 / 1.035; x = 120.961754.
    expect(display(of(2, 'FINANCIAL_PROXY').value!, 6)).toBe('120.961754');
  });
});

describe('two-way sensitivity', () => {
  it('varies together the two assumptions whose one-way swing is largest', () => {
    const p = guide('4000');
    const outcomes = mixed.map(toInput);
    const table = twoWaySensitivity(outcomes, params(p))!;
    /*
     * o2 (€5000 in one year) weighs most. One more year of it adds 5000 / 1.035² / 4000 = 1.166888 to the ratio,
     * more than any other one-way variation; next come its proxy and quantity (±20%: 0.483092 each), the proxy first.
     */
    expect([table.rows.index, table.rows.assumption, table.columns.index, table.columns.assumption]).toEqual([1, 'DURATION', 1, 'FINANCIAL_PROXY']);
    expect(display(table.rows.swing, 6)).toBe('1.166888');
    expect(table.rows.values.map(exact)).toEqual(['1', '2']);
    expect(table.columns.values.map(exact)).toEqual(['800', '1000', '1200']);
    table.rows.values.forEach((rowValue, i) =>
      table.columns.values.forEach((columnValue, j) => {
        const changed = mixed.map((o, k) => (k === 1 ? setters.FINANCIAL_PROXY(setters.DURATION(o, exact(rowValue)), exact(columnValue)) : o));
        expect(within(exact(table.ratios[i][j]), referenceRatio(changed, p)!)).toBe(true);
      }),
    );
    expect(table.ratios[0][1].minus(calculateSroi(outcomes, params(p)).ratio!).abs().lessThan(dec('1e-90'))).toBe(true);
  });

  it('has no table without a ratio', () => {
    expect(twoWaySensitivity(mixed.map(toInput), params(guide('0')))).toBeNull();
  });
});

describe('plausibility warnings', () => {
  it('flags a discount rate above 20%, a drop-off of 100%, a duration over 10 years and an outcome worth over 90%', () => {
    const outcomes = [toInput(ref({ dropOff: '1', years: 11, quantity: '100' }), 0), toInput(ref({ quantity: '1' }), 1)];
    const warnings = plausibilityWarnings(outcomes, { discountRate: dec('3.5'), discountFirstYear: true });
    expect(warnings.map((w) => [w.code, w.index])).toEqual([
      ['DISCOUNT_RATE_ABOVE_20_PERCENT', null],
      ['DROP_OFF_100_PERCENT', 0],
      ['DURATION_OVER_10_YEARS', 0],
      ['OUTCOME_OVER_90_PERCENT_OF_VALUE', 0],
    ]);
    // 100 / 1.035^1 of 101 / 1.035: 99.0099…%
    expect(display(warnings[3].share!, 4)).toBe('0.9901');
  });

  it('says nothing about a plausible analysis', () => {
    expect(plausibilityWarnings(mixed.map(toInput), { discountRate: dec('0.2'), discountFirstYear: true })).toEqual([]);
  });

  it('measures the share by size: a negative outcome counts by how much it weighs', () => {
    const outcomes = [toInput(ref({ quantity: '10' }), 0), toInput(ref({ quantity: '9', negative: true }), 1)];
    expect(plausibilityWarnings(outcomes, { discountRate: dec(0), discountFirstYear: true })).toEqual([]);
    expect(presentValueOf(outcomes, { discountRate: dec(0), discountFirstYear: true }).toString()).toBe('1000');
  });
});
