import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ledger as ledgerModule } from '@dbwe/ledger';
import { cloneTestDatabase, startTestSubgraph } from '@dbwe/platform/testing';
import { inProcess, openBooks, overHttp, postEntry, readBooks, transfer, verifyChain } from './ledger-api';
import { auditBooks } from './audit';
import { startSubgraphProcess, stopProcess, waitFor, type ServiceProcess } from './processes';
import { startCommunityGraph, type CommunityGraph } from '../platform';

/*
 * Graceful shutdown (issue 10, item 6). Posts are held in flight by a lock on
 * the neighbourhood's chain; SIGTERM arrives; the lock is released. Every
 * post in flight must be answered and booked, the process must exit 0, and
 * nothing acknowledged may be missing afterwards.
 */
const IN_FLIGHT = 12;

describe('ledger: SIGTERM with requests in flight', () => {
  let database: { url: string; drop: () => Promise<void> };
  let ledger: ServiceProcess | undefined;
  let graph: CommunityGraph;

  beforeAll(async () => {
    database = await cloneTestDatabase();
    graph = await startCommunityGraph(database.url);
  });
  afterAll(async () => {
    await stopProcess(ledger);
    await graph?.stop();
    await database?.drop();
  });

  it('finishes the requests in flight, exits 0 and loses no acknowledged write', async () => {
    ledger = await startSubgraphProcess('ledger', database.url, { GRAPH_URL: graph.gatewayUrl });
    const call = overHttp(ledger.url);
    const n = randomUUID();
    await openBooks(call, n, graph);
    const accounts = Object.fromEntries((await readBooks(call, n)).accounts.map((a) => [a.code, a.id]));

    const locker = new Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM ledger.chain WHERE neighbourhood_id = $1 FOR UPDATE', [n]);
      const posts = Array.from({ length: IN_FLIGHT }, (_, i) =>
        postEntry(call, transfer(n, `graceful-${i}`, accounts['8000'], accounts['1000'], BigInt(1000 + i))).then(
          (result) => ({ ok: true as const, result }),
          (error: Error) => ({ ok: false as const, error: error.message }),
        ),
      );
      // Every post has reached the database and waits for the chain lock.
      await waitFor('the posts to wait for the chain lock', async () => {
        // pg_stat_activity is a snapshot per transaction: clear it to see the waits as they are now.
        await locker.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await locker.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = 'dbwe-ledger' AND wait_event_type = 'Lock'`,
        );
        return rows[0].waiting >= Math.min(IN_FLIGHT, 8);
      });
      ledger.kill('SIGTERM');
      // The process keeps serving what it has while new connections are turned away.
      await new Promise((r) => setTimeout(r, 300));
      expect(ledger.child.exitCode).toBeNull();
      await locker.query('COMMIT');

      const outcomes = await Promise.all(posts);
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      expect(outcomes.map((o) => (o.ok ? o.result.__typename : o.error))).toEqual(Array(IN_FLIGHT).fill('PostEntrySuccess'));
      expect(await ledger.exited).toEqual({ code: 0, signal: null });
    } finally {
      await locker.end();
    }

    const audit = await auditBooks(database.url, n);
    expect(audit.entries.map((e) => e.key).sort()).toEqual(Array.from({ length: IN_FLIGHT }, (_, i) => `graceful-${i}`).sort());
    expect(audit.halfWritten).toEqual([]);
    expect(audit.balanceMismatches).toEqual([]);
    expect(audit.gapless).toBe(true);

    const reader = await startTestSubgraph(ledgerModule as never, database.url);
    try {
      expect(await verifyChain(inProcess(reader), n)).toMatchObject({ valid: true, entriesChecked: IN_FLIGHT });
    } finally {
      await reader.stop();
    }
  });
});
