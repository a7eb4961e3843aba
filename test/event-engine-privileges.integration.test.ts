import { Client } from 'pg';
import { EVENTS_OWNER_ROLE, runtimeRole, SUBGRAPH_SCHEMAS, type SubgraphSchema } from '@dbwe/platform';
import { cloneTestDatabase, runtimeUrlFor, startTestSubgraph } from '@dbwe/platform/testing';
import { community } from '@dbwe/community';
import { memberViewer, SPIJKERKWARTIER } from '../subgraphs/community/src/testing/community.fixtures';

/*
 * Domain events (docs/events.md), as the database enforces them. The
 * engine's schema `events` belongs to a role that cannot log in; the
 * runtime roles move jobs and read queues, and create or subscribe only the
 * queues named after themselves, through the owner's functions. Recorded
 * events are facts: the runtime roles only insert them, and nobody changes
 * one. Every refusal is PostgreSQL's own.
 */

let database: { url: string; drop: () => Promise<void> };
const as = {} as Record<SubgraphSchema, Client>;
let admin: Client;

beforeAll(async () => {
  database = await cloneTestDatabase();
  for (const subgraph of SUBGRAPH_SCHEMAS) {
    as[subgraph] = new Client({ connectionString: runtimeUrlFor(database.url, subgraph) });
    await as[subgraph].connect();
  }
  admin = new Client({ connectionString: database.url });
  await admin.connect();
});

afterAll(async () => {
  for (const client of [...Object.values(as), admin]) await client?.end().catch(() => undefined);
  await database?.drop();
});

async function refusal(client: Client, sql: string, params?: unknown[]): Promise<string> {
  try {
    await client.query(sql, params);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted: ${sql}`);
}

describe('the event engine schema', () => {
  it('belongs, with everything in it, to dbwe_events_owner, which cannot log in', async () => {
    const { rows: strangers } = await admin.query(
      `SELECT 'schema' AS kind, nspname AS name FROM pg_namespace WHERE nspname = 'events' AND nspowner <> to_regrole($1)
       UNION ALL SELECT 'relation', c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'events' AND c.relowner <> to_regrole($1)
       UNION ALL SELECT 'function', p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'events' AND p.proowner <> to_regrole($1)`,
      [EVENTS_OWNER_ROLE],
    );
    expect(strangers).toEqual([]);
    const { rows } = await admin.query(`SELECT rolcanlogin, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = $1`, [EVENTS_OWNER_ROLE]);
    expect(rows).toEqual([{ rolcanlogin: false, rolsuper: false, rolcreaterole: false }]);
  });

  it('gives every runtime role the same few privileges, and PUBLIC none', async () => {
    const { rows } = await admin.query(
      `SELECT coalesce(r.rolname, 'PUBLIC') AS grantee, c.relname || ' ' || a.privilege_type AS grant
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
        WHERE n.nspname = 'events' AND a.grantee <> c.relowner
       UNION ALL
       SELECT coalesce(r.rolname, 'PUBLIC'), c.relname || '.' || t.attname || ' ' || a.privilege_type
         FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(t.attacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
        WHERE n.nspname = 'events'
       UNION ALL
       SELECT coalesce(r.rolname, 'PUBLIC'), p.proname || '() EXECUTE'
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a LEFT JOIN pg_roles r ON r.oid = a.grantee
        WHERE n.nspname = 'events' AND a.grantee <> p.proowner
       ORDER BY 1, 2`,
    );
    const expected = [
      'archive DELETE', 'archive INSERT', 'archive SELECT', 'archive UPDATE',
      'dbwe_ensure_queue() EXECUTE', 'dbwe_subscribe() EXECUTE',
      'job DELETE', 'job INSERT', 'job SELECT', 'job UPDATE',
      'queue SELECT', 'subscription SELECT',
      'version SELECT', 'version.cron_on UPDATE', 'version.maintained_on UPDATE', 'version.monitored_on UPDATE',
    ];
    for (const subgraph of SUBGRAPH_SCHEMAS) {
      expect([subgraph, rows.filter((r) => r.grantee === runtimeRole(subgraph)).map((r) => r.grant).sort()]).toEqual([subgraph, expected.sort()]);
    }
    expect(rows.filter((r) => !SUBGRAPH_SCHEMAS.map(runtimeRole).includes(r.grantee))).toEqual([]);
  });

  it("lets a runtime role create only its own subgraph's queues, and never through pg-boss's create_queue", async () => {
    const options = JSON.stringify({ policy: 'standard', retryLimit: 1, retryDelay: 1, retryBackoff: true, expireInSeconds: 5, retentionMinutes: 60, deadLetter: null });
    await as.impact.query(`SELECT events.dbwe_ensure_queue('impact.own-test', $1)`, [options]);
    expect(await refusal(as.impact, `SELECT events.dbwe_ensure_queue('community.from-projects', $1)`, [options])).toMatch(/may only use queues named impact\./);
    expect(await refusal(as.impact, `SELECT events.dbwe_subscribe('dbwe.ledger', 'community.from-projects')`)).toMatch(/may only use queues named impact\./);
    expect(await refusal(as.impact, `SELECT events.create_queue('impact.sneaky', $1::json)`, [options])).toMatch(/permission denied for function create_queue/);
    expect(await refusal(as.impact, `INSERT INTO events.subscription (event, name) VALUES ('dbwe.ledger', 'impact.own-test')`)).toMatch(/permission denied for table subscription/);
    expect(await refusal(as.impact, `DROP TABLE events.job`)).toMatch(/must be owner of (table|relation) job/);
    expect(await refusal(as.impact, `CREATE TABLE events.extra (x int)`)).toMatch(/permission denied for schema events/);
    const { rows } = await admin.query(`SELECT name FROM events.queue WHERE name LIKE 'impact.%' ORDER BY name`);
    expect(rows).toEqual([{ name: 'impact.own-test' }]);
  });
});

describe("a subgraph's outbox", () => {
  it('takes new events from its runtime role and nothing else, and no one rewrites one', async () => {
    const subgraph = await startTestSubgraph(community, database.url, { seed: true, env: { EVENTS_DELIVERY: 'false' } });
    try {
      const posted = await subgraph.execute<any>(
        `mutation ($input: PostWishInput!) { postWish(input: $input) { __typename } }`,
        { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Een bankje bij de bushalte', description: '', themeIds: [] } },
        memberViewer('Fietsende Fenna'),
      );
      expect(posted.data?.postWish.__typename).toBe('PostWishSuccess');
      const { rows } = await admin.query(`SELECT id, type, sequence::int AS sequence FROM community.event_outbox`);
      expect(rows).toEqual([{ id: expect.any(String), type: 'nl.dbwe.community.wish.posted', sequence: 1 }]);
      const id = rows[0].id;
      expect(await refusal(as.community, `UPDATE community.event_outbox SET data = '{}' WHERE id = $1`, [id])).toMatch(/permission denied for table event_outbox/);
      expect(await refusal(as.community, `DELETE FROM community.event_outbox WHERE id = $1`, [id])).toMatch(/permission denied for table event_outbox/);
      expect(await refusal(as.community, `UPDATE community.event_sequence SET last_sequence = 0`)).toMatch(/permission denied for table event_sequence/);
      // Not even the owner (or a superuser, short of dropping the trigger) changes what was recorded.
      expect(await refusal(admin, `UPDATE community.event_outbox SET data = '{}' WHERE id = $1`, [id])).toMatch(/recorded events are not changed/);
      expect(await refusal(admin, `DELETE FROM community.event_outbox WHERE id = $1`, [id])).toMatch(/recorded events are not deleted/);
      // Marking published is the one change, through the owner's function.
      const marked = await as.community.query(`SELECT community.mark_events_published($1::uuid[]) AS n`, [[id]]);
      expect(marked.rows[0].n).toBe(1);
      expect(await refusal(as.ledger, `SELECT * FROM community.event_outbox`)).toMatch(/permission denied for schema community/);
    } finally {
      await subgraph.stop();
    }
  });

  it('records nothing with EVENTS_RECORDING=false (benchmark comparisons only)', async () => {
    const before = (await admin.query(`SELECT count(*)::int AS n FROM community.event_outbox`)).rows[0].n;
    const subgraph = await startTestSubgraph(community, database.url, { env: { EVENTS_RECORDING: 'false', EVENTS_DELIVERY: 'false' } });
    try {
      const posted = await subgraph.execute<any>(
        `mutation ($input: PostWishInput!) { postWish(input: $input) { __typename } }`,
        { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Nog een bankje', description: '', themeIds: [] } },
        memberViewer('Fietsende Fenna'),
      );
      expect(posted.data?.postWish.__typename).toBe('PostWishSuccess');
      expect((await admin.query(`SELECT count(*)::int AS n FROM community.event_outbox`)).rows[0].n).toBe(before);
    } finally {
      await subgraph.stop();
    }
  });
});
