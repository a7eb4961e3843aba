import Decimal from 'decimal.js';

/**
 * The numbers of the impact subgraph: how they are computed, written out and
 * read in. One place, so that what the API returns is always something it
 * accepts, and a reviewer can reproduce every digit (README, "Numbers").
 */

/**
 * Working precision. Every operation is rounded to 100 significant digits, far
 * more than any exact form shows, so the 40 digits of an exact form are those
 * of the exact value. toExpNeg/toExpPos keep every string in plain notation.
 */
export const D = Decimal.clone({ precision: 100, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -9e15, toExpPos: 9e15 });
export type Dec = InstanceType<typeof D>;
export const dec = (value: Decimal.Value): Dec => new D(value);

/** Significant digits of an exact form (and the most an input may have). */
export const SIGNIFICANT_DIGITS = 40;
/** Decimal places of an exact form at most (and the most an input may have). */
export const MAX_DECIMALS = 60;
/** The largest quantity, proxy, rate or amount accepted: 10^15. */
export const MAX_AMOUNT = dec('1e15');

/** Zero without a sign: decimal.js keeps −0, which would print as "-0". */
const unsigned = (x: Dec): Dec => (x.isZero() ? dec(0) : x);

/**
 * The value rounded (half away from zero) to 40 significant digits, and to
 * at most 60 decimal places. Rounding once, at the place that satisfies both.
 */
export function exactDec(x: Dec): Dec {
  if (x.isZero() || !x.isFinite()) return unsigned(x);
  const places = Math.min(MAX_DECIMALS, SIGNIFICANT_DIGITS - 1 - x.e);
  const rounded = places >= 0 ? x.toDecimalPlaces(places) : x.toSignificantDigits(SIGNIFICANT_DIGITS);
  return unsigned(rounded);
}

/** The exact form: plain notation, no exponent, no negative zero, no trailing zeros. */
export const exact = (x: Dec): string => exactDec(x).toFixed();

/** The exact form, or null. */
export const exactOrNull = (x: Dec | null): string | null => (x === null ? null : exact(x));

/** The display form: rounded half away from zero to a fixed number of decimals, never "-0.00". */
export function display(x: Dec, decimals: number): string {
  const rounded = x.toDecimalPlaces(decimals);
  return unsigned(rounded).toFixed(decimals);
}

export const money = (x: Dec): string => display(x, 2);
export const displayOrNull = (x: Dec | null, decimals: number): string | null => (x === null ? null : display(x, decimals));

/**
 * An amount exactly as stored, written with at least two decimals so that
 * "95" reads "95.00" as it always has, while 15.125 reads "15.125", not "15.13".
 */
export function amount(x: Dec): string {
  const text = exact(x);
  const point = text.indexOf('.');
  if (point < 0) return `${text}.00`;
  return text.length - point - 1 < 2 ? `${text}0` : text;
}

/** A stored value as the API returns it: its exact form (what was accepted, normalised). */
export const plain = (value: string | Dec): string => exact(dec(value));

// ---------------------------------------------------------------------------
// Reading numbers

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export type NumberProblem =
  | { problem: 'NOT_A_NUMBER' }
  | { problem: 'TOO_MANY_DECIMALS' }
  | { problem: 'TOO_MANY_DIGITS' }
  | { problem: 'TOO_LARGE' };

/**
 * Reads a decimal written with a dot: an optional minus, digits, optionally a
 * dot and digits. At most 60 decimals and 40 significant digits (exactly what
 * an exact form can have), and at most 10^15 in size.
 */
export function readDecimal(text: string): Dec | NumberProblem {
  const match = DECIMAL.exec(text.trim());
  if (!match) return { problem: 'NOT_A_NUMBER' };
  const [, , whole, fraction = ''] = match;
  if (fraction.length > MAX_DECIMALS) return { problem: 'TOO_MANY_DECIMALS' };
  const digits = (whole + fraction).replace(/^0+/, '').replace(/0+$/, '');
  // Guard the size before decimal.js reads a string of any length.
  if (whole.replace(/^0+/, '').length > 16) return { problem: 'TOO_LARGE' };
  const value = dec(text.trim());
  if (value.abs().greaterThan(MAX_AMOUNT)) return { problem: 'TOO_LARGE' };
  if (digits.length > SIGNIFICANT_DIGITS) return { problem: 'TOO_MANY_DIGITS' };
  return unsigned(value);
}

export const isNumberProblem = (value: Dec | NumberProblem): value is NumberProblem => 'problem' in value;
