/**
 * Euro amounts: integer cents in the database and in code, decimal strings
 * with two decimals in the API. Never a float.
 */

/** An amount as the API shows it (the ledger's `Money` shape). */
export interface MoneyValue {
  cents: bigint;
}

/** Largest amount accepted: PostgreSQL bigint holds more, but no municipal task costs 10^13 euros. */
const MAX_WHOLE_DIGITS = 13;

export type AmountParse =
  | { ok: true; cents: bigint }
  | { ok: false; code: 'INVALID_AMOUNT' | 'NEGATIVE_AMOUNT'; message: string };

/**
 * Parses "48250", "48250.5" or "48250.00" into cents. Refuses negatives with
 * their own reason, and anything else that is not a plain decimal with at
 * most two decimals (floats like 1e3, commas, spaces, "NaN").
 */
export function parseEuros(text: string, what: string): AmountParse {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  // Each refusal says what is wrong with the amount: its form, its decimals or its size.
  const invalid = (problem: string): AmountParse => ({ ok: false, code: 'INVALID_AMOUNT', message: `${what} ${problem}; got "${text}".` });
  if (!match) return invalid('must be a decimal amount in euros written with a dot, e.g. "48250.00"');
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > 2) return invalid('has more than two decimals: amounts are in whole cents');
  if (whole.replace(/^0+(?=\d)/, '').length > MAX_WHOLE_DIGITS) return invalid(`is too large: at most ${MAX_WHOLE_DIGITS} digits before the decimal point`);
  const cents = BigInt(whole + fraction.padEnd(2, '0'));
  if (sign && cents !== 0n) return { ok: false, code: 'NEGATIVE_AMOUNT', message: `${what} cannot be negative; got "${text}".` };
  return { ok: true, cents };
}

export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The API's `Money` for an amount in euro cents. */
export function euros(cents: bigint): { amount: string; minorUnits: bigint; unit: 'EUR' } {
  return { amount: formatCents(cents), minorUnits: cents, unit: 'EUR' };
}
