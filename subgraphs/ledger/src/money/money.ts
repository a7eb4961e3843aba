export type Unit = 'EUR' | 'HOUR';

export const UNITS: readonly Unit[] = ['EUR', 'HOUR'];

/** Both units keep two decimals: cents, and hundredths of an hour. */
export const UNIT_DECIMALS: Record<Unit, number> = { EUR: 2, HOUR: 2 };

/** An exact amount: integer minor units, never a float. */
export interface MoneyValue {
  minor: bigint;
  unit: Unit;
}

/** The largest balance, in minor units, an account can hold either way: the database keeps balances as bigint. */
export const BALANCE_LIMIT = 2n ** 63n - 1n;

export function formatMinor(minor: bigint, unit: Unit): string {
  const decimals = UNIT_DECIMALS[unit];
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}

/**
 * Parses a decimal string such as "-12.5" into minor units. Returns null for
 * anything that is not a plain decimal with at most the unit's decimals
 * (floats like 1e3, commas, NaN, more decimals than the unit has).
 */
export function parseAmount(text: string, unit: Unit): bigint | null {
  const decimals = UNIT_DECIMALS[unit];
  const match = /^(-)?(\d{1,16})(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > decimals) return null;
  const minor = BigInt(whole + fraction.padEnd(decimals, '0'));
  return sign ? -minor : minor;
}
