import { calculateSroi, dec } from '../analyses/sroi';
import type { SroiResultValue } from '../analyses/sroi-result';
import { combineResults } from './impact-summary';

const resultOf = (presentValue: number, inputs: number): SroiResultValue => {
  // One outcome worth exactly `presentValue` at rate 0 over one year.
  const outcome = { id: 'o', stakeholder: 's', quantity: dec(1), financialProxy: dec(presentValue), durationYears: 1, dropOff: dec(0), deadweight: dec(0), displacement: dec(0), attribution: dec(0), negative: false };
  const parameters = { discountRate: dec(0), discountFirstYear: true, inputs: dec(inputs) };
  return { calculation: calculateSroi([outcome], parameters) } as SroiResultValue;
};

describe('combineResults', () => {
  it('weights the combined ratio by inputs: total PV over total inputs, not the mean of the ratios', () => {
    // Ratios 9000 / 3000 = 3 and 1000 / 1000 = 1 have a mean of 2; together they return 10000 / 4000 = 2.5.
    const summary = combineResults([resultOf(9000, 3000), resultOf(1000, 1000)], true);
    expect(summary.presentValue.toString()).toBe('10000');
    expect(summary.inputs.toString()).toBe('4000');
    expect(summary.ratio!.toString()).toBe('2.5');
  });

  it('leaves the ratio undefined when there are no inputs', () => {
    expect(combineResults([], true).ratio).toBeNull();
    expect(combineResults([resultOf(500, 0)], true).ratio).toBeNull();
  });
});
