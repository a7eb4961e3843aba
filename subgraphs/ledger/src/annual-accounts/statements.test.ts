import type { AccountEntity } from '../accounts/account.entity';
import { balanceSheet, budgetVsActuals, compareTaakveld, incomeStatement, type AccountYear } from './statements';
import { taakveldInYear, taakveldSplit } from './taakveld-in-year';

const account = (code: string, type: AccountEntity['type'], unit: AccountEntity['unit'], taakveld: string | null): AccountEntity =>
  ({ id: `id-${code}`, code, name: code, type, unit, taakveld, neighbourhoodId: 'n' }) as AccountEntity;

/*
 * A small year: subsidy 1 000.00 in on 8000 (6.1), 300.00 out on 4100 (5.7) and 50.00 on 4900 (no
 * taakveld), 10 hours given (9800) and put in (9100); the bank holds 2 000.00 at the year's end, of which
 * 1 350.00 is earlier years' result and 650.00 this year's.
 */
const year: AccountYear[] = [
  { account: account('1000', 'ASSET', 'EUR', null), movement: 65_000n, closingBalance: 200_000n },
  { account: account('8000', 'INCOME', 'EUR', '6.1'), movement: -100_000n, closingBalance: -250_000n },
  { account: account('4100', 'EXPENSE', 'EUR', '5.7'), movement: 30_000n, closingBalance: 45_000n },
  { account: account('4900', 'EXPENSE', 'EUR', null), movement: 5_000n, closingBalance: 5_000n },
  { account: account('9100', 'EXPENSE', 'HOUR', null), movement: 1_000n, closingBalance: 1_000n },
  { account: account('9800', 'INCOME', 'HOUR', null), movement: -1_000n, closingBalance: -1_000n },
];

describe('the statements of a year', () => {
  it('orders taakvelden by number per part', () => {
    expect(['6.1', '0.10', '0.2', '5.7', '0.1'].sort(compareTaakveld)).toEqual(['0.1', '0.2', '0.10', '5.7', '6.1']);
  });

  it('compares a budget per account and per taakveld, with taakveld lines counted on their own', () => {
    const v = budgetVsActuals('n', 2025, year, {
      revision: 3,
      lines: [
        { accountId: 'id-4100', taakveld: null, type: 'EXPENSE', unit: 'EUR', minor: 25_000n },
        { accountId: null, taakveld: '5.7', type: 'EXPENSE', unit: 'EUR', minor: 10_000n },
        { accountId: null, taakveld: '7.1', type: 'EXPENSE', unit: 'EUR', minor: 4_000n },
      ],
    });
    expect(v.budgetRevision).toBe(3);
    expect(v.byAccount.map((r) => [r.account.code, r.budget.minor, r.actual.minor, r.difference.minor])).toEqual([
      ['4100', 25_000n, 30_000n, -5_000n],
      ['4900', 0n, 5_000n, -5_000n],
      ['8000', 0n, 100_000n, -100_000n],
      ['9100', 0n, 1_000n, -1_000n],
      ['9800', 0n, 1_000n, -1_000n],
    ]);
    expect(v.byTaakveld.map((r) => [r.taakveld, r.type, r.budget.minor, r.actual.minor, r.difference.minor])).toEqual([
      ['5.7', 'EXPENSE', 35_000n, 30_000n, 5_000n],
      ['6.1', 'INCOME', 0n, 100_000n, -100_000n],
      ['7.1', 'EXPENSE', 4_000n, 0n, 4_000n],
    ]);
    expect(v.unmapped.map((r) => [r.type, r.unit, r.actual.minor])).toEqual([
      ['INCOME', 'HOUR', 1_000n],
      ['EXPENSE', 'EUR', 5_000n],
      ['EXPENSE', 'HOUR', 1_000n],
    ]);
  });

  it('counts an account re-mapped mid-year for the taakveld it had on each booking date', () => {
    // 4100 created on 5.7, re-mapped to 7.4 from 1 July 2025: 100.00 spent in March, 40.00 in September, budget 150.00.
    const changes = [{ effectiveFrom: '2025-07-01', oldTaakveld: '5.7', newTaakveld: '7.4' }];
    const created = account('4100', 'EXPENSE', 'EUR', '5.7');
    const days = [
      { day: '2025-03-10', net: 10_000n },
      { day: '2025-07-01', net: 3_000n },
      { day: '2025-09-02', net: 1_000n },
    ];
    expect(taakveldInYear(created, 2025, changes)).toBe('7.4');
    expect(taakveldInYear(created, 2024, changes)).toBe('5.7');
    expect(taakveldSplit(created, changes, days)).toEqual([
      { taakveld: '5.7', movement: 10_000n },
      { taakveld: '7.4', movement: 4_000n },
    ]);
    const v = budgetVsActuals('n', 2025, [{ account: created, movement: 14_000n, closingBalance: 14_000n, taakveld: '7.4', byTaakveld: taakveldSplit(created, changes, days) }], {
      revision: 1,
      lines: [{ accountId: 'id-4100', taakveld: null, type: 'EXPENSE', unit: 'EUR', minor: 15_000n }],
    });
    expect(v.byAccount.map((r) => [r.account.code, r.taakveld, r.budget.minor, r.actual.minor])).toEqual([['4100', '7.4', 15_000n, 14_000n]]);
    expect(v.byTaakveld.map((r) => [r.taakveld, r.budget.minor, r.actual.minor, r.difference.minor])).toEqual([
      ['5.7', 0n, 10_000n, -10_000n],
      ['7.4', 15_000n, 4_000n, 11_000n],
    ]);
  });

  it('gives income and expenses of the year, and a balance sheet that balances with the result not yet in equity', () => {
    expect(incomeStatement(year).totals).toEqual([
      { unit: 'EUR', income: { minor: 100_000n, unit: 'EUR' }, expenses: { minor: 35_000n, unit: 'EUR' }, result: { minor: 65_000n, unit: 'EUR' } },
      { unit: 'HOUR', income: { minor: 1_000n, unit: 'HOUR' }, expenses: { minor: 1_000n, unit: 'HOUR' }, result: { minor: 0n, unit: 'HOUR' } },
    ]);
    const sheet = balanceSheet(2025, year);
    expect(sheet.asOf).toBe('2025-12-31');
    expect(sheet.totals[0]).toMatchObject({ unit: 'EUR', assets: { minor: 200_000n }, resultNotInEquity: { minor: 200_000n }, balanced: true });
  });
});
