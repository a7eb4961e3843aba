import { stableId } from '@dbwe/platform';
import type { DataSource } from 'typeorm';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { defaultAccountId } from '../accounts/default-chart';
import { appendEntry, lockChain } from '../entries/posting';
import { violationOf } from '../transactions';

/*
 * The demo books of the Spijkerkwartier begin in 2025 (first entry 15 January 2025) and 2026 is open.
 * Through the real gateway: opening balances of €500.00 in the bank on 1 January 2025, once; then 2025 is closed.
 * Expected: one closing entry per unit dated 2025-12-31, booked by the system; at the end of 2025 every income and
 * expense account stands at zero and the equity account of each unit changed by exactly that unit's result; 2025
 * refuses postings and reversals dated in it, also from the runtime role in the database; a correction is a
 * reversal dated in 2026 that references the 2025 entry.
 */
const nb = stableId('neighbourhood:spijkerkwartier');
const pieter = stableId('member:Penningmeester Pieter');
const acc = (code: string) => defaultAccountId(nb, code);

let platform: RunningPlatform;
let steward: string;
beforeAll(async () => {
  platform = await startPlatform();
  steward = await platform.token(pieter, [{ role: 'steward', neighbourhood: nb }]);
}, 120_000);
afterAll(() => platform.stop());

async function gql(query: string, variables: Record<string, unknown> = {}, token = steward) {
  const { body } = await platform.query<any>(query, variables, { token });
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const ERR = `... on LedgerError { code message }`;
const POST = `mutation($input: PostEntryInput!) { postEntry(input: $input) { __typename ${ERR} ... on PeriodClosed { year } ... on PostEntrySuccess { entry { id } } } }`;
const post = (bookingDate: string, key: string) =>
  gql(POST, {
    input: {
      neighbourhoodId: nb,
      idempotencyKey: key,
      bookingDate,
      description: 'Koffie voor de vrijwilligers',
      lines: [
        { accountId: acc('4200'), side: 'DEBIT', amount: '12.50', unit: 'EUR' },
        { accountId: acc('1000'), side: 'CREDIT', amount: '12.50', unit: 'EUR' },
      ],
    },
  }).then((d) => d.postEntry);

const CLOSE = `mutation($input: CloseFinancialYearInput!) { closeFinancialYear(input: $input) { __typename ${ERR}
  ... on CloseFinancialYearSuccess { replayed financialYear { year status reason closedBy { id } closingEntries { id bookingDate recordedBy { id } closesYear lines { account { code type } amount { minorUnits unit } } } } } } }`;
const close = (year: number, key: string) => gql(CLOSE, { input: { neighbourhoodId: nb, year, reason: 'Jaarrekening goedgekeurd door de ledenvergadering', idempotencyKey: key } }).then((d) => d.closeFinancialYear);

const trialBalanceAt = async (asOf: string) =>
  (
    await gql(`query($id: ID!, $asOf: Date) { neighbourhood(id: $id) { trialBalance(asOf: $asOf) { balanced lines { account { code type unit } debit { minorUnits } credit { minorUnits } } } } }`, {
      id: nb,
      asOf,
    })
  ).neighbourhood.trialBalance as { balanced: boolean; lines: { account: { code: string; type: string; unit: string }; debit: { minorUnits: string }; credit: { minorUnits: string } }[] };
const net = (l: { debit: { minorUnits: string }; credit: { minorUnits: string } }) => BigInt(l.debit.minorUnits) - BigInt(l.credit.minorUnits);

describe('financial years through the gateway', () => {
  it('refuses booking dates outside the books: before they began, or too far ahead', async () => {
    expect(await post('0001-01-01', 'early')).toMatchObject({ __typename: 'BookingDateBeforeBooks', code: 'BOOKING_DATE_BEFORE_BOOKS' });
    expect(await post('2024-12-31', 'early-2')).toMatchObject({ __typename: 'BookingDateBeforeBooks' });
    expect(await post('9999-12-31', 'late')).toMatchObject({ __typename: 'BookingDateTooFarAhead', code: 'BOOKING_DATE_TOO_FAR_AHEAD' });
  });

  it('books opening balances once, dated before the first entry, against equity', async () => {
    const OPEN = `mutation($input: PostOpeningBalancesInput!) { postOpeningBalances(input: $input) { __typename ${ERR}
      ... on PostOpeningBalancesSuccess { replayed entry { bookingDate openingBalances lines { account { code } amount { amount } } } } } }`;
    const input = (key: string, date = '2025-01-01') => ({
      input: { neighbourhoodId: nb, date, lines: [{ accountId: acc('1000'), amount: '500.00' }], reason: 'Bankafschrift 31-12-2024', idempotencyKey: key },
    });
    expect((await gql(OPEN, input('too-late', '2025-02-01'))).postOpeningBalances).toMatchObject({ __typename: 'OpeningBalancesNotFirst' });
    const first = (await gql(OPEN, input('opening'))).postOpeningBalances;
    expect(first).toMatchObject({ __typename: 'PostOpeningBalancesSuccess', replayed: false });
    expect(first.entry).toMatchObject({ bookingDate: '2025-01-01', openingBalances: true });
    expect(first.entry.lines).toEqual([
      { account: { code: '1000' }, amount: { amount: '500.00' } },
      { account: { code: '0500' }, amount: { amount: '-500.00' } },
    ]);
    expect((await gql(OPEN, input('opening'))).postOpeningBalances).toMatchObject({ replayed: true });
    expect((await gql(OPEN, input('opening-again'))).postOpeningBalances).toMatchObject({ __typename: 'OpeningBalancesPosted', code: 'OPENING_BALANCES_POSTED' });
  });

  it('closes 2025 with closing entries that bring income and expenses to zero, and then refuses entries dated in it', async () => {
    // The default chart has an equity account in hours (0900 Urenvermogen) for the hours' result.
    expect(await close(2026, 'close-2026')).toMatchObject({ __typename: 'YearNotOver' });

    const before = await trialBalanceAt('2025-12-31');
    const result = (unit: string) =>
      -before.lines.filter((l) => l.account.unit === unit && (l.account.type === 'INCOME' || l.account.type === 'EXPENSE')).reduce((sum, l) => sum + net(l), 0n);
    const equityBefore = (code: string) => before.lines.filter((l) => l.account.code === code).reduce((sum, l) => sum + net(l), 0n);
    expect(result('EUR')).not.toBe(0n);

    const closed = await close(2025, 'close-2025');
    expect(closed).toMatchObject({ __typename: 'CloseFinancialYearSuccess', replayed: false, financialYear: { year: 2025, status: 'CLOSED', closedBy: { id: pieter } } });
    const entries = closed.financialYear.closingEntries;
    expect(entries.map((e: any) => [e.bookingDate, e.recordedBy, e.closesYear])).toEqual([
      ['2025-12-31', null, 2025],
      ['2025-12-31', null, 2025],
    ]);

    const after = await trialBalanceAt('2025-12-31');
    expect(after.balanced).toBe(true);
    expect(after.lines.filter((l) => l.account.type === 'INCOME' || l.account.type === 'EXPENSE')).toEqual([]);
    const equityAfter = (code: string) => after.lines.filter((l) => l.account.code === code).reduce((sum, l) => sum + net(l), 0n);
    // A surplus is a credit on equity: its net (debit minus credit) falls by the result.
    expect(equityAfter('0500') - equityBefore('0500')).toBe(-result('EUR'));
    expect(equityAfter('0900') - equityBefore('0900')).toBe(-result('HOUR'));

    expect(await close(2025, 'close-2025')).toMatchObject({ __typename: 'CloseFinancialYearSuccess', replayed: true });
    expect(await close(2025, 'close-2025-again')).toMatchObject({ __typename: 'YearAlreadyClosed' });
    const years = (await gql(`query($id: ID!) { neighbourhood(id: $id) { financialYears { year status } } }`, { id: nb })).neighbourhood.financialYears;
    expect(years).toEqual([
      { year: 2025, status: 'CLOSED' },
      { year: 2026, status: 'OPEN' },
    ]);

    expect(await post('2025-06-01', 'into-closed')).toMatchObject({ __typename: 'PeriodClosed', code: 'PERIOD_CLOSED', year: 2025 });
  });

  it('refuses a reversal dated in the closed year; the correction is a reversal in the open year that references the original', async () => {
    const page = (await gql(`query($id: ID!) { neighbourhood(id: $id) { ledgerEntries(first: 5, from: "2025-03-01", to: "2025-03-31") { edges { node { id reversedBy { id } } } } } }`, { id: nb }))
      .neighbourhood.ledgerEntries.edges;
    const original = page.find((e: any) => e.node.reversedBy === null).node.id;
    const REVERSE = `mutation($input: ReverseEntryInput!) { reverseEntry(input: $input) { __typename ${ERR} ... on PeriodClosed { year }
      ... on ReverseEntrySuccess { reversal { bookingDate reverses { id bookingDate } } } } }`;
    const inClosed = await gql(REVERSE, { input: { entryId: original, reason: 'Dubbel geboekt', idempotencyKey: 'rev-closed', bookingDate: '2025-12-31' } });
    expect(inClosed.reverseEntry).toMatchObject({ __typename: 'PeriodClosed', year: 2025 });
    const correction = await gql(REVERSE, { input: { entryId: original, reason: 'Dubbel geboekt', idempotencyKey: 'rev-open', bookingDate: '2026-11-30' } });
    expect(correction.reverseEntry).toMatchObject({ __typename: 'ReverseEntrySuccess', reversal: { bookingDate: '2026-11-30', reverses: { id: original } } });
  });

  it('refuses, in the database, an entry dated in a closed year written by the runtime role itself', async () => {
    const db = platform.subgraphs.ledger.db as DataSource;
    const attempt = db.transaction(async (tx) => {
      const chain = await lockChain(tx, nb);
      await appendEntry(tx, chain!, {
        neighbourhoodId: nb,
        bookingDate: '2025-07-01',
        description: 'Achterdeur',
        lines: [
          { accountId: acc('4900'), unit: 'EUR', minor: 100n },
          { accountId: acc('1000'), unit: 'EUR', minor: -100n },
        ],
      });
    });
    const error = await attempt.catch((e: unknown) => e);
    expect(violationOf(error)?.constraint).toBe('entry_period_open');
  });
});
