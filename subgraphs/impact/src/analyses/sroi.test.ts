import { calculateSroi, dec, type OutcomeInput } from './sroi';

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

describe('calculateSroi', () => {
  it('discounts year 1 by default', () => {
    // impact_y1 = 10 × 500 × 0.8 × 0.9 × 0.75 = 2700
    // year 1: 2700 / 1.035 = 2608.695652...; year 2: 2700 × 0.9 / 1.035² = 2430 / 1.071225 = 2268.431002...
    // PV = 4877.126654...; inputs 2000 → ratio 2.438563..., NPV 2877.126654...
    const result = calculateSroi(
      [outcome({ quantity: dec(10), financialProxy: dec(500), deadweight: dec('0.2'), displacement: dec('0.1'), attribution: dec('0.25'), durationYears: 2, dropOff: dec('0.1') })],
      { discountRate: dec('0.035'), discountFirstYear: true, inputs: dec(2000) },
    );
    expect(result.outcomes[0].impactYear1.toString()).toBe('2700');
    expect(result.presentValue.toFixed(4)).toBe('4877.1267');
    expect(result.ratio!.toFixed(4)).toBe('2.4386');
    expect(result.netPresentValue.toFixed(2)).toBe('2877.13');
    // payback = 2000 / (2700 / 12) = 8.888... months
    expect(result.paybackMonths!.toFixed(4)).toBe('8.8889');
  });

  it('leaves year 1 undiscounted when asked', () => {
    // 1000 + 1000 / 1.035 = 1966.183574879...
    const result = calculateSroi([outcome({ durationYears: 2 })], { discountRate: dec('0.035'), discountFirstYear: false, inputs: dec(1000) });
    expect(result.presentValue.toFixed(6)).toBe('1966.183575');
  });

  it('with rate 0 the present value is the plain sum', () => {
    // 1000 + 800 + 640 = 2440 (drop-off 20% a year)
    const result = calculateSroi([outcome({ durationYears: 3, dropOff: dec('0.2') })], { discountRate: dec(0), discountFirstYear: true, inputs: dec(1220) });
    expect(result.presentValue.toString()).toBe('2440');
    expect(result.ratio!.toString()).toBe('2');
    expect(result.netRatio!.toString()).toBe('1');
  });

  it('counts negative outcomes against the positive ones, per year of each duration', () => {
    // +1000 for 3 years, −300 for 1 year, rate 0: PV = 3000 − 300 = 2700; by year [700, 1000, 1000]
    const result = calculateSroi(
      [outcome({ id: 'a', durationYears: 3 }), outcome({ id: 'b', financialProxy: dec(300), negative: true })],
      { discountRate: dec(0), discountFirstYear: true, inputs: dec(900) },
    );
    expect(result.presentValue.toString()).toBe('2700');
    expect(result.presentValueByYear.map(String)).toEqual(['700', '1000', '1000']);
    expect(result.ratio!.toString()).toBe('3');
  });

  it('does not divide by zero inputs', () => {
    const result = calculateSroi([outcome({})], { discountRate: dec('0.035'), discountFirstYear: true, inputs: dec(0) });
    expect(result.ratio).toBeNull();
    expect(result.netRatio).toBeNull();
  });
});
