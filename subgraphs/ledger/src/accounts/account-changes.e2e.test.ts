import { stableId } from '@dbwe/platform';
import { Client } from 'pg';
import { withDatabase } from '@dbwe/platform/testing';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { main as dbweVerify } from '../../../../verifier/src/cli';
import { todayInTheNetherlands } from '../entries/booking';
import type { DataSource } from 'typeorm';
import { appendEntry, lockChain } from '../entries/posting';
import { violationOf } from '../transactions';
import { defaultAccountId } from './default-chart';

/*
 * The chart of accounts over time, through the real gateway, in the Spijkerkwartier demo books (today T, in the
 * Netherlands). Expected:
 * - 4200 "Activiteiten en ontmoeting" (taakveld 6.1), renamed "Buurtactiviteiten" and re-mapped to 6.3 from T-1:
 *   today it answers the new name and taakveld, on T-2 the old ones; its history holds the change, whose log leaf
 *   (ACCOUNT_CHANGE) the independent verifier dbwe-verify checks (VALID); a change dated before it is refused;
 * - a new account 4300 with €10.00 booked on T-5 cannot be closed from T-10 (an entry after) or from T+1 (balance
 *   €10.00); once the entry is reversed (on T) it closes from T+1; it then refuses a posting dated T+1
 *   (AccountClosed; the database refuses such a line to the runtime role too) and any further change, while a
 *   posting dated T still books;
 * - once 2025 is closed, a change effective in 2025 is refused (PeriodClosed); the database refuses a change out of
 *   order inserted by the runtime role itself (account_change_in_order);
 * - an operator who rewrites a change behind the ledger's back (triggers off) is caught by the verifier, and by the
 *   ledger's own check of its log.
 */
jest.setTimeout(180_000);

const nb = stableId('neighbourhood:spijkerkwartier');
const pieter = stableId('member:Penningmeester Pieter');
const acc = (code: string) => defaultAccountId(nb, code);

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

let platform: RunningPlatform;
let steward: string;
beforeAll(async () => {
  platform = await startPlatform();
  steward = await platform.token(pieter, [{ role: 'steward', neighbourhood: nb }]);
}, 120_000);
afterAll(() => platform.stop());

async function gql(query: string, variables: Record<string, unknown> = {}, token: string | undefined = steward) {
  const { body } = await platform.query<any>(query, variables, { token });
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const ERR = `... on LedgerError { code message field }`;
const CHANGE = `mutation($input: ChangeAccountInput!) { changeAccount(input: $input) { __typename ${ERR}
  ... on AccountClosed { closedFrom } ... on AccountChangeOutOfOrder { latestEffectiveFrom } ... on AccountBalanceNotZero { balance { amount } }
  ... on AccountUsedAfterClosing { bookingDate } ... on PeriodClosed { year }
  ... on ChangeAccountSuccess { change { change effectiveFrom oldName newName oldTaakveld newTaakveld closes reason leafIndex recordedBy { id } } account { name taakveld } } } }`;
const change = (input: Record<string, unknown>) => gql(CHANGE, { input: { reason: 'Besluit van het bestuur', ...input } }).then((d) => d.changeAccount);

const POST = `mutation($input: PostEntryInput!) { postEntry(input: $input) { __typename ${ERR} ... on AccountClosed { closedFrom account { code } } ... on PostEntrySuccess { entry { id } } } }`;
const post = (bookingDate: string, key: string, expense: string) =>
  gql(POST, {
    input: {
      neighbourhoodId: nb,
      idempotencyKey: key,
      bookingDate,
      description: 'Huur partytent',
      lines: [
        { accountId: expense, side: 'DEBIT', amount: '10.00', unit: 'EUR' },
        { accountId: acc('1600'), side: 'CREDIT', amount: '10.00', unit: 'EUR' },
      ],
    },
  }).then((d) => d.postEntry);

const ACCOUNT = `query($id: ID!, $before: Date!, $on: Date!) { ledgerAccount(id: $id) { name taakveld closedFrom
  before: asOf(date: $before) { date name taakveld closed } on: asOf(date: $on) { date name taakveld closed }
  history { change effectiveFrom oldName newName oldTaakveld newTaakveld closes leafIndex } } }`;

async function verify(): Promise<{ code: number; verdict: string }> {
  // A checkpoint of the tree as it is now, so the verifier compares the chart with every change in it (the ledger signs
  // a fresh one at most once a second).
  for (;;) {
    const { transparencyLog: log } = (await gql(`query($id: ID!) { neighbourhood(id: $id) { transparencyLog { size checkpoint(fresh: true) { size } } } }`, { id: nb }))
      .neighbourhood;
    if (log.checkpoint.size === log.size) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const out: string[] = [];
  const code = await dbweVerify(['check', platform.gatewayUrl, 'spijkerkwartier'], (l) => out.push(l), (l) => out.push(l));
  return { code, verdict: out.at(-1) ?? '' };
}

describe('the chart of accounts over time, through the gateway', () => {
  const today = todayInTheNetherlands();

  it('renames and re-maps an account from a date, answers for any date, and logs the change where dbwe-verify checks it', async () => {
    const done = await change({ accountId: acc('4200'), effectiveFrom: addDays(today, -1), name: 'Buurtactiviteiten', taakveld: '6.3' });
    expect(done).toMatchObject({
      __typename: 'ChangeAccountSuccess',
      change: { change: 1, oldName: 'Activiteiten en ontmoeting', newName: 'Buurtactiviteiten', oldTaakveld: '6.1', newTaakveld: '6.3', closes: false, recordedBy: { id: pieter } },
      account: { name: 'Buurtactiviteiten', taakveld: '6.3' },
    });

    const { ledgerAccount: a } = await gql(ACCOUNT, { id: acc('4200'), before: addDays(today, -2), on: addDays(today, -1) });
    expect(a).toMatchObject({ name: 'Buurtactiviteiten', taakveld: '6.3', closedFrom: null });
    expect(a.before).toEqual({ date: addDays(today, -2), name: 'Activiteiten en ontmoeting', taakveld: '6.1', closed: false });
    expect(a.on).toEqual({ date: addDays(today, -1), name: 'Buurtactiviteiten', taakveld: '6.3', closed: false });
    expect(a.history).toHaveLength(1);

    const leaf = (
      await gql(`query($id: ID!, $from: Int!) { neighbourhood(id: $id) { transparencyLog { leaves(fromIndex: $from, first: 1) { index kind data account { code } accountChange { change newName } } } } }`, {
        id: nb,
        from: done.change.leafIndex,
      })
    ).neighbourhood.transparencyLog.leaves[0];
    expect(leaf).toMatchObject({ index: done.change.leafIndex, kind: 'ACCOUNT_CHANGE', account: { code: '4200' }, accountChange: { change: 1, newName: 'Buurtactiviteiten' } });
    expect(JSON.parse(leaf.data).slice(0, 9)).toEqual(['dbwe-account-change-v1', acc('4200'), 1, nb, addDays(today, -1), 'Activiteiten en ontmoeting', 'Buurtactiviteiten', '6.1', '6.3']);

    expect(await change({ accountId: acc('4200'), effectiveFrom: addDays(today, -2), name: 'Ontmoeting' })).toMatchObject({
      __typename: 'AccountChangeOutOfOrder',
      latestEffectiveFrom: addDays(today, -1),
    });
    expect(await change({ accountId: acc('4200'), effectiveFrom: today, name: 'Buurtactiviteiten' })).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'input' });

    const verdict = await verify();
    expect(verdict.verdict).toMatch(/^VALID: /);
    expect(verdict.code).toBe(0);
  });

  it('closes an account only at zero and with nothing booked from the date, then refuses postings dated from it', async () => {
    const created = (
      await gql(
        `mutation($input: CreateAccountInput!) { createAccount(input: $input) { __typename ... on CreateAccountSuccess { account { id } } } }`,
        { input: { neighbourhoodId: nb, code: '4300', name: 'Tijdelijke huur', type: 'EXPENSE', unit: 'EUR' } },
      )
    ).createAccount;
    const id = created.account.id as string;
    const booked = await post(addDays(today, -5), 'tent-1', id);
    expect(booked.__typename).toBe('PostEntrySuccess');

    expect(await change({ accountId: id, effectiveFrom: addDays(today, -10), close: true })).toMatchObject({
      __typename: 'AccountUsedAfterClosing',
      bookingDate: addDays(today, -5),
    });
    expect(await change({ accountId: id, effectiveFrom: addDays(today, 1), close: true })).toMatchObject({
      __typename: 'AccountBalanceNotZero',
      balance: { amount: '10.00' },
    });

    const reversed = (
      await gql(`mutation($input: ReverseEntryInput!) { reverseEntry(input: $input) { __typename } }`, {
        input: { entryId: booked.entry.id, reason: 'Tent niet gehuurd', idempotencyKey: 'tent-1-reversal' },
      })
    ).reverseEntry;
    expect(reversed.__typename).toBe('ReverseEntrySuccess');
    const closed = await change({ accountId: id, effectiveFrom: addDays(today, 1), close: true, reason: 'Rekening niet meer nodig' });
    expect(closed).toMatchObject({ __typename: 'ChangeAccountSuccess', change: { change: 1, closes: true, newName: 'Tijdelijke huur' } });

    expect(await post(addDays(today, 1), 'tent-2', id)).toMatchObject({
      __typename: 'AccountClosed',
      code: 'ACCOUNT_CLOSED',
      field: 'lines.0.accountId',
      closedFrom: addDays(today, 1),
      account: { code: '4300' },
    });
    expect((await post(today, 'tent-3', id)).__typename).toBe('PostEntrySuccess');
    expect(await change({ accountId: id, effectiveFrom: addDays(today, 2), name: 'Weer open' })).toMatchObject({ __typename: 'AccountClosed', closedFrom: addDays(today, 1) });

    const { ledgerAccount: a } = await gql(ACCOUNT, { id, before: today, on: addDays(today, 1) });
    expect(a).toMatchObject({ closedFrom: addDays(today, 1), before: { closed: false }, on: { closed: true } });

    // The database refuses the same to the runtime role itself, writing around the service.
    const runtime = platform.subgraphs.ledger.db as DataSource;
    const attempt = runtime.transaction(async (tx) => {
      const chain = await lockChain(tx, nb);
      await appendEntry(tx, chain!, {
        neighbourhoodId: nb,
        bookingDate: addDays(today, 1),
        description: 'Achterdeur',
        lines: [
          { accountId: id, unit: 'EUR', minor: 100n },
          { accountId: acc('1600'), unit: 'EUR', minor: -100n },
        ],
      });
    });
    expect(violationOf(await attempt.catch((e: unknown) => e))?.constraint).toBe('line_account_open');

    const verdict = await verify();
    expect(verdict.verdict).toMatch(/^VALID: /);
  });

  it('refuses a change dated in a closed year, and a change out of order written by the runtime role itself', async () => {
    const closing = (
      await gql(`mutation($input: CloseFinancialYearInput!) { closeFinancialYear(input: $input) { __typename } }`, {
        input: { neighbourhoodId: nb, year: 2025, reason: 'Jaarrekening 2025 goedgekeurd', idempotencyKey: 'close-2025' },
      })
    ).closeFinancialYear;
    expect(closing.__typename).toBe('CloseFinancialYearSuccess');
    expect(await change({ accountId: acc('4100'), effectiveFrom: '2025-06-01', taakveld: '5.3' })).toMatchObject({ __typename: 'PeriodClosed', year: 2025, field: 'effectiveFrom' });

    const runtime = platform.subgraphs.ledger.db;
    const error = await runtime
      .query(
        `INSERT INTO ledger.account_change (account_id, change, neighbourhood_id, effective_from, old_name, new_name, old_taakveld, new_taakveld, closes, reason, recorded_at)
         VALUES ($1, 2, $2, $3, 'Buurtactiviteiten', 'Feest', '6.3', '6.3', false, 'stiekem', now())`,
        [acc('4200'), nb, addDays(today, -30)],
      )
      .catch((e: unknown) => e);
    expect((error as { constraint?: string }).constraint ?? (error as { driverError?: { constraint?: string } }).driverError?.constraint).toBe('account_change_in_order');
  });

  it('is caught by dbwe-verify when an operator rewrites a change behind the ledger', async () => {
    const url = (platform.subgraphs.ledger.db.options as { url: string }).url;
    const sql = new Client({ connectionString: withDatabase(process.env.DBWE_TEST_SERVER_URL!, new URL(url).pathname.slice(1)) });
    await sql.connect();
    try {
      await sql.query('BEGIN');
      await sql.query('SET LOCAL session_replication_role = replica');
      await sql.query(`UPDATE ledger.account_change SET new_name = 'Feestjes' WHERE account_id = $1 AND change = 1`, [acc('4200')]);
      await sql.query('COMMIT');
    } finally {
      await sql.end();
    }
    const verdict = await verify();
    expect(verdict.code).toBe(1);
    expect(verdict.verdict).toBe(`INVALID: account: account 4200: name is served as "Feestjes", its latest leaf (${await leafIndexOf(acc('4200'))}) says "Buurtactiviteiten"`);
    // The ledger's own check of its log sees it too.
    const check = (await gql(`query($id: ID!) { neighbourhood(id: $id) { chainVerification { logValid logProblem } } }`, { id: nb })).neighbourhood.chainVerification;
    expect(check).toEqual({ logValid: false, logProblem: `change 1 of account ${acc('4200')} is not what its leaf in the log says` });
  });
});

async function leafIndexOf(accountId: string): Promise<number> {
  return (await gql(`query($id: ID!) { ledgerAccount(id: $id) { leafIndex } }`, { id: accountId })).ledgerAccount.leafIndex;
}
