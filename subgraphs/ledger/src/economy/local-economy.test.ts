import { fraction, summariseSpending } from './local-economy';

describe('the local-economy report', () => {
  it('computes shares exactly, rounded half up to four decimals', () => {
    expect(fraction(1n, 3n)).toBe('0.3333');
    expect(fraction(2n, 3n)).toBe('0.6667');
    expect(fraction(1n, 8n)).toBe('0.1250');
    expect(fraction(5n, 5n)).toBe('1.0000');
    expect(fraction(1458390n, 1537520n)).toBe('0.9485');
  });

  it('counts citizen, entrepreneur and education members as staying, everything else as leaving', () => {
    const report = summariseSpending('2025-01-01', '2025-12-31', [
      { memberId: 'a', domain: 'ENTREPRENEUR', name: null, minor: 6000n },
      { memberId: 'b', domain: 'CITIZEN', name: null, minor: 1000n },
      { memberId: 'c', domain: 'EDUCATION_SCIENCE', name: null, minor: 500n },
      { memberId: 'd', domain: 'GOVERNMENT', name: null, minor: 1500n },
      { memberId: null, domain: null, name: 'Supplier elsewhere', minor: 700n },
      { memberId: null, domain: null, name: null, minor: 300n },
    ]);
    expect(report.spending.minor).toBe(10000n);
    expect(report.stays.minor).toBe(7500n);
    expect(report.leaves.minor).toBe(2500n);
    expect(report.staysShare).toBe('0.7500');
    expect(report.unattributed.minor).toBe(300n);
    expect(report.byDomain.map((d) => [d.domain, d.amount.minor])).toEqual([
      ['CITIZEN', 1000n],
      ['ENTREPRENEUR', 6000n],
      ['EDUCATION_SCIENCE', 500n],
      ['GOVERNMENT', 1500n],
    ]);
    expect(report.counterparties.map((c) => c.amount.minor)).toEqual([6000n, 1500n, 1000n, 700n, 500n]);
  });

  it('has no share when nothing was spent', () => {
    expect(summariseSpending(null, null, []).staysShare).toBeNull();
  });
});
