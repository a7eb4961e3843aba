import { randomUUID } from 'node:crypto';
import { KLARENDAL, SPIJKERKWARTIER, account, demoMemberId, demoProjectId, startLedger, steward, transfer, viewer, type LedgerTest } from '../testing/ledger.fixtures';

/*
 * The demo books of the Spijkerkwartier for 2025 and their budget (revision 2, after the municipality
 * raised the Right to Challenge budget), in euros unless said:
 *
 *   account / taakveld        budget     actual   difference
 *   8000 wijkbudget (6.1)   25 000.00  25 000.00        0.00   income
 *   8100 RtC (5.7)          37 000.00  37 000.00        0.00   income
 *   8200 bijdragen (none)    1 000.00   1 070.00      -70.00   income
 *   4000 projectkosten (none)    0.00     312.40     -312.40
 *   4100 groen (5.7)        14 000.00  13 564.00      436.00
 *   4200 activiteiten (6.1)  1 500.00   1 221.30      278.70
 *   4900 algemeen (none)       250.00     277.50      -27.50
 *   taakveld 7.1 (expense)     500.00       0.00      500.00
 *   9100 uren (none, hours)    800.00     883.00      -83.00
 *   9800 uren (none, hours)      0.00     883.00     -883.00   income (hours given, not budgeted)
 *
 * Income 63 070.00, expenses 15 375.20, result 47 694.80: the bank's balance at 31 December, the only
 * balance-sheet account, with no year-end closing booked (all of it is result not yet in equity).
 */
let books: LedgerTest;
beforeAll(async () => {
  books = await startLedger();
});
afterAll(() => books.teardown());

const SET = `mutation ($input: SetNeighbourhoodBudgetInput!) { setNeighbourhoodBudget(input: $input) {
  __typename
  ... on SetNeighbourhoodBudgetSuccess { replayed revision { revision leafIndex reason recordedAt recordedBy { id } }
    budget { id year revision lines { position account { code } taakveld type amount { amount unit } } } }
  ... on LedgerError { message code field }
  ... on MalformedAmount { given }
  ... on InvalidTaakveld { given }
  ... on UnknownAccount { accountId }
  ... on ForeignAccount { account { code } }
  ... on UnitMismatch { givenUnit }
  ... on NeighbourhoodBudgetKeyConflict { revision { revision } } } }`;

const ROW = `taakveld type unit budget { amount } actual { amount } difference { amount }`;
const BVA = `year budgetRevision byAccount { account { code } ${ROW} } byTaakveld { year neighbourhood { id } ${ROW} } unmapped { ${ROW} }`;

const neighbourhood = async (selection: string, year: number) =>
  (await books.ok(`query ($id: ID!, $year: Int!) { _entities(representations: [{ __typename: "Neighbourhood", id: $id }]) { ... on Neighbourhood { ${selection} } } }`, { id: SPIJKERKWARTIER, year }))
    ._entities[0];

/** The mutation's answer as a client reads it: `data.setNeighbourhoodBudget`, or thrown errors. */
const setBudget = async (year: number, lines: unknown[], extra: Record<string, unknown> = {}, as = steward) =>
  (await books.execute(SET, { input: { neighbourhoodId: SPIJKERKWARTIER, year, lines, reason: 'Begroting', idempotencyKey: randomUUID(), ...extra } }, as)) as {
    data?: { setNeighbourhoodBudget: any } | null;
    errors?: readonly { extensions?: Record<string, unknown> }[];
  };

const row = (taakveld: string | null, type: string, unit: string, budget: string, actual: string, difference: string) => ({
  taakveld, type, unit, budget: { amount: budget }, actual: { amount: actual }, difference: { amount: difference },
});

describe('budget against actuals on the demo books', () => {
  it('compares the 2025 budget per account and per taakveld with the lines booked in 2025', async () => {
    const { budgetVsActuals } = await neighbourhood(`budgetVsActuals(year: $year) { ${BVA} }`, 2025);
    expect(budgetVsActuals.budgetRevision).toBe(2);
    expect(budgetVsActuals.byAccount.map(({ account: a, ...r }: any) => [a.code, r.taakveld, r.budget.amount, r.actual.amount, r.difference.amount])).toEqual([
      ['4000', null, '0.00', '312.40', '-312.40'],
      ['4100', '5.7', '14000.00', '13564.00', '436.00'],
      ['4200', '6.1', '1500.00', '1221.30', '278.70'],
      ['4900', null, '250.00', '277.50', '-27.50'],
      ['8000', '6.1', '25000.00', '25000.00', '0.00'],
      ['8100', '5.7', '37000.00', '37000.00', '0.00'],
      ['8200', null, '1000.00', '1070.00', '-70.00'],
      ['9100', null, '800.00', '883.00', '-83.00'],
      ['9800', null, '0.00', '883.00', '-883.00'],
    ]);
    expect(budgetVsActuals.byTaakveld.map(({ year, neighbourhood: n, ...r }: any) => ({ ...r, year, n: n.id }))).toEqual([
      { ...row('5.7', 'INCOME', 'EUR', '37000.00', '37000.00', '0.00'), year: 2025, n: SPIJKERKWARTIER },
      { ...row('5.7', 'EXPENSE', 'EUR', '14000.00', '13564.00', '436.00'), year: 2025, n: SPIJKERKWARTIER },
      { ...row('6.1', 'INCOME', 'EUR', '25000.00', '25000.00', '0.00'), year: 2025, n: SPIJKERKWARTIER },
      { ...row('6.1', 'EXPENSE', 'EUR', '1500.00', '1221.30', '278.70'), year: 2025, n: SPIJKERKWARTIER },
      { ...row('7.1', 'EXPENSE', 'EUR', '500.00', '0.00', '500.00'), year: 2025, n: SPIJKERKWARTIER },
    ]);
    expect(budgetVsActuals.unmapped).toEqual([
      row(null, 'INCOME', 'EUR', '1000.00', '1070.00', '-70.00'),
      row(null, 'INCOME', 'HOUR', '0.00', '883.00', '-883.00'),
      row(null, 'EXPENSE', 'EUR', '250.00', '589.90', '-339.90'),
      row(null, 'EXPENSE', 'HOUR', '800.00', '883.00', '-83.00'),
    ]);
  });

  it('gives the annual accounts of 2025: income statement, balance sheet, hours and project notes', async () => {
    const { annualAccounts: a } = await neighbourhood(
      `annualAccounts(year: $year) { year periodStart periodEnd closed entryCount lastEntry { sequence bookingDate }
        incomeStatement { totals { unit income { amount } expenses { amount } result { amount } } }
        balanceSheet { asOf assets { account { code } amount { amount } } totals { unit assets { amount } liabilities { amount } equity { amount } resultNotInEquity { amount } balanced } }
        volunteerHours { given { amount } received { amount } byProject { project { id } given { amount } received { amount } } }
        projects { project { id } budget { amount } spent { amount } received { amount } hours { amount } }
        yearEndCheckpoint { size rootHash note } }`,
      2025,
    );
    expect(a).toMatchObject({ year: 2025, periodStart: '2025-01-01', periodEnd: '2025-12-31', closed: false, entryCount: 24 });
    expect(a.incomeStatement.totals).toEqual([
      { unit: 'EUR', income: { amount: '63070.00' }, expenses: { amount: '15375.20' }, result: { amount: '47694.80' } },
      { unit: 'HOUR', income: { amount: '883.00' }, expenses: { amount: '883.00' }, result: { amount: '0.00' } },
    ]);
    expect(a.balanceSheet.asOf).toBe('2025-12-31');
    expect(a.balanceSheet.assets).toEqual([{ account: { code: '1000' }, amount: { amount: '47694.80' } }]);
    expect(a.balanceSheet.totals[0]).toEqual({
      unit: 'EUR', assets: { amount: '47694.80' }, liabilities: { amount: '0.00' }, equity: { amount: '0.00' }, resultNotInEquity: { amount: '47694.80' }, balanced: true,
    });
    expect(a.volunteerHours.given).toEqual({ amount: '883.00' });
    expect(a.volunteerHours.received).toEqual({ amount: '883.00' });
    const greenery = a.projects.find((p: any) => p.project.id === demoProjectId('park-greenery'));
    expect(greenery).toMatchObject({ budget: { amount: '37000.00' }, spent: { amount: '13564.00' }, received: { amount: '37000.00' }, hours: { amount: '377.00' } });
    expect(a.volunteerHours.byProject.find((h: any) => h.project?.id === demoProjectId('park-greenery'))).toMatchObject({ given: { amount: '377.00' }, received: { amount: '377.00' } });
    // The year's last entry is in the checkpoint, which is a signed note over a tree that holds it.
    expect(a.lastEntry.bookingDate).toBe('2025-12-31');
    expect(a.yearEndCheckpoint.note).toContain(`\n${a.yearEndCheckpoint.size}\n${a.yearEndCheckpoint.rootHash}\n`);
  });
});

/*
 * A year of its own, 2024, before the demo books' first year (opening balances dated 2023-01-01, bank 100.00):
 *   2023-12-31  bank ← 8000   1 000.00   (the year before: not in 2024)
 *   2024-01-01  bank ← 8000  10 000.00   income, taakveld 6.1
 *   2024-03-01  4100 ← bank   2 500.00   expense, taakveld 5.7
 *   2024-12-31  4900 ← bank     100.00   expense, no taakveld
 *   2025-01-01  4100 ← bank     999.00   (the year after: not in 2024)
 * Budget 2024, revision 1: 8000 12 000.00, 4100 3 000.00, taakveld 5.7 expense 500.00;
 * revision 2: 8000 12 000.00, 4100 2 000.00, taakveld 6.1 expense 250.00.
 * Expected with revision 2: 4100 2 000 vs 2 500 (−500), 4900 0 vs 100 (−100), 8000 12 000 vs 10 000 (2 000);
 * per taakveld 5.7 expense −500, 6.1 income 2 000, 6.1 expense 250; unmapped expense −100.
 * Income 10 000.00, expenses 2 600.00, result 7 400.00; bank at 31-12-2024: 100.00 opening balance + 1 000 + 7 400 = 8 500.00, of which 8 400.00 is result not yet in equity.
 */
describe('a budget of its own, set and revised', () => {
  const revision1 = [
    { accountId: account('8000'), amount: '12000.00', unit: 'EUR' },
    { accountId: account('4100'), amount: '3000.00', unit: 'EUR' },
    { taakveld: '5.7', type: 'EXPENSE', amount: '500.00', unit: 'EUR' },
  ];
  const revision2 = [
    { accountId: account('8000'), amount: '12000.00', unit: 'EUR' },
    { accountId: account('4100'), amount: '2000.00', unit: 'EUR' },
    { taakveld: '6.1', amount: '250', unit: 'EUR' },
  ];

  beforeAll(async () => {
    // Books begin before the demo's first year with opening balances, so that a year of its own, the year
    // before it and the year after are all in the past, whatever today is (no booking date lies ahead).
    const opening = await books.execute(
      `mutation ($input: PostOpeningBalancesInput!) { postOpeningBalances(input: $input) { __typename } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, date: '2023-01-01', lines: [{ accountId: account('1000'), amount: '100.00' }], reason: 'Beginbalans', idempotencyKey: 'opening-2023' } },
      steward,
    );
    expect((opening as { data: { postOpeningBalances: { __typename: string } } }).data.postOpeningBalances.__typename).toBe('PostOpeningBalancesSuccess');
    for (const [from, to, amount, bookingDate] of [
      ['8000', '1000', '1000.00', '2023-12-31'],
      ['8000', '1000', '10000.00', '2024-01-01'],
      ['1000', '4100', '2500.00', '2024-03-01'],
      ['1000', '4900', '100.00', '2024-12-31'],
      ['1000', '4100', '999.00', '2025-01-01'],
    ]) {
      expect((await books.post(transfer(account(from), account(to), amount, { bookingDate }))).__typename).toBe('PostEntrySuccess');
    }
  });

  it('keeps every revision with its reason and who recorded it; the latest is the budget', async () => {
    const first = (await setBudget(2024, revision1, { reason: 'Begroting 2024 zoals ingediend', idempotencyKey: 'b2024-1' })).data!.setNeighbourhoodBudget;
    expect(first).toMatchObject({ __typename: 'SetNeighbourhoodBudgetSuccess', replayed: false, revision: { revision: 1, reason: 'Begroting 2024 zoals ingediend' } });
    const second = (await setBudget(2024, revision2, { reason: 'Groen goedkoper uitbesteed', idempotencyKey: 'b2024-2' })).data!.setNeighbourhoodBudget;
    expect(second.revision).toMatchObject({ revision: 2, recordedBy: { id: demoMemberId('Penningmeester Pieter') } });
    expect(second.budget.lines).toEqual([
      { position: 0, account: { code: '8000' }, taakveld: null, type: 'INCOME', amount: { amount: '12000.00', unit: 'EUR' } },
      { position: 1, account: { code: '4100' }, taakveld: null, type: 'EXPENSE', amount: { amount: '2000.00', unit: 'EUR' } },
      { position: 2, account: null, taakveld: '6.1', type: 'EXPENSE', amount: { amount: '250.00', unit: 'EUR' } },
    ]);

    const { budget } = await neighbourhood(`budget(year: $year) { year revision revisions { revision reason lines { taakveld amount { amount } } } }`, 2024);
    expect(budget.revision).toBe(2);
    expect(budget.revisions.map((r: any) => [r.revision, r.reason, r.lines.map((l: any) => l.amount.amount)])).toEqual([
      [1, 'Begroting 2024 zoals ingediend', ['12000.00', '3000.00', '500.00']],
      [2, 'Groen goedkoper uitbesteed', ['12000.00', '2000.00', '250.00']],
    ]);

    // A retried request returns the revision it recorded; the key with other content is refused.
    const replay = (await setBudget(2024, revision2, { reason: 'Groen goedkoper uitbesteed', idempotencyKey: 'b2024-2' })).data!.setNeighbourhoodBudget;
    expect(replay).toMatchObject({ replayed: true, revision: { revision: 2 } });
    const conflict = (await setBudget(2024, revision1, { idempotencyKey: 'b2024-2' })).data!.setNeighbourhoodBudget;
    expect(conflict).toMatchObject({ __typename: 'NeighbourhoodBudgetKeyConflict', code: 'IDEMPOTENCY_KEY_CONFLICT', revision: { revision: 2 } });
    expect((await neighbourhood(`budget(year: $year) { revision }`, 2024)).budget.revision).toBe(2);
  });

  it('compares the current revision with the lines booked in the year only', async () => {
    const { budgetVsActuals: v } = await neighbourhood(`budgetVsActuals(year: $year) { ${BVA} }`, 2024);
    expect(v.byAccount.map((r: any) => [r.account.code, r.budget.amount, r.actual.amount, r.difference.amount])).toEqual([
      ['4100', '2000.00', '2500.00', '-500.00'],
      ['4900', '0.00', '100.00', '-100.00'],
      ['8000', '12000.00', '10000.00', '2000.00'],
    ]);
    expect(v.byTaakveld.map((r: any) => [r.taakveld, r.type, r.difference.amount])).toEqual([
      ['5.7', 'EXPENSE', '-500.00'],
      ['6.1', 'INCOME', '2000.00'],
      ['6.1', 'EXPENSE', '250.00'],
    ]);
    expect(v.unmapped.map((r: any) => [r.type, r.unit, r.difference.amount])).toEqual([['EXPENSE', 'EUR', '-100.00']]);
    const { annualAccounts: a } = await neighbourhood(
      `annualAccounts(year: $year) { entryCount incomeStatement { totals { unit income { amount } expenses { amount } result { amount } } }
        balanceSheet { totals { unit assets { amount } resultNotInEquity { amount } balanced } } }`,
      2024,
    );
    expect(a.entryCount).toBe(3);
    expect(a.incomeStatement.totals).toEqual([{ unit: 'EUR', income: { amount: '10000.00' }, expenses: { amount: '2600.00' }, result: { amount: '7400.00' } }]);
    expect(a.balanceSheet.totals).toEqual([
      { unit: 'EUR', assets: { amount: '8500.00' }, resultNotInEquity: { amount: '8400.00' }, balanced: true },
      // No hours were booked before the demo's first year: the balance sheet has no hours row.
    ]);
  });

  it('puts each revision in the log, where the verification finds it as recorded', async () => {
    const { budget } = await neighbourhood(`budget(year: $year) { id revisions { revision leafIndex recordedAt } }`, 2024);
    const { transparencyLog, chainVerification } = await neighbourhood(
      `budget(year: $year) { id } transparencyLog { leaves(fromIndex: ${budget.revisions[1].leafIndex}, first: 1) { kind data } } chainVerification { valid logValid logProblem }`,
      2024,
    );
    expect(chainVerification).toEqual({ valid: true, logValid: true, logProblem: null });
    expect(transparencyLog.leaves[0].kind).toBe('NEIGHBOURHOOD_BUDGET_REVISION');
    expect(JSON.parse(transparencyLog.leaves[0].data)).toEqual([
      'dbwe-neighbourhood-budget-v1', budget.id, 2, SPIJKERKWARTIER, 2024,
      [[account('8000'), null, 'INCOME', 'EUR', '1200000'], [account('4100'), null, 'EXPENSE', 'EUR', '200000'], [null, '6.1', 'EXPENSE', 'EUR', '25000']],
      'Groen goedkoper uitbesteed', budget.revisions[1].recordedAt, demoMemberId('Penningmeester Pieter'),
    ]);
    const db = await books.sql();
    try {
      const { rows } = await db.query(`SELECT data FROM ledger.event_outbox WHERE type = 'nl.dbwe.ledger.neighbourhood-budget.revised' AND data->>'year' = '2024' ORDER BY sequence`);
      expect(rows.map((r) => r.data.audit)).toEqual([
        { actorId: demoMemberId('Penningmeester Pieter'), role: 'steward', reason: 'Begroting 2024 zoals ingediend', public: true },
        { actorId: demoMemberId('Penningmeester Pieter'), role: 'steward', reason: 'Groen goedkoper uitbesteed', public: true },
      ]);
      // The database refuses to change a revision: the log would no longer match it.
      await expect(db.query(`UPDATE ledger.neighbourhood_budget_revision SET reason = 'anders' WHERE revision = 1`)).rejects.toThrow();
    } finally {
      await db.end();
    }
  });
});

describe('refusals', () => {
  const cases: [string, unknown[], Record<string, unknown>][] = [
    ['an unknown account', [{ accountId: randomUUID(), amount: '1.00', unit: 'EUR' }], { __typename: 'UnknownAccount', field: 'lines.0.accountId' }],
    ["another neighbourhood's account", [{ accountId: account('4100', KLARENDAL), amount: '1.00', unit: 'EUR' }], { __typename: 'ForeignAccount', account: { code: '4100' } }],
    ['a taakveld not of the Iv3 form', [{ taakveld: '57', amount: '1.00', unit: 'EUR' }], { __typename: 'InvalidTaakveld', given: '57', field: 'lines.0.taakveld' }],
    ['an amount with a comma', [{ taakveld: '5.7', amount: '12,50', unit: 'EUR' }], { __typename: 'MalformedAmount', given: '12,50' }],
    ['a negative amount', [{ taakveld: '5.7', amount: '-5.00', unit: 'EUR' }], { __typename: 'MalformedAmount', field: 'lines.0.amount' }],
    ['an asset account', [{ accountId: account('1000'), amount: '1.00', unit: 'EUR' }], { __typename: 'InvalidLedgerInput', field: 'lines.0.accountId' }],
    ['hours on a euro account', [{ accountId: account('4100'), amount: '1.00', unit: 'HOUR' }], { __typename: 'UnitMismatch', givenUnit: 'HOUR' }],
    ['an account and a taakveld on one line', [{ accountId: account('4100'), taakveld: '5.7', amount: '1.00', unit: 'EUR' }], { __typename: 'InvalidLedgerInput', field: 'lines.0' }],
    ['an account twice', [{ accountId: account('4100'), amount: '1.00', unit: 'EUR' }, { accountId: account('4100'), amount: '2.00', unit: 'EUR' }], { __typename: 'InvalidLedgerInput', field: 'lines.1' }],
    ['no lines', [], { __typename: 'InvalidLedgerInput', field: 'lines' }],
  ];
  it.each(cases)('refuses %s by name and writes nothing', async (_what, lines, expected) => {
    const before = [await books.count('neighbourhood_budget'), await books.count('neighbourhood_budget_revision')];
    expect((await setBudget(2030, lines)).data!.setNeighbourhoodBudget).toMatchObject(expected);
    expect([await books.count('neighbourhood_budget'), await books.count('neighbourhood_budget_revision')]).toEqual(before);
  });

  it('lets only stewards and admins of the neighbourhood set its budget', async () => {
    const line = [{ taakveld: '5.7', amount: '1.00', unit: 'EUR' }];
    expect((await setBudget(2030, line, {}, viewer(['resident']))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await setBudget(2030, line, {}, viewer(['steward'], KLARENDAL))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const byAdmin = (await setBudget(2031, line, { reason: 'Door de beheerder' }, viewer(['admin']))).data!.setNeighbourhoodBudget;
    expect(byAdmin.__typename).toBe('SetNeighbourhoodBudgetSuccess');
  });
});
