import { Client } from 'pg';
import { ownerRole, runtimeRole, SUBGRAPH_SCHEMAS, type SubgraphSchema } from '@dbwe/platform';
import { cloneTestDatabase, runtimeUrlFor, startTestSubgraph } from '@dbwe/platform/testing';
import { ledger } from '@dbwe/ledger';

/*
 * Issue 15: the services' own credentials cannot switch the database's
 * guards off. Logged in as each subgraph's runtime role, exactly as the
 * service logs in, these tests try what an attacker holding those
 * credentials would try against the demo books. PostgreSQL itself refuses
 * every attempt, with its own error, before any of our triggers is asked:
 * superuser-only settings, owner-only DDL, privileges never granted. Nothing
 * in the books changes.
 */

let database: { url: string; drop: () => Promise<void> };
const as = {} as Record<SubgraphSchema, Client>;
let admin: Client;

beforeAll(async () => {
  database = await cloneTestDatabase();
  // The demo books: a year of the Spijkerkwartier's entries, budgets and revisions.
  const seeded = await startTestSubgraph(ledger, database.url, { seed: true });
  await seeded.stop();
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

/** PostgreSQL's message refusing the statement; fails the test if it was accepted. */
async function refusal(client: Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted: ${sql}`);
}

/** What an attacker would want to change: every booked row, the balances, the day totals and the chain heads. */
async function books(): Promise<string> {
  const { rows } = await admin.query(`
    SELECT md5(string_agg(x, '|' ORDER BY x)) AS fingerprint FROM (
      SELECT 'e' || e::text AS x FROM ledger.entry e UNION ALL SELECT 'l' || l::text FROM ledger.line l
      UNION ALL SELECT 'a' || a::text FROM ledger.account a UNION ALL SELECT 'c' || c::text FROM ledger.chain c
      UNION ALL SELECT 'd' || d::text FROM ledger.account_day d UNION ALL SELECT 'p' || p::text FROM ledger.project_day p
      UNION ALL SELECT 'm' || m::text FROM ledger.member_day m UNION ALL SELECT 'b' || b::text FROM ledger.budget b
      UNION ALL SELECT 'r' || r::text FROM ledger.budget_revision r UNION ALL SELECT 'k' || k::text FROM ledger.project_books k) rows`);
  return rows[0].fingerprint;
}

describe("the ledger's runtime role (dbwe_ledger), as an attacker with the service's credentials", () => {
  let before: string;
  beforeAll(async () => {
    before = await books();
    const { rows } = await admin.query('SELECT count(*)::int AS n FROM ledger.entry');
    expect(rows[0].n).toBeGreaterThan(20);
  });

  it('cannot set session_replication_role = replica, which would silence every trigger', async () => {
    expect(await refusal(as.ledger, 'SET session_replication_role = replica')).toBe('permission denied to set parameter "session_replication_role"');
    expect(await refusal(as.ledger, `SELECT set_config('session_replication_role', 'replica', false)`)).toBe(
      'permission denied to set parameter "session_replication_role"',
    );
  });

  it('cannot disable, drop or replace the triggers and trigger functions that guard the books', async () => {
    expect(await refusal(as.ledger, 'ALTER TABLE ledger.entry DISABLE TRIGGER entry_immutable')).toBe('must be owner of table entry');
    expect(await refusal(as.ledger, 'ALTER TABLE ledger.line DISABLE TRIGGER ALL')).toBe('must be owner of table line');
    expect(await refusal(as.ledger, 'ALTER TABLE ledger.budget_revision DISABLE TRIGGER budget_revision_immutable')).toBe('must be owner of table budget_revision');
    expect(await refusal(as.ledger, 'DROP TRIGGER entry_immutable ON ledger.entry')).toBe('must be owner of relation entry');
    expect(await refusal(as.ledger, 'DROP TRIGGER line_apply ON ledger.line')).toBe('must be owner of relation line');
    expect(await refusal(as.ledger, 'DROP FUNCTION ledger.refuse_change() CASCADE')).toBe('must be owner of function ledger.refuse_change');
    expect(await refusal(as.ledger, `CREATE OR REPLACE FUNCTION ledger.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`)).toBe(
      'permission denied for schema ledger',
    );
    expect(await refusal(as.ledger, 'ALTER FUNCTION ledger.apply_line() SECURITY INVOKER')).toBe('must be owner of function ledger.apply_line');
    expect(await refusal(as.ledger, 'CREATE TRIGGER skip BEFORE UPDATE ON ledger.entry FOR EACH ROW EXECUTE FUNCTION ledger.touch_account()')).toBe(
      'permission denied for table entry',
    );
  });

  it.each([
    ['UPDATE', 'entry', `UPDATE ledger.entry SET description = 'rewritten'`],
    ['DELETE', 'entry', `DELETE FROM ledger.entry WHERE sequence = (SELECT max(sequence) FROM ledger.entry)`],
    ['TRUNCATE', 'entry', `TRUNCATE ledger.entry CASCADE`],
    ['UPDATE', 'line', `UPDATE ledger.line SET amount_minor = amount_minor * 2`],
    ['DELETE', 'line', `DELETE FROM ledger.line`],
    ['TRUNCATE', 'line', `TRUNCATE ledger.line`],
    ['UPDATE', 'budget_revision', `UPDATE ledger.budget_revision SET amount_minor = amount_minor + 100000`],
    ['DELETE', 'budget_revision', `DELETE FROM ledger.budget_revision`],
    ['UPDATE', 'budget', `UPDATE ledger.budget SET period_end = '2030-12-31'`],
    ['DELETE', 'budget', `DELETE FROM ledger.budget`],
    ['UPDATE', 'account', `UPDATE ledger.account SET type = 'ASSET' WHERE type = 'EXPENSE'`],
  ])('cannot %s booked rows of ledger.%s', async (_verb, table, sql) => {
    expect(await refusal(as.ledger, sql)).toBe(`permission denied for table ${table}`);
  });

  it.each([
    ['a balance', 'account', `UPDATE ledger.account SET balance_minor = balance_minor + 100000000`],
    ['a day total', 'account_day', `UPDATE ledger.account_day SET net_minor = 0`],
    ['a day total', 'account_day', `INSERT INTO ledger.account_day SELECT id, '2026-06-01', 100000000 FROM ledger.account LIMIT 1`],
    ['a day total', 'account_day', `DELETE FROM ledger.account_day`],
    ["a project's spending", 'project_day', `UPDATE ledger.project_day SET net_minor = net_minor * 2`],
    ["a project's spending", 'project_day', `DELETE FROM ledger.project_day`],
    ["a member's hours", 'member_day', `UPDATE ledger.member_day SET hours_minor = 0`],
    ["a member's hours", 'member_day', `INSERT INTO ledger.member_day VALUES (gen_random_uuid(), '2026-06-01', 100)`],
    ['the chain head (rewinding it)', 'chain', `UPDATE ledger.chain SET last_sequence = last_sequence - 1`],
    ['the chain head', 'chain', `DELETE FROM ledger.chain`],
    ['the project books', 'project_books', `UPDATE ledger.project_books SET neighbourhood_id = gen_random_uuid()`],
    ['the project books', 'project_books', `INSERT INTO ledger.project_books VALUES (gen_random_uuid(), gen_random_uuid())`],
  ])('cannot write %s directly (ledger.%s)', async (_what, table, sql) => {
    expect(await refusal(as.ledger, sql)).toBe(`permission denied for table ${table}`);
  });

  it('cannot make itself more than it is: no owner role, no new roles, no objects of its own', async () => {
    expect(await refusal(as.ledger, `SET ROLE ${ownerRole('ledger')}`)).toBe(`permission denied to set role "${ownerRole('ledger')}"`);
    expect(await refusal(as.ledger, 'CREATE ROLE helper')).toBe('permission denied to create role');
    expect(await refusal(as.ledger, 'ALTER TABLE ledger.entry OWNER TO dbwe_ledger')).toBe('must be owner of table entry');
    expect(await refusal(as.ledger, 'CREATE TABLE ledger.shadow (id int)')).toBe('permission denied for schema ledger');
    expect(await refusal(as.ledger, 'CREATE TEMPORARY TABLE account (id int)')).toMatch(/^permission denied to create temporary tables in database /);
    // The helper the owner's triggers use is not the service's to call.
    expect(await refusal(as.ledger, `SELECT ledger.pin_project(gen_random_uuid(), gen_random_uuid())`)).toBe('permission denied for function pin_project');
    // Granting itself a privilege it lacks grants nothing.
    await as.ledger.query('GRANT UPDATE ON ledger.entry TO dbwe_ledger');
    expect(await refusal(as.ledger, `UPDATE ledger.entry SET description = 'rewritten'`)).toBe('permission denied for table entry');
  });

  it('left the books exactly as they were: every attempt above failed before it touched a row', async () => {
    expect(await books()).toBe(before);
  });
});

describe('the other subgraphs: their public records stay as written', () => {
  it.each([
    ['projects', 'project_event', `UPDATE projects.project_event SET reason = 'rewritten'`],
    ['projects', 'project_event', `DELETE FROM projects.project_event`],
    ['projects', 'bid_event', `UPDATE projects.bid_event SET rationale = 'rewritten'`],
    ['projects', 'project', `UPDATE projects.project SET neighbourhood_id = gen_random_uuid()`],
    ['projects', 'bid', `UPDATE projects.bid SET created_by = gen_random_uuid()`],
    ['community', 'member', `DELETE FROM community.member`],
    ['community', 'member', `UPDATE community.member SET neighbourhood_id = gen_random_uuid()`],
    ['community', 'wish', `UPDATE community.wish SET title = 'rewritten'`],
    ['community', 'poll_allocation', `UPDATE community.poll_allocation SET points = 1000`],
    ['impact', 'analysis', `DELETE FROM impact.analysis`],
    ['impact', 'analysis', `UPDATE impact.analysis SET project_id = gen_random_uuid()`],
    ['impact', 'measurement', `UPDATE impact.measurement SET value = 1`],
  ] as const)('%s cannot change %s beyond what the service does: %s', async (subgraph, table, sql) => {
    expect(await refusal(as[subgraph], sql)).toBe(`permission denied for table ${table}`);
  });

  it.each(SUBGRAPH_SCHEMAS.map((s) => [s]))('%s cannot set session_replication_role or switch its triggers off', async (subgraph) => {
    expect(await refusal(as[subgraph], 'SET session_replication_role = replica')).toBe('permission denied to set parameter "session_replication_role"');
    const { rows } = await admin.query(`SELECT c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY 1 LIMIT 1`, [subgraph]);
    expect(await refusal(as[subgraph], `ALTER TABLE ${subgraph}.${rows[0].table} DISABLE TRIGGER ALL`)).toBe(`must be owner of table ${rows[0].table}`);
  });
});

describe("no subgraph reads another's tables: PostgreSQL refuses, not only the convention", () => {
  const pairs = SUBGRAPH_SCHEMAS.flatMap((reader) => SUBGRAPH_SCHEMAS.filter((owner) => owner !== reader).map((owner) => [reader, owner] as const));

  it.each(pairs)('%s cannot read the %s schema', async (reader, owner) => {
    const { rows } = await admin.query(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [owner]);
    expect(rows.length).toBeGreaterThan(1);
    for (const { t } of rows) expect(await refusal(as[reader], `SELECT * FROM ${owner}.${t} LIMIT 1`)).toBe(`permission denied for schema ${owner}`);
  });

  it.each(SUBGRAPH_SCHEMAS.map((s) => [s]))('%s reads every table of its own schema but the migrations table, which is the owner\'s', async (subgraph) => {
    const { rows: tables } = await admin.query(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'migrations'`, [subgraph]);
    for (const { t } of tables) await as[subgraph].query(`SELECT * FROM ${subgraph}.${t} LIMIT 1`);
    expect(await refusal(as[subgraph], `SELECT * FROM ${subgraph}.migrations`)).toBe('permission denied for table migrations');
  });
});

describe('the runtime roles themselves', () => {
  it.each(SUBGRAPH_SCHEMAS.map((s) => [runtimeRole(s)]))('%s logs in, holds no special attribute, is a member of no role and owns nothing', async (role) => {
    const { rows } = await admin.query(
      `SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
              (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships,
              (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS relations,
              (SELECT count(*)::int FROM pg_proc p WHERE p.proowner = r.oid) AS functions,
              (SELECT count(*)::int FROM pg_namespace n WHERE n.nspowner = r.oid) AS schemas
         FROM pg_roles r WHERE rolname = $1`,
      [role],
    );
    expect(rows).toEqual([
      { rolcanlogin: true, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false, memberships: 0, relations: 0, functions: 0, schemas: 0 },
    ]);
  });
});
