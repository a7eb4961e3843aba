import { euros, formatCents, parseEuros } from './money';

describe('euro amounts', () => {
  it.each([
    ['48250', 4_825_000n],
    ['48250.5', 4_825_050n],
    ['48250.00', 4_825_000n],
    ['0.01', 1n],
    ['0', 0n],
    ['-0.00', 0n],
    ['9999999999999.99', 999_999_999_999_999n],
  ])('reads %s as %s cents', (text, cents) => {
    expect(parseEuros(text, 'The budget')).toEqual({ ok: true, cents });
  });

  it.each(['-1', '-0.01', '-48250.00'])('refuses the negative amount %s with its own reason', (text) => {
    expect(parseEuros(text, 'The proposed annual budget')).toEqual({
      ok: false,
      code: 'NEGATIVE_AMOUNT',
      message: `The proposed annual budget cannot be negative; got "${text}".`,
    });
  });

  it.each(['', ' 1', '1,50', '1.505', '1e3', 'NaN', '.5', '5.', '+5', '12 500', '0x10', '10000000000000'])('refuses the malformed amount "%s"', (text) => {
    expect(parseEuros(text, 'The budget')).toMatchObject({ ok: false, code: 'INVALID_AMOUNT' });
  });

  it('says what is wrong: the form, the decimals or the size', () => {
    const message = (text: string) => (parseEuros(text, 'The budget') as { message: string }).message;
    expect(message('1e3')).toBe('The budget must be a decimal amount in euros written with a dot, e.g. "48250.00"; got "1e3".');
    expect(message('1.505')).toBe('The budget has more than two decimals: amounts are in whole cents; got "1.505".');
    expect(message('10000000000000')).toBe('The budget is too large: at most 13 digits before the decimal point; got "10000000000000".');
  });

  it('formats cents exactly, also beyond 2^53', () => {
    expect(formatCents(5n)).toBe('0.05');
    expect(formatCents(-1234n)).toBe('-12.34');
    expect(formatCents(900_719_925_474_099_312n)).toBe('9007199254740993.12');
    expect(euros(4_825_000n)).toEqual({ amount: '48250.00', minorUnits: 4_825_000n, unit: 'EUR' });
  });
});
