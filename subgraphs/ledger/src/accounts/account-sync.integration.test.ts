import { KLARENDAL, SPIJKERKWARTIER, account, startLedger, steward, transfer, type LedgerTest } from '../testing/ledger.fixtures';
import { DEFAULT_CHART } from './default-chart';

/*
 * A nightly refresh of the chart of accounts asks only for the accounts that
 * changed since the last pull. Expected books: the demo Spijkerkwartier chart
 * (16 accounts), untouched after the pull; then one entry of 12.50 from the
 * bank (1000) to general costs (4900) moves exactly those two balances, so
 * exactly those two accounts come back, with an updatedAt after the pull. A
 * rename or a change of overdraft protection counts as a change too; an
 * update that changes nothing does not.
 */
let books: LedgerTest;
beforeAll(async () => {
  books = await startLedger();
});
afterAll(() => books.teardown());

const CHANGED = `query ($ids: [_Any!]!, $since: DateTime) {
  _entities(representations: $ids) { ... on Neighbourhood { id accounts(updatedSince: $since) { code updatedAt balance { minorUnits } } } }
}`;

/** The accounts of each neighbourhood changed after `since`, in one request. */
async function changedSince(since: string | null, neighbourhoods = [SPIJKERKWARTIER]) {
  const data = await books.ok(CHANGED, { ids: neighbourhoods.map((id) => ({ __typename: 'Neighbourhood', id })), since });
  return data._entities.map((n: { accounts: { code: string; updatedAt: string; balance: { minorUnits: string } }[] }) => n.accounts);
}

/** A moment strictly after everything written so far, and strictly before anything written next. */
async function pullTime(): Promise<string> {
  await new Promise((r) => setTimeout(r, 5));
  const at = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 5));
  return at;
}

describe('accounts changed since', () => {
  it('returns every account without a time, and none changed after the last pull', async () => {
    const [all] = await changedSince(null);
    expect(all).toHaveLength(DEFAULT_CHART.length);
    expect(all.map((a: { code: string }) => a.code)).toEqual([...all.map((a: { code: string }) => a.code)].sort());
    expect(await changedSince(await pullTime())).toEqual([[]]);
  });

  it('returns exactly the accounts a posting moved, with their new balance and an updatedAt after the pull', async () => {
    const lastPull = await pullTime();
    const [before] = await changedSince(null);
    const bankBefore = before.find((a: { code: string }) => a.code === '1000');

    const posted = await books.post(transfer(account('1000'), account('4900'), '12.50'));
    expect(posted.__typename).toBe('PostEntrySuccess');

    const [[bank, costs], klarendal] = await changedSince(lastPull, [SPIJKERKWARTIER, KLARENDAL]);
    expect([bank.code, costs.code]).toEqual(['1000', '4900']);
    expect(klarendal).toEqual([]);
    expect(BigInt(bank.balance.minorUnits)).toBe(BigInt(bankBefore.balance.minorUnits) - 1250n);
    for (const changed of [bank, costs]) expect(new Date(changed.updatedAt).getTime()).toBeGreaterThan(new Date(lastPull).getTime());
    expect(bank.updatedAt).toBe(costs.updatedAt);
    // The other thirteen kept their updatedAt.
    const [after] = await changedSince(null);
    const untouched = (list: { code: string; updatedAt: string }[]) => list.filter((a) => !['1000', '4900'].includes(a.code)).map((a) => [a.code, a.updatedAt]);
    expect(untouched(after)).toEqual(untouched(before));
  });

  it('counts a reversal as a change to the accounts it moves back', async () => {
    const posted = await books.post(transfer(account('1000'), account('4200'), '3.00'));
    const lastPull = await pullTime();
    const reversal = await books.ok(
      `mutation ($input: ReverseEntryInput!) { reverseEntry(input: $input) { __typename } }`,
      { input: { entryId: posted.entry.id, reason: 'Verkeerde kostenpost', idempotencyKey: 'sync-reversal' } },
      steward,
    );
    expect(reversal.reverseEntry.__typename).toBe('ReverseEntrySuccess');
    expect((await changedSince(lastPull))[0].map((a: { code: string }) => a.code)).toEqual(['1000', '4200']);
  });

  it('counts a new account, a rename and a change of overdraft protection, not an update that changes nothing', async () => {
    const lastPull = await pullTime();
    const created = await books.ok(
      `mutation { createAccount(input: { neighbourhoodId: "${SPIJKERKWARTIER}", code: "4300", name: "Buurtfeest", type: EXPENSE, unit: EUR }) { __typename } }`,
      {},
      steward,
    );
    expect(created.createAccount.__typename).toBe('CreateAccountSuccess');
    expect((await changedSince(lastPull))[0].map((a: { code: string }) => a.code)).toEqual(['4300']);

    // No mutation renames an account yet; the trigger keeps updatedAt for whoever changes the row.
    const sql = await books.sql();
    const renamePull = await pullTime();
    await sql.query(`UPDATE ledger.account SET name = 'Groen en bomen' WHERE id = $1`, [account('4100')]);
    await sql.query(`UPDATE ledger.account SET no_overdraft = true WHERE id = $1`, [account('1300')]);
    await sql.query(`UPDATE ledger.account SET name = name WHERE id = $1`, [account('8000')]);
    expect((await changedSince(renamePull))[0].map((a: { code: string }) => a.code)).toEqual(['1300', '4100']);
  });

  it('refuses a time that is not an ISO 8601 instant with a message naming the argument', async () => {
    for (const since of ['yesterday', '2026-13-01T00:00:00Z', '']) {
      const { errors } = await books.execute(CHANGED, { ids: [{ __typename: 'Neighbourhood', id: SPIJKERKWARTIER }], since });
      expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0].message).toMatch(/\$since.*DateTime/s);
    }
  });
});
