import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode } from 'graphql';
import type { DataSource, MixedList, EntitySchema } from 'typeorm';
import type { Logger } from 'pino';
import { createErrorFormatter, ErrorCode, httpError } from './errors';
import { createHttpApp, sendJson, type HttpApp } from './http';
import { ASSERTION_HEADER, AssertionError, verifyAssertion, type Viewer } from './identity';
import { databaseIsReachable } from './database';
import { QueryCounter } from './query-counter';
import { refuseNulCharacters } from './text-guard';
import type { Setting } from './config';

/** What every resolver of every subgraph gets. */
export interface SubgraphContext<TLoaders> {
  viewer: Viewer;
  requestId: string;
  logger: Logger;
  db: DataSource;
  loaders: TLoaders;
}

/** Everything that makes a subgraph a subgraph; each one exports one of these. */
export interface SubgraphModule<TLoaders> {
  /** Service name, also the name of the PostgreSQL schema it owns. */
  name: 'community' | 'projects' | 'ledger' | 'impact';
  defaultPort: number;
  typeDefs: DocumentNode;
  // The resolver map is typed per subgraph by codegen; here only its shape matters.
  resolvers: GraphQLResolverMap<SubgraphContext<TLoaders>>;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  /**
   * Settings this subgraph reads besides those every subgraph reads
   * (subgraphSettings), e.g. where another subgraph it calls listens. Parsed
   * once at start-up with the others; the values reach createLoaders.
   */
  settings?: Record<string, Setting<unknown>>;
  createLoaders(db: DataSource, runtime: SubgraphRuntime): TLoaders;
  /** Loads the demo data once; a second call finds it there and does nothing. */
  seedDemo(db: DataSource): Promise<void>;
}

/** What a request's loaders may need besides the database: for a subgraph that calls another one itself. */
export interface SubgraphRuntime {
  /** The module's own settings (SubgraphModule.settings), parsed at start-up. */
  settings: Readonly<Record<string, unknown>>;
  /** Signs the identity assertion of a call to another subgraph, which verifies it as it verifies the gateway's. */
  assertionSecret: string;
  /** The request's id, passed on to such a call. */
  requestId: string;
}

export function loadTypeDefs(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}

export interface SubgraphServerOptions {
  db: DataSource;
  logger: Logger;
  assertionSecret: string;
  queryCounter?: QueryCounter;
  /** The module's own settings, parsed (SubgraphModule.settings); none by default. */
  settings?: Readonly<Record<string, unknown>>;
}

export interface SubgraphServer<TLoaders> {
  apollo: ApolloServer<SubgraphContext<TLoaders>>;
  http: HttpApp;
  /** The context a request by this viewer would get; tests use it with apollo.executeOperation. */
  contextFor(viewer: Viewer, requestId?: string): SubgraphContext<TLoaders>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds, but does not start listening: tests use it in-process, main.ts listens. */
export function createSubgraphServer<TLoaders>(module: SubgraphModule<TLoaders>, options: SubgraphServerOptions): SubgraphServer<TLoaders> {
  const { db, logger, assertionSecret, queryCounter, settings = {} } = options;
  const apollo = new ApolloServer<SubgraphContext<TLoaders>>({
    // buildSubgraphSchema types resolver maps with an unknown context; ours is known to be SubgraphContext.
    schema: buildSubgraphSchema({ typeDefs: module.typeDefs, resolvers: module.resolvers as GraphQLResolverMap<unknown> }),
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    // Our process runner handles SIGTERM (finish requests, close the database, exit); Apollo must not race it.
    stopOnTerminationSignals: false,
    // Subgraphs are reached only by the gateway: no landing page, no inline traces.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), refuseNulCharacters()],
  });

  const contextFor = (viewer: Viewer, requestId = ''): SubgraphContext<TLoaders> => ({
    viewer,
    requestId,
    logger: logger.child({ requestId }),
    db,
    loaders: module.createLoaders(db, { settings, assertionSecret, requestId }),
  });

  const http = createHttpApp({
    apollo,
    logger,
    maxBodyBytes: 2_000_000,
    async context(req, requestId) {
      const header = req.headers[ASSERTION_HEADER];
      try {
        const assertion = await verifyAssertion(assertionSecret, typeof header === 'string' ? header : undefined);
        const context = contextFor(assertion.viewer, requestId);
        return context;
      } catch (error) {
        if (error instanceof AssertionError) throw httpError(ErrorCode.UNAUTHENTICATED, error.message);
        throw error;
      }
    },
    routes: {
      'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok', service: module.name }),
      'GET /ready': async (_req, res) => {
        const ready = await databaseIsReachable(db);
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'database unreachable', service: module.name });
      },
      'GET /metrics': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(queryCounter ? queryCounter.prometheus(module.name) : '');
      },
    },
  });

  return {
    apollo,
    http,
    contextFor,
    start: () => apollo.start(),
    async stop() {
      await http.close();
      await apollo.stop();
    },
  };
}
