import { stableId } from '@dbwe/platform';
import { SPIJKERKWARTIER, account, demoMemberId, demoProjectId, startLedger, transfer, type LedgerTest } from '../testing/ledger.fixtures';

/*
 * Reading the demo books of the Spijkerkwartier for 2025 (24 entries):
 * - income: neighbourhood budget 25 000, Right to Challenge 2 × 18 500, contributions 750 + 320;
 * - Lindenplein greenery (park-greenery) spent 13 564.00 at Hovenier Groen & Co and a trailer
 *   rental, plus a double booking of 4 125.00 and its reversal; 377 volunteer hours;
 * - spending that left the neighbourhood: trailer 189.00, groceries 264.80, bank costs 37.50,
 *   insurance 240.00, and 60.00 to the municipality; everything else went to local members.
 */
let books: LedgerTest;
beforeAll(async () => {
  books = await startLedger();
});
afterAll(() => books.teardown());

const neighbourhood = async (selection: string, variables: Record<string, unknown> = {}) => {
  const declared = Object.keys(variables).map((name) => `, $${name}: ${typeof variables[name] === 'number' ? 'Int' : 'String'}`).join('');
  const data = await books.ok(
    `query ($id: ID!${declared}) { _entities(representations: [{ __typename: "Neighbourhood", id: $id }]) { ... on Neighbourhood { ${selection} } } }`,
    { id: SPIJKERKWARTIER, ...variables },
  );
  return data._entities[0];
};

describe('entries as a connection', () => {
  it('pages in sequence order with cursors, and continues after any sequence', async () => {
    const page1 = (await neighbourhood(`ledgerEntries(first: 10) { totalCount edges { node { sequence } } pageInfo { hasNextPage endCursor } }`)).ledgerEntries;
    expect(page1.totalCount).toBe(24);
    expect(page1.edges.map((e: any) => e.node.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await neighbourhood(`ledgerEntries(first: 10, after: $after) { edges { node { sequence } } }`, { after: page1.pageInfo.endCursor })).ledgerEntries;
    expect(page2.edges.map((e: any) => e.node.sequence)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    const rest = (await neighbourhood(`ledgerEntries(afterSequence: 20) { edges { node { sequence } } pageInfo { hasNextPage } }`)).ledgerEntries;
    expect(rest.edges.map((e: any) => e.node.sequence)).toEqual([21, 22, 23, 24]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by account, project, member, unit and booking dates', async () => {
    const sequencesOf = async (filter: string) =>
      (await neighbourhood(`ledgerEntries(first: 100, ${filter}) { totalCount edges { node { sequence bookingDate } } }`)).ledgerEntries;
    expect((await sequencesOf(`account: "${account('4100')}"`)).totalCount).toBe(5);
    expect((await sequencesOf(`project: "${demoProjectId('park-greenery')}"`)).totalCount).toBe(10);
    expect((await sequencesOf(`member: "${demoMemberId('Tuinman Teun')}"`)).totalCount).toBe(1);
    expect((await sequencesOf(`unit: HOUR`)).totalCount).toBe(5);
    const june = await sequencesOf(`from: "2025-06-01", to: "2025-06-30"`);
    expect(june.edges.map((e: any) => e.node.bookingDate)).toEqual(['2025-06-12', '2025-06-21', '2025-06-21', '2025-06-30']);
    const combined = await sequencesOf(`project: "${demoProjectId('park-greenery')}", unit: HOUR, from: "2025-07-01"`);
    expect(combined.edges.map((e: any) => e.node.bookingDate)).toEqual(['2025-09-01', '2025-09-30']);
  });

  it('refuses pages above 100 and cursors it did not hand out', async () => {
    const big = await books.execute(`query ($id: ID!) { _entities(representations: [{ __typename: "Neighbourhood", id: $id }]) { ... on Neighbourhood { ledgerEntries(first: 101) { totalCount } } } }`, { id: SPIJKERKWARTIER });
    expect(big.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await books.execute(`query ($id: ID!) { _entities(representations: [{ __typename: "Neighbourhood", id: $id }]) { ... on Neighbourhood { ledgerEntries(after: "bm9wZQ") { totalCount } } } }`, { id: SPIJKERKWARTIER });
    expect(forged.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('shows each entry with everything its hash covers, and reversals linked both ways', async () => {
    const { ledgerEntries } = await neighbourhood(`ledgerEntries(first: 100, project: "${demoProjectId('park-greenery')}") { edges { node {
      sequence description recordedAt evidenceUrl recordedBy { id } project { id } reverses { sequence } reversedBy { sequence }
      lines { account { code } side amount { amount } counterparty { member { id } domain name } } } } }`);
    const entries = ledgerEntries.edges.map((e: any) => e.node);
    const duplicate = entries.find((e: any) => e.description === 'Plantgoed Lindenplein (dubbel geboekt)');
    const correction = entries.find((e: any) => e.description.startsWith('Correctie'));
    expect(duplicate.reversedBy).toEqual({ sequence: correction.sequence });
    expect(correction.reverses).toEqual({ sequence: duplicate.sequence });
    const plants = entries.find((e: any) => e.description.startsWith('Plantgoed en mulch'));
    expect(plants).toMatchObject({
      recordedAt: '2025-04-14T16:00:00.000Z',
      evidenceUrl: 'https://example.nl/bonnen/2025-0021.pdf',
      recordedBy: { id: demoMemberId('Penningmeester Pieter') },
      project: { id: demoProjectId('park-greenery') },
      lines: [
        { account: { code: '4100' }, side: 'DEBIT', amount: { amount: '4125.00' }, counterparty: { member: { id: demoMemberId('Hovenier Groen & Co') }, domain: 'ENTREPRENEUR', name: null } },
        { account: { code: '1000' }, side: 'CREDIT', amount: { amount: '-4125.00' }, counterparty: null },
      ],
    });
  });

  it('reads a page of entries with their lines and accounts in a fixed number of queries', async () => {
    // The counter also sees the subgraph's background statements (the event relay's poll), which only add:
    // the least of three readings is the page's own.
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = books.queries.count;
      await neighbourhood(`ledgerEntries(first: 100) { totalCount edges { node { sequence reversedBy { id } lines { account { code balance { amount } } } } } }`);
      counts.push(books.queries.count - before);
    }
    expect(Math.min(...counts)).toBeLessThanOrEqual(6);
  });
});

describe('balances', () => {
  const balance = async (code: string, asOf?: string) => {
    const data = await books.ok(`query ($id: ID!, $asOf: Date) { ledgerAccount(id: $id) { balance(asOf: $asOf) { amount unit } } }`, { id: account(code), asOf });
    return data.ledgerAccount.balance.amount;
  };

  it('gives the current balance and the balance at the end of any booking date', async () => {
    expect(await balance('1000')).toBe('47694.80');
    expect(await balance('1000', '2024-12-31')).toBe('0.00');
    expect(await balance('1000', '2025-01-31')).toBe('25000.00');
    // Two bookings of the same plants by 15 April; the reversal is booked on 22 April.
    expect(await balance('1000', '2025-04-15')).toBe('35163.60');
    expect(await balance('1000', '2025-04-22')).toBe('39288.60');
    expect(await balance('9100')).toBe('883.00');
  });

  it('places an entry booked on an earlier date at that date, whenever it was recorded', async () => {
    // Expected: a cash withdrawal of 1 February recorded only now moves the bank balance as of 1 February, not 31 January.
    await books.post(transfer(account('1000'), account('1100'), '10.00', { bookingDate: '2025-02-01', description: 'Kasopname februari, alsnog geboekt' }));
    expect(await balance('1000', '2025-01-31')).toBe('25000.00');
    expect(await balance('1000', '2025-02-01')).toBe('24990.00');
    expect(await balance('1000')).toBe('47684.80');
  });

  it('keeps the stored balances equal to the sum of the lines', async () => {
    const rows = await books.db.query(`
      SELECT a.code, a.balance_minor::text AS stored, coalesce(sum(l.amount_minor), 0)::text AS recomputed,
             (SELECT coalesce(sum(net_minor), 0) FROM ledger.account_day d WHERE d.account_id = a.id)::text AS by_day
        FROM ledger.account a LEFT JOIN ledger.line l ON l.account_id = a.id GROUP BY a.id`);
    for (const row of rows) expect([row.code, row.stored, row.by_day]).toEqual([row.code, row.recomputed, row.recomputed]);
  });

  it('draws up a balanced trial balance, now and at the end of a date', async () => {
    const current = (await neighbourhood(`trialBalance { asOf balanced totals { unit debit { amount } credit { amount } } lines { account { code } debit { amount } credit { amount } } }`)).trialBalance;
    expect(current.balanced).toBe(true);
    expect(current.totals).toEqual([
      { unit: 'EUR', debit: expect.any(Object), credit: expect.any(Object) },
      { unit: 'HOUR', debit: { amount: '883.00' }, credit: { amount: '883.00' } },
    ]);
    expect(current.totals[0].debit).toEqual(current.totals[0].credit);
    expect(current.lines.find((l: any) => l.account.code === '8100')).toEqual({ account: { code: '8100' }, debit: { amount: '0.00' }, credit: { amount: '37000.00' } });
    const june = (await neighbourhood(`trialBalance(asOf: "2025-06-30") { asOf balanced lines { account { code } credit { amount } } }`)).trialBalance;
    expect(june.asOf).toBe('2025-06-30');
    expect(june.balanced).toBe(true);
    expect(june.lines.find((l: any) => l.account.code === '8100')).toEqual({ account: { code: '8100' }, credit: { amount: '18500.00' } });
  });
});

describe('project finances', () => {
  const finances = async (key: string) =>
    (
      await books.ok(
        `query ($id: ID!) { _entities(representations: [{ __typename: "Project", id: $id }]) { ... on Project { finances {
          spent { amount } received { amount } balance { amount } volunteerHours { amount unit } budget { amount }
          budgets { periodStart periodEnd unit amount { amount } revisions { revision amount { amount } reason } }
          budgetAgainstActuals { budget { unit } budgeted { amount } actual { amount } remaining { amount } overBudget }
          entries(first: 3) { totalCount edges { node { sequence } } }
        } } } }`,
        { id: demoProjectId(key) },
      )
    )._entities[0].finances;

  it('derives spent, received, balance, hours and budget against actuals from the books', async () => {
    const park = await finances('park-greenery');
    expect(park).toMatchObject({
      spent: { amount: '13564.00' },
      received: { amount: '37000.00' },
      balance: { amount: '23436.00' },
      volunteerHours: { amount: '377.00', unit: 'HOUR' },
      budget: { amount: '37000.00' },
    });
    expect(park.budgets[0]).toEqual({
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
      unit: 'EUR',
      amount: { amount: '37000.00' },
      revisions: [
        { revision: 1, amount: { amount: '35000.00' }, reason: 'Begroting uitdaagrecht groenonderhoud Lindenplein, eerste contractjaar' },
        { revision: 2, amount: { amount: '37000.00' }, reason: 'Gemeente kent 18 500 euro per halfjaar toe; begroting bijgesteld' },
      ],
    });
    expect(park.budgetAgainstActuals).toEqual([
      { budget: { unit: 'EUR' }, budgeted: { amount: '37000.00' }, actual: { amount: '13564.00' }, remaining: { amount: '23436.00' }, overBudget: false },
      { budget: { unit: 'HOUR' }, budgeted: { amount: '600.00' }, actual: { amount: '377.00' }, remaining: { amount: '223.00' }, overBudget: false },
    ]);
    expect(park.entries.totalCount).toBe(10);
    expect(park.entries.edges.map((e: any) => e.node.sequence)).toEqual([7, 8, 9]);
  });

  it('shows a project without books as zeros and no budget', async () => {
    const none = await finances('no-such-project');
    expect(none).toMatchObject({ spent: { amount: '0.00' }, received: { amount: '0.00' }, budget: null, budgets: [], budgetAgainstActuals: [], entries: { totalCount: 0 } });
  });

  it('adds up expenses per booking date, which sum to what was spent and the hours put in', async () => {
    const days = async (key: string) =>
      (
        await books.ok(
          `query ($id: ID!) { _entities(representations: [{ __typename: "Project", id: $id }]) { ... on Project { finances {
            spent { minorUnits } volunteerHours { minorUnits } expensesByBookingDate { bookingDates spentMinorUnits volunteerHoursMinorUnits }
          } } } }`,
          { id: demoProjectId(key) },
        )
      )._entities[0].finances;
    const park = await days('park-greenery');
    const { bookingDates, spentMinorUnits, volunteerHoursMinorUnits } = park.expensesByBookingDate;
    expect(bookingDates.length).toBeGreaterThan(1);
    expect([spentMinorUnits.length, volunteerHoursMinorUnits.length]).toEqual([bookingDates.length, bookingDates.length]);
    expect([...bookingDates].sort()).toEqual(bookingDates);
    expect(new Set(bookingDates).size).toBe(bookingDates.length);
    const sum = (list: string[]) => list.reduce((total, minor) => total + BigInt(minor), 0n).toString();
    expect(sum(spentMinorUnits)).toBe(park.spent.minorUnits);
    expect(sum(volunteerHoursMinorUnits)).toBe(park.volunteerHours.minorUnits);
    expect(bookingDates.every((_: string, i: number) => spentMinorUnits[i] !== '0' || volunteerHoursMinorUnits[i] !== '0')).toBe(true);
    expect((await days('no-such-project')).expensesByBookingDate).toEqual({ bookingDates: [], spentMinorUnits: [], volunteerHoursMinorUnits: [] });
  });
});

describe('the neighbourhood economy and members', () => {
  it('reports how much spending stayed in the neighbourhood', async () => {
    const { localEconomy } = await neighbourhood(`localEconomy(from: "2025-01-01", to: "2025-12-31") {
      from to spending { amount } stays { amount } leaves { amount } staysShare unattributed { amount }
      byDomain { domain amount { amount } } counterparties { member { id } domain name amount { amount } } }`);
    expect(localEconomy).toMatchObject({
      from: '2025-01-01',
      to: '2025-12-31',
      spending: { amount: '15375.20' },
      stays: { amount: '14583.90' },
      leaves: { amount: '791.30' },
      staysShare: '0.9485',
      unattributed: { amount: '0.00' },
      byDomain: [
        { domain: 'CITIZEN', amount: { amount: '150.00' } },
        { domain: 'ENTREPRENEUR', amount: { amount: '14348.90' } },
        { domain: 'EDUCATION_SCIENCE', amount: { amount: '85.00' } },
        { domain: 'GOVERNMENT', amount: { amount: '60.00' } },
      ],
    });
    expect(localEconomy.counterparties[0]).toEqual({ member: { id: demoMemberId('Hovenier Groen & Co') }, domain: 'ENTREPRENEUR', name: null, amount: { amount: '13375.00' } });
    expect(localEconomy.counterparties).toContainEqual({ member: null, domain: null, name: 'Aanhangerverhuur Veluwe', amount: { amount: '189.00' } });
  });

  it("totals a member's recorded volunteer hours, over any period", async () => {
    const hours = async (name: string, range = '') =>
      (await books.ok(`query ($id: ID!) { _entities(representations: [{ __typename: "Member", id: $id }]) { ... on Member { volunteerHours${range} { amount unit } } } }`, { id: demoMemberId(name) }))._entities[0]
        .volunteerHours;
    expect(await hours('Tuinman Teun')).toEqual({ amount: '324.50', unit: 'HOUR' });
    expect(await hours('Tuinman Teun', '(from: "2025-07-01")')).toEqual({ amount: '0.00', unit: 'HOUR' });
    expect(await hours('Buurtkok Bram', '(from: "2025-01-01", to: "2025-12-31")')).toEqual({ amount: '410.00', unit: 'HOUR' });
    expect(await hours('Oma Ria')).toEqual({ amount: '0.00', unit: 'HOUR' });
  });
});

describe('the chain', () => {
  it('names its head and verifies from the stored entries', async () => {
    const { chainHead, chainVerification } = await neighbourhood(`chainHead { sequence hash } chainVerification { valid entriesChecked headSequence headHash firstBadSequence problem }`);
    expect(chainVerification).toEqual({ valid: true, entriesChecked: chainHead.sequence, headSequence: chainHead.sequence, headHash: chainHead.hash, firstBadSequence: null, problem: null });
  });

  it('has no head and no verification for books that are not open', async () => {
    const data = await books.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${stableId('neighbourhood:nowhere')}" }]) { ... on Neighbourhood { chainHead { sequence } chainVerification { valid } accounts { id } } } }`);
    expect(data._entities[0]).toEqual({ chainHead: null, chainVerification: null, accounts: [] });
  });
});

describe('_entities', () => {
  it('resolves Account, LedgerEntry, Project, Neighbourhood and Member references', async () => {
    const [{ id: entryId }] = await books.db.query(`SELECT id FROM ledger.entry WHERE sequence = 1`);
    const data = await books.ok(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) {
        ... on Account { code name type unit noOverdraft taakveld }
        ... on LedgerEntry { sequence description }
        ... on Project { finances { spent { minorUnits } } }
        ... on Neighbourhood { accounts { code } }
        ... on Member { volunteerHours { amount } }
      } }`,
      {
        reps: [
          { __typename: 'Account', id: account('4100') },
          { __typename: 'LedgerEntry', id: entryId },
          { __typename: 'Project', id: demoProjectId('repair-cafe') },
          { __typename: 'Neighbourhood', id: SPIJKERKWARTIER },
          { __typename: 'Member', id: demoMemberId('Klusser Kees') },
          { __typename: 'Account', id: stableId('account:none') },
          { __typename: 'LedgerEntry', id: 'not-an-id' },
        ],
      },
    );
    expect(data._entities).toEqual([
      { code: '4100', name: 'Groenonderhoud', type: 'EXPENSE', unit: 'EUR', noOverdraft: false, taakveld: '5.7' },
      { sequence: 1, description: 'Wijkbudget 2025 ontvangen van de gemeente Arnhem' },
      { finances: { spent: { minorUnits: '31240' } } },
      { accounts: expect.arrayContaining([{ code: '1000' }, { code: '9800' }]) },
      { volunteerHours: { amount: '96.00' } },
      null,
      null,
    ]);
  });
});
