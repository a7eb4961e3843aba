import { gzipSync } from 'node:zlib';
import { stableId } from '@dbwe/platform';
import { camt053, closingOf, dutchIban, mt940, type FileStatement, type FileTransaction } from '@dbwe/ledger/src/bank/testing/statement-files';
import { startPlatform, type RunningPlatform } from './platform';

/*
 * The treasurer's bank statement, through the real gateway. Expected books:
 * the Spijkerkwartier bank account (1000) linked to its IBAN; a camt.053.001.02
 * statement of 200 transactions imported as 200 open lines and no entries; 190
 * confirmed = 190 entries, the same file again = the same statement and no new
 * line or entry; the difference with the books is then exactly the 10 open
 * lines' sum, and 0.00 once they are confirmed too. The MT940 file of the same
 * transactions reads as the same lines. The public sees no counterparty IBAN.
 */
jest.setTimeout(600_000);

const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');
const account = (code: string) => stableId(`account:${SPIJKERKWARTIER}:${code}`);
const BANK_IBAN = dutchIban('INGB', '0001234567');

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

function transactions(count: number): FileTransaction[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    // Mostly contributions in, every fifth a payment out: the account never goes below zero.
    const out = n % 5 === 0;
    return {
      bankRef: `R2612010${String(n).padStart(4, '0')}`,
      endToEndId: `E2E-${n}`,
      date: '2026-12-01',
      minor: out ? -BigInt(500 + n) : BigInt(1000 + n * 7),
      counterpartyIban: dutchIban(n % 2 ? 'RABO' : 'ABNA', String(3000000 + n)),
      counterpartyBic: n % 2 ? 'RABONL2U' : 'ABNANL2A',
      counterpartyName: `J. de Vries ${n}`,
      description: out ? `Inkoop materiaal buurtfeest ${n}` : `Bijdrage wijkeconomie december ${n}`,
    };
  });
}

const IMPORT = `mutation ($input: ImportBankStatementInput!) { importBankStatement(input: $input) {
  __typename ... on LedgerError { code message field }
  ... on ImportBankStatementSuccess { replayed newLines repeatedLines statement { id lines(first: 1) { totalCount } } } } }`;
const LINES = `query ($id: ID!, $after: String) { bankStatement(id: $id) { lines(first: 100, after: $after) {
  edges { node { id bankReference amount { amount } status counterpartyIban counterpartyName description proposal { basis account { code } } } }
  pageInfo { hasNextPage endCursor } } } }`;
const RECONCILE = `query ($id: ID!) { bankStatement(id: $id) { reconciliation {
  openingBalance { amount } closingBalance { amount } linesTotal { amount } internallyConsistent booksBalance { amount } difference { amount } reconciled unconfirmedLines unconfirmedTotal { amount } } } }`;
const entryCount = async () => (await gql(`{ neighbourhood(id: "${SPIJKERKWARTIER}") { ledgerEntries(first: 1) { totalCount } } }`)).neighbourhood.ledgerEntries.totalCount as number;

async function allLines(id: string, token: string | null = steward) {
  const lines: any[] = [];
  let after: string | null = null;
  do {
    const page: any = (await gql(LINES, { id, after }, token)).bankStatement.lines;
    lines.push(...page.edges.map((e: any) => e.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return lines;
}

const gz = (text: string) => gzipSync(text).toString('base64');

describe('bank statements in', () => {
  let statement: FileStatement;
  let statementId: string;

  it('imports a 200-transaction camt.053.001.02, confirms 190, books nothing twice and reconciles to 0.00', async () => {
    const linked = await gql(`mutation { linkBankAccount(input: { accountId: "${account('1000')}", iban: "${BANK_IBAN.replace(/(.{4})/g, '$1 ')}" }) { __typename ... on LedgerError { message } } }`);
    expect(linked.linkBankAccount.__typename).toBe('LinkBankAccountSuccess');
    const balance = (await gql(`{ ledgerAccount(id: "${account('1000')}") { balance { minorUnits } } }`)).ledgerAccount.balance.minorUnits;
    statement = { iban: BANK_IBAN, statementId: 'STMT-20261201-0001', sequence: '335', openingMinor: BigInt(balance), date: '2026-12-01', transactions: transactions(200) };
    const file = camt053(statement);
    expect(file.length).toBeGreaterThan(100_000); // past the gateway's request limit as text, hence GZIP_BASE64
    const entriesBefore = await entryCount();

    const imported = (await gql(IMPORT, { input: { neighbourhoodId: SPIJKERKWARTIER, format: 'CAMT053', content: gz(file), encoding: 'GZIP_BASE64', idempotencyKey: 'stmt-1' } })).importBankStatement;
    expect(imported).toMatchObject({ __typename: 'ImportBankStatementSuccess', replayed: false, newLines: 200, repeatedLines: 0, statement: { lines: { totalCount: 200 } } });
    statementId = imported.statement.id;
    expect(await entryCount()).toBe(entriesBefore);

    const lines = await allLines(statementId);
    expect(lines).toHaveLength(200);
    expect(lines[0]).toMatchObject({ bankReference: 'R26120100001', status: 'OPEN', counterpartyIban: statement.transactions[0]!.counterpartyIban, proposal: null });

    const counter = (l: any) => (l.amount.amount.startsWith('-') ? account('4200') : account('8200'));
    const CONFIRM = `mutation ($input: ConfirmBankStatementLineInput!) { confirmBankStatementLine(input: $input) {
      __typename ... on LedgerError { code message } ... on ConfirmBankStatementLineSuccess { replayed entry { id description } line { status } } } }`;
    const started = Date.now();
    for (const line of lines.slice(0, 190)) {
      const done = (await gql(CONFIRM, { input: { lineId: line.id, counterAccountId: counter(line) } })).confirmBankStatementLine;
      expect(done).toMatchObject({ __typename: 'ConfirmBankStatementLineSuccess', replayed: false, line: { status: 'CONFIRMED' } });
      // The entry's description holds no IBAN and no name.
      expect(done.entry.description).not.toMatch(/NL\d\d|Vries/);
    }
    console.log(`190 confirmations through the gateway: ${Date.now() - started} ms`);
    expect(await entryCount()).toBe(entriesBefore + 190);

    // Confirming again replays; the same file again (another key) is the same statement.
    const again = (await gql(CONFIRM, { input: { lineId: lines[0].id, counterAccountId: counter(lines[0]) } })).confirmBankStatementLine;
    expect(again).toMatchObject({ __typename: 'ConfirmBankStatementLineSuccess', replayed: true });
    const reimported = (await gql(IMPORT, { input: { neighbourhoodId: SPIJKERKWARTIER, format: 'CAMT053', content: gz(file), encoding: 'GZIP_BASE64', idempotencyKey: 'stmt-1-again' } })).importBankStatement;
    expect(reimported).toMatchObject({ replayed: true, newLines: 0, statement: { id: statementId } });
    expect(await entryCount()).toBe(entriesBefore + 190);

    // The open lines now get proposals from the confirmed ones with the same words.
    const open = (await allLines(statementId)).filter((l) => l.status === 'OPEN');
    expect(open).toHaveLength(10);
    expect(open.every((l) => l.proposal?.basis === 'SIMILAR_DESCRIPTION')).toBe(true);

    const openSum = statement.transactions.slice(190).reduce((a, t) => a + t.minor, 0n);
    const before = (await gql(RECONCILE, { id: statementId })).bankStatement.reconciliation;
    const eur = (minor: bigint) => `${minor < 0n ? '-' : ''}${(minor < 0n ? -minor : minor) / 100n}.${((minor < 0n ? -minor : minor) % 100n).toString().padStart(2, '0')}`;
    expect(before).toMatchObject({ internallyConsistent: true, reconciled: false, unconfirmedLines: 10, difference: { amount: eur(openSum) }, unconfirmedTotal: { amount: eur(openSum) }, closingBalance: { amount: eur(closingOf(statement)) } });

    for (const line of open) await gql(CONFIRM, { input: { lineId: line.id, counterAccountId: counter(line) } });
    const after = (await gql(RECONCILE, { id: statementId })).bankStatement.reconciliation;
    expect(after).toMatchObject({ difference: { amount: '0.00' }, reconciled: true, unconfirmedLines: 0, booksBalance: { amount: eur(closingOf(statement)) } });
  });

  it('reads the MT940 file of the same transactions as the same lines, and adds none of them again', async () => {
    const file = mt940(statement);
    const imported = (await gql(IMPORT, { input: { neighbourhoodId: SPIJKERKWARTIER, format: 'MT940', content: gz(file), encoding: 'GZIP_BASE64', idempotencyKey: 'stmt-1-mt940' } })).importBankStatement;
    expect(imported).toMatchObject({ __typename: 'ImportBankStatementSuccess', replayed: false, newLines: 0, repeatedLines: 200 });
    const camtLines = await allLines(statementId);
    const mtLines = await allLines(imported.statement.id);
    expect(mtLines.map((l) => l.id)).toEqual(camtLines.map((l) => l.id));
  });

  it('keeps counterparty IBANs and names out of public answers and exports', async () => {
    const publicLines = await allLines(statementId, null);
    expect(publicLines.every((l) => l.counterpartyIban === null && l.counterpartyName === null && l.description === null)).toBe(true);
    const text = JSON.stringify(await gql(`{ neighbourhood(id: "${SPIJKERKWARTIER}") { bankStatements { edges { node { lines(first: 100) { edges { node { counterpartyIban counterpartyName description } } } } } } accounts { iban } } }`, {}, null));
    for (const t of statement.transactions) expect(text).not.toContain(t.counterpartyIban);
    expect(text).not.toContain(BANK_IBAN);
    for (const table of ['ledger_entries', 'ledger_lines']) {
      const csv = await (await fetch(new URL(`/export/v1/neighbourhoods/spijkerkwartier/${table}.csv`, platform.gatewayUrl))).text();
      expect(csv.length).toBeGreaterThan(100);
      expect(csv).not.toMatch(/NL\d\d(RABO|ABNA|INGB)/);
      expect(csv).not.toContain('de Vries');
    }
  });

  it('ignores a line booked otherwise, refuses to settle it twice, and refuses a steward of another neighbourhood', async () => {
    const next: FileStatement = {
      iban: BANK_IBAN,
      statementId: 'STMT-20261202-0001',
      sequence: '336',
      openingMinor: closingOf(statement),
      date: '2026-12-02',
      transactions: transactions(2).map((t) => ({ ...t, bankRef: `N${t.bankRef}`, date: '2026-12-02' })),
    };
    const imported = (await gql(IMPORT, { input: { neighbourhoodId: SPIJKERKWARTIER, format: 'CAMT053', content: camt053(next), idempotencyKey: 'stmt-2' } })).importBankStatement;
    expect(imported).toMatchObject({ newLines: 2, repeatedLines: 0 });
    const [first, second] = await allLines(imported.statement.id);
    const IGNORE = `mutation ($input: IgnoreBankStatementLineInput!) { ignoreBankStatementLine(input: $input) { __typename ... on LedgerError { code } ... on IgnoreBankStatementLineSuccess { line { status } } } }`;
    expect((await gql(IGNORE, { input: { lineId: first.id, reason: 'Booked by hand as entry 12' } })).ignoreBankStatementLine).toEqual({ __typename: 'IgnoreBankStatementLineSuccess', line: { status: 'IGNORED' } });
    const confirmIgnored = (await gql(`mutation { confirmBankStatementLine(input: { lineId: "${first.id}", counterAccountId: "${account('8200')}" }) { __typename ... on LedgerError { code } } }`)).confirmBankStatementLine;
    expect(confirmIgnored).toEqual({ __typename: 'StatementLineSettled', code: 'STATEMENT_LINE_SETTLED' });
    // Klarendal's steward: a steward, but of another neighbourhood (the platform holds her office there).
    const elsewhere = await platform.token(stableId('member:Buurvrouw Bep'), [{ role: 'steward', neighbourhood: stableId('neighbourhood:klarendal') }]);
    const foreign = await platform.query<any>(`mutation { confirmBankStatementLine(input: { lineId: "${second.id}", counterAccountId: "${account('8200')}" }) { __typename } }`, {}, { token: elsewhere });
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const reconciliation = (await gql(RECONCILE, { id: imported.statement.id })).bankStatement.reconciliation;
    // An ignored line is not open (the treasurer booked it otherwise): only the second counts as unconfirmed.
    expect(reconciliation).toMatchObject({ unconfirmedLines: 1, internallyConsistent: true, reconciled: false });
  });

  describe('hostile input: a clear error and nothing written', () => {
    const base = (over: Partial<FileStatement> = {}): FileStatement => ({ iban: BANK_IBAN, statementId: 'STMT-H', sequence: '1', openingMinor: 0n, date: '2026-12-02', transactions: transactions(2).map((t) => ({ ...t, bankRef: `H${t.bankRef}` })), ...over });
    const refused = async (content: string, token = steward, format = 'CAMT053') => {
      const statementsBefore = (await gql(`{ neighbourhood(id: "${SPIJKERKWARTIER}") { bankStatements { totalCount } } }`)).neighbourhood.bankStatements.totalCount;
      const response = await platform.query<any>(IMPORT, { input: { neighbourhoodId: SPIJKERKWARTIER, format, content, idempotencyKey: `h-${Math.random()}` } }, { token });
      const after = (await gql(`{ neighbourhood(id: "${SPIJKERKWARTIER}") { bankStatements { totalCount } } }`)).neighbourhood.bankStatements.totalCount;
      expect(after).toBe(statementsBefore);
      return response.body.errors ? { error: response.body.errors[0]!.extensions?.code } : response.body.data.importBankStatement;
    };

    it('refuses malformed XML, DOCTYPEs (XXE, billion laughs) and bad amounts', async () => {
      expect(await refused('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>')).toMatchObject({ code: 'MALFORMED_STATEMENT', message: expect.stringContaining('not well-formed') });
      const xxe = camt053(base()).replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>').replace('STMT-H<', '&x;<');
      expect(await refused(xxe)).toMatchObject({ code: 'MALFORMED_STATEMENT', message: expect.stringContaining('DOCTYPE') });
      const laughs = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Document>&c;</Document>';
      expect(await refused(laughs)).toMatchObject({ code: 'MALFORMED_STATEMENT' });
      expect(await refused(camt053(base()).replace(/<Amt Ccy="EUR">(\d+)\.(\d\d)<\/Amt>\s*<CdtDbtInd>CRDT/, '<Amt Ccy="EUR">$1.$2$2</Amt><CdtDbtInd>CRDT'))).toMatchObject({ code: 'MALFORMED_STATEMENT', message: expect.stringContaining('at most 2 decimals') });
      expect(await refused(camt053(base()).replace(/<Amt Ccy="EUR">(\d)/, '<Amt Ccy="EUR">-$1'))).toMatchObject({ code: 'MALFORMED_STATEMENT' });
      expect(await refused(mt940(base()).replace(':60F:C', ':60F:X'), steward, 'MT940')).toMatchObject({ code: 'MALFORMED_STATEMENT' });
    });

    it('refuses invalid IBANs, an IBAN not of this neighbourhood and a steward of another neighbourhood', async () => {
      expect(await refused(camt053(base({ iban: 'NL00INGB0001234567' })))).toMatchObject({ code: 'MALFORMED_STATEMENT', message: expect.stringContaining('not a valid IBAN') });
      const badCounterparty = base();
      badCounterparty.transactions[0]!.counterpartyIban = 'NL12RABO0300000001';
      expect(await refused(camt053(badCounterparty))).toMatchObject({ code: 'MALFORMED_STATEMENT', message: expect.stringContaining('counterparty IBAN') });
      expect(await refused(camt053(base({ iban: dutchIban('TRIO', '0390000001') })))).toMatchObject({ code: 'NOT_A_BANK_ACCOUNT' });
      // Klarendal's steward: a steward, but of another neighbourhood (the platform holds her office there).
    const elsewhere = await platform.token(stableId('member:Buurvrouw Bep'), [{ role: 'steward', neighbourhood: stableId('neighbourhood:klarendal') }]);
      expect(await refused(camt053(base()), elsewhere)).toEqual({ error: 'FORBIDDEN' });
      const invalid = await gql(`mutation { linkBankAccount(input: { accountId: "${account('1100')}", iban: "NL91ABNA0417164301" }) { __typename } }`);
      expect(invalid.linkBankAccount.__typename).toBe('InvalidIban');
    });
  });
});
