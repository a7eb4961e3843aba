import type { DataSource } from 'typeorm';
import { ConfigError, commonSettings, parseConfig, setting, type Setting, type Spec } from './config';
import {
  createDataSource,
  databaseSettings,
  databaseUrlSetting,
  describeDatabaseError,
  guardPoolClients,
  migrate,
  pickDatabaseUrl,
  pickMigrationDatabaseUrl,
} from './database';
import { privilegedRoleProblem } from './database-privileges';
import { runtimeRole } from './database-roles';

import { createLogger, type Logger } from './logger';
import { QueryCounter } from './query-counter';
import { createSubgraphServer, type RunningServices, type SubgraphModule } from './subgraph';
import { createMemberStanding, erasureSettings } from './member-standing';
import { checkEventKeys, checkEventSettings, eventSettings, startEvents, type EventKeys } from './events/runtime';
import { ed25519Setting, type SigningKey } from './ed25519';
import { ownServiceSettings, servicePublicKeys, servicePublicKeySettings, type OwnService } from './graph-client';
import type { SubgraphName } from './identity';
import { stopTracing, telemetrySettings } from './telemetry';

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
    // The spans still buffered go out before the process does.
    stop()
      .then(() => stopTracing())
      .then(
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

/** Whose assertions a subgraph accepts, the key it speaks to the graph and signs its events with, and whose events it accepts. */
export const subgraphIdentitySettings = {
  GATEWAY_ASSERTION_PUBLIC_KEY: ed25519Setting.publicKey("the public half of the gateway's GATEWAY_ASSERTION_PRIVATE_KEY; npm start makes the pair"),
  ...ownServiceSettings,
  ...servicePublicKeySettings,
};

/**
 * Prometheus metrics are served here, never on PORT. Unset, it is the service's port plus 1000
 * (5101–5104 for npm start's four), or a free port when PORT is 0, so that services side by side
 * on one machine never take each other's.
 */
function metricsPort(defaultPort: number): Setting<number> {
  const explicit = setting.integer(-1, { min: 0, max: 65535 });
  const port = setting.integer(defaultPort, { min: 0, max: 65535 });
  return {
    read(env, name) {
      const set = explicit.read(env, name);
      if (set >= 0) return set;
      let own = 0;
      try {
        own = port.read(env, 'PORT');
      } catch {
        // PORT's own problem is reported under its name.
      }
      return own === 0 || own + 1000 > 65535 ? 0 : own + 1000;
    },
  };
}

/** Every environment variable a subgraph reads (deployment files are checked against this). */
export function subgraphSettings(name: string, defaultPort = 4000, own: Spec = {}) {
  return {
    ...commonSettings,
    ...databaseSettings(name),
    PORT: setting.integer(defaultPort, { min: 0, max: 65535 }),
    METRICS_PORT: metricsPort(defaultPort),
    /** Where the metrics listener binds: a Prometheus on the same network, not the public. */
    METRICS_HOST: setting.string('127.0.0.1'),
    DATABASE_CONNECT_TIMEOUT_MS: setting.integer(10_000, { min: 0 }),
    MIGRATE_ON_START: setting.boolean(true),
    /**
     * Migrate (and run the owner steps), then exit without serving: the migration Job of a
     * Kubernetes rollout, so the serving pods need no owner credentials (deploy/k8s).
     */
    EXIT_AFTER_MIGRATION: setting.boolean(false),
    SEED_DEMO: setting.boolean(false),
    ...erasureSettings,
    ...eventSettings,
    ...subgraphIdentitySettings,
    ...telemetrySettings,
    ...own,
  };
}

/**
 * Refuses a runtime connection that could switch the database's guards off,
 * unless DATABASE_ALLOW_PRIVILEGED_ROLE says so. Returns whether the role is
 * privileged (and allowed).
 */
async function checkRuntimeRole(db: DataSource, name: SubgraphModule<unknown, unknown>['name'], urlSetting: string, allow: boolean, logger: Logger): Promise<boolean> {
  const problem = await privilegedRoleProblem((text, params) => db.query(text, params), name);
  if (problem === null) return false;
  if (!allow) {
    exitWith(
      name,
      `${urlSetting} connects as ${problem}: that role could switch off the database's guards; connect as the runtime role ${runtimeRole(name)} ` +
        `(README, "Operations: database roles") or set DATABASE_ALLOW_PRIVILEGED_ROLE=true (development only)`,
    );
  }
  logger.warn({ role: problem }, 'running as a privileged database role (DATABASE_ALLOW_PRIVILEGED_ROLE=true)');
  return true;
}

/** The whole life of a subgraph process: config, database, migrations, demo data, services, listen, shutdown. */
/**
 * Runs a start-up step again when PostgreSQL aborted it as one side of a deadlock (40P01): the
 * four services migrate and set themselves up at once, on catalogues and pg-boss tables they
 * share, and the aborted step rolled back, so running it again is safe. Each step is one
 * transaction or idempotent.
 */
async function retryingDeadlocks<T>(step: () => Promise<T>, logger: Logger): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const code = (error as { code?: string; driverError?: { code?: string } }).code ?? (error as { driverError?: { code?: string } }).driverError?.code;
      if (code !== '40P01' || attempt >= 4) throw error;
      logger.warn({ attempt }, 'a start-up step was aborted as one side of a deadlock; running it again');
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt + Math.floor(Math.random() * 200)));
    }
  }
}

export async function runSubgraph<TLoaders, TServices>(module: SubgraphModule<TLoaders, TServices>): Promise<void> {
  let config;
  let url: string;
  let migrationUrl: string | null;
  try {
    config = parseConfig(subgraphSettings(module.name, module.defaultPort, module.services?.settings));
    url = pickDatabaseUrl(module.name, config);
    migrationUrl = pickMigrationDatabaseUrl(module.name, config);
    checkEventSettings(config);
    checkEventKeys(module.name, module.events, config, eventKeysOf(config));
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
    const privileged = await checkRuntimeRole(db, module.name, databaseUrlSetting(module.name, config), config.DATABASE_ALLOW_PRIVILEGED_ROLE, logger);
    // Only the migrations and the services' owner steps use the owner's connection, and only for as long as they run.
    const owner = migrationUrl
      ? createDataSource({ url: migrationUrl, schema: module.name, entities: module.entities, migrations: module.migrations, poolSize: 1, applicationName: `dbwe-${module.name}-migrate` })
      : privileged
        ? db
        : null;
    if (config.MIGRATE_ON_START) {
      if (!owner) {
        const prefix = module.name.toUpperCase();
        exitWith(module.name, `migrations run as the schema's owner: set ${prefix}_MIGRATION_DATABASE_URL or MIGRATION_DATABASE_URL, or MIGRATE_ON_START=false`);
      }
      const report = await retryingDeadlocks(() => migrate(owner, module.name, module.databasePrivileges), logger);
      if (report.migrations.length > 0) logger.info({ migrations: report.migrations }, 'migrated');
      if (report.privileges?.undeclared.length) {
        logger.warn({ tables: report.privileges.undeclared }, 'tables without a privilege declaration: the runtime role cannot use them');
      }
    }
    if (owner) await retryingDeadlocks(() => prepareServicesAsOwner(module, owner, config, logger), logger);
    if (config.EXIT_AFTER_MIGRATION) {
      if (!config.MIGRATE_ON_START) exitWith(module.name, 'EXIT_AFTER_MIGRATION=true migrates and exits: it needs MIGRATE_ON_START=true');
      if (owner && owner !== db && owner.isInitialized) await owner.destroy();
      await db.destroy();
      logger.info('migrated; exiting (EXIT_AFTER_MIGRATION)');
      process.exit(0);
    }
    if (config.SEED_DEMO) await retryingDeadlocks(() => module.seedDemo(db), logger);
  } catch (error) {
    exitWith(module.name, error instanceof Error ? error.message : String(error));
  }
  const running = await startServices(module, db, config, logger).catch((error: Error) => exitWith(module.name, error.message));
  const events = await startEvents({
    subgraph: module.name,
    declaration: module.events,
    services: running.services,
    settings: config,
    ownUrl: url,
    keys: eventKeysOf(config),
    logger,
  }).catch((error: Error) => exitWith(module.name, error.message));

  const server = createSubgraphServer(module, {
    db,
    logger,
    gatewayKey: config.GATEWAY_ASSERTION_PUBLIC_KEY,
    queryCounter,
    services: running.services,
    standing: createMemberStanding(module.erasure, db, config, ownServiceOf(module.name, config), logger),
    events: events.recorder,
  });
  await server.start();
  const address = await server.http.listen(config.PORT, config.HOST).catch((error: Error) =>
    exitWith(module.name, `cannot listen on ${config.HOST}:${config.PORT}: ${error.message}`),
  );
  const metrics = await server.listenMetrics(config.METRICS_PORT, config.METRICS_HOST).catch((error: Error) =>
    exitWith(module.name, `cannot listen for metrics on ${config.METRICS_HOST}:${config.METRICS_PORT}: ${error.message}`),
  );
  logger.info({ port: address.port, metricsPort: metrics.port }, `${module.name} subgraph ready`);
  onShutdown(logger, async () => {
    await server.stop();
    await events.stop();
    await running.stop();
    await db.destroy();
  });
}

/** The keys a subgraph's events are signed and checked with, from its identity settings. */
export function eventKeysOf(settings: ReturnType<typeof parseConfig<typeof subgraphIdentitySettings>>): EventKeys {
  return { own: settings.SERVICE_ASSERTION_PRIVATE_KEY, sources: servicePublicKeys(settings) };
}

/** The identity a subgraph reads the graph with: its own key, if it has one. */
export function ownServiceOf(service: SubgraphName, settings: { SERVICE_ASSERTION_PRIVATE_KEY?: SigningKey }): OwnService | undefined {
  return settings.SERVICE_ASSERTION_PRIVATE_KEY ? { service, key: settings.SERVICE_ASSERTION_PRIVATE_KEY.privateKey } : undefined;
}

/** Runs a module's owner step (SubgraphServices.prepareAsOwner), if it has one, on the owner's connection. */
export async function prepareServicesAsOwner<TLoaders, TServices>(
  module: SubgraphModule<TLoaders, TServices>,
  owner: DataSource,
  settings: Record<string, unknown>,
  logger: Logger,
): Promise<void> {
  if (!module.services?.prepareAsOwner) return;
  const initialisedHere = !owner.isInitialized;
  if (initialisedHere) await owner.initialize();
  try {
    await module.services.prepareAsOwner(owner, settings, logger);
  } finally {
    if (initialisedHere) await owner.destroy();
  }
}

/** A module's services, or none: `undefined` is what a module without services gets in its context. */
export function startServices<TLoaders, TServices>(
  module: SubgraphModule<TLoaders, TServices>,
  db: DataSource,
  settings: Record<string, unknown>,
  logger: Logger,
): Promise<RunningServices<TServices>> {
  if (!module.services) return Promise.resolve({ services: undefined as TServices, stop: async () => undefined });
  return module.services.start(db, settings, logger);
}
