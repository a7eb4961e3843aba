import { bookingDateProblem, closeYearProblem, equityAccountFor, planClosingEntries, type PeriodFacts, type YearMovement } from './period-rules';

const facts = (firstYear: number | null, closed: number[] = []): PeriodFacts => ({ firstYear, closedYears: new Set(closed) });
const TODAY = '2026-12-02';

describe('booking dates', () => {
  it('accepts a date in an open year of the books, up to 31 days ahead', () => {
    expect(bookingDateProblem('2025-01-01', facts(2025), TODAY)).toBeNull();
    expect(bookingDateProblem('2027-01-02', facts(2025), TODAY)).toBeNull();
  });
  it('refuses a closed year, naming it', () => {
    expect(bookingDateProblem('2025-06-30', facts(2025, [2025]), TODAY)).toMatchObject({ __typename: 'PeriodClosed', year: 2025, field: 'bookingDate' });
  });
  it('refuses dates before the books began; empty books accept last year', () => {
    expect(bookingDateProblem('2024-12-31', facts(2025), TODAY)).toMatchObject({ __typename: 'BookingDateBeforeBooks', earliest: '2025-01-01' });
    expect(bookingDateProblem('2025-03-01', facts(null), TODAY)).toBeNull();
    expect(bookingDateProblem('2024-12-31', facts(null), TODAY)).toMatchObject({ __typename: 'BookingDateBeforeBooks' });
    expect(bookingDateProblem('0001-01-01', facts(2025), TODAY)).toMatchObject({ __typename: 'BookingDateBeforeBooks' });
  });
  it('refuses more than 31 days ahead', () => {
    expect(bookingDateProblem('2027-01-03', facts(2025), TODAY)).toMatchObject({ __typename: 'BookingDateTooFarAhead', latest: '2027-01-02' });
    expect(bookingDateProblem('9999-12-31', facts(2025), TODAY)).toMatchObject({ __typename: 'BookingDateTooFarAhead' });
  });
});

describe('closing a year', () => {
  it('closes only a year that is over, in the books, still open, with the year before closed', () => {
    expect(closeYearProblem(2025, facts(2025), TODAY)).toBeNull();
    expect(closeYearProblem(2026, facts(2025), TODAY)).toMatchObject({ __typename: 'YearNotOver' });
    expect(closeYearProblem(2024, facts(2025), TODAY)).toMatchObject({ __typename: 'YearOutsideBooks', firstYear: 2025 });
    expect(closeYearProblem(2025, facts(null), TODAY)).toMatchObject({ __typename: 'YearOutsideBooks', firstYear: null });
    expect(closeYearProblem(2025, facts(2024), TODAY)).toMatchObject({ __typename: 'PreviousYearOpen', year: 2024 });
    expect(closeYearProblem(2025, facts(2024, [2024]), TODAY)).toBeNull();
    expect(closeYearProblem(2025, facts(2025, [2025]), TODAY)).toMatchObject({ __typename: 'YearAlreadyClosed' });
  });

  const m = (accountId: string, type: YearMovement['type'], unit: YearMovement['unit'], minor: bigint): YearMovement => ({ accountId, code: accountId, type, unit, minor });

  it('moves every income and expense movement to equity, per unit, leaving balance accounts alone', () => {
    const planned = planClosingEntries(
      [m('1000', 'ASSET', 'EUR', 700n), m('4100', 'EXPENSE', 'EUR', 300n), m('8000', 'INCOME', 'EUR', -1000n), m('9100', 'EXPENSE', 'HOUR', 50n), m('9800', 'INCOME', 'HOUR', -50n)],
      (unit) => (unit === 'EUR' ? '0500' : '0900'),
    );
    expect(planned).toEqual({
      plans: [
        { unit: 'EUR', result: 700n, lines: [{ accountId: '4100', unit: 'EUR', minor: -300n }, { accountId: '8000', unit: 'EUR', minor: 1000n }, { accountId: '0500', unit: 'EUR', minor: -700n }] },
        { unit: 'HOUR', result: 0n, lines: [{ accountId: '9100', unit: 'HOUR', minor: -50n }, { accountId: '9800', unit: 'HOUR', minor: 50n }] },
      ],
    });
  });

  it('books a loss as a debit on equity, and names a unit without an equity account', () => {
    const loss = planClosingEntries([m('4100', 'EXPENSE', 'EUR', 300n)], () => '0500');
    expect(loss).toEqual({ plans: [{ unit: 'EUR', result: -300n, lines: [{ accountId: '4100', unit: 'EUR', minor: -300n }, { accountId: '0500', unit: 'EUR', minor: 300n }] }] });
    expect(planClosingEntries([m('9100', 'EXPENSE', 'HOUR', 5n)], () => null)).toMatchObject({ failure: { __typename: 'NoEquityAccount', unit: 'HOUR' } });
  });

  it("takes the unit's equity account with the lowest code, not a project's", () => {
    const accounts = [
      { id: 'p', code: '0100', type: 'EQUITY' as const, unit: 'EUR' as const, projectId: 'x' },
      { id: 'b', code: '0600', type: 'EQUITY' as const, unit: 'EUR' as const, projectId: null },
      { id: 'a', code: '0500', type: 'EQUITY' as const, unit: 'EUR' as const, projectId: null },
    ];
    expect(equityAccountFor(accounts, 'EUR')).toBe('a');
    expect(equityAccountFor(accounts, 'HOUR')).toBeNull();
  });
});
