import type { SubgraphModule } from '@dbwe/platform';
import { createDataSource, migrate } from '@dbwe/platform';
import { createTemplateDatabase, dropDatabase } from '@dbwe/platform/testing';
import { ledger } from '../server';
import { MemberHours1764500000000 } from '../migrations/1764500000000-member-hours';
import { account, demoMemberId, startLedger, steward, type LedgerTest } from '../testing/ledger.fixtures';
import { copyDemoBooks } from '../testing/old-books';

/*
 * Volunteer hours come from ledger.member_day, kept by the line trigger: a
 * member's total is a range scan over the days they volunteered, never a
 * walk over the entries about them. Here it must always equal that walk.
 */

/** Hours per member and booking day, the long way: every hour line on an expense account of every entry about a member. */
const FROM_THE_LINES = `
  SELECT e.member_id, e.booking_date::text AS day, sum(l.amount_minor)::text AS hours
    FROM ledger.entry e JOIN ledger.line l ON l.entry_id = e.id JOIN ledger.account a ON a.id = l.account_id
   WHERE e.member_id IS NOT NULL AND a.type = 'EXPENSE' AND l.unit = 'HOUR'
   GROUP BY 1, 2 HAVING true ORDER BY 1, 2`;
const KEPT = `SELECT member_id, day::text AS day, hours_minor::text AS hours FROM ledger.member_day ORDER BY 1, 2`;

describe('volunteer hours per member and day', () => {
  let books: LedgerTest;
  beforeAll(async () => {
    books = await startLedger();
  });
  afterAll(() => books.teardown());

  const hours = async (memberId: string, range = '') =>
    (await books.ok(`query ($id: ID!) { _entities(representations: [{ __typename: "Member", id: $id }]) { ... on Member { volunteerHours${range} { amount } } } }`, { id: memberId }))
      ._entities[0].volunteerHours.amount;

  it('follows every posting and reversal about a member, and only hours on expense accounts', async () => {
    const teun = demoMemberId('Tuinman Teun');
    const before = await hours(teun);
    const hoursEntry = (amount: string, key: string) => ({
      neighbourhoodId: steward.roles[0].neighbourhood,
      idempotencyKey: key,
      bookingDate: '2026-02-10',
      description: `Snoeien Lindenplein, ${amount} uur`,
      memberId: teun,
      lines: [
        { accountId: account('9100'), side: 'DEBIT', amount, unit: 'HOUR' },
        { accountId: account('9000'), side: 'CREDIT', amount, unit: 'HOUR' },
      ],
    });
    const posted = await books.post(hoursEntry('6.50', 'hours-teun-1'));
    expect(posted.__typename).toBe('PostEntrySuccess');
    expect(await hours(teun)).toBe((Number(before) + 6.5).toFixed(2));
    expect(await hours(teun, '(from: "2026-02-10", to: "2026-02-10")')).toBe('6.50');

    // Money about the member is not hours; hours between asset and income accounts are not spent hours.
    expect(
      (await books.post({ ...hoursEntry('1.00', 'hours-teun-2'), lines: [{ accountId: account('9000'), side: 'DEBIT', amount: '1.00', unit: 'HOUR' }, { accountId: account('9800'), side: 'CREDIT', amount: '1.00', unit: 'HOUR' }] }))
        .__typename,
    ).toBe('PostEntrySuccess');
    expect(await hours(teun, '(from: "2026-02-10", to: "2026-02-10")')).toBe('6.50');

    const reversal = await books.ok(
      `mutation ($input: ReverseEntryInput!) { reverseEntry(input: $input) { __typename } }`,
      { input: { entryId: posted.entry.id, reason: 'Dubbel ingevoerd', idempotencyKey: 'hours-teun-undo', bookingDate: '2026-02-10' } },
      steward,
    );
    expect(reversal.reverseEntry.__typename).toBe('ReverseEntrySuccess');
    expect(await hours(teun)).toBe(before);
    expect(await books.db.query(KEPT)).toEqual(await books.db.query(FROM_THE_LINES));
  });

  it('cannot be written directly', async () => {
    await expect(books.db.query(`INSERT INTO ledger.member_day VALUES ($1, '2026-01-01', 100)`, [demoMemberId('Oma Ria')])).rejects.toMatchObject({ constraint: 'ledger_derived' });
    await expect(books.db.query(`UPDATE ledger.member_day SET hours_minor = 0`)).rejects.toMatchObject({ constraint: 'ledger_derived' });
  });
});

describe('the member hours migration', () => {
  const name = `${process.env.DBWE_TEST_TEMPLATE}_member_hours_${process.pid}`;
  const serverUrl = () => process.env.DBWE_TEST_SERVER_URL!;
  afterAll(() => dropDatabase(serverUrl(), name));

  it('backfills every member-day of books that existed before it', async () => {
    const all = ledger.migrations as unknown[];
    const before = { ...ledger, migrations: all.slice(0, all.indexOf(MemberHours1764500000000)) } as SubgraphModule<unknown, unknown>;
    const url = await createTemplateDatabase(serverUrl(), name, [before]);
    const db = createDataSource({ url, schema: 'ledger', entities: ledger.entities, migrations: ledger.migrations, poolSize: 1 });
    await db.initialize();
    try {
      await copyDemoBooks(db);
      const expected = await db.query(FROM_THE_LINES);
      expect(expected.length).toBeGreaterThan(3);

      await migrate(db, 'ledger');
      expect(await db.query(KEPT)).toEqual(expected);
    } finally {
      await db.destroy();
    }
  });
});
