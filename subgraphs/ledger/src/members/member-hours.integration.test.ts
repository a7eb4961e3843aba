import type { SubgraphModule } from '@dbwe/platform';
import { createDataSource, stableId } from '@dbwe/platform';
import { createTemplateDatabase, dropDatabase, migrateAsOwner } from '@dbwe/platform/testing';
import { ledger } from '../server';
import { MemberHours1764500000000 } from '../migrations/1764500000000-member-hours';
import { account, demoMemberId, startLedger, steward, type LedgerTest } from '../testing/ledger.fixtures';

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
    books = await startLedger({ platform: true });
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

  it('cannot be written directly: not by the service, and not by a superuser either', async () => {
    await expect(books.db.query(`INSERT INTO ledger.member_day VALUES ($1, '2026-01-01', 100)`, [demoMemberId('Oma Ria')])).rejects.toThrow(
      'permission denied for table member_day',
    );
    await expect(books.db.query(`UPDATE ledger.member_day SET hours_minor = 0`)).rejects.toThrow('permission denied for table member_day');
    await expect(books.admin.query(`INSERT INTO ledger.member_day VALUES ($1, '2026-01-01', 100)`, [demoMemberId('Oma Ria')])).rejects.toMatchObject({
      constraint: 'ledger_derived',
    });
    await expect(books.admin.query(`UPDATE ledger.member_day SET hours_minor = 0`)).rejects.toMatchObject({ constraint: 'ledger_derived' });
  });
});

describe('the member hours migration', () => {
  const name = `${process.env.DBWE_TEST_TEMPLATE}_member_hours_${process.pid}`;
  const serverUrl = () => process.env.DBWE_TEST_SERVER_URL!;
  afterAll(() => dropDatabase(serverUrl(), name));

  /*
   * Books written before the migration, straight into the tables (the ledger of today cannot run on a schema that
   * old): Teun puts in 3 and then 2 hours on 5 January and 4 on 6 January; Ria 1.5 hours on 6 January, which a
   * reversal takes back; an expense in euros about Teun and hours moved between asset and income about Ria are no
   * one's volunteer hours. Expected: Teun 5.00 on the 5th and 4.00 on the 6th, Ria 0.00 on the 6th.
   */
  it('backfills every member-day of books that existed before it', async () => {
    const all = ledger.migrations as unknown[];
    const before = { ...ledger, migrations: all.slice(0, all.indexOf(MemberHours1764500000000)) } as SubgraphModule<unknown, unknown>;
    const url = await createTemplateDatabase(serverUrl(), name, [before]);
    const db = createDataSource({ url, schema: 'ledger', entities: ledger.entities, migrations: ledger.migrations, poolSize: 1 });
    await db.initialize();
    try {
      const neighbourhood = stableId('neighbourhood:member-hours-migrated');
      const [teun, ria] = [demoMemberId('Tuinman Teun'), demoMemberId('Oma Ria')];
      const accounts = { spent: stableId('account:mh:9100'), available: stableId('account:mh:9000'), pledged: stableId('account:mh:9800'), bank: stableId('account:mh:1000'), costs: stableId('account:mh:4100') };
      const hash = (n: number) => n.toString(16).repeat(64);
      // [member, booking date, debit, credit, unit, amount in hundredths, reverses the entry with this sequence]
      const entries: [string, string, string, string, string, number, number | null][] = [
        [teun, '2026-01-05', accounts.spent, accounts.available, 'HOUR', 300, null],
        [teun, '2026-01-05', accounts.spent, accounts.available, 'HOUR', 200, null],
        [teun, '2026-01-06', accounts.spent, accounts.available, 'HOUR', 400, null],
        [ria, '2026-01-06', accounts.spent, accounts.available, 'HOUR', 150, null],
        [ria, '2026-01-06', accounts.available, accounts.spent, 'HOUR', 150, 4],
        [teun, '2026-01-06', accounts.costs, accounts.bank, 'EUR', 2_500, null],
        [ria, '2026-01-07', accounts.available, accounts.pledged, 'HOUR', 100, null],
      ];
      await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ledger.chain VALUES ($1, 0, $2)`, [neighbourhood, hash(0)]);
        await tx.query(
          `INSERT INTO ledger.account (id, neighbourhood_id, code, name, type, unit) VALUES
             ($1, $6, '9100', 'Ingezette uren', 'EXPENSE', 'HOUR'), ($2, $6, '9000', 'Beschikbare uren', 'ASSET', 'HOUR'),
             ($3, $6, '9800', 'Toegezegde uren', 'INCOME', 'HOUR'), ($4, $6, '1000', 'Bank', 'ASSET', 'EUR'), ($5, $6, '4100', 'Groen', 'EXPENSE', 'EUR')`,
          [accounts.spent, accounts.available, accounts.pledged, accounts.bank, accounts.costs, neighbourhood],
        );
        for (const [i, [member, day, debit, credit, unit, amount, reverses]] of entries.entries()) {
          const sequence = i + 1;
          await tx.query(
            `INSERT INTO ledger.entry (id, neighbourhood_id, sequence, booking_date, recorded_at, description, member_id, reverses_id, previous_hash, hash)
             VALUES ($1, $2, $3, $4, '2026-01-08T12:00:00.000Z', 'before member_day', $5, $6, $7, $8)`,
            [stableId(`entry:mh:${sequence}`), neighbourhood, sequence, day, member, reverses && stableId(`entry:mh:${reverses}`), hash(sequence - 1), hash(sequence)],
          );
          await tx.query(`INSERT INTO ledger.line (entry_id, position, account_id, amount_minor, unit) VALUES ($1, 0, $2, $4, $5), ($1, 1, $3, -$4::bigint, $5)`, [
            stableId(`entry:mh:${sequence}`),
            debit,
            credit,
            amount,
            unit,
          ]);
        }
      });
      await migrateAsOwner(url, ledger as SubgraphModule<unknown, unknown>);
      const expected = [
        { member_id: teun, day: '2026-01-05', hours: '500' },
        { member_id: teun, day: '2026-01-06', hours: '400' },
        { member_id: ria, day: '2026-01-06', hours: '0' },
      ];
      expect(await db.query(KEPT)).toEqual(expected.sort((a, b) => (a.member_id + a.day < b.member_id + b.day ? -1 : 1)));
      expect(await db.query(KEPT)).toEqual(await db.query(FROM_THE_LINES));
    } finally {
      await db.destroy();
    }
  });
});
