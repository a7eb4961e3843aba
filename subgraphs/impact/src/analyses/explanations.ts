import { dec, exact, type Dec } from './numbers';
import { PLAUSIBLE_DURATION_YEARS, type Assumption, type BreakEven, type PlausibilityWarning } from './sroi';

/**
 * The sentences that go with the figures. Each states only what the figures
 * next to it show; the values in them are exact forms, and ratios are given
 * to six significant digits with the word "about" when that rounds them.
 */

const names: Record<Assumption, string> = {
  DEADWEIGHT: 'deadweight',
  DISPLACEMENT: 'displacement',
  ATTRIBUTION: 'attribution',
  DROP_OFF: 'drop-off',
  FINANCIAL_PROXY: 'financial proxy',
  QUANTITY: 'quantity',
  DURATION: 'duration',
};

const units: Partial<Record<Assumption, string>> = {
  FINANCIAL_PROXY: ' euros per unit per year',
  DURATION: ' years',
};

/** A ratio in a sentence: exact when it has at most six significant digits, else "about" and six. */
export function aboutRatio(x: Dec): string {
  const short = x.toSignificantDigits(6);
  return short.equals(x) ? exact(x) : `about ${exact(short)}`;
}

const valueText = (assumption: Assumption, value: Dec) => `${exact(value)}${units[assumption] ?? ''}`;

export function explainBreakEven(b: BreakEven, base: Dec): string {
  const what = names[b.assumption];
  const now = `(now ${valueText(b.assumption, base)})`;
  switch (b.status) {
    case 'NO_RATIO':
      return 'The inputs are not positive, so the ratio is undefined and has no break-even point.';
    case 'REACHED':
      return `With a ${what} of ${valueText(b.assumption, b.value!)} ${now}, all else equal, the present value equals the inputs: the ratio is 1 : 1.`;
    case 'BETWEEN_WHOLE_YEARS':
      return (
        `Durations are whole years: with ${b.lowerYears} years the ratio is ${aboutRatio(b.ratioAtLowerYears!)}, with ${b.upperYears} years ${aboutRatio(b.ratioAtUpperYears!)} ${now}; ` +
        `1 : 1 lies between them, all else equal.`
      );
    case 'NO_EFFECT':
      return `The ${what} does not change the ratio here: it is ${aboutRatio(b.ratioAtMinimum!)} whatever the ${what}, all else equal.`;
    case 'OUT_OF_RANGE': {
      const outside = b.valueOutsideRange ? `; only a ${what} of ${valueText(b.assumption, b.valueOutsideRange)}, which is not accepted, would bring it to 1 : 1` : '';
      return (
        `No ${what} from ${valueText(b.assumption, b.minimum)} to ${valueText(b.assumption, b.maximum)} brings the ratio to 1 : 1 ${now}: ` +
        `it is ${aboutRatio(b.ratioAtMinimum!)} at ${exact(b.minimum)} and ${aboutRatio(b.ratioAtMaximum!)} at ${exact(b.maximum)}, all else equal${outside}.`
      );
    }
  }
}

/** The sentence of the legacy `breakEvenExplanation`, about the proxy only. */
export function explainBreakEvenProxy(b: BreakEven): string {
  switch (b.status) {
    case 'REACHED':
      return `With a proxy of ${exact(b.value!)} euros per unit per year (breakEvenProxy rounds it to cents), all else equal, the present value equals the inputs: the ratio is 1 : 1.`;
    case 'NO_RATIO':
      return 'The inputs are not positive, so the ratio is undefined and has no break-even point.';
    case 'NO_EFFECT':
      return "The outcome's value does not depend on its proxy (its quantity is 0, or a fraction removes all of it), so no proxy changes the ratio.";
    default:
      return b.valueOutsideRange?.isNegative()
        ? `No proxy of 0 or more brings the ratio to 1 : 1 (only ${exact(b.valueOutsideRange)} would): the other outcomes alone keep the ratio above 1 : 1.`
        : `No proxy from 0 to 10^15 brings the ratio to 1 : 1: even at 10^15 it is ${aboutRatio(b.ratioAtMaximum!)}.`;
  }
}

export interface WarningContext {
  discountRate: Dec;
  periodStart: string;
  periodEnd: string;
  /** Per outcome: what it is called, how long it lasts, its stated quantity. */
  outcomes: { description: string; durationYears: number; quantity: string }[];
}

const percent = (fraction: Dec) => `${exact(fraction.times(100).toDecimalPlaces(2))}%`;

export function warningMessage(w: PlausibilityWarning | { code: 'QUANTITY_NOT_MEASURED'; index: number; share: null }, c: WarningContext): string {
  const o = w.index === null ? null : c.outcomes[w.index];
  switch (w.code) {
    case 'DISCOUNT_RATE_ABOVE_20_PERCENT':
      return `The discount rate is ${exact(c.discountRate)} (${percent(c.discountRate)} a year), above 0.2; the SROI Guide's rate is 0.035. A rate is written as a fraction: "0.035" for 3.5%.`;
    case 'DROP_OFF_100_PERCENT':
      return o!.durationYears > 1
        ? `"${o!.description}" has a drop-off of 1 (100%): nothing of it is left after the first year, although it is said to last ${o!.durationYears} years.`
        : `"${o!.description}" has a drop-off of 1 (100%): nothing of it would be left after the first year.`;
    case 'DURATION_OVER_10_YEARS':
      return `"${o!.description}" is said to last ${o!.durationYears} years, more than ${PLAUSIBLE_DURATION_YEARS}.`;
    case 'OUTCOME_OVER_90_PERCENT_OF_VALUE':
      return `"${o!.description}" is ${percent(w.share!)} of the value of all outcomes together (present values, negative ones by their size): the result stands or falls with it.`;
    case 'QUANTITY_NOT_MEASURED':
      return `"${o!.description}" has no measurement of its quantity from ${c.periodStart} to ${c.periodEnd}, so this evaluation uses its stated quantity, ${exact(dec(o!.quantity))}.`;
  }
}
