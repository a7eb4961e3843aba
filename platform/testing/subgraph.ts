import type { DataSource } from 'typeorm';
import type { ExecutionResult } from 'graphql';
import { Client } from 'pg';
import { createDataSource, guardPoolClients } from '../src/database';
import { ownerUrlFor, runtimeUrlFor } from './database';
import { createLogger } from '../src/logger';
import { QueryCounter } from '../src/query-counter';
import { createSubgraphServer, type SubgraphModule, type SubgraphServer } from '../src/subgraph';
import { parseConfig } from '../src/config';
import { createMemberStanding, erasureSettings } from '../src/member-standing';
import { createHash } from 'node:crypto';
import { anonymous, signAssertion, SUBGRAPH_NAMES, type SubgraphName, type Viewer } from '../src/identity';
import { publicKeyOfSeed, signingKeyFromSeed } from '../src/ed25519';
import { eventKeysOf, ownServiceOf, prepareServicesAsOwner, startServices, subgraphIdentitySettings } from '../src/service';
import { eventSettings, eventTestEnv, startEvents, type StartEventsOptions } from '../src/events/runtime';

const testSeed = (name: string) => createHash('sha256').update(`dbwe test key: ${name}`).digest('base64');

/** The gateway's assertion key in tests (the seed, as GATEWAY_ASSERTION_PRIVATE_KEY takes it), and its public half. */
export const TEST_GATEWAY_ASSERTION_KEY = testSeed('gateway assertions');
export const TEST_GATEWAY_ASSERTION_PUBLIC_KEY = publicKeyOfSeed(TEST_GATEWAY_ASSERTION_KEY);
/** Each subgraph's own key in tests (SERVICE_ASSERTION_PRIVATE_KEY), a different one per subgraph. */
export const TEST_SERVICE_KEYS: Record<SubgraphName, string> = Object.fromEntries(
  SUBGRAPH_NAMES.map((name) => [name, testSeed(`${name} service assertions`)]),
) as Record<SubgraphName, string>;

/** The public key of every subgraph's own key in tests (<NAME>_SERVICE_PUBLIC_KEY), as the gateway and the consumers of events get them. */
export function testServicePublicKeysEnv(): Record<string, string> {
  return Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_SERVICE_PUBLIC_KEY`, publicKeyOfSeed(TEST_SERVICE_KEYS[name])]));
}

/** Everything a subgraph is started with in tests to know the gateway, itself, and whose events it applies. */
export function testIdentityEnv(name: SubgraphName): Record<string, string> {
  return { GATEWAY_ASSERTION_PUBLIC_KEY: TEST_GATEWAY_ASSERTION_PUBLIC_KEY, SERVICE_ASSERTION_PRIVATE_KEY: TEST_SERVICE_KEYS[name], ...testServicePublicKeysEnv() };
}

/** What the gateway is started with in tests: its assertion key and the public key of every subgraph. */
export function testGatewayIdentityEnv(): Record<string, string> {
  return { GATEWAY_ASSERTION_PRIVATE_KEY: TEST_GATEWAY_ASSERTION_KEY, ...testServicePublicKeysEnv() };
}

/** The assertion the test gateway would send to `subgraph` with this body: for tests that post to a subgraph directly. */
export function testAssertion(subgraph: SubgraphName, viewer: Viewer, body: string, requestId = 'test'): Promise<string> {
  return signAssertion(signingKeyFromSeed(TEST_GATEWAY_ASSERTION_KEY).privateKey, subgraph, { viewer, requestId }, body);
}

/** Raw SQL on the test database; rows as TypeORM's query returns them. */
export interface SqlConnection {
  // Rows are whatever the statement selects; tests read them as they expect them, as with TypeORM's query.
  query<T = any>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface TestSubgraph<TLoaders, TServices = undefined> {
  server: SubgraphServer<TLoaders, TServices>;
  /** The subgraph's own connection, as its runtime role: what the app can do. */
  db: DataSource;
  /** The database's URL as its administrator (a superuser). */
  adminUrl: string;
  /** SQL as the administrator, on one connection: an operator with database access, or an attacker with a superuser's password. */
  admin: SqlConnection;
  queries: QueryCounter;
  /** HTTP requests that reached this subgraph (when listening). */
  httpRequests(): number;
  /** Runs an operation through the real server as the viewer, returning data and errors. */
  execute<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    viewer?: Viewer,
  ): Promise<ExecutionResult<TData>>;
  stop(): Promise<void>;
}

/**
 * Starts a subgraph in-process on the given database (its administrator's
 * URL, as cloneTestDatabase gives it), connected as the subgraph's runtime
 * role as in production; it does not listen unless asked. Its own settings
 * are its test values, overridden by `env`.
 */
export async function startTestSubgraph<TLoaders, TServices>(
  module: SubgraphModule<TLoaders, TServices>,
  databaseUrl: string,
  options: {
    listen?: boolean;
    seed?: boolean;
    logTo?: NodeJS.WritableStream;
    logLevel?: string;
    env?: Record<string, string>;
    /** Sees what became of each event this subgraph's consumers were delivered. */
    onEventApplied?: StartEventsOptions['onApplied'];
    /** Run the services' owner step first, as a subgraph that migrates at start-up does (default); false: as one started with MIGRATE_ON_START=false. */
    ownerStep?: boolean;
  } = {},
): Promise<TestSubgraph<TLoaders, TServices> & { url: string }> {
  const queries = new QueryCounter();
  const db = createDataSource({
    url: runtimeUrlFor(databaseUrl, module.name),
    schema: module.name,
    entities: module.entities,
    migrations: module.migrations,
    poolSize: 4,
    logger: queries,
  });
  await db.initialize();
  guardPoolClients(db);
  if (options.seed) await module.seedDemo(db);
  const logger = createLogger(module.name, options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent', options.logTo);
  const settings = module.services ? parseConfig(module.services.settings, { ...module.services.testEnv, ...options.env }) : {};
  if (options.ownerStep ?? true) {
    const owner = createDataSource({ url: ownerUrlFor(databaseUrl, module.name), schema: module.name, entities: module.entities, migrations: module.migrations, poolSize: 1 });
    await prepareServicesAsOwner(module, owner, settings, logger);
  }
  const running = await startServices(module, db, settings, logger);
  const identity = parseConfig(subgraphIdentitySettings, { ...testIdentityEnv(module.name), ...options.env });
  const events = await startEvents({
    subgraph: module.name,
    declaration: module.events,
    services: running.services,
    settings: parseConfig(eventSettings, { ...eventTestEnv, ...options.env }),
    ownUrl: runtimeUrlFor(databaseUrl, module.name),
    keys: eventKeysOf(identity),
    logger,
    onApplied: options.onEventApplied,
  });
  const server = createSubgraphServer(module, {
    db,
    logger,
    gatewayKey: identity.GATEWAY_ASSERTION_PUBLIC_KEY,
    queryCounter: queries,
    services: running.services,
    // A subgraph tested alone has no graph to ask about erased members; with a gateway (env GRAPH_URL) it asks as in production.
    standing: createMemberStanding(
      module.erasure,
      db,
      parseConfig(erasureSettings, { ERASED_MEMBER_CHECK: options.env?.GRAPH_URL ? 'graph' : 'off', ...options.env }),
      ownServiceOf(module.name, identity),
      logger,
    ),
    events: events.recorder,
  });
  await server.start();
  let url = '';
  let httpRequests = 0;
  server.http.server.on('request', () => httpRequests++);
  if (options.listen) {
    const address = await server.http.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${address.port}/graphql`;
  }
  // One connection, opened when first used: statements run in order on it, so BEGIN … COMMIT works.
  let adminClient: Promise<Client> | null = null;
  const admin: SqlConnection = {
    async query(text, params) {
      adminClient ??= (async () => {
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        return client;
      })();
      return (await (await adminClient).query(text, params)).rows;
    },
  };
  return {
    server,
    db,
    adminUrl: databaseUrl,
    admin,
    queries,
    url,
    httpRequests: () => httpRequests,
    async execute(query, variables, viewer = anonymous) {
      const response = await server.apollo.executeOperation(
        { query, variables },
        { contextValue: server.contextFor(viewer, 'test') },
      );
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not used by this API');
      return response.body.singleResult as ExecutionResult<never>;
    },
    async stop() {
      await server.stop();
      await events.stop();
      await running.stop();
      await db.destroy();
      if (adminClient) await (await adminClient).end();
    },
  };
}
