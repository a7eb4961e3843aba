import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode } from 'graphql';
import type { DataSource, MixedList, EntitySchema } from 'typeorm';
import type { Logger } from 'pino';
import type { Spec } from './config';
import { createErrorFormatter, ErrorCode, httpError, retryAfterPlugin } from './errors';
import { createHttpApp, sendJson, type HttpApp } from './http';
import { ASSERTION_HEADER, AssertionError, UsedAssertions, verifyAssertion, type SubgraphName, type Viewer } from './identity';
import { databaseIsReachable } from './database';
import type { DatabasePrivileges } from './database-privileges';
import { QueryCounter } from './query-counter';
import { refuseNulCharacters } from './text-guard';
import { capErrorList, refuseUnresolvedOperation } from './client-mistakes';
import type { Setting } from './config';
import { guardMutations, type ErasurePolicy, type MemberStanding } from './member-standing';
import { notRecording, type EventRecorder } from './events/outbox';
import type { EventsDeclaration } from './events/runtime';
import { createMetricsServer, SubgraphMetrics } from './metrics';
import type { AddressInfo } from 'node:net';

/** What every resolver of every subgraph gets. */
export interface SubgraphContext<TLoaders, TServices = undefined> {
  viewer: Viewer;
  requestId: string;
  logger: Logger;
  db: DataSource;
  loaders: TLoaders;
  /** What the subgraph built at start-up from its own settings (see SubgraphServices). */
  services: TServices;
  /** Records domain events in the transaction of a change (docs/events.md). */
  events: EventRecorder;
}

/**
 * What a subgraph keeps for as long as it runs, built from settings only it
 * reads (a signing key, background work). Started after migrations and demo
 * data, stopped before the database closes.
 */
export interface SubgraphServices<TServices> {
  settings: Spec;
  /** The values tests run with (fixed test keys); never used outside the test harness. */
  testEnv: Record<string, string>;
  /**
   * Start-up work that the runtime role is not allowed to do (the ledger records the keys it signs with): run
   * with the schema owner's connection right after the migrations, with the same settings, before start. A
   * subgraph that starts without an owner's connection (MIGRATE_ON_START=false) finds what the last such run did.
   */
  prepareAsOwner?(owner: DataSource, settings: Record<string, unknown>, logger: Logger): Promise<void>;
  start(db: DataSource, settings: Record<string, unknown>, logger: Logger): Promise<RunningServices<TServices>>;
}

export interface RunningServices<TServices> {
  services: TServices;
  stop(): Promise<void>;
}

/** Everything that makes a subgraph a subgraph; each one exports one of these. */
export interface SubgraphModule<TLoaders, TServices = undefined> {
  /** Service name, also the name of the PostgreSQL schema it owns. */
  name: SubgraphName;
  defaultPort: number;
  typeDefs: DocumentNode;
  // The resolver map is typed per subgraph by codegen; here only its shape matters.
  resolvers: GraphQLResolverMap<SubgraphContext<TLoaders, TServices>>;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  /** What the runtime role may do to each table of the schema; applied after migrations (docs/CONVENTIONS.md). */
  databasePrivileges: DatabasePrivileges;
  createLoaders(db: DataSource, services: TServices): TLoaders;
  /** Settings and long-lived parts of this subgraph alone, if it has any. */
  services?: SubgraphServices<TServices>;
  /** The domain events it records and the ones it consumes (docs/events.md). */
  events?: EventsDeclaration<TServices>;
  /** Loads the demo data once; a second call finds it there and does nothing. */
  seedDemo(db: DataSource): Promise<void>;
  /** How this subgraph learns of erased members, whose writes every mutation refuses (member-standing.ts); default: through the graph. */
  erasure?: ErasurePolicy;
}

export function loadTypeDefs(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}

export interface SubgraphServerOptions<TServices> {
  db: DataSource;
  logger: Logger;
  /** The gateway's public key: the only key whose assertions this subgraph accepts. */
  gatewayKey: KeyObject;
  queryCounter?: QueryCounter;
  services: TServices;
  /** Refuses every mutation by an erased member; null only where the check is switched off (member-standing.ts). */
  standing: MemberStanding | null;
  /** Where resolvers record domain events; none are recorded without it. */
  events?: EventRecorder;
}

export interface SubgraphServer<TLoaders, TServices = undefined> {
  apollo: ApolloServer<SubgraphContext<TLoaders, TServices>>;
  http: HttpApp;
  metrics: SubgraphMetrics;
  /** Serves GET /metrics on a listener of its own, apart from the service's port (METRICS_PORT, METRICS_HOST). */
  listenMetrics(port: number, host: string): Promise<AddressInfo>;
  /** The context a request by this viewer would get; tests use it with apollo.executeOperation. */
  contextFor(viewer: Viewer, requestId?: string): SubgraphContext<TLoaders, TServices>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds, but does not start listening: tests use it in-process, main.ts listens. */
export function createSubgraphServer<TLoaders, TServices>(
  module: SubgraphModule<TLoaders, TServices>,
  options: SubgraphServerOptions<TServices>,
): SubgraphServer<TLoaders, TServices> {
  const { db, logger, gatewayKey, queryCounter, services, standing, events = notRecording } = options;
  const { Mutation: mutations, ...otherResolvers } = module.resolvers;
  const resolvers =
    standing && mutations ? { ...otherResolvers, Mutation: guardMutations(mutations as Record<string, unknown>, standing, module.erasure) } : module.resolvers;
  const metrics = new SubgraphMetrics(module.name, db, queryCounter);
  const apollo = new ApolloServer<SubgraphContext<TLoaders, TServices>>({
    // buildSubgraphSchema types resolver maps with an unknown context; ours is known to be SubgraphContext.
    schema: buildSubgraphSchema({ typeDefs: module.typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }),
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    // Our process runner handles SIGTERM (finish requests, close the database, exit); Apollo must not race it.
    stopOnTerminationSignals: false,
    // Subgraphs are reached only by the gateway: no landing page, no inline traces.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      refuseNulCharacters(),
      refuseUnresolvedOperation(),
      capErrorList(),
      retryAfterPlugin(),
      metrics.plugin(),
    ],
  });

  const contextFor = (viewer: Viewer, requestId = ''): SubgraphContext<TLoaders, TServices> => ({
    viewer,
    requestId,
    logger: logger.child({ requestId }),
    db,
    loaders: module.createLoaders(db, services),
    services,
    events,
  });

  const used = new UsedAssertions();
  const http = createHttpApp({
    apollo,
    logger,
    maxBodyBytes: 2_000_000,
    async context(req, requestId, body) {
      const header = req.headers[ASSERTION_HEADER];
      try {
        const assertion = await verifyAssertion(gatewayKey, module.name, typeof header === 'string' ? header : undefined, body);
        // The same assertion twice is the same request sent again by someone who captured it: the gateway signs one per fetch.
        if (!used.firstUse(assertion.id)) throw new AssertionError('The assertion was used before.');
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
    },
  });

  const metricsServer = createMetricsServer(metrics.registry, logger);

  return {
    apollo,
    http,
    metrics,
    listenMetrics: (port, host) => metricsServer.listen(port, host),
    contextFor,
    start: () => apollo.start(),
    async stop() {
      await metricsServer.close();
      await http.close();
      await apollo.stop();
    },
  };
}
