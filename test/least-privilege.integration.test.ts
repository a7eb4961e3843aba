import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { stableId } from '@dbwe/platform';
import { ownerRole, runtimeRole, SUBGRAPH_SCHEMAS, type SubgraphSchema } from '@dbwe/platform';
import { cloneTestDatabase, ownerUrlFor, runtimeUrlFor, startTestSubgraph } from '@dbwe/platform/testing';
import { ledger } from '@dbwe/ledger';
import { rootOfFrontier } from '@dbwe/ledger/src/log/merkle';
import { keyId, signingKeyFromSeed } from '@dbwe/ledger/src/log/note';
import { ledgerServices } from '@dbwe/ledger/src/log/services';

/*
 * Issue 15: the services' own credentials cannot switch the database's
 * guards off. Logged in as each subgraph's runtime role, exactly as the
 * service logs in, these tests try what an attacker holding those
 * credentials would try against the demo books. PostgreSQL itself refuses
 * every attempt, with its own error, before any of our triggers is asked:
 * superuser-only settings, owner-only DDL, privileges never granted. Nothing
 * in the books changes.
 */

const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');

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

  it('cannot add a line to an entry booked earlier, which would move a balance by any amount', async () => {
    // The bank account (1000) +€1,000,000 on the fifth entry of the year: no UPDATE needed, only the INSERT posting holds.
    const { rows } = await admin.query(`SELECT e.id, a.id AS bank FROM ledger.entry e JOIN ledger.account a ON a.neighbourhood_id = e.neighbourhood_id AND a.code = '1000'
                                         WHERE e.sequence = 5 AND e.neighbourhood_id = $1`, [SPIJKERKWARTIER]);
    expect(
      await refusal(as.ledger, `INSERT INTO ledger.line (entry_id, position, account_id, amount_minor, unit) VALUES ('${rows[0].id}', 99, '${rows[0].bank}', 100000000, 'EUR')`),
    ).toBe(`entry ${rows[0].id} is booked already; its lines are booked with it, in one transaction`);
  });

  it('cannot open books with a head, a tree or another log\'s origin, for the signer to vouch for', async () => {
    const other = '00000000-0000-4000-8000-000000000042';
    const origin = `dbwe.test/books/${SPIJKERKWARTIER}`;
    expect(await refusal(as.ledger, `INSERT INTO ledger.chain (neighbourhood_id, last_sequence, last_hash, log_origin) VALUES ('${other}', 0, repeat('0', 64), '${origin}')`)).toBe(
      'new row for relation "chain" violates check constraint "chain_log_origin_names_books"',
    );
    expect(
      await refusal(as.ledger, `INSERT INTO ledger.chain (neighbourhood_id, last_sequence, last_hash, tree_size, tree_frontier) VALUES ('${other}', 0, repeat('0', 64), 1, decode(repeat('33', 32), 'hex'))`),
    ).toBe('books open empty: no entries and an empty log');
    expect(await refusal(as.ledger, `INSERT INTO ledger.chain (neighbourhood_id, last_sequence, last_hash) VALUES ('${other}', 7, repeat('a', 64))`)).toBe(
      'books open empty: no entries and an empty log',
    );
  });

  it('left the books exactly as they were: every attempt above failed before it touched a row', async () => {
    expect(await books()).toBe(before);
  });
});

describe("the log's own tables, as an attacker with the service's credentials", () => {
  const log = async () => {
    const { rows } = await admin.query(`SELECT log_origin AS origin, tree_size::int AS size, tree_frontier FROM ledger.chain WHERE neighbourhood_id = $1`, [
      SPIJKERKWARTIER,
    ]);
    return { origin: rows[0].origin as string, size: rows[0].size as number, root: rootOfFrontier(rows[0].tree_frontier) };
  };
  const note = (origin: string, size: number, root: Buffer, lines = `— ${origin} ${Buffer.alloc(68).toString('base64')}\n`) =>
    `${origin}\n${size}\n${root.toString('base64')}\n\n${lines}`;
  const insertCheckpoint = (size: number, root: Buffer, text: string) =>
    as.ledger.query(`INSERT INTO ledger.checkpoint VALUES ($1, $2, $3, $4, now())`, [SPIJKERKWARTIER, size, root, text]);
  const refused = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it('cannot store a checkpoint of a size the tree does not have, which stopped the signer for good and was served as the newest', async () => {
    const { origin, size, root } = await log();
    expect(await refused(insertCheckpoint(1_000_000, root, note(origin, 1_000_000, root)))).toBe(
      `a checkpoint of neighbourhood ${SPIJKERKWARTIER} must sign a size and root its stored log has`,
    );
    expect(await refused(insertCheckpoint(size + 1, root, note(origin, size + 1, root)))).toMatch(/must sign a size and root its stored log has$/);
  });

  it('cannot store a checkpoint of another root, or whose note says something else or carries other lines', async () => {
    const { origin, size, root } = await log();
    const other = Buffer.alloc(32, 7);
    expect(await refused(insertCheckpoint(size, other, note(origin, size, other)))).toMatch(/must sign a size and root its stored log has$/);
    expect(await refused(insertCheckpoint(size, root, note(origin, size, other)))).toMatch(/must sign a size and root its stored log has$/);
    expect(await refused(insertCheckpoint(size, root, note('evil.example/books/x', size, root)))).toMatch(/must sign a size and root its stored log has$/);
    expect(await refused(insertCheckpoint(size, root, note(origin, size, root, `— ${origin} AAAA\n— witness.example/x AAAA\n`)))).toBe(
      "a checkpoint carries only its log's signature lines",
    );
  });

  it('cannot register a witness named as the log, or one whose key ID is not of its key', async () => {
    const { origin } = await log();
    const insert = (name: string, keyId: string) =>
      as.ledger.query(
        `INSERT INTO ledger.witness (id, neighbourhood_id, name, public_key, key_id, description, registered_at)
         VALUES (gen_random_uuid(), $1, $2, decode(repeat('11', 32), 'hex'), decode($3, 'hex'), 'x', now())`,
        [SPIJKERKWARTIER, name, keyId],
      );
    const idOf = (name: string) => createHash('sha256').update(Buffer.concat([Buffer.from(name), Buffer.from([0x0a, 0x04]), Buffer.alloc(32, 0x11)])).digest().subarray(0, 4).toString('hex');
    expect(await refused(insert(origin, idOf(origin)))).toBe('a witness has the key ID of its name and key, and another name than the log');
    expect(await refused(insert('witness.example/x', '00000000'))).toBe('a witness has the key ID of its name and key, and another name than the log');
  });

  it("cannot store a cosignature line that is not its witness's: named as the log's key, it made every verifier refuse the checkpoint forever", async () => {
    const { origin, size, root } = await log();
    // A witness as registerWitness stores one, and a checkpoint the ledger could have signed (the signature is not the database's to check).
    const name = 'witness.example/gemeente';
    const witnessKeyId = createHash('sha256').update(Buffer.concat([Buffer.from(name), Buffer.from([0x0a, 0x04]), Buffer.alloc(32, 0x22)])).digest().subarray(0, 4);
    const [{ id }] = (
      await admin.query(
        `INSERT INTO ledger.witness (id, neighbourhood_id, name, public_key, key_id, description, registered_at)
         VALUES (gen_random_uuid(), $1, $2, decode(repeat('22', 32), 'hex'), $3, 'x', now()) RETURNING id`,
        [SPIJKERKWARTIER, name, witnessKeyId],
      )
    ).rows;
    await admin.query(`INSERT INTO ledger.checkpoint VALUES ($1, $2, $3, $4, now()) ON CONFLICT DO NOTHING`, [SPIJKERKWARTIER, size, root, note(origin, size, root)]);
    const logKeyId = keyId(origin, 0x01, signingKeyFromSeed(ledgerServices.testEnv!.LEDGER_SIGNING_KEY).publicKey);
    const cosign = (line: string, at = 'to_timestamp(0)') =>
      as.ledger.query(`INSERT INTO ledger.cosignature VALUES ($1, $2, $3, ${at}, $4, now())`, [SPIJKERKWARTIER, size, id, line]);
    // Key ID, a timestamp of 0 (1970-01-01) and a signature of zeros.
    const body = (key: Buffer) => Buffer.concat([key, Buffer.alloc(72)]).toString('base64');
    expect(await refused(cosign(`— ${origin} ${body(logKeyId)}\n`))).toBe("a cosignature line carries its witness's name and key ID, a timestamp and a signature");
    expect(await refused(cosign(`— ${name} ${body(logKeyId)}\n`))).toBe("a cosignature line carries its witness's name and key ID, a timestamp and a signature");
    expect(await refused(cosign(`— ${name} ${body(witnessKeyId)}\n— ${origin} ${body(logKeyId)}\n`))).toBe(
      "a cosignature line carries its witness's name and key ID, a timestamp and a signature",
    );
    // Served with another time than the one in the line.
    expect(await refused(cosign(`— ${name} ${body(witnessKeyId)}\n`, 'now()'))).toBe("a cosignature line carries its witness's name and key ID, a timestamp and a signature");
    // The rest is the signature, which the database cannot check: a line of the right shape is stored (chainVerification
    // reports that it does not verify).
    await cosign(`— ${name} ${body(witnessKeyId)}\n`);
  });

  /*
   * Were the service's role allowed to retire keys, its credentials could retire the key in use: every verifier
   * would then call the honest books invalid ("the key is retired") and the ledger would refuse to start with it.
   * Keys are recorded and retired only by the ledger's start-up step that runs as the owner (registerSigningKeys);
   * the service reads them.
   */
  it('cannot record, retire or remove a signing key, not even the one the ledger signs with', async () => {
    const key = signingKeyFromSeed(ledgerServices.testEnv!.LEDGER_SIGNING_KEY).publicKey;
    const [{ n }] = (await admin.query(`SELECT count(*)::int AS n FROM ledger.signing_key WHERE public_key = $1 AND retired_at IS NULL`, [key])).rows;
    expect(n).toBe(1);
    const denied = 'permission denied for table signing_key';
    expect(await refused(as.ledger.query(`UPDATE ledger.signing_key SET retired_at = now() WHERE public_key = $1`, [key]))).toBe(denied);
    expect(await refused(as.ledger.query(`DELETE FROM ledger.signing_key WHERE public_key = $1`, [key]))).toBe(denied);
    expect(await refused(as.ledger.query(`INSERT INTO ledger.signing_key (public_key, first_used_at) VALUES (decode(repeat('33', 32), 'hex'), now())`))).toBe(denied);
    expect((await as.ledger.query(`SELECT retired_at FROM ledger.signing_key WHERE public_key = $1`, [key])).rows).toEqual([{ retired_at: null }]);
  });

  it('cannot bring back a retired signing key or witness', async () => {
    await admin.query(`INSERT INTO ledger.signing_key VALUES (decode(repeat('44', 32), 'hex'), now() - interval '1 year', now() - interval '1 day')`);
    // Keys are retired by the owner's start-up step; not even that brings one back.
    const owner = new Client({ connectionString: ownerUrlFor(database.url, 'ledger') });
    await owner.connect();
    try {
      expect(await refused(owner.query(`UPDATE ledger.signing_key SET retired_at = NULL WHERE retired_at IS NOT NULL`))).toMatch(/^a retired signing_key stays retired as of /);
      expect(await refused(owner.query(`UPDATE ledger.signing_key SET retired_at = now() + interval '10 years' WHERE retired_at IS NOT NULL`))).toMatch(
        /^a retired signing_key stays retired as of /,
      );
    } finally {
      await owner.end();
    }
    const name = 'witness.example/oud';
    const witnessKeyId = createHash('sha256').update(Buffer.concat([Buffer.from(name), Buffer.from([0x0a, 0x04]), Buffer.alloc(32, 0x55)])).digest().subarray(0, 4);
    await admin.query(
      `INSERT INTO ledger.witness (id, neighbourhood_id, name, public_key, key_id, description, registered_at, retired_at)
       VALUES (gen_random_uuid(), $1, $2, decode(repeat('55', 32), 'hex'), $3, 'x', now() - interval '1 year', now() - interval '1 day')`,
      [SPIJKERKWARTIER, name, witnessKeyId],
    );
    expect(await refused(as.ledger.query(`UPDATE ledger.witness SET retired_at = NULL WHERE name = $1`, [name]))).toMatch(/^a retired witness stays retired as of /);
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
