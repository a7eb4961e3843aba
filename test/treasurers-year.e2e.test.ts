import { gzipSync } from 'node:zlib';
import { stableId } from '@dbwe/platform';
import { camt053, closingOf, dutchIban, type FileStatement, type FileTransaction } from '@dbwe/ledger/src/bank/testing/statement-files';
import { startPlatform, type RunningPlatform } from './platform';
import { parseCsv } from './csv';

/*
 * The treasurer's year, end to end through the real gateway, on the demo Spijkerkwartier books of 2025.
 * Expected books: the bank account (1000) linked to its IBAN; the December statement (camt.053.001.02,
 * 200 transactions dated 2025-12-31) imported; 190 lines confirmed against 8200 (contributions) or 4200
 * (purchases); the other 10 booked by hand and their lines ignored as booked otherwise; the same file
 * again books nothing; the books' bank balance then equals the statement's closing balance (difference
 * 0.00). 2025 is closed: every income and expense result moves to equity, and an entry or a reversal
 * dated in 2025 is refused. The annual accounts of 2025 say "closed" and each of their totals equals a
 * recomputation from the published entry lines (CSV exports), the closing entries left out as the
 * income statement shows the year before closing.
 */
const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');
const account = (code: string) => stableId(`account:${SPIJKERKWARTIER}:${code}`);
const BANK_IBAN = dutchIban('INGB', '0007654321');
const EXPORTS = '/export/v1/neighbourhoods/spijkerkwartier';

let platform: RunningPlatform;
let steward: string;

beforeAll(async () => {
  platform = await startPlatform();
  steward = await platform.token(stableId('member:Penningmeester Pieter'), [{ role: 'steward', neighbourhood: SPIJKERKWARTIER }]);
});
afterAll(() => platform.stop());

async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, token: string | null = steward): Promise<T> {
  const response = await platform.query<T>(query, variables, token ? { token } : {});
  if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
  return response.body.data!;
}

const eur = (minor: bigint) => {
  const abs = minor < 0n ? -minor : minor;
  return `${minor < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
};

function december(count: number): FileTransaction[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const out = n % 4 === 0;
    return {
      bankRef: `R25123100${String(n).padStart(4, '0')}`,
      endToEndId: `DEC-${n}`,
      date: '2025-12-31',
      minor: out ? -BigInt(300 + n) : BigInt(700 + n * 3),
      counterpartyIban: dutchIban(n % 2 ? 'RABO' : 'TRIO', String(5000000 + n)),
      counterpartyBic: n % 2 ? 'RABONL2U' : 'TRIONL2U',
      counterpartyName: `A. Jansen ${n}`,
      description: out ? `Materiaal moestuin ${n}` : `Bijdrage buurtkas ${n}`,
    };
  });
}

const IMPORT = `mutation ($input: ImportBankStatementInput!) { importBankStatement(input: $input) {
  __typename ... on LedgerError { code message } ... on ImportBankStatementSuccess { replayed newLines statement { id } } } }`;
const LINES = `query ($id: ID!, $after: String) { bankStatement(id: $id) { lines(first: 100, after: $after) {
  edges { node { id amount { amount minorUnits } status } } pageInfo { hasNextPage endCursor } } } }`;
const RECONCILE = `query ($id: ID!) { bankStatement(id: $id) { reconciliation { closingBalance { amount } booksBalance { amount } difference { amount } reconciled unconfirmedLines } } }`;
const CONFIRM = `mutation ($input: ConfirmBankStatementLineInput!) { confirmBankStatementLine(input: $input) { __typename ... on LedgerError { code message } } }`;
const IGNORE = `mutation ($input: IgnoreBankStatementLineInput!) { ignoreBankStatementLine(input: $input) { __typename ... on LedgerError { code message } } }`;
const POST = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on PostEntrySuccess { entry { id } } ... on LedgerError { code message } } }`;
const entryCount = async () => (await gql(`{ neighbourhood(id: "${SPIJKERKWARTIER}") { ledgerEntries(first: 1) { totalCount } } }`)).neighbourhood.ledgerEntries.totalCount as number;

describe("the treasurer's year", () => {
  let statement: FileStatement;
  let statementId: string;
  let aDecemberEntry: string;

  it('imports the December statement, confirms 190 lines, books the other 10 by hand, books nothing twice and reconciles to 0.00', async () => {
    const linked = await gql(`mutation { linkBankAccount(input: { accountId: "${account('1000')}", iban: "${BANK_IBAN}" }) { __typename ... on LedgerError { message } } }`);
    expect(linked.linkBankAccount.__typename).toBe('LinkBankAccountSuccess');
    const opening = (await gql(`{ ledgerAccount(id: "${account('1000')}") { balance(asOf: "2025-12-31") { minorUnits } } }`)).ledgerAccount.balance.minorUnits;
    statement = { iban: BANK_IBAN, statementId: 'STMT-20251231-0001', sequence: '365', openingMinor: BigInt(opening), date: '2025-12-31', transactions: december(200) };
    const file = gzipSync(camt053(statement)).toString('base64');
    const before = await entryCount();
    const imported = (await gql(IMPORT, { input: { neighbourhoodId: SPIJKERKWARTIER, format: 'CAMT053', content: file, encoding: 'GZIP_BASE64', idempotencyKey: 'december-2025' } })).importBankStatement;
    expect(imported).toMatchObject({ __typename: 'ImportBankStatementSuccess', replayed: false, newLines: 200 });
    statementId = imported.statement.id;

    const lines: any[] = [];
    let after: string | null = null;
    do {
      const page: any = (await gql(LINES, { id: statementId, after })).bankStatement.lines;
      lines.push(...page.edges.map((e: any) => e.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(lines).toHaveLength(200);
    const counter = (l: any) => (l.amount.amount.startsWith('-') ? account('4200') : account('8200'));
    for (const line of lines.slice(0, 190)) {
      expect((await gql(CONFIRM, { input: { lineId: line.id, counterAccountId: counter(line) } })).confirmBankStatementLine.__typename).toBe('ConfirmBankStatementLineSuccess');
    }
    // The last ten the treasurer books by hand (say, split over two accounts), and marks as booked otherwise.
    for (const [i, line] of lines.slice(190).entries()) {
      const minor = BigInt(line.amount.minorUnits);
      const amount = eur(minor < 0n ? -minor : minor);
      const bank = { accountId: account('1000'), side: minor < 0n ? 'CREDIT' : 'DEBIT', amount, unit: 'EUR' };
      const other = { accountId: counter(line), side: minor < 0n ? 'DEBIT' : 'CREDIT', amount, unit: 'EUR' };
      const posted = (await gql(POST, { input: { neighbourhoodId: SPIJKERKWARTIER, idempotencyKey: `by-hand-${i}`, bookingDate: '2025-12-31', description: 'Bankregel met de hand geboekt', lines: [bank, other] } })).postEntry;
      expect(posted.__typename).toBe('PostEntrySuccess');
      aDecemberEntry = posted.entry.id;
      expect((await gql(IGNORE, { input: { lineId: line.id, reason: 'Met de hand geboekt' } })).ignoreBankStatementLine.__typename).toBe('IgnoreBankStatementLineSuccess');
    }
    expect(await entryCount()).toBe(before + 200);

    const again = (await gql(IMPORT, { input: { neighbourhoodId: SPIJKERKWARTIER, format: 'CAMT053', content: file, encoding: 'GZIP_BASE64', idempotencyKey: 'december-2025-again' } })).importBankStatement;
    expect(again).toMatchObject({ replayed: true, newLines: 0, statement: { id: statementId } });
    expect(await entryCount()).toBe(before + 200);

    const reconciliation = (await gql(RECONCILE, { id: statementId })).bankStatement.reconciliation;
    expect(reconciliation).toEqual({
      closingBalance: { amount: eur(closingOf(statement)) },
      booksBalance: { amount: eur(closingOf(statement)) },
      difference: { amount: '0.00' },
      reconciled: true,
      unconfirmedLines: 0,
    });
  });

  it('closes 2025, and then refuses an entry and a reversal dated in it', async () => {
    // Volunteer hours take their result to an equity account of their own (0900 Urenvermogen, in the default chart).
    const closed = (
      await gql(`mutation ($input: CloseFinancialYearInput!) { closeFinancialYear(input: $input) { __typename ... on LedgerError { code message } } }`, {
        input: { neighbourhoodId: SPIJKERKWARTIER, year: 2025, reason: 'Jaarrekening 2025 goedgekeurd door de ledenvergadering', idempotencyKey: 'close-2025' },
      })
    ).closeFinancialYear;
    expect(closed.__typename).toBe('CloseFinancialYearSuccess');

    const late = (await gql(POST, {
      input: {
        neighbourhoodId: SPIJKERKWARTIER, idempotencyKey: 'late-2025', bookingDate: '2025-12-30', description: 'Vergeten bon',
        lines: [{ accountId: account('4200'), side: 'DEBIT', amount: '12.50', unit: 'EUR' }, { accountId: account('1000'), side: 'CREDIT', amount: '12.50', unit: 'EUR' }],
      },
    })).postEntry;
    expect(late).toMatchObject({ __typename: 'PeriodClosed', code: 'PERIOD_CLOSED' });
    const reversal = (await gql(`mutation ($input: ReverseEntryInput!) { reverseEntry(input: $input) { __typename ... on LedgerError { code } } }`, {
      input: { entryId: aDecemberEntry, reason: 'Dubbel geboekt', idempotencyKey: 'reverse-in-2025', bookingDate: '2025-12-31' },
    })).reverseEntry;
    expect(reversal).toMatchObject({ __typename: 'PeriodClosed' });
  });

  it('gives closed annual accounts of 2025 whose every total is a sum of the exported lines', async () => {
    const { neighbourhood } = await gql(
      `query ($id: ID!) { neighbourhood(id: $id) { annualAccounts(year: 2025) { closed
        incomeStatement { totals { unit income { amount } expenses { amount } result { amount } } }
        balanceSheet { totals { unit assets { amount } liabilities { amount } } } } } }`,
      { id: SPIJKERKWARTIER },
      null,
    );
    const accounts = neighbourhood.annualAccounts;
    expect(accounts.closed).toBe(true);

    const csv = async (table: string) => parseCsv(await (await fetch(new URL(`${EXPORTS}/${table}.csv`, platform.gatewayUrl))).text());
    const [entries, lines, chart] = [await csv('ledger_entries'), await csv('ledger_lines'), await csv('accounts')];
    const entryOf = new Map(entries.map((e) => [e.id, e]));
    const typeOf = new Map(chart.map((a) => [a.id, a.type]));
    const sums = new Map<string, bigint>();
    const add = (key: string, minor: bigint) => sums.set(key, (sums.get(key) ?? 0n) + minor);
    for (const line of lines) {
      const entry = entryOf.get(line.entryId)!;
      if (entry.bookingDate < '2025-01-01' || entry.bookingDate > '2025-12-31') continue;
      const type = typeOf.get(line.account_accountId)!;
      // The closing entries move the year's result to equity; the income statement shows the year before them.
      if ((type === 'INCOME' || type === 'EXPENSE') && entry.closesYear === '') add(`${type}/${line.amount_unit}`, BigInt(line.amount_minorUnits));
    }
    expect(entries.filter((e) => e.closesYear === '2025').length).toBeGreaterThan(0);
    const s = (key: string) => sums.get(key) ?? 0n;
    for (const total of accounts.incomeStatement.totals) {
      expect([total.unit, total.income.amount, total.expenses.amount, total.result.amount]).toEqual([
        total.unit, eur(-s(`INCOME/${total.unit}`)), eur(s(`EXPENSE/${total.unit}`)), eur(-s(`INCOME/${total.unit}`) - s(`EXPENSE/${total.unit}`)),
      ]);
    }
    const december = statement.transactions.reduce((sum, t) => sum + t.minor, 0n);
    const eurTotals = accounts.incomeStatement.totals.find((t: any) => t.unit === 'EUR');
    // The demo year's result (47 694.80) and December's statement on top of it.
    expect(eurTotals.result.amount).toBe(eur(4769480n + december));
  });
});
