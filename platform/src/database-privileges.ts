import { identifier, runtimeRole, type SubgraphSchema } from './database-roles';

/**
 * What a subgraph's runtime role may do to the rows of one table. UPDATE is
 * either the whole row or only the listed columns. TRUNCATE, REFERENCES and
 * TRIGGER are never granted.
 */
export type TableGrant = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | { UPDATE: readonly string[] };

/**
 * The privileges of a subgraph's runtime role, declared once in its module.
 * Every table of the schema has an entry (an empty list for none); a test
 * fails when a migration adds a table without one. The migration runner
 * applies them after every migration run: everything revoked, then exactly
 * this granted.
 */
export interface DatabasePrivileges {
  tables: Readonly<Record<string, readonly TableGrant[]>>;
  /** Functions the service calls itself, by name and argument types: `lock_chain(uuid)`. Trigger functions need no entry. */
  functions?: readonly string[];
}

type Query = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** The tables (and views) of a schema, by the names declarations use. */
export async function tablesOf(query: Query, schema: string): Promise<string[]> {
  const rows = await query(
    `SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.name as string);
}

function functionSignature(text: string): string {
  // Argument types may be schema-qualified (a row type of the schema: account_leaf_data(ledger.account)).
  const match = /^([a-z_][a-z0-9_]*)\(([a-z0-9_., \[\]]*)\)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a function signature like lock_chain(uuid)`);
  return `${match[1]}(${match[2]})`;
}

/** The declared functions that exist (a migration not yet run may be the one to create them). */
async function existingFunctions(query: Query, schema: string, privileges: DatabasePrivileges): Promise<string[]> {
  const declared = (privileges.functions ?? []).map(functionSignature);
  if (declared.length === 0) return [];
  // One at a time: to_regprocedure raises, rather than answering null, when an argument's type does not exist yet.
  const types: { name: string }[] = (await query(
    `SELECT t.typname AS name FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1`,
    [schema],
  )) as { name: string }[];
  const known = new Set(types.map((t) => `${schema}.${t.name}`));
  const argumentTypesExist = (signature: string) =>
    signature
      .slice(signature.indexOf('(') + 1, -1)
      .split(',')
      .map((t) => t.trim())
      .every((t) => !t.startsWith(`${schema}.`) || known.has(t));
  const candidates = declared.filter(argumentTypesExist);
  if (candidates.length === 0) return [];
  const rows = await query(`SELECT f FROM unnest($1::text[]) AS f WHERE to_regprocedure($2 || '.' || f) IS NOT NULL`, [candidates, schema]);
  return rows.map((r) => r.f as string);
}

/**
 * The statements that make the runtime role's privileges in the schema
 * exactly the declared ones. Declared tables and functions that do not exist
 * (yet) are passed over; the declaration test holds them to the schema.
 */
export function privilegeStatements(
  schema: SubgraphSchema,
  privileges: DatabasePrivileges,
  existing: readonly string[],
  functions: readonly string[] = [],
): string[] {
  const s = identifier(schema);
  const role = identifier(runtimeRole(schema));
  const statements = [
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM PUBLIC, ${role}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM PUBLIC, ${role}`,
    `REVOKE ALL ON ALL ROUTINES IN SCHEMA ${s} FROM PUBLIC, ${role}`,
    `REVOKE ALL ON SCHEMA ${s} FROM PUBLIC, ${role}`,
    `GRANT USAGE ON SCHEMA ${s} TO ${role}`,
  ];
  const present = new Set(existing);
  for (const [table, grants] of Object.entries(privileges.tables)) {
    if (!present.has(table)) continue;
    const target = `${s}.${identifier(table)}`;
    const whole = grants.filter((g): g is Exclude<TableGrant, object> => typeof g === 'string');
    if (whole.length > 0) statements.push(`GRANT ${[...new Set(whole)].join(', ')} ON ${target} TO ${role}`);
    for (const grant of grants) {
      if (typeof grant === 'object') statements.push(`GRANT UPDATE (${grant.UPDATE.map(identifier).join(', ')}) ON ${target} TO ${role}`);
    }
  }
  for (const fn of functions) statements.push(`GRANT EXECUTE ON FUNCTION ${s}.${functionSignature(fn)} TO ${role}`);
  return statements;
}

export interface PrivilegesApplied {
  /** False when the runtime role does not exist (a development database nobody provisioned). */
  applied: boolean;
  /** Tables of the schema the declaration does not name: the runtime role cannot touch them. */
  undeclared: string[];
}

/**
 * Applies the declaration in one transaction. Run by the migration runner as
 * the schema's owner (or a superuser), under the migration lock.
 */
export async function applyDatabasePrivileges(query: Query, schema: SubgraphSchema, privileges: DatabasePrivileges): Promise<PrivilegesApplied> {
  const [{ exists }] = await query(`SELECT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = $1) AS exists`, [runtimeRole(schema)]);
  const existing = await tablesOf(query, schema);
  const undeclared = existing.filter((t) => !(t in privileges.tables));
  if (!exists) return { applied: false, undeclared };
  const functions = await existingFunctions(query, schema, privileges);
  await query('BEGIN');
  try {
    for (const statement of privilegeStatements(schema, privileges, existing, functions)) await query(statement);
    await query('COMMIT');
  } catch (error) {
    await query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return { applied: true, undeclared };
}

/**
 * Why the connection's role is more than a runtime role should be, or null.
 * A superuser can switch every guard off; whoever owns the schema or one of
 * its tables (directly or through membership) can disable and drop its
 * triggers; a role that creates roles can make itself a member of an owner.
 */
export async function privilegedRoleProblem(query: Query, schema: string): Promise<string | null> {
  const [row] = await query(
    `SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
            (SELECT pg_catalog.pg_has_role(r.oid, n.nspowner, 'MEMBER') FROM pg_catalog.pg_namespace n WHERE n.nspname = $1) AS owns_schema,
            (SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND pg_catalog.pg_has_role(r.oid, c.relowner, 'MEMBER') ORDER BY c.relname LIMIT 1) AS owned_table
       FROM pg_catalog.pg_roles r WHERE r.rolname = current_user`,
    [schema],
  );
  const name = `"${row.name as string}"`;
  if (row.superuser) return `${name}, a superuser`;
  if (row.createrole) return `${name}, a role that may create roles`;
  if (row.owns_schema) return `${name}, which owns schema ${schema}`;
  if (row.owned_table) return `${name}, which owns ${schema}.${row.owned_table as string}`;
  return null;
}
