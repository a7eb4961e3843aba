/**
 * Input rules shared by projects, bids and lessons. Each returns null when
 * the input is fine, or the violation with the field it concerns.
 */

export interface Violation {
  code: 'TEXT_LENGTH' | 'INVALID_TAAKVELD' | 'SCORE_OUT_OF_RANGE' | 'INVALID_COUNT';
  message: string;
  field: string;
}

export interface DateViolation {
  code: 'END_BEFORE_START';
  message: string;
  field: string;
}

export function checkText(field: string, value: string, min: number, max: number): Violation | null {
  const length = value.trim().length;
  if (length < min || value.length > max) {
    return {
      code: 'TEXT_LENGTH',
      message: min > 0 ? `${field} must be between ${min} and ${max} characters long.` : `${field} must be at most ${max} characters long.`,
      field,
    };
  }
  return null;
}

/** Planned dates are ISO calendar dates (the Date scalar checked the format); the end may not precede the start. */
export function checkDateOrder(start: string | null, end: string | null, field = 'plannedEnd'): DateViolation | null {
  if (start !== null && end !== null && end < start) {
    return { code: 'END_BEFORE_START', message: `The end date (${end}) lies before the start date (${start}).`, field };
  }
  return null;
}

/**
 * An Iv3 "taakveld" code from the Dutch municipal budget classification:
 * a main task digit and a sub number, e.g. "5.7" (public green) or "0.61".
 */
export function checkTaakveld(code: string | null): Violation | null {
  if (code === null || /^[0-8]\.\d{1,2}$/.test(code)) return null;
  return { code: 'INVALID_TAAKVELD', message: `"${code}" is not an Iv3 taakveld code such as "5.7" or "0.61".`, field: 'taakveld' };
}

export function checkCount(field: string, value: number, max = 1_000_000): Violation | null {
  if (Number.isInteger(value) && value >= 0 && value <= max) return null;
  return { code: 'INVALID_COUNT', message: `${field} must be a whole number from 0 to ${max}.`, field };
}

/** The first violation of a list of checks, in the order given. */
export function firstViolation(...checks: (Violation | null)[]): Violation | null;
export function firstViolation(...checks: (Violation | DateViolation | null)[]): Violation | DateViolation | null;
export function firstViolation(...checks: (Violation | DateViolation | null)[]): Violation | DateViolation | null {
  return checks.find((c) => c !== null) ?? null;
}
