import { formatMinor, parseAmount } from './money';

describe('money', () => {
  it('formats minor units as a decimal string with the unit decimals', () => {
    expect(formatMinor(0n, 'EUR')).toBe('0.00');
    expect(formatMinor(5n, 'EUR')).toBe('0.05');
    expect(formatMinor(-1250n, 'EUR')).toBe('-12.50');
    expect(formatMinor(325n, 'HOUR')).toBe('3.25');
    // Above 2^53: exact, no float rounding.
    expect(formatMinor(9007199254740993n, 'EUR')).toBe('90071992547409.93');
  });

  it('parses plain decimals exactly and refuses everything else', () => {
    expect(parseAmount('12.5', 'EUR')).toBe(1250n);
    expect(parseAmount('-0.01', 'EUR')).toBe(-1n);
    expect(parseAmount('21474836.48', 'EUR')).toBe(2147483648n);
    for (const bad of ['1e3', '12,50', 'NaN', '0.001', '', ' 1', '1.', '.5', 'Infinity', '--1']) {
      expect(parseAmount(bad, 'EUR')).toBeNull();
    }
  });

  it('round-trips', () => {
    for (const minor of [0n, 1n, -1n, 99n, 100n, -123456789012345n]) {
      expect(parseAmount(formatMinor(minor, 'EUR'), 'EUR')).toBe(minor);
    }
  });
});
