import { createDataSource, stableId, type SubgraphModule } from '@dbwe/platform';
import { createTemplateDatabase, dropDatabase, migrateAsOwner } from '@dbwe/platform/testing';
import { ledger } from '../server';
import { Initial1764100000000 } from './1764100000000-initial';
import { Books1764200000000 } from './1764200000000-books';

/*
 * Books that existed before accounts had an updatedAt. Expected after the
 * migration: the bank and costs accounts last changed when the latest entry
 * with a line on them was recorded (5 March for both: entry 2 moved them);
 * income last changed with entry 1 (1 March); an account without lines
 * keeps its opening time; an account opened after the entries were recorded
 * (as demo books are: fixed recording times, opened today) keeps its
 * opening time. From then on any change to an account row sets updatedAt.
 */
jest.setTimeout(60_000);

const NEIGHBOURHOOD = stableId('neighbourhood:updated-at-migrated');
const BANK = stableId('account:updated-at-migrated:bank');
const COSTS = stableId('account:updated-at-migrated:costs');
const INCOME = stableId('account:updated-at-migrated:income');
const IDLE = stableId('account:updated-at-migrated:idle');
const LATE = stableId('account:updated-at-migrated:late');
const name = `${process.env.DBWE_TEST_TEMPLATE}_account_updated_${process.pid}`;
const serverUrl = () => process.env.DBWE_TEST_SERVER_URL!;

afterAll(() => dropDatabase(serverUrl(), name));

it('backfills when each account last changed from its lines, and keeps it current from then on', async () => {
  const url = await createTemplateDatabase(serverUrl(), name, [{ ...ledger, migrations: [Initial1764100000000, Books1764200000000] } as SubgraphModule<unknown, unknown>]);
  // The administrator writes the old books and reads the result; the migrations run as the schema's owner.
  const db = createDataSource({ url, schema: 'ledger', entities: ledger.entities, migrations: ledger.migrations, poolSize: 2 });
  await db.initialize();
  try {
    const hash = (n: number) => String(n).repeat(64);
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ledger.chain VALUES ($1, 0, $2)`, [NEIGHBOURHOOD, hash(0)]);
      await tx.query(
        `INSERT INTO ledger.account (id, neighbourhood_id, code, name, type, unit, created_at) VALUES
           ($1, $6, '1000', 'Bank', 'ASSET', 'EUR', '2025-01-01T00:00:00Z'),
           ($2, $6, '4000', 'Kosten', 'EXPENSE', 'EUR', '2025-01-01T00:00:00Z'),
           ($3, $6, '8000', 'Subsidie', 'INCOME', 'EUR', '2025-01-01T00:00:00Z'),
           ($4, $6, '1100', 'Kas', 'ASSET', 'EUR', '2025-02-01T00:00:00Z'),
           ($5, $6, '8200', 'Bijdragen', 'INCOME', 'EUR', '2025-04-01T00:00:00Z')`,
        [BANK, COSTS, INCOME, IDLE, LATE, NEIGHBOURHOOD],
      );
      // [sequence, recorded at, debit account, credit account, amount]
      const entries: [number, string, string, string, number][] = [
        [1, '2025-03-01T10:00:00.000Z', BANK, INCOME, 10_000],
        [2, '2025-03-05T10:00:00.000Z', COSTS, BANK, 2_500],
        [3, '2025-03-02T10:00:00.000Z', BANK, LATE, 500],
      ];
      for (const [sequence, recordedAt, debit, credit, amount] of entries) {
        const id = stableId(`entry:updated-at-migrated:${sequence}`);
        await tx.query(
          `INSERT INTO ledger.entry (id, neighbourhood_id, sequence, booking_date, recorded_at, description, previous_hash, hash)
           VALUES ($1, $2, $3, $4::timestamptz::date, $4, 'before updatedAt', $5, $6)`,
          [id, NEIGHBOURHOOD, sequence, recordedAt, hash(sequence - 1), hash(sequence)],
        );
        await tx.query(`INSERT INTO ledger.line (entry_id, position, account_id, amount_minor, unit) VALUES ($1, 0, $2, $4, 'EUR'), ($1, 1, $3, $5, 'EUR')`, [
          id,
          debit,
          credit,
          amount,
          -amount,
        ]);
      }
    });
    await migrateAsOwner(url, ledger as SubgraphModule<unknown, unknown>);

    const updatedAt = async () =>
      Object.fromEntries(
        (await db.query(`SELECT id, updated_at FROM ledger.account WHERE neighbourhood_id = $1`, [NEIGHBOURHOOD])).map((r: { id: string; updated_at: Date }) => [
          r.id,
          r.updated_at.toISOString(),
        ]),
      );
    expect(await updatedAt()).toEqual({
      [BANK]: '2025-03-05T10:00:00.000Z',
      [COSTS]: '2025-03-05T10:00:00.000Z',
      [INCOME]: '2025-03-01T10:00:00.000Z',
      [IDLE]: '2025-02-01T00:00:00.000Z',
      [LATE]: '2025-04-01T00:00:00.000Z',
    });

    // The next entry moves the bank and the cash box: those two change, now; the rest keep their time.
    const [{ before }] = await db.query(`SELECT clock_timestamp() AS before`);
    await db.transaction(async (tx) => {
      const id = stableId('entry:updated-at-migrated:4');
      await tx.query(
        `INSERT INTO ledger.entry (id, neighbourhood_id, sequence, booking_date, recorded_at, description, previous_hash, hash)
         VALUES ($1, $2, 4, '2025-03-06', '2025-03-06T10:00:00.000Z', 'after updatedAt', $3, $4)`,
        [id, NEIGHBOURHOOD, hash(3), hash(4)],
      );
      await tx.query(`INSERT INTO ledger.line (entry_id, position, account_id, amount_minor, unit) VALUES ($1, 0, $2, 100, 'EUR'), ($1, 1, $3, -100, 'EUR')`, [id, IDLE, BANK]);
    });
    const after = await updatedAt();
    for (const moved of [BANK, IDLE]) expect(new Date(after[moved]).getTime()).toBeGreaterThanOrEqual(Math.floor(before.getTime()));
    expect([after[COSTS], after[INCOME], after[LATE]]).toEqual(['2025-03-05T10:00:00.000Z', '2025-03-01T10:00:00.000Z', '2025-04-01T00:00:00.000Z']);
    // A new account starts out changed when it was opened.
    await db.query(`INSERT INTO ledger.account (id, neighbourhood_id, code, name, type, unit) VALUES ($1, $2, '4900', 'Algemeen', 'EXPENSE', 'EUR')`, [
      stableId('account:updated-at-migrated:new'),
      NEIGHBOURHOOD,
    ]);
    const [fresh] = await db.query(`SELECT updated_at = created_at AS same FROM ledger.account WHERE code = '4900' AND neighbourhood_id = $1`, [NEIGHBOURHOOD]);
    expect(fresh.same).toBe(true);
    // And the old guards still hold: a balance cannot be set by hand.
    await expect(db.query(`UPDATE ledger.account SET balance_minor = 1 WHERE id = $1`, [COSTS])).rejects.toMatchObject({ constraint: 'account_balance_from_lines' });
  } finally {
    await db.destroy();
  }
});
