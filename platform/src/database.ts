import { DataSource, type EntitySchema, type MixedList, type Logger as OrmLogger } from 'typeorm';
import { Client } from 'pg';
import { ConfigError, setting } from './config';

/** The settings a subgraph reads for its database: its own URL, else the shared one. */
export function databaseSettings(service: string) {
  return {
    [`${service.toUpperCase()}_DATABASE_URL`]: setting.optionalUrl(),
    DATABASE_URL: setting.optionalUrl(),
    DATABASE_POOL_SIZE: setting.integer(8, { min: 1, max: 200 }),
  } as const;
}

export function pickDatabaseUrl(service: string, config: Record<string, unknown>): string {
  const url = (config[`${service.toUpperCase()}_DATABASE_URL`] ?? config.DATABASE_URL) as string | undefined;
  if (!url) throw new ConfigError(`${service.toUpperCase()}_DATABASE_URL or DATABASE_URL is required`);
  return url;
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
  return new DataSource({
    type: 'postgres',
    url: options.url,
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
    extra: { connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000, options: `-c search_path=${options.schema},public` },
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

/**
 * Creates the schema and runs pending migrations, holding an advisory lock so
 * that two instances starting together do not migrate twice.
 */
export async function migrate(dataSource: DataSource, schema: string): Promise<string[]> {
  const url = (dataSource.options as { url: string }).url;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`dbwe:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const initialisedHere = !dataSource.isInitialized;
    if (initialisedHere) await dataSource.initialize();
    try {
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      if (initialisedHere) await dataSource.destroy();
    }
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
