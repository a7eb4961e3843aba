import { randomUUID } from 'node:crypto';
import { SPIJKERKWARTIER, account, startLedger, steward, transfer, type LedgerTest } from '../testing/ledger.fixtures';

/*
 * The chart of accounts over time in the figures, on the Spijkerkwartier demo books (real server, real PostgreSQL).
 * Expected:
 * - a new expense account 4150 "Erfgoedwandelingen", created on taakveld 5.5 (Cultureel erfgoed) and re-mapped to
 *   5.3 (Cultuurpresentatie) from 1 July 2025, with €100.00 booked in March and €40.00 in September 2025, budgeted
 *   €150.00: budget against actuals for 2025 counts €100.00 for 5.5 and €40.00 for 5.3, the account's row shows 5.3
 *   (its taakveld at the year's end) with the whole €140.00, and 2024 would have counted it for 5.5;
 * - a new expense account 4160 closed from 1 September 2025 refuses entries dated on that day and after it
 *   (AccountClosed, nothing written) and books one dated 31 August while 2025 is open (a late invoice); closing 2025
 *   is then refused with AccountClosed (its closing entry, dated 31 December, cannot book on the closed account) until
 *   the €5.00 is moved to 4900 by an entry dated before the closing; once 2025 is closed, dates in 2025 are refused
 *   (PeriodClosed).
 */
let books: LedgerTest;
beforeAll(async () => {
  books = await startLedger();
});
afterAll(() => books.teardown());

const CREATE = `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { __typename ... on CreateAccountSuccess { account { id } } ... on LedgerError { message } } }`;
const CHANGE = `mutation ($input: ChangeAccountInput!) { changeAccount(input: $input) { __typename ... on LedgerError { code message } } }`;
const create = async (code: string, name: string, taakveld: string | null) =>
  (await books.ok(CREATE, { input: { neighbourhoodId: SPIJKERKWARTIER, code, name, type: 'EXPENSE', unit: 'EUR', taakveld } }, steward)).createAccount.account.id as string;
const change = async (input: Record<string, unknown>) => (await books.ok(CHANGE, { input: { reason: 'Besluit van het bestuur', ...input } }, steward)).changeAccount;
const spend = (accountId: string, amount: string, bookingDate: string, from = account('1000')) => books.post(transfer(from, accountId, amount, { bookingDate }));

const vsActuals = async (year: number) =>
  (
    await books.ok(
      `query ($id: ID!, $year: Int!) { _entities(representations: [{ __typename: "Neighbourhood", id: $id }]) { ... on Neighbourhood {
        budgetVsActuals(year: $year) { byAccount { account { code } taakveld budget { amount } actual { amount } } byTaakveld { taakveld type actual { amount } budget { amount } } } } } }`,
      { id: SPIJKERKWARTIER, year },
    )
  )._entities[0].budgetVsActuals;

describe('an account re-mapped to another taakveld mid-year', () => {
  it('counts the lines before the re-mapping for the old taakveld and those after for the new', async () => {
    const before = await vsActuals(2025);
    expect(before.byTaakveld.filter((r: any) => r.taakveld === '5.5' || r.taakveld === '5.3')).toEqual([]);
    const id = await create('4150', 'Erfgoedwandelingen', '5.5');
    expect((await spend(id, '100.00', '2025-03-10')).__typename).toBe('PostEntrySuccess');
    expect((await change({ accountId: id, effectiveFrom: '2025-07-01', taakveld: '5.3' })).__typename).toBe('ChangeAccountSuccess');
    expect((await spend(id, '40.00', '2025-09-02')).__typename).toBe('PostEntrySuccess');
    const budget = await books.ok(
      `mutation ($input: SetNeighbourhoodBudgetInput!) { setNeighbourhoodBudget(input: $input) { __typename } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, year: 2025, lines: [{ accountId: id, amount: '150.00', unit: 'EUR' }], reason: 'Begroting erfgoed', idempotencyKey: randomUUID() } },
      steward,
    );
    expect(budget.setNeighbourhoodBudget.__typename).toBe('SetNeighbourhoodBudgetSuccess');

    const after = await vsActuals(2025);
    expect(after.byAccount.filter((r: any) => r.account.code === '4150')).toEqual([{ account: { code: '4150' }, taakveld: '5.3', budget: { amount: '150.00' }, actual: { amount: '140.00' } }]);
    expect(after.byTaakveld.filter((r: any) => r.taakveld === '5.5' || r.taakveld === '5.3')).toEqual([
      { taakveld: '5.3', type: 'EXPENSE', actual: { amount: '40.00' }, budget: { amount: '150.00' } },
      { taakveld: '5.5', type: 'EXPENSE', actual: { amount: '100.00' }, budget: { amount: '0.00' } },
    ]);
    // The split moves nothing between taakvelden the account never had: every other actual is as before (the new budget
    // replaced the demo's, so rows that had a budget and no lines are gone).
    const others = (v: any) =>
      v.byTaakveld.filter((r: any) => r.taakveld !== '5.5' && r.taakveld !== '5.3' && r.actual.amount !== '0.00').map((r: any) => [r.taakveld, r.type, r.actual.amount]);
    expect(others(after)).toEqual(others(before));
  });
});

describe('an account closed from a date', () => {
  it('refuses entries dated on or after it, and earlier ones once their period is closed', async () => {
    const id = await create('4160', 'Oude buurtkrant', '5.6');
    const closed = await change({ accountId: id, effectiveFrom: '2025-09-01', close: true });
    expect(closed.__typename).toBe('ChangeAccountSuccess');
    const entries = await books.count('entry');
    for (const date of ['2025-09-01', '2025-11-30', '2026-01-05']) {
      expect(await spend(id, '5.00', date)).toMatchObject({ __typename: 'AccountClosed', code: 'ACCOUNT_CLOSED' });
    }
    expect(await books.count('entry')).toBe(entries);
    // Dated before its closing, while 2025 is open, it books (a late invoice of the last month) and leaves a balance.
    const late = await spend(id, '5.00', '2025-08-31');
    expect(late.__typename).toBe('PostEntrySuccess');
    const CLOSE = `mutation ($input: CloseFinancialYearInput!) { closeFinancialYear(input: $input) { __typename ... on LedgerError { code message } } }`;
    const closeYear = async () =>
      (await books.ok(CLOSE, { input: { neighbourhoodId: SPIJKERKWARTIER, year: 2025, reason: 'Vastgesteld door de ledenvergadering', idempotencyKey: randomUUID() } }, steward)).closeFinancialYear;
    // The closing entry of 31 December cannot take that result off a closed account: a named refusal, nothing booked.
    const entriesBeforeClosing = await books.count('entry');
    expect(await closeYear()).toMatchObject({ __typename: 'AccountClosed', code: 'ACCOUNT_CLOSED', message: expect.stringContaining('Move it to another account') });
    expect(await books.count('entry')).toBe(entriesBeforeClosing);
    expect((await spend(account('4900'), '5.00', '2025-08-31', id)).__typename).toBe('PostEntrySuccess');
    expect(await closeYear()).toEqual({ __typename: 'CloseFinancialYearSuccess' });
    expect(await spend(id, '5.00', '2025-08-30')).toMatchObject({ __typename: 'PeriodClosed' });
    expect(await spend(account('4900'), '5.00', '2025-08-30')).toMatchObject({ __typename: 'PeriodClosed' });
  });
});
