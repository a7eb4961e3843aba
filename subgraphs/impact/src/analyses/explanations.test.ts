import { aboutRatio, explainBreakEven, explainBreakEvenProxy } from './explanations';
import { breakEven, dec, type OutcomeInput, type SroiParameters } from './sroi';

/* The sentences state the figures next to them, and nothing the figures do not show. */

const outcome = (over: Partial<OutcomeInput>): OutcomeInput => ({
  id: 'o',
  stakeholder: 'residents',
  quantity: dec(1000),
  financialProxy: dec(1),
  durationYears: 1,
  dropOff: dec(0),
  deadweight: dec(0),
  displacement: dec(0),
  attribution: dec(0),
  negative: false,
  ...over,
});
const p = (inputs: string): SroiParameters => ({ discountRate: dec(0), discountFirstYear: true, inputs: dec(inputs) });

describe('break-even explanations', () => {
  it('gives a sub-cent break-even proxy exactly and says the ratio is then 1 : 1', () => {
    // 1000 units, inputs €3.12, no discounting: the proxy that breaks even is 0.00312.
    const b = breakEven([outcome({})], 0, 'FINANCIAL_PROXY', p('3.12'));
    expect(explainBreakEvenProxy(b)).toBe(
      'With a proxy of 0.00312 euros per unit per year (breakEvenProxy rounds it to cents), all else equal, the present value equals the inputs: the ratio is 1 : 1.',
    );
    expect(explainBreakEven(b, dec(1))).toBe(
      'With a financial proxy of 0.00312 euros per unit per year (now 1 euros per unit per year), all else equal, the present value equals the inputs: the ratio is 1 : 1.',
    );
  });

  it('states the ratio at both ends of the range when no accepted value reaches 1 : 1', () => {
    // PV 1000 over inputs 2000: even with deadweight 0 the ratio is 0.5.
    const b = breakEven([outcome({ deadweight: dec('0.2') })], 0, 'DEADWEIGHT', p('2000'));
    expect(b.status).toBe('OUT_OF_RANGE');
    expect(explainBreakEven(b, dec('0.2'))).toBe(
      'No deadweight from 0 to 1 brings the ratio to 1 : 1 (now 0.2): it is 0.5 at 0 and 0 at 1, all else equal; only a deadweight of -1, which is not accepted, would bring it to 1 : 1.',
    );
  });

  it('names the whole years on either side of 1 : 1', () => {
    // €1000 a year over inputs €2500: two years give 0.8, three 1.2.
    const b = breakEven([outcome({ durationYears: 2 })], 0, 'DURATION', p('2500'));
    expect(explainBreakEven(b, dec(2))).toBe(
      'Durations are whole years: with 2 years the ratio is 0.8, with 3 years 1.2 (now 2 years); 1 : 1 lies between them, all else equal.',
    );
  });

  it('says plainly when an assumption does not change the ratio', () => {
    const b = breakEven([outcome({})], 0, 'DROP_OFF', p('3000'));
    expect(explainBreakEven(b, dec(0))).toBe('The drop-off does not change the ratio here: it is about 0.333333 whatever the drop-off, all else equal.');
  });

  it('rounds ratios in sentences only with the word "about"', () => {
    expect(aboutRatio(dec('0.5'))).toBe('0.5');
    expect(aboutRatio(dec('2.605863192182410423452768729641693811075'))).toBe('about 2.60586');
  });
});
