import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { setting } from './config';

/**
 * Least privilege in the database. Each subgraph has two login roles:
 *
 * - `dbwe_<subgraph>_owner` owns the subgraph's schema and everything in it;
 *   migrations run as it, and nothing else does.
 * - `dbwe_<subgraph>`, the runtime role the service runs as, owns nothing. It
 *   holds USAGE on its own schema and the table privileges its module
 *   declares (`databasePrivileges`), so it cannot switch triggers off, drop
 *   them, set `session_replication_role` (superuser only) or read another
 *   subgraph's schema.
 *
 * Provisioning needs a superuser once: it creates the roles, the database and
 * the schemas, and moves an existing installation's objects to the owners.
 * The same statements are in deploy/database-roles.sql for operators who
 * prefer psql (generated from here: `npm run db:roles -- --sql`).
 */

export const SUBGRAPH_SCHEMAS = ['community', 'projects', 'ledger', 'impact'] as const;
export type SubgraphSchema = (typeof SUBGRAPH_SCHEMAS)[number];

/** The role a subgraph's service logs in as. */
export const runtimeRole = (subgraph: SubgraphSchema): string => `dbwe_${subgraph}`;
/** The role that owns a subgraph's schema; its migrations run as it. */
export const ownerRole = (subgraph: SubgraphSchema): string => `dbwe_${subgraph}_owner`;

/**
 * The schema of the event engine (pg-boss, docs/events.md), in the database
 * EVENTS_DATABASE_URL names (by default every subgraph's own), and the role
 * that owns it. That role cannot log in: provisioning installs the engine,
 * and its functions (running as the owner) are all a runtime role may use
 * to create a queue, and only queues named after itself.
 */
export const EVENTS_ENGINE_SCHEMA = 'events';
export const EVENTS_OWNER_ROLE = 'dbwe_events_owner';

/** Where `npm run db:roles`, the compose init service and deploy/database-roles.sql take each role's password from. */
export function passwordVariable(subgraph: SubgraphSchema, kind: 'runtime' | 'owner'): string {
  return `${subgraph.toUpperCase()}_${kind === 'owner' ? 'MIGRATION_' : ''}DATABASE_PASSWORD`;
}

export interface PlatformRole {
  name: string;
  subgraph: SubgraphSchema;
  kind: 'runtime' | 'owner';
  passwordVariable: string;
}

export function platformRoles(subgraphs: readonly SubgraphSchema[] = SUBGRAPH_SCHEMAS): PlatformRole[] {
  return subgraphs.flatMap((subgraph) =>
    (['runtime', 'owner'] as const).map((kind) => ({
      name: kind === 'owner' ? ownerRole(subgraph) : runtimeRole(subgraph),
      subgraph,
      kind,
      passwordVariable: passwordVariable(subgraph, kind),
    })),
  );
}

/** The settings role provisioning reads (`npm run db:roles`, the compose init service). */
export const roleProvisioningSettings = {
  DATABASE_ADMIN_URL: setting.url(),
  ...Object.fromEntries(platformRoles().map((role) => [role.passwordVariable, setting.optionalString()])),
} as const;

/** The URL with another user and password; everything else (host, database, options) stays. */
export function withCredentials(url: string, user: string, password?: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = password === undefined ? '' : encodeURIComponent(password);
  return parsed.toString();
}

/**
 * A URL whose sessions act as `role` (`SET ROLE` at connection start), for
 * tools that hold the administrator's credentials and must work as an owner:
 * the benchmark seed. Objects they create belong to the role, and they have
 * no more rights than it has. Never give such a URL to a service: the
 * session user is still the administrator.
 */
export function actingAs(adminUrl: string, role: string): string {
  const parsed = new URL(adminUrl);
  parsed.searchParams.set('options', `-c role=${identifier(role)}`);
  return parsed.toString();
}

/** Our role, schema, table and column names are plain lower-case identifiers; SQL is built from nothing else. */
export function identifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`"${name}" is not a plain identifier`);
  return name;
}

/** Single-quoted SQL literal (passwords): quotes doubled; backslashes are literal with standard_conforming_strings. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const ROLE_ATTRIBUTES = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT';
const LOCK = `SELECT pg_advisory_lock(hashtext('dbwe:database-roles'))`;

/** How a role gets its password: the value (run from code), a psql variable (the SQL file), or left as it is. */
type PasswordSource = { kind: 'value'; value: string } | { kind: 'psql'; variable: string } | { kind: 'keep' };

/** Statements run connected to any database of the cluster: the roles. */
function clusterStatements(roles: PlatformRole[], password: (role: PlatformRole) => PasswordSource): string[] {
  const statements: string[] = [];
  for (const role of roles) {
    const name = identifier(role.name);
    statements.push(
      // Two installers at once: the advisory lock orders them, the handler covers anything else racing.
      `DO $$ BEGIN CREATE ROLE ${name}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;`,
      `ALTER ROLE ${name} WITH ${ROLE_ATTRIBUTES};`,
    );
    const source = password(role);
    if (source.kind === 'value') statements.push(`ALTER ROLE ${name} PASSWORD ${literal(source.value)};`);
    if (source.kind === 'psql') statements.push(`\\if :{?${source.variable}}\nALTER ROLE ${name} PASSWORD :'${source.variable}';\n\\endif`);
    // A runtime role that is a member of an owner role would have the owner's powers; no role gets any membership.
    statements.push(revokeMemberships(name));
  }
  const events = identifier(EVENTS_OWNER_ROLE);
  statements.push(
    `DO $$ BEGIN CREATE ROLE ${events}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;`,
    `ALTER ROLE ${events} WITH ${ROLE_ATTRIBUTES.replace('LOGIN', 'NOLOGIN')};`,
    revokeMemberships(events),
  );
  return statements;
}

function revokeMemberships(name: string): string {
  return `DO $$ DECLARE granted regrole; BEGIN
  FOR granted IN SELECT m.roleid::regrole FROM pg_catalog.pg_auth_members m WHERE m.member = '${name}'::regrole LOOP
    EXECUTE format('REVOKE %s FROM ${name}', granted);
  END LOOP;
END $$;`;
}

/** Double-quoted SQL identifier, for names that are not ours (a database an operator chose). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Who may use the database itself: only our roles connect, and nobody gets
 * temporary tables. Run from any database of the cluster; `database` is the
 * quoted name (or psql's :"database").
 */
export function databaseAccessStatements(database: string, subgraphs: readonly SubgraphSchema[] = SUBGRAPH_SCHEMAS): string[] {
  const all = platformRoles(subgraphs).map((r) => identifier(r.name)).join(', ');
  return [`REVOKE ALL ON DATABASE ${database} FROM PUBLIC;`, `GRANT CONNECT ON DATABASE ${database} TO ${all};`];
}

/**
 * The schema, created for its owner when missing, and every object in it
 * moved to that owner: an existing installation (migrated by a superuser)
 * is taken over, and so is whatever provisioning itself installed there.
 */
function ownedSchemaStatement(schemaName: string, ownerName: string): string {
  const schema = identifier(schemaName);
  const owner = identifier(ownerName);
  return `DO $$
DECLARE
  object record;
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = '${schema}') THEN
    CREATE SCHEMA ${schema} AUTHORIZATION ${owner};
  END IF;
  ALTER SCHEMA ${schema} OWNER TO ${owner};
  FOR object IN
    SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind,
           format('%I.%I', n.nspname, c.relname) AS name
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = '${schema}' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relowner <> '${owner}'::regrole
       -- a sequence of an identity or serial column moves with its table
       AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_catalog.pg_depend d
                 WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
           format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid))
      FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = '${schema}' AND p.proowner <> '${owner}'::regrole
    UNION ALL
    -- types of their own (enums, domains, ranges, composites); a table's row type and array types follow their owner
    SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, format('%I.%I', n.nspname, t.typname)
      FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = '${schema}' AND t.typowner <> '${owner}'::regrole AND t.typtype IN ('c', 'd', 'e', 'r')
       AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c')
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${owner}', object.kind, object.name);
  END LOOP;
END $$;`;
}

/** Statements run connected to the platform's database: its schemas, owned by the owner roles. */
function databaseStatements(subgraphs: readonly SubgraphSchema[]): string[] {
  // Nobody creates objects in public (PostgreSQL 15 and later do not let them anyway).
  const statements = [`REVOKE CREATE ON SCHEMA public FROM PUBLIC;`];
  for (const subgraph of subgraphs) {
    const schema = identifier(subgraph);
    const owner = identifier(ownerRole(subgraph));
    statements.push(
      ownedSchemaStatement(subgraph, ownerRole(subgraph)),
      `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`,
      // Functions a migration creates are not everyone's to call; the migration runner grants the declared ones.
      // (Per schema this could only add to the global default, which lets PUBLIC execute: it is revoked for the role.)
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;`,
    );
  }
  statements.push(ownedSchemaStatement(EVENTS_ENGINE_SCHEMA, EVENTS_OWNER_ROLE), `REVOKE ALL ON SCHEMA ${EVENTS_ENGINE_SCHEMA} FROM PUBLIC;`);
  return statements;
}

/**
 * After pg-boss's own tables are installed in the schema (by the
 * superuser): everything moved to the engine's owner, the functions through
 * which a runtime role creates and subscribes its queues, and what the
 * runtime roles may do to the engine's tables: move jobs (fetch, complete,
 * fail, archive, as pg-boss does), read queues and subscriptions, and
 * stamp pg-boss's maintenance times. Nothing else; not create_queue, which
 * pg-boss lets anyone call.
 */
function eventEngineStatements(subgraphs: readonly SubgraphSchema[]): string[] {
  const e = identifier(EVENTS_ENGINE_SCHEMA);
  const roles = subgraphs.map((s) => identifier(runtimeRole(s))).join(', ');
  return [
    `CREATE OR REPLACE FUNCTION ${e}.dbwe_check_queue_name(queue_name text) RETURNS void LANGUAGE plpgsql
  SET search_path = ${e}, pg_temp AS $$
DECLARE
  who text := session_user;
BEGIN
  -- A development superuser (DATABASE_ALLOW_PRIVILEGED_ROLE) may name any queue.
  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = who AND rolsuper) THEN RETURN; END IF;
  IF who !~ '^dbwe_[a-z]+$' OR left(queue_name, length(who) - 4) <> substr(who, 6) || '.' THEN
    RAISE EXCEPTION 'role % may only use queues named %.<name>', who, substr(who, 6) USING ERRCODE = '42501';
  END IF;
END $$;`,
    `CREATE OR REPLACE FUNCTION ${e}.dbwe_ensure_queue(queue_name text, options json) RETURNS void LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = ${e}, pg_temp AS $$
BEGIN
  PERFORM ${e}.dbwe_check_queue_name(queue_name);
  PERFORM ${e}.create_queue(queue_name, options);
  UPDATE ${e}.queue
     SET retry_limit = (options->>'retryLimit')::int, retry_delay = (options->>'retryDelay')::int,
         retry_backoff = (options->>'retryBackoff')::bool, expire_seconds = (options->>'expireInSeconds')::int,
         retention_minutes = (options->>'retentionMinutes')::int, dead_letter = options->>'deadLetter', updated_on = now()
   WHERE name = queue_name;
END $$;`,
    `CREATE OR REPLACE FUNCTION ${e}.dbwe_subscribe(topic text, queue_name text) RETURNS void LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = ${e}, pg_temp AS $$
BEGIN
  PERFORM ${e}.dbwe_check_queue_name(queue_name);
  INSERT INTO ${e}.subscription (event, name) VALUES (topic, queue_name) ON CONFLICT DO NOTHING;
END $$;`,
    ownedSchemaStatement(EVENTS_ENGINE_SCHEMA, EVENTS_OWNER_ROLE),
    // Exactly the grants below, also after a change to them: everything revoked first.
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${e} FROM PUBLIC, ${roles};`,
    `REVOKE ALL ON ALL ROUTINES IN SCHEMA ${e} FROM PUBLIC, ${roles};`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${identifier(EVENTS_OWNER_ROLE)} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;`,
    `GRANT USAGE ON SCHEMA ${e} TO ${roles};`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${e}.job, ${e}.archive TO ${roles};`,
    `GRANT SELECT ON ${e}.queue, ${e}.subscription TO ${roles};`,
    `GRANT SELECT, UPDATE (maintained_on, monitored_on, cron_on) ON ${e}.version TO ${roles};`,
    `GRANT EXECUTE ON FUNCTION ${e}.dbwe_ensure_queue(text, json), ${e}.dbwe_subscribe(text, text) TO ${roles};`,
  ];
}

/**
 * Installs pg-boss's tables in the engine's schema, or upgrades them to the
 * version this code ships with. Run as the superuser, in the platform's
 * database; eventEngineStatements then gives them to the engine's owner.
 */
async function installEventEngine(databaseUrl: string): Promise<void> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: EVENTS_ENGINE_SCHEMA, migrate: true, supervise: false, schedule: false, max: 1, application_name: 'dbwe-roles' });
  let failure: unknown = null;
  boss.on('error', (error) => (failure ??= error));
  await boss.start();
  await boss.stop({ graceful: false });
  if (failure) throw failure;
}

export interface ProvisionOptions {
  /** The database to set up (created when missing); default the admin URL's own. */
  database?: string;
  /** Passwords by role name; a role without one keeps the password it has (a new one gets none). */
  passwords?: Record<string, string | undefined>;
  subgraphs?: readonly SubgraphSchema[];
}

export interface ProvisionReport {
  database: string;
  createdDatabase: boolean;
  roles: string[];
}

async function connected<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: 'dbwe-roles' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates the platform's roles, the database and the subgraphs' schemas,
 * owned by the owner roles, moving whatever a superuser owned there before.
 * Idempotent: run it again after an upgrade or to change passwords. Needs a
 * superuser's URL. It grants the runtime roles nothing on tables: the
 * migration runner does, from each module's declaration, once the tables exist.
 */
export async function provisionDatabaseRoles(adminUrl: string, options: ProvisionOptions = {}): Promise<ProvisionReport> {
  const subgraphs = options.subgraphs ?? SUBGRAPH_SCHEMAS;
  const roles = platformRoles(subgraphs);
  const passwords = options.passwords ?? {};
  const database = options.database ?? decodeURIComponent(new URL(adminUrl).pathname.slice(1) || 'postgres');
  let createdDatabase = false;
  await connected(adminUrl, async (admin) => {
    const { rows } = await admin.query<{ rolsuper: boolean; who: string }>(`SELECT rolsuper, current_user AS who FROM pg_roles WHERE rolname = current_user`);
    if (!rows[0]?.rolsuper) throw new Error(`setting up the database roles needs a superuser; ${rows[0]?.who ?? 'this role'} is not one`);
    await admin.query(LOCK);
    const password = (role: PlatformRole): PasswordSource => {
      const value = passwords[role.name];
      return value === undefined ? { kind: 'keep' } : { kind: 'value', value };
    };
    for (const statement of clusterStatements(roles, password)) await admin.query(statement);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
      createdDatabase = true;
    }
    for (const statement of databaseAccessStatements(quoteIdentifier(database), subgraphs)) await admin.query(statement);
  });
  const target = new URL(adminUrl);
  target.pathname = `/${encodeURIComponent(database)}`;
  const inTransaction = async (admin: Client, statements: string[]) => {
    await admin.query('BEGIN');
    try {
      for (const statement of statements) await admin.query(statement);
      await admin.query('COMMIT');
    } catch (error) {
      await admin.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  };
  await connected(target.toString(), async (admin) => {
    await admin.query(LOCK);
    await inTransaction(admin, databaseStatements(subgraphs));
    await installEventEngine(target.toString());
    await inTransaction(admin, eventEngineStatements(subgraphs));
  });
  return { database, createdDatabase, roles: roles.map((r) => r.name) };
}

/** deploy/database-roles.sql: the same provisioning as a psql script (`npm run db:roles -- --sql`). */
export function provisioningScript(): string {
  const roles = platformRoles();
  const variables = SUBGRAPH_SCHEMAS.map((subgraph) => {
    const pair = roles.filter((r) => r.subgraph === subgraph).map((r) => `-v ${r.passwordVariable}="$${r.passwordVariable}"`);
    return `--     ${pair.join(' ')} \\`;
  });
  return [
    '-- The dBWE platform\'s database roles, database and schemas (docs: README, "Operations: database roles").',
    '-- Generated by `npm run db:roles -- --sql` from platform/src/database-roles.ts; do not edit by hand.',
    '--',
    '--   psql "postgres://<superuser>@<host>/postgres" -v ON_ERROR_STOP=1 -v database=dbwe \\',
    ...variables,
    '--     -f deploy/database-roles.sql',
    '--',
    '-- Idempotent. A role whose password variable is not given keeps its password. The runtime roles get',
    '-- their table privileges from the subgraphs\' migration step, run as the owner roles.',
    '',
    '\\if :{?database}',
    '\\else',
    'SELECT current_database() AS database \\gset',
    '\\endif',
    `${LOCK};`,
    ...clusterStatements(roles, (role) => ({ kind: 'psql', variable: role.passwordVariable })),
    `SELECT format('CREATE DATABASE %I', :'database') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \\gexec`,
    ...databaseAccessStatements(':"database"'),
    '\\connect :"database"',
    `${LOCK};`,
    'BEGIN;',
    ...databaseStatements(SUBGRAPH_SCHEMAS),
    'COMMIT;',
    '-- The event engine (pg-boss), installed once; `npm run db:roles` also upgrades it to a newer pg-boss.',
    `SELECT to_regclass('${EVENTS_ENGINE_SCHEMA}.version') IS NULL AS dbwe_install_event_engine \\gset`,
    '\\if :dbwe_install_event_engine',
    PgBoss.getConstructionPlans(EVENTS_ENGINE_SCHEMA).trim(),
    '\\endif',
    'BEGIN;',
    ...eventEngineStatements(SUBGRAPH_SCHEMAS),
    'COMMIT;',
    '',
  ].join('\n');
}
