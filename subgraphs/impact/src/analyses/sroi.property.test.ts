import fc from 'fast-check';
import { calculateSroi, dec, sensitivity, type Assumption, type BreakEven, type OutcomeInput } from './sroi';
import { exact } from './numbers';
import { Q, ONE, referenceRatio, tenToMinus, type RefOutcome, type RefParameters } from '../testing/rational';

/*
 * For random impact maps: every break-even the calculation gives, put back
 * into an exact (rational) computation, gives a ratio of 1 to within 1e-9;
 * where it says no accepted value gets there, the exact ratios at both ends
 * of the range lie on the same side of 1; where it says the assumption has no
 * effect, they are equal; for a duration between two whole years, they bracket 1.
 */

/** A decimal string with up to `decimals` decimals, between 0 and max (integers). */
const decimal = (max: number, decimals: number) =>
  fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 10 ** Math.min(decimals, 9) - 1 }), fc.integer({ min: 0, max: decimals })).map(([whole, fraction, places]) => {
    if (places === 0) return String(whole);
    return `${whole}.${String(fraction).padStart(Math.min(decimals, 9), '0').slice(0, places)}`;
  });

const fraction = fc.oneof(
  fc.constantFrom('0', '0.1', '0.25', '0.5', '1'),
  fc.integer({ min: 0, max: 10 ** 9 }).map((n) => (n === 10 ** 9 ? '1' : `0.${String(n).padStart(9, '0')}`)),
);

const outcome: fc.Arbitrary<RefOutcome> = fc.record({
  stakeholder: fc.constantFrom('residents', 'municipality', 'volunteers'),
  quantity: fc.oneof(decimal(500, 2), fc.constantFrom('0', '1', '1000000000000')),
  proxy: fc.oneof(decimal(5000, 12), fc.constantFrom('0', '0.123456789012')),
  years: fc.integer({ min: 1, max: 12 }),
  dropOff: fraction,
  deadweight: fraction,
  displacement: fraction,
  attribution: fraction,
  negative: fc.boolean(),
});

const map = fc.record({
  outcomes: fc.array(outcome, { minLength: 1, maxLength: 4 }),
  rate: fc.constantFrom('0', '0.035', '0.05', '0.2', '0.000000000001'),
  discountFirstYear: fc.boolean(),
  /** Inputs as a multiple of the present value, so that 1 : 1 is often within reach. */
  factor: fc.constantFrom('0.3', '0.9', '1', '1.1', '2.5', '10'),
});

const setters: Record<Assumption, (o: RefOutcome, v: string) => RefOutcome> = {
  DEADWEIGHT: (o, v) => ({ ...o, deadweight: v }),
  DISPLACEMENT: (o, v) => ({ ...o, displacement: v }),
  ATTRIBUTION: (o, v) => ({ ...o, attribution: v }),
  DROP_OFF: (o, v) => ({ ...o, dropOff: v }),
  FINANCIAL_PROXY: (o, v) => ({ ...o, proxy: v }),
  QUANTITY: (o, v) => ({ ...o, quantity: v }),
  DURATION: (o, v) => ({ ...o, years: Number(v) }),
};

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

function check(outcomes: RefOutcome[], p: RefParameters, index: number, b: BreakEven): void {
  const at = (value: string) => referenceRatio(outcomes.map((o, i) => (i === index ? setters[b.assumption](o, value) : o)), p)!;
  const side = (r: Q) => r.compare(ONE);
  const label = `${b.assumption} of outcome ${index}: ${b.status}`;
  switch (b.status) {
    case 'REACHED':
      expect([label, at(exact(b.value!)).minus(ONE).abs().compare(tenToMinus(9)) <= 0]).toEqual([label, true]);
      break;
    case 'BETWEEN_WHOLE_YEARS':
      expect([label, side(at(String(b.lowerYears))) * side(at(String(b.upperYears)))]).toEqual([label, -1]);
      break;
    case 'OUT_OF_RANGE': {
      const low = side(at(exact(b.minimum)));
      const high = side(at(exact(b.maximum)));
      expect([label, low, low === high && low !== 0]).toEqual([label, low, true]);
      if (b.valueOutsideRange) expect([label, at(exact(b.valueOutsideRange)).minus(ONE).abs().compare(tenToMinus(9)) <= 0]).toEqual([label, true]);
      break;
    }
    case 'NO_EFFECT':
      expect([label, at(exact(b.minimum)).compare(at(exact(b.maximum)))]).toEqual([label, 0]);
      break;
    case 'NO_RATIO':
      expect([label, p.inputs.sign() <= 0]).toEqual([label, true]);
      break;
  }
}

describe('break-even values, for random impact maps', () => {
  it('put back into an exact computation, give a ratio of 1 to within 1e-9, or are truly out of reach', () => {
    fc.assert(
      fc.property(map, ({ outcomes, rate, discountFirstYear, factor }) => {
        const inputs = outcomes.map(toInput);
        const pv = calculateSroi(inputs, { discountRate: dec(rate), discountFirstYear, inputs: dec(1) }).presentValue;
        const amount = exact(pv.abs().times(factor).toDecimalPlaces(2));
        const p: RefParameters = { rate, discountFirstYear, inputs: Q.parse(amount) };
        const s = sensitivity(inputs, { discountRate: dec(rate), discountFirstYear, inputs: dec(amount) });
        s.forEach((outcomeSensitivity, index) => outcomeSensitivity.breakEvens.forEach((b) => check(outcomes, p, index, b)));
      }),
      { numRuns: 60, seed: 18 },
    );
  });
});
