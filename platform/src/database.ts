import { DataSource, type EntitySchema, type MixedList, type Logger as OrmLogger } from 'typeorm';
import { Client } from 'pg';
import { ConfigError, setting } from './config';
import { applyDatabasePrivileges, type DatabasePrivileges, type PrivilegesApplied } from './database-privileges';
import type { SubgraphSchema } from './database-roles';

/**
 * The settings a subgraph reads for its database: the URL it runs with (its
 * own, else the shared one) and the schema owner's URL its migrations run with.
 */
export function databaseSettings(service: string) {
  const prefix = service.toUpperCase();
  return {
    [`${prefix}_DATABASE_URL`]: setting.optionalUrl(),
    DATABASE_URL: setting.optionalUrl(),
    [`${prefix}_MIGRATION_DATABASE_URL`]: setting.optionalUrl(),
    MIGRATION_DATABASE_URL: setting.optionalUrl(),
    DATABASE_ALLOW_PRIVILEGED_ROLE: setting.boolean(false),
    DATABASE_POOL_SIZE: setting.integer(8, { min: 1, max: 200 }),
  } as const;
}

/** The setting a subgraph's runtime URL came from, for messages. */
export function databaseUrlSetting(service: string, config: Record<string, unknown>): string {
  const own = `${service.toUpperCase()}_DATABASE_URL`;
  return config[own] ? own : 'DATABASE_URL';
}

export function pickDatabaseUrl(service: string, config: Record<string, unknown>): string {
  const url = config[databaseUrlSetting(service, config)] as string | undefined;
  if (!url) throw new ConfigError(`${service.toUpperCase()}_DATABASE_URL or DATABASE_URL is required`);
  return url;
}

/**
 * The URL migrations run with; null when none is set (migrations then run
 * with the runtime URL, which only a privileged development role can do). It
 * must reach the same database as the runtime URL.
 */
export function pickMigrationDatabaseUrl(service: string, config: Record<string, unknown>): string | null {
  const own = `${service.toUpperCase()}_MIGRATION_DATABASE_URL`;
  const name = config[own] ? own : config.MIGRATION_DATABASE_URL ? 'MIGRATION_DATABASE_URL' : null;
  if (name === null) return null;
  const url = config[name] as string;
  const runtime = new URL(pickDatabaseUrl(service, config));
  const migration = new URL(url);
  const where = (u: URL) => `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  if (where(runtime) !== where(migration)) {
    throw new ConfigError(`${name} points at ${where(migration)}, not at the database of ${databaseUrlSetting(service, config)} (${where(runtime)})`);
  }
  return url;
}

/**
 * A URL may carry connection options (`?options=-c role=…`, see actingAs);
 * pg would let them replace the search_path option below, so they are merged.
 */
function splitOptions(url: string): { url: string; options: string | null } {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  if (options === null) return { url, options: null };
  parsed.searchParams.delete('options');
  return { url: parsed.toString(), options };
}

export interface DataSourceOptions {
  url: string;
  /** The PostgreSQL schema this service owns; it never touches another. */
  schema: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
  /** Sees every SQL statement; used to count queries per request. */
  logger?: OrmLogger;
}

export function createDataSource(options: DataSourceOptions): DataSource {
  const { url, options: connectionOptions } = splitOptions(options.url);
  return new DataSource({
    type: 'postgres',
    url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: options.logger ? ['query'] : false,
    logger: options.logger,
    applicationName: options.applicationName ?? options.schema,
    poolSize: options.poolSize ?? 8,
    extra: {
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      options: [connectionOptions, `-c search_path=${options.schema},public`].filter(Boolean).join(' '),
    },
  });
}

/** Describes a connection failure in one line, without the password. */
export function describeDatabaseError(url: string, error: unknown): string {
  let where = 'the database';
  try {
    const parsed = new URL(url);
    where = `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}/${parsed.pathname.slice(1)}`;
  } catch {
    /* the URL was validated by the config parser; keep the generic wording */
  }
  const reason = error instanceof Error ? (error as NodeJS.ErrnoException).code ?? error.message : String(error);
  return `cannot reach ${where}: ${reason}`;
}

export interface MigrationReport {
  /** The migrations that ran now. */
  migrations: string[];
  /** The runtime role's privileges, when a declaration was given. */
  privileges: PrivilegesApplied | null;
}

/**
 * Runs pending migrations, then gives the runtime role exactly the declared
 * privileges, holding an advisory lock so that two instances starting
 * together do not migrate twice. Run it as the schema's owner (provisioning
 * created the schema for it) or, in development, as a superuser, which
 * creates the schema when it is missing.
 */
export async function migrate(dataSource: DataSource, schema: SubgraphSchema, privileges?: DatabasePrivileges): Promise<MigrationReport> {
  const { url, options } = splitOptions((dataSource.options as { url: string }).url);
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000, ...(options ? { options } : {}) });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`dbwe:migrate:${schema}`]);
    // CREATE SCHEMA IF NOT EXISTS would need CREATE on the database even when the schema is there; an owner has not.
    const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (!rowCount) await client.query(`CREATE SCHEMA "${schema}"`);
    const initialisedHere = !dataSource.isInitialized;
    if (initialisedHere) await dataSource.initialize();
    let ran;
    try {
      ran = await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      if (initialisedHere) await dataSource.destroy();
    }
    const query = async (text: string, params?: unknown[]) => (await client.query(text, params)).rows as Record<string, unknown>[];
    return { migrations: ran.map((m) => m.name), privileges: privileges ? await applyDatabasePrivileges(query, schema, privileges) : null };
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`dbwe:migrate:${schema}`]).catch(() => undefined);
    await client.end();
  }
}

/** Readiness: true when a trivial query answers within the timeout. */
export async function databaseIsReachable(dataSource: DataSource, timeoutMs = 2000): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    await Promise.race([dataSource.query('SELECT 1'), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A connection that is checked out but idle between queries has no error
 * listener in pg, so a database restart would crash the process with an
 * unhandled 'error'. Give every client of the pool one, for its whole life;
 * the pool itself drops the broken connection.
 */
export function guardPoolClients(dataSource: DataSource, onError: (error: Error) => void = () => undefined): void {
  type Listener = { on(event: string, listener: (...args: never[]) => void): void };
  const pool = (dataSource.driver as unknown as { master?: Listener & { _clients?: Listener[] } }).master;
  if (!pool) return;
  const guard = (client: Listener) => client.on('error', onError as (...args: never[]) => void);
  for (const client of pool._clients ?? []) guard(client);
  pool.on('connect', guard as (...args: never[]) => void);
}
