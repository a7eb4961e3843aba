import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { SubgraphModule } from '../src/subgraph';
import { createDataSource, migrate, type MigrationReport } from '../src/database';
import { databaseAccessStatements, ownerRole, platformRoles, provisionDatabaseRoles, quoteIdentifier, runtimeRole, withCredentials, type SubgraphSchema } from '../src/database-roles';

/**
 * The password of every platform role on a test server. Role passwords are
 * the cluster's, shared by every test run on it (on CI, the machine's
 * PostgreSQL), so they are the same for all runs: never point the tests at a
 * server whose dbwe_* roles serve an installation.
 */
export const TEST_ROLE_PASSWORD = 'dbwe-test-role-password';

export function testRolePasswords(subgraphs?: readonly SubgraphSchema[]): Record<string, string> {
  return Object.fromEntries(platformRoles(subgraphs).map((role) => [role.name, TEST_ROLE_PASSWORD]));
}

/** A test database as the subgraph's runtime role sees it: what the service runs with. */
export function runtimeUrlFor(adminUrl: string, subgraph: SubgraphSchema): string {
  return withCredentials(adminUrl, runtimeRole(subgraph), TEST_ROLE_PASSWORD);
}

/** A test database as the owner of the subgraph's schema: what migrations run with. */
export function ownerUrlFor(adminUrl: string, subgraph: SubgraphSchema): string {
  return withCredentials(adminUrl, ownerRole(subgraph), TEST_ROLE_PASSWORD);
}

/** Replaces the database name in a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(serverUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a database set up as an installation is (the roles, each schema
 * owned by its owner role) and runs every module's migrations into it as
 * the owners, which grants the runtime roles their declared privileges: the
 * template each test copies (copies keep owners and grants). Returns the
 * database's URL with the server URL's (administrator's) credentials.
 */
export async function createTemplateDatabase(serverUrl: string, name: string, modules: SubgraphModule<unknown, unknown>[]): Promise<string> {
  await admin(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  const subgraphs = modules.map((m) => m.name);
  await provisionDatabaseRoles(serverUrl, { database: name, passwords: testRolePasswords(subgraphs), subgraphs });
  const url = withDatabase(serverUrl, name);
  for (const module of modules) await migrateAsOwner(url, module);
  return url;
}

/** Runs a module's pending migrations on a test database as its schema's owner, as a subgraph starting up does. */
export async function migrateAsOwner(adminUrl: string, module: SubgraphModule<unknown, unknown>): Promise<MigrationReport> {
  const db = createDataSource({ url: ownerUrlFor(adminUrl, module.name), schema: module.name, entities: module.entities, migrations: module.migrations, poolSize: 1 });
  return migrate(db, module.name, module.databasePrivileges);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/**
 * A fresh, migrated database for one test file, copied from the template
 * that global setup made. Returns its URL (as the administrator: a
 * superuser, who plays the operator with database access) and a function
 * that drops it.
 */
export async function cloneTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.DBWE_TEST_SERVER_URL;
  const template = process.env.DBWE_TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error('the jest global setup did not run (DBWE_TEST_SERVER_URL is not set)');
  // A module-level counter would start again in every test file (jest loads modules per file), and a copy a failed
  // file left behind would then block the next one: random, so no two copies share a name.
  const name = `${template}_w${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await admin(serverUrl, async (c) => {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        // A copy keeps the template's owners and grants but not who may connect to the database itself.
        for (const statement of databaseAccessStatements(quoteIdentifier(name))) await c.query(statement);
      });
      break;
    } catch (error) {
      // Two workers copying the same template at once can collide briefly.
      if (attempt >= 20 || !String(error).includes('is being accessed by other users')) throw error;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
  return { url: withDatabase(serverUrl, name), drop: () => dropDatabase(serverUrl, name) };
}

/**
 * A database as installations were before the platform had its roles: every
 * module migrated (and its demo data loaded, when asked) by the superuser,
 * who owns everything. Returns its URL, with the server URL's credentials.
 */
export async function createSuperuserInstallation(serverUrl: string, name: string, modules: SubgraphModule<unknown, unknown>[], options: { seed?: boolean } = {}): Promise<string> {
  await admin(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  const url = withDatabase(serverUrl, name);
  for (const module of modules) {
    const db = createDataSource({ url, schema: module.name, entities: module.entities, migrations: module.migrations, poolSize: 2 });
    await db.initialize();
    try {
      await migrate(db, module.name);
      if (options.seed) await module.seedDemo(db);
    } finally {
      await db.destroy();
    }
  }
  return url;
}

/**
 * Who owns what and who may do what in the subgraphs' schemas and the
 * database, one line each: to compare two ways of setting a database up.
 */
export async function securitySnapshot(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ line: string }>(`
      WITH schemas AS (SELECT oid, nspname FROM pg_namespace WHERE nspname IN ('community', 'projects', 'ledger', 'impact', 'events', 'public'))
      SELECT 'schema ' || nspname || ' owner ' || pg_get_userbyid(n.nspowner) || ' acl ' || coalesce(n.nspacl::text, '-') AS line
        FROM pg_namespace n WHERE n.oid IN (SELECT oid FROM schemas) AND nspname <> 'public'
      UNION ALL SELECT 'schema public acl ' || coalesce(nspacl::text, '-') FROM pg_namespace WHERE nspname = 'public'
      -- No ACL at all means the owner's default one: the same privileges, written either way (REVOKE writes it out).
      UNION ALL SELECT 'relation ' || s.nspname || '.' || c.relname || ' owner ' || pg_get_userbyid(c.relowner) || ' acl '
             || coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's'::"char" ELSE 'r'::"char" END, c.relowner))::text
        FROM pg_class c JOIN schemas s ON s.oid = c.relnamespace WHERE s.nspname <> 'public'
      UNION ALL SELECT 'column ' || s.nspname || '.' || c.relname || '.' || a.attname || ' acl ' || a.attacl::text
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN schemas s ON s.oid = c.relnamespace WHERE a.attacl IS NOT NULL
      UNION ALL SELECT 'function ' || s.nspname || '.' || p.proname || ' owner ' || pg_get_userbyid(p.proowner) || ' acl ' || coalesce(p.proacl::text, '-')
        FROM pg_proc p JOIN schemas s ON s.oid = p.pronamespace WHERE s.nspname <> 'public'
      UNION ALL SELECT 'type ' || s.nspname || '.' || t.typname || ' owner ' || pg_get_userbyid(t.typowner)
        FROM pg_type t JOIN schemas s ON s.oid = t.typnamespace WHERE s.nspname <> 'public'
      UNION ALL SELECT 'default acl ' || pg_get_userbyid(d.defaclrole) || ' ' || d.defaclobjtype::text || ' ' || d.defaclacl::text FROM pg_default_acl d
      UNION ALL SELECT 'database acl ' || coalesce(datacl::text, '-') FROM pg_database WHERE datname = current_database()
      ORDER BY 1`);
    return rows.map((r) => r.line);
  } finally {
    await client.end();
  }
}
