import type { DataSource } from 'typeorm';
import { ConfigError, commonSettings, parseConfig, setting } from './config';
import { createDataSource, databaseSettings, describeDatabaseError, guardPoolClients, migrate, pickDatabaseUrl } from './database';
import { createLogger, type Logger } from './logger';
import { QueryCounter } from './query-counter';
import { createSubgraphServer, type SubgraphModule } from './subgraph';

/** Prints one line and exits: start-up problems are not stack traces. */
export function exitWith(service: string, message: string): never {
  process.stderr.write(`${service}: ${message}\n`);
  process.exit(1);
}

async function connectWithRetry(db: DataSource, url: string, deadlineMs: number, logger: Logger): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.initialize();
      return;
    } catch (error) {
      if (Date.now() >= until) throw new Error(describeDatabaseError(url, error));
      logger.warn({ attempt, reason: describeDatabaseError(url, error) }, 'database not reachable yet, retrying');
      await new Promise((r) => setTimeout(r, Math.min(1000, 200 * attempt)));
    }
  }
}

/** Registers SIGTERM/SIGINT: finish in-flight work, close, exit 0; force exit if it hangs. */
export function onShutdown(logger: Logger, stop: () => Promise<void>, graceMs = 15_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, graceMs);
    force.unref();
    stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  // Started by `npm start`: stdin is a pipe from the launcher and closes when it dies.
  if (process.env.DBWE_EXIT_WITH_PARENT === 'true') {
    process.stdin.on('end', () => handler('SIGTERM'));
    process.stdin.on('error', () => handler('SIGTERM'));
    process.stdin.resume();
  }
}

/** Every environment variable a subgraph reads (deployment files are checked against this). */
export function subgraphSettings(name: string, defaultPort = 4000) {
  return {
    ...commonSettings,
    ...databaseSettings(name),
    PORT: setting.integer(defaultPort, { min: 0, max: 65535 }),
    DATABASE_CONNECT_TIMEOUT_MS: setting.integer(10_000, { min: 0 }),
    MIGRATE_ON_START: setting.boolean(true),
    SEED_DEMO: setting.boolean(false),
  };
}

/** The whole life of a subgraph process: config, database, migrations, demo data, listen, shutdown. */
export async function runSubgraph<TLoaders>(module: SubgraphModule<TLoaders>): Promise<void> {
  let config;
  let settings: Record<string, unknown>;
  let url: string;
  try {
    config = parseConfig(subgraphSettings(module.name, module.defaultPort));
    settings = parseConfig(module.settings ?? {});
    url = pickDatabaseUrl(module.name, config);
  } catch (error) {
    if (error instanceof ConfigError) exitWith(module.name, `configuration error: ${error.message}`);
    throw error;
  }
  const logger = createLogger(module.name, config.LOG_LEVEL);
  const queryCounter = new QueryCounter();
  const db = createDataSource({
    url,
    schema: module.name,
    entities: module.entities,
    migrations: module.migrations,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: `dbwe-${module.name}`,
    logger: queryCounter,
  });
  try {
    await connectWithRetry(db, url, config.DATABASE_CONNECT_TIMEOUT_MS, logger);
    guardPoolClients(db, (error) => logger.warn({ err: error }, 'database connection lost'));
    if (config.MIGRATE_ON_START) {
      const ran = await migrate(db, module.name);
      if (ran.length > 0) logger.info({ migrations: ran }, 'migrated');
    }
    if (config.SEED_DEMO) await module.seedDemo(db);
  } catch (error) {
    exitWith(module.name, error instanceof Error ? error.message : String(error));
  }

  const server = createSubgraphServer(module, { db, logger, assertionSecret: config.INTERNAL_ASSERTION_SECRET, queryCounter, settings });
  await server.start();
  const address = await server.http.listen(config.PORT, config.HOST).catch((error: Error) =>
    exitWith(module.name, `cannot listen on ${config.HOST}:${config.PORT}: ${error.message}`),
  );
  logger.info({ port: address.port }, `${module.name} subgraph ready`);
  onShutdown(logger, async () => {
    await server.stop();
    await db.destroy();
  });
}
