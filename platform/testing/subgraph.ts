import type { DataSource } from 'typeorm';
import type { ExecutionResult } from 'graphql';
import { createDataSource, guardPoolClients } from '../src/database';
import { createLogger } from '../src/logger';
import { QueryCounter } from '../src/query-counter';
import { createSubgraphServer, type SubgraphModule, type SubgraphServer } from '../src/subgraph';
import { anonymous, type Viewer } from '../src/identity';
import { parseConfig } from '../src/config';

export const TEST_ASSERTION_SECRET = 'test-assertion-secret-0123456789abcdef';

export interface TestSubgraph<TLoaders> {
  server: SubgraphServer<TLoaders>;
  db: DataSource;
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

/** Starts a subgraph in-process on the given database; it does not listen unless asked. */
export async function startTestSubgraph<TLoaders>(
  module: SubgraphModule<TLoaders>,
  databaseUrl: string,
  options: {
    listen?: boolean;
    seed?: boolean;
    logTo?: NodeJS.WritableStream;
    logLevel?: string;
    /** Values of the module's own settings (SubgraphModule.settings); their defaults otherwise. */
    env?: Record<string, string>;
  } = {},
): Promise<TestSubgraph<TLoaders> & { url: string }> {
  const queries = new QueryCounter();
  const db = createDataSource({
    url: databaseUrl,
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
  const settings = parseConfig(module.settings ?? {}, options.env ?? {});
  const server = createSubgraphServer(module, { db, logger, assertionSecret: TEST_ASSERTION_SECRET, queryCounter: queries, settings });
  await server.start();
  let url = '';
  let httpRequests = 0;
  server.http.server.on('request', () => httpRequests++);
  if (options.listen) {
    const address = await server.http.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${address.port}/graphql`;
  }
  return {
    server,
    db,
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
      await db.destroy();
    },
  };
}
