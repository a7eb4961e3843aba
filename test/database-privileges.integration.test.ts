import { Client } from 'pg';
import { ownerRole, runtimeRole, tablesOf, type SubgraphModule, type TableGrant } from '@dbwe/platform';
import { cloneTestDatabase } from '@dbwe/platform/testing';
import { allSubgraphs } from './subgraphs';

/*
 * Each subgraph declares, in its module, what its runtime role may do to
 * every table of its schema (docs/CONVENTIONS.md), and the migration runner
 * grants exactly that. A migration that adds a table without a declaration
 * fails the first test here; a grant that drifted from the declaration fails
 * the second.
 */

let database: { url: string; drop: () => Promise<void> };
let admin: Client;
beforeAll(async () => {
  database = await cloneTestDatabase();
  admin = new Client({ connectionString: database.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await database?.drop();
});

const query = async (text: string, params?: unknown[]) => (await admin.query(text, params)).rows as Record<string, unknown>[];

/** Privileges as "table PRIVILEGE" and "table.column PRIVILEGE", sorted. */
function expectedGrants(tables: Readonly<Record<string, readonly TableGrant[]>>): string[] {
  return Object.entries(tables)
    .flatMap(([table, grants]) => grants.flatMap((g) => (typeof g === 'string' ? [`${table} ${g}`] : g.UPDATE.map((column) => `${table}.${column} UPDATE`))))
    .sort();
}

describe.each((allSubgraphs as SubgraphModule<unknown, unknown>[]).map((m) => [m.name, m] as const))('%s', (name, module) => {
  it('declares privileges for every table of its schema, and for no table that is not there', async () => {
    expect(Object.keys(module.databasePrivileges.tables).sort()).toEqual(await tablesOf(query, name));
  });

  it('gives its runtime role exactly the declared privileges, and PUBLIC none', async () => {
    const held = await query(
      `SELECT c.relname || ' ' || a.privilege_type AS grant
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
        WHERE n.nspname = $1 AND a.grantee = to_regrole($2)
       UNION ALL
       SELECT c.relname || '.' || t.attname || ' ' || a.privilege_type
         FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(t.attacl) a
        WHERE n.nspname = $1 AND a.grantee = to_regrole($2)
       ORDER BY 1`,
      [name, runtimeRole(name)],
    );
    expect(held.map((r) => r.grant)).toEqual(expectedGrants(module.databasePrivileges.tables));

    const functions = await query(
      `SELECT p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS fn, a.grantee
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
        WHERE n.nspname = $1 AND a.grantee <> p.proowner ORDER BY 1`,
      [name],
    );
    const runtime = (await query(`SELECT to_regrole($1)::oid AS oid`, [runtimeRole(name)]))[0].oid;
    expect(functions.filter((f) => f.grantee === 0)).toEqual([]);
    expect(functions.map((f) => (f.grantee === runtime ? f.fn : `${f.fn} to ${f.grantee}`)).sort()).toEqual([...(module.databasePrivileges.functions ?? [])].sort());

    const schema = await query(
      `SELECT coalesce(to_regrole(a.grantee::regrole::text)::text, 'PUBLIC') AS grantee, a.privilege_type AS privilege
         FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = $1 AND a.grantee <> n.nspowner`,
      [name],
    );
    expect(schema).toEqual([{ grantee: runtimeRole(name), privilege: 'USAGE' }]);
  });

  it('belongs, with everything in it, to its owner role', async () => {
    const strangers = await query(
      `SELECT 'schema' AS kind, n.nspname AS name FROM pg_namespace n WHERE n.nspname = $1 AND n.nspowner <> to_regrole($2)
       UNION ALL SELECT 'relation', c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relowner <> to_regrole($2)
       UNION ALL SELECT 'function', p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proowner <> to_regrole($2)`,
      [name, ownerRole(name)],
    );
    expect(strangers).toEqual([]);
  });
});

describe('ledger: the trigger functions that write what the service may not', () => {
  it('run as the owner, with a search_path of their own', async () => {
    const rows = await query(
      `SELECT p.proname AS fn, p.prosecdef AS definer, p.proconfig AS config, pg_get_userbyid(p.proowner) AS owner
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'ledger' AND p.proname IN ('apply_line', 'link_entry', 'check_account', 'check_budget', 'lock_chain', 'lock_budget') ORDER BY 1`,
    );
    expect(rows).toEqual(
      ['apply_line', 'check_account', 'check_budget', 'link_entry', 'lock_budget', 'lock_chain'].map((fn) => ({
        fn,
        definer: true,
        config: ['search_path=ledger, pg_temp'],
        owner: ownerRole('ledger'),
      })),
    );
  });
});
