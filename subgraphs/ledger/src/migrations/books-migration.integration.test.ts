import { createDataSource, stableId, type SubgraphModule } from '@dbwe/platform';
import { createTemplateDatabase, dropDatabase, migrateAsOwner } from '@dbwe/platform/testing';
import { ledger } from '../server';
import { verifyChain } from '../entries/chain-verification';
import { Initial1764100000000 } from './1764100000000-initial';

/*
 * A database that already held books before the Books migration (a
 * developer's demo data): two entries sealed with a draft hash format (here
 * simply wrong hashes, linked as the chain requires), a
 * project's spending among them. After the migration the chain verifies
 * under the published format, the balances by day add up to the balances,
 * and the project is pinned to its neighbourhood.
 */
jest.setTimeout(60_000);

const NEIGHBOURHOOD = stableId('neighbourhood:migrated');
const BANK = stableId('account:migrated:bank');
const COSTS = stableId('account:migrated:costs');
const PROJECT = stableId('project:migrated');
const name = `${process.env.DBWE_TEST_TEMPLATE}_migration_${process.pid}`;
const serverUrl = () => process.env.DBWE_TEST_SERVER_URL!;

afterAll(() => dropDatabase(serverUrl(), name));

it('re-seals books written before the hash format was published and backfills what the books now keep', async () => {
  const url = await createTemplateDatabase(serverUrl(), name, [{ ...ledger, migrations: [Initial1764100000000] } as SubgraphModule<unknown, unknown>]);
  // The administrator writes the old books and reads the result; the migrations run as the schema's owner.
  const db = createDataSource({ url, schema: 'ledger', entities: ledger.entities, migrations: ledger.migrations, poolSize: 2 });
  await db.initialize();
  try {
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ledger.chain VALUES ($1, 2, $2)`, [NEIGHBOURHOOD, 'b'.repeat(64)]);
      await tx.query(
        `INSERT INTO ledger.account (id, neighbourhood_id, code, name, type, unit) VALUES ($1, $3, '1000', 'Bank', 'ASSET', 'EUR'), ($2, $3, '4000', 'Kosten', 'EXPENSE', 'EUR')`,
        [BANK, COSTS, NEIGHBOURHOOD],
      );
      // [id, sequence, booking date, previous hash, hash (draft format), project, bank movement]
      const entries: [string, number, string, string, string, string | null, number][] = [
        [stableId('entry:migrated:1'), 1, '2025-03-01', '0'.repeat(64), 'a'.repeat(64), null, 10_000],
        [stableId('entry:migrated:2'), 2, '2025-03-02', 'a'.repeat(64), 'b'.repeat(64), PROJECT, -2_500],
      ];
      for (const [id, sequence, day, previous, hash, project, bank] of entries) {
        await tx.query(
          `INSERT INTO ledger.entry (id, neighbourhood_id, sequence, booking_date, recorded_at, description, project_id, previous_hash, hash)
           VALUES ($1, $2, $3, $4, '2025-03-02T12:00:00.000Z', 'draft format', $5, $6, $7)`,
          [id, NEIGHBOURHOOD, sequence, day, project, previous, hash],
        );
        await tx.query(`INSERT INTO ledger.line (entry_id, position, account_id, amount_minor, unit) VALUES ($1, 0, $2, $3, 'EUR'), ($1, 1, $4, $5, 'EUR')`, [
          id,
          BANK,
          bank,
          COSTS,
          -bank,
        ]);
      }
    });
    await migrateAsOwner(url, ledger as SubgraphModule<unknown, unknown>);

    expect(await verifyChain(db, NEIGHBOURHOOD)).toMatchObject({ valid: true, entriesChecked: 2, headSequence: 2 });
    const days = await db.query(`SELECT account_id, day::text, net_minor::text FROM ledger.account_day ORDER BY account_id, day`);
    expect(days).toEqual(
      [
        { account_id: BANK, day: '2025-03-01', net_minor: '10000' },
        { account_id: BANK, day: '2025-03-02', net_minor: '-2500' },
        { account_id: COSTS, day: '2025-03-01', net_minor: '-10000' },
        { account_id: COSTS, day: '2025-03-02', net_minor: '2500' },
      ].sort((a, b) => (a.account_id + a.day < b.account_id + b.day ? -1 : 1)),
    );
    expect(await db.query(`SELECT project_id, neighbourhood_id FROM ledger.project_books`)).toEqual([{ project_id: PROJECT, neighbourhood_id: NEIGHBOURHOOD }]);
    // And the books are guarded from here on.
    await expect(db.query(`UPDATE ledger.entry SET description = 'x'`)).rejects.toMatchObject({ constraint: 'ledger_immutable' });
  } finally {
    await db.destroy();
  }
});
