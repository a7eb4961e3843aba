import { gzipSync } from 'node:zlib';
import { stableId } from '@dbwe/platform';
import { camt053, dutchIban, type FileStatement, type FileTransaction } from '@dbwe/ledger/src/bank/testing/statement-files';
import { startPlatform, type RunningPlatform } from './platform';

/*
 * The treasurer's year against its attackers (issue 23), through the real gateway on the demo books.
 * Expected: hostile statement files are a MalformedStatement, quickly, with nothing written; a steward of
 * Klarendal can do nothing to Spijkerkwartier's bank lines, years, budget or accounts; the public sees no
 * proposal (a proposal by the same IBAN links two payments to one person); a confirmation refused for a
 * wrong counter account can be made with the right one; once 2025 is closed, neither opening balances nor
 * an account change dated before it reach into it.
 */
jest.setTimeout(600_000);

const SPK = stableId('neighbourhood:spijkerkwartier');
const KLARENDAL = stableId('neighbourhood:klarendal');
const account = (nb: string, code: string) => stableId(`account:${nb}:${code}`);
const BANK_IBAN = dutchIban('INGB', '0007654321');
const PAYER = dutchIban('RABO', '3100001');

let platform: RunningPlatform;
let steward: string;
let elsewhere: string;

beforeAll(async () => {
  platform = await startPlatform();
  steward = await platform.token(stableId('member:Penningmeester Pieter'), [{ role: 'steward', neighbourhood: SPK }]);
  // Klarendal's steward: a steward, but of another neighbourhood (the platform holds her office there).
  elsewhere = await platform.token(stableId('member:Buurvrouw Bep'), [{ role: 'steward', neighbourhood: KLARENDAL }]);
});
afterAll(() => platform.stop());

async function raw(query: string, variables: Record<string, unknown> = {}, token: string | null = steward) {
  return (await platform.query<any>(query, variables, token ? { token } : {})).body;
}
async function gql(query: string, variables: Record<string, unknown> = {}, token: string | null = steward) {
  const body = await raw(query, variables, token);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const tx = (n: number, over: Partial<FileTransaction> = {}): FileTransaction => ({
  bankRef: `ATK${n}`,
  endToEndId: `E2E-ATK-${n}`,
  date: '2026-12-01',
  minor: BigInt(1000 + n),
  counterpartyIban: PAYER,
  counterpartyBic: 'RABONL2U',
  counterpartyName: 'M. Jansen',
  description: `Bijdrage ${n}`,
  ...over,
});
const statement = (over: Partial<FileStatement> = {}): FileStatement => ({ iban: BANK_IBAN, statementId: 'ATK-1', sequence: '1', openingMinor: 0n, date: '2026-12-01', transactions: [tx(1), tx(2), tx(3, { date: '2025-06-02', counterpartyIban: dutchIban('ABNA', '3100003') })], ...over });

const IMPORT = `mutation ($input: ImportBankStatementInput!) { importBankStatement(input: $input) {
  __typename ... on LedgerError { code message } ... on ImportBankStatementSuccess { statement { id lines(first: 10) { edges { node { id } } } } } } }`;
const LINE = `query ($id: ID!) { bankStatementLine(id: $id) { status proposal { basis explanation followsLine { id } } } }`;
const CONFIRM = `mutation ($input: ConfirmBankStatementLineInput!) { confirmBankStatementLine(input: $input) { __typename ... on LedgerError { code } } }`;
const statementCount = async () => (await gql(`{ neighbourhood(id: "${SPK}") { bankStatements { totalCount } } }`)).neighbourhood.bankStatements.totalCount as number;

let lineIds: string[] = [];

describe('the treasurer’s year against its attackers', () => {
  it('imports a statement of two payments from one IBAN', async () => {
    const linked = await gql(`mutation { linkBankAccount(input: { accountId: "${account(SPK, '1000')}", iban: "${BANK_IBAN}" }) { __typename } }`);
    expect(linked.linkBankAccount.__typename).toBe('LinkBankAccountSuccess');
    const imported = (await gql(IMPORT, { input: { neighbourhoodId: SPK, format: 'CAMT053', content: camt053(statement()), idempotencyKey: 'atk-1' } })).importBankStatement;
    expect(imported.__typename).toBe('ImportBankStatementSuccess');
    lineIds = imported.statement.lines.edges.map((e: any) => e.node.id);
    expect(lineIds).toHaveLength(3);
  });

  it('lets a confirmation refused for a wrong counter account be made with the right one', async () => {
    // 9100 counts volunteer hours: a euro line cannot go there.
    const wrong = (await gql(CONFIRM, { input: { lineId: lineIds[0], counterAccountId: account(SPK, '9100') } })).confirmBankStatementLine;
    expect(wrong).toMatchObject({ __typename: 'UnitMismatch' });
    const right = (await gql(CONFIRM, { input: { lineId: lineIds[0], counterAccountId: account(SPK, '8200') } })).confirmBankStatementLine;
    expect(right).toEqual({ __typename: 'ConfirmBankStatementLineSuccess' });
  });

  it('refuses a counter account of another neighbourhood', async () => {
    const foreign = (await gql(CONFIRM, { input: { lineId: lineIds[1], counterAccountId: account(KLARENDAL, '8200') } })).confirmBankStatementLine;
    expect(foreign).toMatchObject({ __typename: 'ForeignAccount' });
  });

  it('keeps IBANs and names out of the public event feed', async () => {
    // The bank events reach the feed as they travel: wait until they have.
    const read = async () => (await fetch(new URL('/export/v1/neighbourhoods/spijkerkwartier/events.jsonl?limit=1000', platform.gatewayUrl))).text();
    let feed = await read();
    for (const until = Date.now() + 60_000; !feed.includes('bank') && Date.now() < until; feed = await read()) await new Promise((r) => setTimeout(r, 250));
    expect(feed).toContain('bank');
    for (const secret of [PAYER, BANK_IBAN, 'Jansen', 'E2E-ATK']) expect(feed).not.toContain(secret);
  });

  it('serves annual accounts only at <year>.pdf|.xlsx of a known neighbourhood', async () => {
    for (const path of ['spijkerkwartier/annual-accounts/..%2F2025.pdf', 'spijkerkwartier/annual-accounts/99999.pdf', 'spijkerkwartier/annual-accounts/0999.pdf', 'nergens/annual-accounts/2025.pdf', 'spijkerkwartier/annual-accounts/2025.pdf%00.xlsx']) {
      const response = await fetch(new URL(`/export/v1/neighbourhoods/${path}`, platform.gatewayUrl));
      expect([path, response.status]).toEqual([path, 404]);
    }
  });

  it('shows the proposal (same IBAN as a booked line) to stewards only', async () => {
    expect((await gql(LINE, { id: lineIds[1] })).bankStatementLine.proposal).toMatchObject({ basis: 'SAME_IBAN', followsLine: { id: lineIds[0] } });
    for (const token of [null, elsewhere]) {
      const seen = (await gql(LINE, { id: lineIds[1] }, token)).bankStatementLine;
      expect(seen).toEqual({ status: 'OPEN', proposal: null });
    }
  });

  describe('hostile statement files: a MalformedStatement in little time, nothing written', () => {
    const good = camt053(statement({ statementId: 'ATK-H', transactions: [tx(90)] }));
    const nested = (open: string, close: string, n: number) => good.replace('<BkToCstmrStmt>', `<BkToCstmrStmt>${open.repeat(n)}${close.repeat(n)}`);
    const cases: [string, string, 'PLAIN' | 'GZIP_BASE64'][] = [
      // An attribute holding "/>" hides each element from a count of start tags.
      ['nesting hidden in attributes', nested('<a x="/>">', '</a>', 100_000), 'GZIP_BASE64'],
      ['an element named __proto__', good.replace('</Ntry>', '<__proto__><polluted>1</polluted></__proto__></Ntry>'), 'PLAIN'],
      ['an element named constructor', good.replace('</Ntry>', '<constructor><prototype>1</prototype></constructor></Ntry>'), 'PLAIN'],
      ['plain deep nesting', nested('<a>', '</a>', 100_000), 'GZIP_BASE64'],
      // The gateway takes 100 kB a request; deflate packs 64 MB of zeros into less.
      ['a gzip bomb (64 MB of zeros)', 'gzip-bomb', 'GZIP_BASE64'],
      ['an amount with an exponent', good.replace(/(<Ntry>\s*<Amt Ccy="EUR">)[^<]+/, '$11E3'), 'PLAIN'],
      ['a zero amount', good.replace(/(<Ntry>\s*<Amt Ccy="EUR">)[^<]+/, '$10.00'), 'PLAIN'],
      ['a line in another currency', good.replace(/(<Ntry>\s*<Amt Ccy=")EUR/, '$1GBP'), 'PLAIN'],
    ];
    it.each(cases)('%s', async (_name, file, encoding) => {
      const content = file === 'gzip-bomb' ? bomb() : encoding === 'GZIP_BASE64' ? gzipSync(file).toString('base64') : file;
      const before = await statementCount();
      const started = Date.now();
      const body = await raw(IMPORT, { input: { neighbourhoodId: SPK, format: 'CAMT053', content, encoding, idempotencyKey: `h-${Math.random()}` } });
      const took = Date.now() - started;
      expect(body.errors).toBeUndefined();
      expect(body.data.importBankStatement).toMatchObject({ __typename: 'MalformedStatement', code: 'MALFORMED_STATEMENT' });
      expect(took).toBeLessThan(5_000);
      expect(await statementCount()).toBe(before);
    });
  });

  describe('a steward of Klarendal against Spijkerkwartier', () => {
    const ERR = '__typename';
    const attacks: [string, () => [string, Record<string, unknown>]][] = [
      ['confirm a line', () => [`mutation ($l: ID!, $a: ID!) { confirmBankStatementLine(input: { lineId: $l, counterAccountId: $a }) { ${ERR} } }`, { l: lineIds[1], a: account(KLARENDAL, '8200') }]],
      ['ignore a line', () => [`mutation ($l: ID!) { ignoreBankStatementLine(input: { lineId: $l, reason: "weg" }) { ${ERR} } }`, { l: lineIds[1] }]],
      ['describe a counterparty', () => [`mutation ($l: ID!) { describeBankStatementCounterparty(input: { lineId: $l, isOrganisation: true }) { ${ERR} } }`, { l: lineIds[1] }]],
      ['link a bank account', () => [`mutation ($a: ID!) { linkBankAccount(input: { accountId: $a, iban: "${dutchIban('TRIO', '0390000009')}" }) { ${ERR} } }`, { a: account(SPK, '1100') }]],
      ['import a statement', () => [`mutation ($c: String!) { importBankStatement(input: { neighbourhoodId: "${SPK}", format: CAMT053, content: $c, idempotencyKey: "k" }) { ${ERR} } }`, { c: camt053(statement({ statementId: 'ATK-K' })) }]],
      ['close a year', () => [`mutation { closeFinancialYear(input: { neighbourhoodId: "${SPK}", year: 2025, reason: "x", idempotencyKey: "k" }) { ${ERR} } }`, {}]],
      ['post opening balances', () => [`mutation ($a: ID!) { postOpeningBalances(input: { neighbourhoodId: "${SPK}", date: "2024-12-31", lines: [{ accountId: $a, amount: "1.00" }], reason: "x", idempotencyKey: "k" }) { ${ERR} } }`, { a: account(SPK, '1000') }]],
      ['set the budget', () => [`mutation ($a: ID!) { setNeighbourhoodBudget(input: { neighbourhoodId: "${SPK}", year: 2026, lines: [{ accountId: $a, amount: "1.00", unit: EUR }], reason: "x", idempotencyKey: "k" }) { ${ERR} } }`, { a: account(SPK, '4200') }]],
      ['change an account', () => [`mutation ($a: ID!) { changeAccount(input: { accountId: $a, effectiveFrom: "2026-12-01", name: "Van Bep", reason: "x" }) { ${ERR} } }`, { a: account(SPK, '4200') }]],
    ];
    it.each(attacks)('cannot %s', async (_name, make) => {
      const [query, variables] = make();
      const body = await raw(query, variables, elsewhere);
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await raw(query, variables, null);
      expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain(anonymous.errors?.[0]?.extensions?.code);
    });

    it('cannot put Spijkerkwartier accounts in her own budget', async () => {
      const data = await gql(
        `mutation ($a: ID!) { setNeighbourhoodBudget(input: { neighbourhoodId: "${KLARENDAL}", year: 2026, lines: [{ accountId: $a, amount: "1.00", unit: EUR }], reason: "x", idempotencyKey: "kb" }) { __typename } }`,
        { a: account(SPK, '4200') },
        elsewhere,
      );
      expect(data.setNeighbourhoodBudget.__typename).toBe('ForeignAccount');
    });
  });

  describe('once 2025 is closed', () => {
    it('closes once when two closings race', async () => {
      const close = (key: string) => gql(`mutation { closeFinancialYear(input: { neighbourhoodId: "${SPK}", year: 2025, reason: "Goedgekeurd", idempotencyKey: "${key}" }) { __typename } }`);
      const outcomes = (await Promise.all([close('close-a'), close('close-b')])).map((d) => d.closeFinancialYear.__typename).sort();
      expect(outcomes).toEqual(['CloseFinancialYearSuccess', 'YearAlreadyClosed']);
    });

    it('refuses to book a bank line dated in it', async () => {
      const late = (await gql(CONFIRM, { input: { lineId: lineIds[2], counterAccountId: account(SPK, '8200') } })).confirmBankStatementLine;
      expect(late).toMatchObject({ __typename: 'PeriodClosed' });
    });

    it('refuses opening balances dated before it', async () => {
      const data = await gql(`mutation ($a: ID!) { postOpeningBalances(input: { neighbourhoodId: "${SPK}", date: "2024-12-31", lines: [{ accountId: $a, amount: "5000.00" }], reason: "Later gevonden", idempotencyKey: "ob-late" }) {
        __typename ... on PeriodClosed { year field } } }`, { a: account(SPK, '1000') });
      expect(data.postOpeningBalances).toEqual({ __typename: 'PeriodClosed', year: 2025, field: 'date' });
      expect((await gql(`{ neighbourhood(id: "${SPK}") { financialYears { year } } }`)).neighbourhood.financialYears[0].year).toBe(2025);
    });

    it('refuses an account change that takes effect before it', async () => {
      const data = await gql(`mutation ($a: ID!) { changeAccount(input: { accountId: $a, effectiveFrom: "2024-06-01", taakveld: "0.1", reason: "Andere taakveld" }) {
        __typename ... on PeriodClosed { year field } } }`, { a: account(SPK, '4200') });
      expect(data.changeAccount).toEqual({ __typename: 'PeriodClosed', year: 2025, field: 'effectiveFrom' });
    });
  });
});

const bomb = () => gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }).toString('base64');
