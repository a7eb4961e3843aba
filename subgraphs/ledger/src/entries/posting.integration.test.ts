import { stableId } from '@dbwe/platform';
import {
  KLARENDAL,
  SPIJKERKWARTIER,
  account,
  anonymous,
  demoProjectId,
  startLedger,
  steward,
  transfer,
  viewer,
  type LedgerTest,
} from '../testing/ledger.fixtures';
import { addNeighbourhood } from '../../../../test/people';
import { explainViolation } from './booking';
import { readPostEntry, type PostEntryArgs } from './posting-rules';

/*
 * Posting through the real ledger server on the demo books. The Spijkerkwartier
 * has 24 entries; its bank (1000) holds 47 694.80 and may not go below zero.
 * Every refusal must name its rule and leave the books exactly as they were.
 */
let books: LedgerTest;
beforeAll(async () => {
  books = await startLedger({ platform: true });
});
afterAll(() => books.teardown());

const REVERSE = `mutation ($input: ReverseEntryInput!) { reverseEntry(input: $input) {
  __typename
  ... on ReverseEntrySuccess { replayed reversal { id sequence description bookingDate reverses { id reversedBy { id } } lines { account { code } amount { minorUnits } } } }
  ... on LedgerError { message code field }
  ... on AlreadyReversed { entry { id } reversedBy { id } }
  ... on ReversalOfReversal { entry { id } }
  ... on UnknownEntry { entryId }
  ... on Overdraft { account { code } }
  ... on IdempotencyKeyConflict { entry { id } }
} }`;

const headOf = async () => (await books.ok(`query ($id: ID!) { _entities(representations: [{ __typename: "Neighbourhood", id: $id }]) { ... on Neighbourhood { chainHead { sequence hash } } } }`, { id: SPIJKERKWARTIER }))._entities[0].chainHead;

/** Runs `attempt` and checks that neither entries nor lines nor balances changed. */
async function writesNothing<T>(attempt: () => Promise<T>): Promise<T> {
  const before = { entries: await books.count('entry'), lines: await books.count('line'), balances: await books.db.query('SELECT id, balance_minor FROM ledger.account ORDER BY id') };
  const result = await attempt();
  expect({ entries: await books.count('entry'), lines: await books.count('line'), balances: await books.db.query('SELECT id, balance_minor FROM ledger.account ORDER BY id') }).toEqual(before);
  return result;
}

describe('postEntry', () => {
  it('books a balanced entry as the next link of the chain and moves the balances', async () => {
    // Expected books: 4900 Algemene kosten +12.50, 1000 Bank -12.50; entry 25 chained to entry 24.
    const head = await headOf();
    const result = await books.post(
      transfer(account('1000'), account('4900'), '12.50', {
        description: 'Koffie en thee voor de wijkraad',
        evidenceUrl: 'https://example.nl/bonnen/2026-0001.pdf',
        lines: [
          { accountId: account('4900'), side: 'DEBIT', amount: '12.50', unit: 'EUR', counterparty: { memberId: stableId('member:Koffiebar Het Hoekje'), domain: 'ENTREPRENEUR' } },
          { accountId: account('1000'), side: 'CREDIT', amount: '12.5', unit: 'EUR' },
        ],
      }),
    );
    expect(result.__typename).toBe('PostEntrySuccess');
    expect(result.replayed).toBe(false);
    expect(result.entry).toMatchObject({ sequence: head.sequence + 1, previousHash: head.hash, description: 'Koffie en thee voor de wijkraad' });
    expect(result.entry.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(result.entry.lines).toEqual([
      {
        position: 0,
        side: 'DEBIT',
        account: { id: account('4900'), code: '4900' },
        amount: { amount: '12.50', minorUnits: '1250', unit: 'EUR' },
        counterparty: { member: { id: stableId('member:Koffiebar Het Hoekje') }, domain: 'ENTREPRENEUR', name: null },
      },
      { position: 1, side: 'CREDIT', account: { id: account('1000'), code: '1000' }, amount: { amount: '-12.50', minorUnits: '-1250', unit: 'EUR' }, counterparty: null },
    ]);
    expect(await headOf()).toEqual({ sequence: head.sequence + 1, hash: result.entry.hash });
    const { ledgerAccount } = await books.ok(`{ ledgerAccount(id: "${account('1000')}") { balance { amount } } }`);
    expect(ledgerAccount.balance.amount).toBe('47682.30');
  });

  it('keeps amounts above 2^31 minor units exact', async () => {
    // 25 000 000.00 euros is 2 500 000 000 cents, more than a 32-bit integer holds.
    const result = await books.post(transfer(account('8000'), account('1300'), '25000000.00'));
    expect(result.entry.lines[0].amount).toEqual({ amount: '25000000.00', minorUnits: '2500000000', unit: 'EUR' });
    const { ledgerAccount } = await books.ok(`{ ledgerAccount(id: "${account('1300')}") { balance { amount minorUnits } } }`);
    expect(ledgerAccount.balance).toEqual({ amount: '25000000.00', minorUnits: '2500000000' });
  });

  it('returns the original entry for a retried request and writes nothing', async () => {
    const input = transfer(account('1000'), account('4900'), '7.25', { idempotencyKey: 'retry-me' });
    const first = await books.post(input);
    // The same content written differently: upper-case ids, "7.250" cents as "7.25", padding around the description.
    const sameContent = { ...input, description: `  ${input.description} `, lines: input.lines.map((l) => ({ ...l, accountId: l.accountId.toUpperCase() })) };
    const again = await writesNothing(() => books.post(sameContent));
    expect(again).toMatchObject({ __typename: 'PostEntrySuccess', replayed: true, entry: { id: first.entry.id, hash: first.entry.hash } });
  });

  it('refuses a different request under a used key, and writes nothing', async () => {
    const first = await books.post(transfer(account('1000'), account('4900'), '3.00', { idempotencyKey: 'used-once' }));
    const conflict = await writesNothing(() => books.post(transfer(account('1000'), account('4900'), '3.01', { idempotencyKey: 'used-once' })));
    expect(conflict).toMatchObject({ __typename: 'IdempotencyKeyConflict', code: 'IDEMPOTENCY_KEY_CONFLICT', field: 'idempotencyKey', entry: { id: first.entry.id } });
  });

  describe('refuses, naming the rule, and writes nothing', () => {
    const refused = async (input: Record<string, unknown>, as = steward) => writesNothing(() => books.post(input, as));
    const base = transfer(account('1000'), account('4900'), '10.00');

    it('an unbalanced entry', async () => {
      const input = { ...base, lines: [base.lines[0], { ...base.lines[1], amount: '9.99' }] };
      expect(await refused(input)).toMatchObject({ __typename: 'UnbalancedEntry', code: 'UNBALANCED_ENTRY', difference: { amount: '0.01', unit: 'EUR' } });
    });

    it('a one-line entry', async () => {
      expect(await refused({ ...base, lines: [base.lines[0]] })).toMatchObject({ __typename: 'TooFewLines', code: 'FEWER_THAN_TWO_LINES', lineCount: 1 });
    });

    it('mixed units that do not balance per unit', async () => {
      const lines = [
        { accountId: account('4900'), side: 'DEBIT', amount: '10.00', unit: 'EUR' },
        { accountId: account('9800'), side: 'CREDIT', amount: '10.00', unit: 'HOUR' },
      ];
      expect(await refused({ ...base, lines })).toMatchObject({ __typename: 'MixedUnitsUnbalanced', code: 'UNBALANCED_PER_UNIT', difference: { amount: '10.00', unit: 'EUR' } });
    });

    it('an unknown account', async () => {
      const ghost = stableId('account:ghost');
      const input = { ...base, lines: [{ ...base.lines[0], accountId: ghost }, base.lines[1]] };
      expect(await refused(input)).toMatchObject({ __typename: 'UnknownAccount', code: 'UNKNOWN_ACCOUNT', accountId: ghost, field: 'lines.0.accountId' });
    });

    it("another neighbourhood's account", async () => {
      const input = { ...base, lines: [{ ...base.lines[0], accountId: account('4900', KLARENDAL) }, base.lines[1]] };
      expect(await refused(input)).toMatchObject({ __typename: 'ForeignAccount', code: 'ACCOUNT_OF_OTHER_NEIGHBOURHOOD', account: { id: account('4900', KLARENDAL) } });
    });

    it("a unit that is not the account's", async () => {
      const lines = [
        { accountId: account('9100'), side: 'DEBIT', amount: '10.00', unit: 'EUR' },
        { accountId: account('1000'), side: 'CREDIT', amount: '10.00', unit: 'EUR' },
      ];
      expect(await refused({ ...base, lines })).toMatchObject({ __typename: 'UnitMismatch', code: 'UNIT_MISMATCH', account: { code: '9100' }, givenUnit: 'EUR' });
    });

    it('malformed amounts, floats like 1e3 included', async () => {
      for (const amount of ['1e3', '12,50', '0.001', '-10.00', '0', ' 5']) {
        const input = { ...base, lines: [{ ...base.lines[0], amount }, base.lines[1]] };
        expect(await refused(input)).toMatchObject({ __typename: 'MalformedAmount', code: 'MALFORMED_AMOUNT', given: amount, field: 'lines.0.amount' });
      }
    });

    it('a JSON number where the decimal string belongs (GraphQL refuses it before the ledger sees it)', async () => {
      const input = { ...base, lines: [{ ...base.lines[0], amount: 1e3 }, base.lines[1]] };
      const result = await writesNothing(() => books.execute(`mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`, { input }, steward));
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('an overdraft on a protected account', async () => {
      const input = transfer(account('1000'), account('4900'), '1000000.00');
      expect(await refused(input)).toMatchObject({ __typename: 'Overdraft', code: 'OVERDRAFT', account: { code: '1000' }, balance: { amount: expect.any(String) } });
    });

    it('books that are not open', async () => {
      const elsewhere = stableId('neighbourhood:nowhere');
      const input = { ...transfer(account('1000', elsewhere), account('4900', elsewhere), '1.00'), neighbourhoodId: elsewhere };
      expect(await refused(input, viewer(['steward'], elsewhere))).toMatchObject({ __typename: 'BooksNotOpen', code: 'BOOKS_NOT_OPEN' });
    });

    it("a project whose money is in another neighbourhood's books", async () => {
      const input = {
        ...transfer(account('1300', KLARENDAL), account('4900', KLARENDAL), '1.00'),
        neighbourhoodId: KLARENDAL,
        projectId: demoProjectId('park-greenery'),
      };
      expect(await refused(input, viewer(['steward'], KLARENDAL))).toMatchObject({ __typename: 'ProjectInOtherNeighbourhood', project: { id: demoProjectId('park-greenery') } });
    });

    it('bad descriptions, keys, evidence and counterparties', async () => {
      expect(await refused({ ...base, description: '' })).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'description' });
      expect(await refused({ ...base, idempotencyKey: 'x'.repeat(201) })).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'idempotencyKey' });
      expect(await refused({ ...base, evidenceUrl: 'ftp://example.nl/bon' })).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'evidenceUrl' });
      const lines = [{ ...base.lines[0], counterparty: { memberId: stableId('member:Muzikale Mo') } }, base.lines[1]];
      expect(await refused({ ...base, lines })).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'lines.0.counterparty.domain' });
    });
  });

  it('lets only stewards (and admins) of the neighbourhood post', async () => {
    const input = transfer(account('1000'), account('4900'), '1.00');
    const attempt = (as: Parameters<LedgerTest['execute']>[2]) =>
      writesNothing(() => books.execute(`mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`, { input }, as));
    expect((await attempt(anonymous)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await attempt(viewer(['resident']))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await attempt(viewer(['official']))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await attempt(viewer(['steward'], KLARENDAL))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await books.post(input, viewer(['admin'], '*'))).__typename).toBe('PostEntrySuccess');
  });

  it('maps a constraint the database enforced to the rule it names (second line of defence)', async () => {
    // As if the subgraph's own check had missed it: the database refused the write with account_no_overdraft.
    const read = readPostEntry(transfer(account('1000'), account('4900'), '1000000.00') as PostEntryArgs);
    if (!('request' in read)) throw new Error('the request is valid');
    const booking = { request: read.request, key: 'k', fingerprint: 'f', recordedBy: null, reverses: null };
    const outcome = await explainViolation(books.db, { sqlState: '23514', constraint: 'account_no_overdraft', detail: null }, booking);
    expect(outcome).toMatchObject({ ok: false, failure: { __typename: 'Overdraft', account: { code: '1000' } } });
    const unbalanced = { ...booking, request: { ...read.request, lines: [read.request.lines[0], { ...read.request.lines[1], minor: -1n }] } };
    expect(await explainViolation(books.db, { sqlState: '23514', constraint: 'entry_balanced_per_unit', detail: null }, unbalanced)).toMatchObject({
      ok: false,
      failure: { __typename: 'UnbalancedEntry' },
    });
    expect(await explainViolation(books.db, { sqlState: '23514', constraint: 'some_other_rule', detail: null }, booking)).toBeNull();
  });
});

describe('reverseEntry', () => {
  const reverse = (input: Record<string, unknown>, as = steward) => books.ok(REVERSE, { input }, as).then((d) => d.reverseEntry);

  it('books the mirror entry, linked both ways, with the reason as its description', async () => {
    // Expected books: a mistaken 40.00 from bank to 4200, then its mirror; 4200 and the bank end where they began.
    const { ledgerAccount: before } = await books.ok(`{ ledgerAccount(id: "${account('4200')}") { balance { minorUnits } } }`);
    const mistake = await books.post(transfer(account('1000'), account('4200'), '40.00', { projectId: demoProjectId('repair-cafe') }));
    const result = await reverse({ entryId: mistake.entry.id, reason: 'Verkeerde rekening; hoort bij 4000', idempotencyKey: 'undo-1', bookingDate: '2026-01-16' });
    expect(result).toMatchObject({
      __typename: 'ReverseEntrySuccess',
      replayed: false,
      reversal: {
        sequence: mistake.entry.sequence + 1,
        description: 'Verkeerde rekening; hoort bij 4000',
        bookingDate: '2026-01-16',
        reverses: { id: mistake.entry.id, reversedBy: { id: result.reversal.id } },
        lines: [
          { account: { code: '4200' }, amount: { minorUnits: '-4000' } },
          { account: { code: '1000' }, amount: { minorUnits: '4000' } },
        ],
      },
    });
    const { ledgerAccount: after } = await books.ok(`{ ledgerAccount(id: "${account('4200')}") { balance { minorUnits } } }`);
    expect(after).toEqual(before);
    const replay = await reverse({ entryId: mistake.entry.id, reason: 'Verkeerde rekening; hoort bij 4000', idempotencyKey: 'undo-1', bookingDate: '2026-01-16' });
    expect(replay).toMatchObject({ __typename: 'ReverseEntrySuccess', replayed: true, reversal: { id: result.reversal.id } });
  });

  it('answers a reversal sent several times at once with the one reversal', async () => {
    const entry = await books.post(transfer(account('1000'), account('4200'), '4.00'));
    const input = { entryId: entry.entry.id, reason: 'Per ongeluk geboekt', idempotencyKey: 'undo-at-once' };
    const results = await Promise.all(Array.from({ length: 10 }, () => reverse(input)));
    expect(results.map((r) => r.__typename)).toEqual(Array(10).fill('ReverseEntrySuccess'));
    expect(new Set(results.map((r) => r.reversal.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('reverses an entry at most once, and never a reversal', async () => {
    const entry = await books.post(transfer(account('1000'), account('4200'), '5.00'));
    const first = await reverse({ entryId: entry.entry.id, reason: 'Dubbel', idempotencyKey: 'undo-2' });
    const second = await writesNothing(() => reverse({ entryId: entry.entry.id, reason: 'Nog eens', idempotencyKey: 'undo-3' }));
    expect(second).toMatchObject({ __typename: 'AlreadyReversed', code: 'ALREADY_REVERSED', entry: { id: entry.entry.id }, reversedBy: { id: first.reversal.id } });
    const ofReversal = await writesNothing(() => reverse({ entryId: first.reversal.id, reason: 'Terugdraaien', idempotencyKey: 'undo-4' }));
    expect(ofReversal).toMatchObject({ __typename: 'ReversalOfReversal', code: 'REVERSAL_OF_REVERSAL', entry: { id: first.reversal.id } });
  });

  it('refuses a key used for something else, an unknown entry, and an overdraft', async () => {
    const entry = await books.post(transfer(account('1000'), account('4200'), '6.00'));
    expect(await writesNothing(() => reverse({ entryId: entry.entry.id, reason: 'x', idempotencyKey: 'used-once' }))).toMatchObject({ __typename: 'IdempotencyKeyConflict' });
    expect(await reverse({ entryId: stableId('entry:none'), reason: 'x', idempotencyKey: 'undo-5' })).toMatchObject({ __typename: 'UnknownEntry', code: 'UNKNOWN_ENTRY' });

    // A protected petty-cash account receives 100.00, spends 80.00; undoing the 100.00 would take it to -80.00.
    const created = await books.ok(
      `mutation { createAccount(input: { neighbourhoodId: "${SPIJKERKWARTIER}", code: "1110", name: "Kas zomerfeest", type: ASSET, unit: EUR, noOverdraft: true }) {
        ... on CreateAccountSuccess { account { id } } } }`,
      {},
      steward,
    );
    const kas = created.createAccount.account.id;
    const income = await books.post(transfer(account('8200'), kas, '100.00'));
    await books.post(transfer(kas, account('4200'), '80.00'));
    expect(await writesNothing(() => reverse({ entryId: income.entry.id, reason: 'Bijdrage teruggestort', idempotencyKey: 'undo-6' }))).toMatchObject({
      __typename: 'Overdraft',
      account: { code: '1110' },
    });
  });

  it("lets only stewards of the entry's neighbourhood reverse", async () => {
    const entry = await books.post(transfer(account('1000'), account('4200'), '2.00'));
    const attempt = (as: Parameters<LedgerTest['execute']>[2]) =>
      books.execute(`mutation ($input: ReverseEntryInput!) { reverseEntry(input: $input) { __typename } }`, { input: { entryId: entry.entry.id, reason: 'x', idempotencyKey: 'undo-7' } }, as);
    expect((await attempt(anonymous)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await attempt(viewer(['resident']))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await attempt(viewer(['steward'], KLARENDAL))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('accounts and books', () => {
  const CREATE = `mutation ($input: CreateAccountInput!) { createAccount(input: $input) {
    __typename
    ... on CreateAccountSuccess { account { id code name type unit taakveld noOverdraft project { id } balance { amount } neighbourhood { id } } }
    ... on LedgerError { code field }
    ... on AccountCodeTaken { account { id } }
  } }`;
  const create = (input: Record<string, unknown>, as = steward) => books.ok(CREATE, { input: { neighbourhoodId: SPIJKERKWARTIER, type: 'EXPENSE', unit: 'EUR', ...input } }, as).then((d) => d.createAccount);

  it('creates an account for a project, with a taakveld and the no-overdraft rule', async () => {
    const result = await create({ code: '4110', name: 'Groenonderhoud Lindenplein', projectId: demoProjectId('park-greenery'), taakveld: '5.7', noOverdraft: false });
    expect(result).toMatchObject({
      __typename: 'CreateAccountSuccess',
      account: { code: '4110', type: 'EXPENSE', unit: 'EUR', taakveld: '5.7', noOverdraft: false, project: { id: demoProjectId('park-greenery') }, balance: { amount: '0.00' }, neighbourhood: { id: SPIJKERKWARTIER } },
    });
  });

  it('refuses a taken code, malformed fields, unopened books and a project of another neighbourhood', async () => {
    expect(await create({ code: '1000', name: 'Tweede bank' })).toMatchObject({ __typename: 'AccountCodeTaken', code: 'ACCOUNT_CODE_TAKEN', account: { id: account('1000') } });
    expect(await create({ code: 'bad code!', name: 'x' })).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'code' });
    expect(await create({ code: '4990', name: 'x', taakveld: 'five' })).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'taakveld' });
    const elsewhere = stableId('neighbourhood:elsewhere');
    expect(await create({ code: '4990', name: 'x', neighbourhoodId: elsewhere }, viewer(['steward'], elsewhere))).toMatchObject({ __typename: 'BooksNotOpen' });
    expect(await create({ code: '4990', name: 'x', neighbourhoodId: KLARENDAL, projectId: demoProjectId('park-greenery') }, viewer(['steward'], KLARENDAL))).toMatchObject({
      __typename: 'ProjectInOtherNeighbourhood',
    });
    const forbidden = await books.execute(CREATE, { input: { neighbourhoodId: SPIJKERKWARTIER, code: '4991', name: 'x', type: 'EXPENSE', unit: 'EUR' } }, viewer(['resident']));
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('opens the books of a new neighbourhood with the default chart, once', async () => {
    const malburgen = await addNeighbourhood(books.platform!, 'malburgen');
    const OPEN = `mutation ($id: ID!) { openBooks(neighbourhoodId: $id) { openedNow neighbourhood { id chainHead { sequence hash } accounts { code } } } }`;
    const first = (await books.ok(OPEN, { id: malburgen }, viewer(['steward'], malburgen))).openBooks;
    expect(first.openedNow).toBe(true);
    expect(first.neighbourhood.chainHead).toEqual({ sequence: 0, hash: '0'.repeat(64) });
    expect(first.neighbourhood.accounts.map((a: { code: string }) => a.code)).toEqual(expect.arrayContaining(['1000', '4100', '8000', '9100']));
    // With the template named, the same: the Dutch wijkeconomie chart is the default.
    const lent = await addNeighbourhood(books.platform!, 'lent');
    const named = (await books.ok(OPEN.replace('openBooks(neighbourhoodId: $id)', 'openBooks(neighbourhoodId: $id, template: DUTCH_WIJKECONOMIE_2026)'), { id: lent }, viewer(['steward'], lent))).openBooks;
    expect(named.neighbourhood.accounts.map((a: { code: string }) => a.code)).toEqual(first.neighbourhood.accounts.map((a: { code: string }) => a.code));
    expect((await books.ok(OPEN, { id: malburgen }, viewer(['admin'], '*'))).openBooks.openedNow).toBe(false);
    expect((await books.execute(OPEN, { id: malburgen }, viewer(['resident'], malburgen))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('budgets', () => {
  const SET = `mutation ($input: SetProjectBudgetInput!) { setProjectBudget(input: $input) {
    __typename
    ... on SetProjectBudgetSuccess { budget { id periodStart periodEnd unit amount { amount } revisions { revision amount { amount } reason recordedBy { id } } } }
    ... on LedgerError { code field }
    ... on BudgetPeriodOverlaps { budget { id } }
  } }`;
  const set = (input: Record<string, unknown>, as = steward) =>
    books.ok(SET, { input: { neighbourhoodId: SPIJKERKWARTIER, projectId: demoProjectId('play-street'), ...input } }, as).then((d) => d.setProjectBudget);

  it('sets a budget and revises it, keeping every revision', async () => {
    const first = await set({ periodStart: '2026-05-01', periodEnd: '2026-09-30', amount: '800.00', reason: 'Eerste raming speelstraat' });
    expect(first).toMatchObject({ __typename: 'SetProjectBudgetSuccess', budget: { unit: 'EUR', amount: { amount: '800.00' } } });
    const revised = await set({ periodStart: '2026-05-01', periodEnd: '2026-09-30', amount: '650', reason: 'Vergunning goedkoper' });
    expect(revised.budget).toMatchObject({
      id: first.budget.id,
      amount: { amount: '650.00' },
      revisions: [
        { revision: 1, amount: { amount: '800.00' }, reason: 'Eerste raming speelstraat', recordedBy: { id: steward.memberId } },
        { revision: 2, amount: { amount: '650.00' }, reason: 'Vergunning goedkoper' },
      ],
    });
  });

  it('refuses an overlapping period, a malformed or negative amount, and a reversed period', async () => {
    expect(await set({ periodStart: '2026-09-01', periodEnd: '2026-12-31', amount: '100', reason: 'Najaar' })).toMatchObject({ __typename: 'BudgetPeriodOverlaps', code: 'BUDGET_PERIOD_OVERLAPS' });
    expect(await set({ periodStart: '2027-01-01', periodEnd: '2027-12-31', amount: '1e3', reason: 'x' })).toMatchObject({ __typename: 'MalformedAmount' });
    expect(await set({ periodStart: '2027-01-01', periodEnd: '2027-12-31', amount: '-5', reason: 'x' })).toMatchObject({ __typename: 'MalformedAmount' });
    expect(await set({ periodStart: '2027-12-31', periodEnd: '2027-01-01', amount: '5', reason: 'x' })).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'periodEnd' });
    expect(await set({ periodStart: '2027-01-01', periodEnd: '2027-12-31', amount: '5', reason: 'x', neighbourhoodId: KLARENDAL, projectId: demoProjectId('park-greenery') }, viewer(['steward'], KLARENDAL))).toMatchObject({
      __typename: 'ProjectInOtherNeighbourhood',
    });
  });
});
