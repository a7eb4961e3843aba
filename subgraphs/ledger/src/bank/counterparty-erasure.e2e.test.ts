import { stableId } from '@dbwe/platform';
import { EXPORT_TABLES } from '@dbwe/gateway/src/export/tables';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { defaultAccountId } from '../accounts/default-chart';
import { todayInTheNetherlands } from '../entries/booking';
import { camt053, dutchIban, type FileTransaction } from './testing/statement-files';

/*
 * Counterparty data erased with the member, through the real gateway (docs/privacy.md, "Bank statement lines").
 * Expected books: the Spijkerkwartier bank account (1000) with one statement of four lines dated today:
 * Zonnige Sanne's €25.00 contribution, confirmed on 8200 as an entry about her; her second payment of €5.00 from the
 * same IBAN, left open; €100.00 from Bakkerij De Spijker, marked an organisation, and €12.00 paid out to someone
 * else, both confirmed without a member. When Sanne erases herself, community's member.erased reaches the ledger:
 * both her lines lose IBAN, name, end-to-end reference and description (the open one by its IBAN); the other two
 * keep theirs; no answer to the public, a steward or an admin, and no export table, holds her IBAN any more; the
 * trial balance, the reconciliation and the hash chain are what they were.
 */
jest.setTimeout(180_000);

const nb = stableId('neighbourhood:spijkerkwartier');
const sanne = stableId('member:Zonnige Sanne');
const account = (code: string) => defaultAccountId(nb, code);
const BANK_IBAN = dutchIban('TRIO', '0212345678');
const SANNE_IBAN = dutchIban('RABO', '0301234567');
const BAKKERIJ_IBAN = dutchIban('INGB', '0007654321');
const OTHER_IBAN = dutchIban('ABNA', '0456789012');

let platform: RunningPlatform;
let steward: string;
let admin: string;

beforeAll(async () => {
  platform = await startPlatform();
  steward = await platform.token(stableId('member:Penningmeester Pieter'), [{ role: 'steward', neighbourhood: nb }]);
  admin = await platform.token(stableId('identity:bank-erasure-admin'), [{ role: 'admin', neighbourhood: '*' }]);
});
afterAll(() => platform.stop());

async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, token: string | null = steward): Promise<T> {
  const response = await platform.query<T>(query, variables, token ? { token } : {});
  if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
  return response.body.data!;
}

const LINES = `query ($id: ID!) { bankStatement(id: $id) { lines(first: 100) { edges { node {
  id bankReference status counterpartyIban counterpartyName endToEndId description counterpartyErased counterpartyIsOrganisation amount { amount } } } } } }`;
const BOOKS = `query ($id: ID!, $nb: ID!) {
  bankStatement(id: $id) { reconciliation { booksBalance { amount } difference { amount } linesTotal { amount } } }
  neighbourhood(id: $nb) { trialBalance { balanced totals { unit debit { amount } credit { amount } } lines { account { code } debit { amount } credit { amount } } }
    chainVerification { valid } } }`;
const CONFIRM = `mutation ($input: ConfirmBankStatementLineInput!) { confirmBankStatementLine(input: $input) {
  __typename ... on LedgerError { code message } ... on ConfirmBankStatementLineSuccess { entry { id member { id } } } } }`;

const lines = async (statementId: string, token: string | null = steward) =>
  (await gql(LINES, { id: statementId }, token)).bankStatement.lines.edges.map((e: any) => e.node) as any[];

async function exportTables(): Promise<string> {
  const files: string[] = [];
  for (const table of EXPORT_TABLES) {
    for (const format of ['csv', 'jsonl']) {
      const response = await fetch(new URL(`/export/v1/neighbourhoods/spijkerkwartier/${table.name}.${format}`, platform.gatewayUrl));
      expect({ table: table.name, format, status: response.status }).toEqual({ table: table.name, format, status: 200 });
      files.push(await response.text());
    }
  }
  return files.join('\n');
}

it('erases the IBAN, name and description of the lines of an erased member, and leaves the books as they were', async () => {
  const date = todayInTheNetherlands();
  const tx = (n: number, minor: bigint, iban: string, name: string, description: string): FileTransaction => ({
    bankRef: `ERASE-${n}`,
    endToEndId: `E2E-ERASE-${n}`,
    date,
    minor,
    counterpartyIban: iban,
    counterpartyBic: 'RABONL2U',
    counterpartyName: name,
    description,
  });
  const linked = await gql(`mutation { linkBankAccount(input: { accountId: "${account('1000')}", iban: "${BANK_IBAN}" }) { __typename } }`);
  expect(linked.linkBankAccount.__typename).toBe('LinkBankAccountSuccess');
  const opening = BigInt((await gql(`{ ledgerAccount(id: "${account('1000')}") { balance { minorUnits } } }`)).ledgerAccount.balance.minorUnits);
  const file = camt053({
    iban: BANK_IBAN,
    statementId: 'STMT-ERASURE-1',
    sequence: '1',
    openingMinor: opening,
    date,
    transactions: [
      tx(1, 2500n, SANNE_IBAN, 'S. Visser', 'Contributie Sanne Visser'),
      tx(2, 500n, SANNE_IBAN, 'S. Visser', 'Extra bijdrage Sanne'),
      tx(3, 10000n, BAKKERIJ_IBAN, 'Bakkerij De Spijker v.o.f.', 'Sponsoring buurtfeest'),
      tx(4, -1200n, OTHER_IBAN, 'J. de Vries', 'Terugbetaling materiaal'),
    ],
  });
  const imported = (await gql(`mutation ($input: ImportBankStatementInput!) { importBankStatement(input: $input) {
    __typename ... on ImportBankStatementSuccess { statement { id } } } }`, { input: { neighbourhoodId: nb, format: 'CAMT053', content: file, idempotencyKey: 'erasure-stmt-1' } })).importBankStatement;
  const statementId: string = imported.statement.id;
  const [own, again, bakkerij, other] = await lines(statementId);

  const confirmed = (await gql(CONFIRM, { input: { lineId: own.id, counterAccountId: account('8200'), memberId: sanne } })).confirmBankStatementLine;
  expect(confirmed).toMatchObject({ __typename: 'ConfirmBankStatementLineSuccess', entry: { member: { id: sanne } } });
  const unknown = (await gql(CONFIRM, { input: { lineId: bakkerij.id, counterAccountId: account('8200'), memberId: stableId('member:Nobody') } })).confirmBankStatementLine;
  expect(unknown).toMatchObject({ __typename: 'UnknownMember' });
  await gql(`mutation { describeBankStatementCounterparty(input: { lineId: "${bakkerij.id}", isOrganisation: true }) { __typename } }`);
  for (const [line, counter] of [[bakkerij, '8200'], [other, '4200']] as const) {
    expect((await gql(CONFIRM, { input: { lineId: line.id, counterAccountId: account(counter) } })).confirmBankStatementLine.__typename).toBe('ConfirmBankStatementLineSuccess');
  }
  expect((await lines(statementId)).map((l) => l.counterpartyIban)).toEqual([SANNE_IBAN, SANNE_IBAN, BAKKERIJ_IBAN, OTHER_IBAN]);
  const booksBefore = await gql(BOOKS, { id: statementId, nb });
  expect(booksBefore.neighbourhood.chainVerification.valid).toBe(true);

  const sanneToken = await platform.token(sanne, [{ role: 'resident', neighbourhood: nb }]);
  expect((await gql(`mutation { eraseMe { member { erased } } }`, {}, sanneToken)).eraseMe.member.erased).toBe(true);

  // The event travels through the outbox, relay and the ledger's consumer: wait until it has been applied.
  const deadline = Date.now() + 60_000;
  let after = await lines(statementId);
  while (!after[0].counterpartyErased && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    after = await lines(statementId);
  }
  const erased = { counterpartyIban: null, counterpartyName: null, endToEndId: null, description: null, counterpartyErased: true };
  expect(after[0]).toMatchObject({ ...erased, id: own.id, status: 'CONFIRMED', amount: { amount: '25.00' } });
  expect(after[1]).toMatchObject({ ...erased, id: again.id, status: 'OPEN', amount: { amount: '5.00' } });
  expect(after[2]).toMatchObject({ counterpartyIban: BAKKERIJ_IBAN, counterpartyName: 'Bakkerij De Spijker v.o.f.', description: 'Sponsoring buurtfeest', counterpartyErased: false });
  expect(after[3]).toMatchObject({ counterpartyIban: OTHER_IBAN, counterpartyName: 'J. de Vries', endToEndId: 'E2E-ERASE-4', counterpartyErased: false });

  const answers = JSON.stringify([after, await lines(statementId, admin), await lines(statementId, null), await gql(LINES, { id: statementId }, null)]);
  const exports = await exportTables();
  for (const text of [answers, exports]) {
    expect(text).not.toContain(SANNE_IBAN);
    expect(text).not.toContain('S. Visser');
    expect(text).not.toContain('Contributie Sanne');
  }
  // The books are what they were: same balances, same reconciliation, and the chain still verifies.
  expect(await gql(BOOKS, { id: statementId, nb })).toEqual(booksBefore);
});
