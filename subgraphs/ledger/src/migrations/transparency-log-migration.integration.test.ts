import { createDataSource, type SubgraphModule } from '@dbwe/platform';
import { createTemplateDatabase, dropDatabase, migrateAsOwner } from '@dbwe/platform/testing';
import { ledger } from '../server';
import { TransparencyLog1765000000000 } from './1765000000000-transparency-log';
import { verifyChain } from '../entries/chain-verification';
import { leafHash, nodeHash } from '../log/merkle';
import { rootAt } from '../log/log-store';
import { SPIJKERKWARTIER } from '../testing/ledger.fixtures';
import { copyDemoBooks } from '../testing/old-books';
import { DEFAULT_CHART } from '../accounts/default-chart';

/*
 * Books kept before the books became a transparency log: the Spijkerkwartier
 * demo year (the template chart's accounts, budget revisions, entries). Expected after the
 * migration: one leaf per account (version 1), then per budget revision in
 * the order recorded, then per entry in sequence order; every record knows
 * its leaf; the stored tree's root is the root of those leaves; and the
 * server's full verification (chain, log, stored totals) finds nothing wrong.
 */
jest.setTimeout(60_000);

const name = `${process.env.DBWE_TEST_TEMPLATE}_transparency_log_${process.pid}`;
const serverUrl = () => process.env.DBWE_TEST_SERVER_URL!;
afterAll(() => dropDatabase(serverUrl(), name));

it('gives books that existed before it their log: accounts, then budget revisions, then entries', async () => {
  const all = ledger.migrations as unknown[];
  const before = { ...ledger, migrations: all.slice(0, all.indexOf(TransparencyLog1765000000000)) } as SubgraphModule<unknown, unknown>;
  const url = await createTemplateDatabase(serverUrl(), name, [before]);
  const db = createDataSource({ url, schema: 'ledger', entities: ledger.entities, migrations: ledger.migrations, poolSize: 2 });
  await db.initialize();
  try {
    await copyDemoBooks(db);
    const [{ updated }] = await db.query(`SELECT max(updated_at) AS updated FROM ledger.account`);
    await migrateAsOwner(url, ledger as SubgraphModule<unknown, unknown>);

    const [counts] = await db.query(
      `SELECT (SELECT count(*)::int FROM ledger.account) AS accounts, (SELECT count(*)::int FROM ledger.budget_revision) AS revisions,
              (SELECT count(*)::int FROM ledger.entry) AS entries, (SELECT tree_size::int FROM ledger.chain WHERE neighbourhood_id = $1) AS size`,
      [SPIJKERKWARTIER],
    );
    expect(counts.accounts).toBe(DEFAULT_CHART.length);
    expect(counts.revisions).toBeGreaterThan(0);
    expect(counts.size).toBe(counts.accounts + counts.revisions + counts.entries);
    const leaves: { leaf_index: string; kind: string; data: string }[] = await db.query(
      `SELECT leaf_index, kind, data FROM ledger.log_leaf WHERE neighbourhood_id = $1 ORDER BY leaf_index`,
      [SPIJKERKWARTIER],
    );
    expect(leaves.map((l) => l.kind)).toEqual([
      ...Array(counts.accounts).fill('ACCOUNT'),
      ...Array(counts.revisions).fill('BUDGET_REVISION'),
      ...Array(counts.entries).fill('ENTRY'),
    ]);
    const entries: { sequence: number; hash: string; leaf_index: string }[] = await db.query(`SELECT sequence, hash, leaf_index FROM ledger.entry ORDER BY sequence`);
    for (const e of entries) expect(leaves[Number(e.leaf_index)].data).toBe(JSON.stringify(['dbwe-entry-leaf-v1', e.sequence, e.hash]));
    const accounts: { version: number; leaf_index: string | null }[] = await db.query(`SELECT version, leaf_index FROM ledger.account`);
    expect(accounts.every((a) => a.version === 1 && a.leaf_index !== null)).toBe(true);

    // The stored tree is the tree of these leaves, and getting a version did not count as a change for sync.
    const mth = (h: Buffer[]): Buffer => {
      if (h.length === 1) return h[0];
      let k = 1;
      while (k * 2 < h.length) k *= 2;
      return nodeHash(mth(h.slice(0, k)), mth(h.slice(k)));
    };
    expect((await rootAt(db.manager, SPIJKERKWARTIER, counts.size)).equals(mth(leaves.map((l) => leafHash(l.data))))).toBe(true);
    const [{ updated: after }] = await db.query(`SELECT max(updated_at) AS updated FROM ledger.account`);
    expect(after).toEqual(updated);

    expect(await verifyChain(db, SPIJKERKWARTIER)).toMatchObject({ valid: true, logValid: true, derivedTotalsValid: true });
  } finally {
    await db.destroy();
  }
});
