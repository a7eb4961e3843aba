import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, type GraphQLRequestContext } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import {
  ASSERTION_HEADER,
  AssertionError,
  ErrorCode,
  REQUEST_ID_HEADER,
  RETRY_AFTER_SECONDS,
  createErrorFormatter,
  retryAfterPlugin,
  createHttpApp,
  refuseNulCharacters,
  sendJson,
  signAssertion,
  verifyAssertion,
  type HttpApp,
  type Logger,
  type Viewer,
} from '@dbwe/platform';
import { GraphQLError, type ValidationRule } from 'graphql';
import { subgraphUrls, type GatewayConfig, type SubgraphName } from './config';
import { createTokenVerifier } from './identity';
import { RateLimiter } from './rate-limit';
import { GatewayMetrics } from './metrics';
import { createSubgraphFetcher } from './subgraph-fetcher';
import { QUERY_LIMITS, queryArmor } from './armor';
import { Exporter } from './export/exporter';
import { Supergraph } from '@apollo/federation-internals';
import { CHECKED_VERSIONS, installResultShaping } from './result-shaping';
import { PublicAnswerCache } from './public-answer-cache';
import { Readiness } from './readiness';
import { emptiedPaths } from './emptied-paths';

/** Errors with a path per failed fetch; beyond them one more error says how many fields it left out. */
const MAX_PATHED_ERRORS = 100;

export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
  /** Signed once per request, sent with every subgraph fetch of that request (an export signs one per page instead). */
  assertion: string;
  /** Set by the exporter: an export reads the books as they are, never from the response cache. */
  export?: true;
  /**
   * One of our own subgraphs reading the graph (GraphClient with the internal assertion): it is
   * answered fresh, never from the response cache, and outside the anonymous rate limit.
   */
  internal?: true;
  /** The response cache's generation when the request started (public-answer-cache.ts). */
  cacheGeneration?: number;
}

/** Only anonymous answers are cached and served from the cache: everyone asking anonymously sees the same public data. */
function sharesPublicAnswers(context: GatewayContext): boolean {
  return !context.export && !context.internal && context.viewer.memberId === null && context.viewer.roles.length === 0;
}

/** `Cache-Control: no-cache` (or `max-age=0`) on a request: answer from the subgraphs, as RFC 9111 §5.2.1 has a cache do. */
function asksForFreshAnswer(cacheControl: string | undefined): boolean {
  return cacheControl !== undefined && /(^|,)\s*(no-cache|max-age\s*=\s*0)\s*(,|$)/i.test(cacheControl);
}

/**
 * Sends the verified identity and the request id to a subgraph, bounds every
 * call with the timeout, and turns a subgraph that cannot be reached into an
 * error that names it (the gateway then answers with the other subgraphs' data).
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    private readonly timeoutMs: number,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {
    // Keep-alive connections over node:http, every call bounded by the timeout (subgraph-fetcher.ts).
    super({ url, fetcher: createSubgraphFetcher(timeoutMs) as never });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!('assertion' in context)) return;
    request.http?.headers.set(ASSERTION_HEADER, context.assertion);
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const started = process.hrtime.bigint();
    try {
      return await super.process(options);
    } catch (error) {
      // A 4xx answer with GraphQL errors (e.g. a variable the subgraph could not coerce) is the
      // client's mistake, not an outage: pass its errors on.
      const answered = (error as { extensions?: { response?: { status?: number; body?: { errors?: unknown } } } }).extensions?.response;
      if (answered?.status && answered.status < 500 && Array.isArray(answered.body?.errors) && answered.body.errors.length > 0) {
        return { errors: answered.body.errors };
      }
      this.metrics.subgraphErrors.inc({ subgraph: this.name });
      const requestId = 'requestId' in options.context ? options.context.requestId : undefined;
      this.logger.warn({ err: error, subgraph: this.name, requestId }, 'subgraph fetch failed');
      // The fetch error is wrapped by the data source; the clock tells a timeout apart reliably.
      const timedOut = Number(process.hrtime.bigint() - started) / 1e6 >= this.timeoutMs - 10;
      const unavailable = {
        message: `The ${this.name} service ${timedOut ? 'did not answer in time' : 'could not be reached'}; its fields are missing from this response.`,
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryAfter: RETRY_AFTER_SECONDS },
      };
      // One error per field this fetch would have filled, each with its path, so a client can tell missing data from a real null.
      const document = 'document' in options ? options.document : undefined;
      const paths = emptiedPaths(document ?? options.request.query ?? '{ _service { sdl } }', options.request.variables);
      if (paths.length === 0) return { errors: [unavailable] };
      const shown = paths.slice(0, MAX_PATHED_ERRORS);
      const beyond = paths.length - shown.length;
      return {
        errors: [
          ...shown.map((path) => ({ ...unavailable, path })),
          ...(beyond > 0 ? [{ ...unavailable, message: `${unavailable.message} ${beyond} more of its fields are missing than the errors above name.` }] : []),
        ],
      };
    } finally {
      this.metrics.subgraphLatency.observe({ subgraph: this.name }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}

/** graphql-js 16 only notices a missing root type when executing; refuse such an operation while validating. */
const knownOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const root = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() }[node.operation];
    if (!root) context.reportError(new GraphQLError(`This API has no ${node.operation} operations.`, { nodes: node }));
  },
});

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  http: HttpApp;
  metrics: GatewayMetrics;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The identity verified before GraphQL handling, kept for the context function. */
const verifiedViewers = new WeakMap<IncomingMessage, Viewer>();
/** Requests from our own subgraphs, recognised by a valid internal assertion. */
const internalRequests = new WeakSet<IncomingMessage>();

/** A request carrying an assertion signed with the internal secret comes from one of our own services. */
async function fromOwnService(req: IncomingMessage, secret: string): Promise<boolean> {
  const header = req.headers[ASSERTION_HEADER];
  if (typeof header !== 'string') return false;
  try {
    await verifyAssertion(secret, header);
    return true;
  } catch (error) {
    if (error instanceof AssertionError) return false;
    throw error;
  }
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string' && forwarded.length > 0) return forwarded.split(',')[0].trim();
  return req.socket.remoteAddress ?? 'unknown';
}

function errorBody(code: ErrorCode, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

export function createGateway(config: GatewayConfig, logger: Logger): Gateway {
  const urls = subgraphUrls(config);
  const verifier = createTokenVerifier(config);
  const metrics = new GatewayMetrics();
  const limiter = config.RATE_LIMIT_PER_MINUTE > 0 ? new RateLimiter(config.RATE_LIMIT_PER_MINUTE) : null;
  const armor = queryArmor();
  const answers = config.RESPONSE_CACHE ? new PublicAnswerCache(config.RESPONSE_CACHE_MAX_MIB * 2 ** 20) : null;
  const supergraphSdl = readFileSync(config.SUPERGRAPH_PATH, 'utf8');
  if (!installResultShaping()) {
    logger.warn({ checked: CHECKED_VERSIONS }, "Apollo Gateway is not the version our compiled result shaping was checked against; Apollo's own (slower) shaping runs");
  }
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) =>
      new SubgraphDataSource(name, urls[name as SubgraphName], config.SUBGRAPH_TIMEOUT_MS, metrics, logger),
    logger,
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: true,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // Our process runner handles SIGTERM (finish requests, close the database, exit); Apollo must not race it.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger),
    validationRules: [...armor.validationRules, knownOperationTypes],
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    plugins: [
      ...armor.plugins,
      // Refused here with a 400 before any subgraph is asked; each subgraph refuses it too.
      refuseNulCharacters(),
      metrics.plugin(),
      retryAfterPlugin(),
      // Keyed by the query and its variables; kept as long as the shortest cache hint in the answer
      // (the subgraphs send theirs as Cache-Control); answers with errors are never kept.
      // An erasure drops every kept answer, so no anonymous reader is served the erased pseudonym.
      ...(answers
        ? [
            responseCachePlugin<GatewayContext>({
              cache: answers.store,
              sessionId: async () => null,
              // A subgraph checking a reference before it writes asks for a fresh answer (GraphClient); so may anyone.
              shouldReadFromCache: async ({ contextValue, request }) => sharesPublicAnswers(contextValue) && !asksForFreshAnswer(request.http?.headers.get('cache-control')),
              shouldWriteToCache: async ({ contextValue }) => sharesPublicAnswers(contextValue) && answers.mayKeep(contextValue.cacheGeneration ?? -1),
            }),
            answers.plugin<GatewayContext>(),
          ]
        : []),
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      {
        // Mutations are not retried or deduplicated anywhere; log the operation for the request id.
        async requestDidStart({ contextValue }: GraphQLRequestContext<GatewayContext>) {
          return {
            async didResolveOperation({ operationName, operation }) {
              logger.debug({ requestId: contextValue.requestId, operationName, type: operation?.operation }, 'operation');
            },
          };
        },
      },
    ],
  });

  const readiness = new Readiness(urls, { maxAgeMs: config.READY_CACHE_MS, timeoutMs: 2000 });

  /** Takes one request from the key's allowance; when none is left, answers 429 and returns true. */
  const refusedByLimit = (res: ServerResponse, key: string): boolean => {
    if (!limiter) return false;
    const decision = limiter.take(key);
    res.setHeader('ratelimit-limit', String(decision.limit));
    res.setHeader('ratelimit-remaining', String(decision.remaining));
    res.setHeader('ratelimit-reset', String(decision.resetSeconds));
    res.setHeader('ratelimit-policy', `${decision.limit};w=60`);
    if (decision.allowed) return false;
    metrics.rateLimited.inc();
    sendJson(res, 429, errorBody(ErrorCode.RATE_LIMITED, `Too many requests: at most ${decision.limit} a minute.`), {
      'retry-after': String(decision.resetSeconds),
    });
    return true;
  };

  const sign = (viewer: Viewer, requestId: string) =>
    signAssertion(config.INTERNAL_ASSERTION_SECRET, { viewer, requestId }, config.INTERNAL_ASSERTION_TTL_SECONDS);
  const renewExportAssertion = async (req: IncomingMessage, requestId: string) => sign(await verifier.viewerFor(req.headers.authorization), requestId);
  const exporter = new Exporter(apollo, Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema(), logger, renewExportAssertion);

  const http = createHttpApp<GatewayContext>({
    apollo,
    logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
    getCaching: { maxAgeSeconds: config.PUBLIC_MAX_AGE_SECONDS },
    // Identity and rate limit are settled before any GraphQL work: a refused request costs nothing downstream.
    async intercept(req, res, requestId) {
      let viewer: Viewer;
      try {
        viewer = await verifier.viewerFor(req.headers.authorization);
      } catch (error) {
        const message = error instanceof GraphQLError ? error.message : 'The token was refused.';
        sendJson(res, 401, errorBody(ErrorCode.UNAUTHENTICATED, message), { 'www-authenticate': 'Bearer error="invalid_token"' });
        return true;
      }
      const internal = await fromOwnService(req, config.INTERNAL_ASSERTION_SECRET);
      if (internal) internalRequests.add(req);
      if (!internal && refusedByLimit(res, viewer.memberId ? `member:${viewer.memberId}` : `address:${clientAddress(req, config.TRUST_PROXY)}`)) return true;
      verifiedViewers.set(req, viewer);
      // The open-data exports and the ledger's keys (/.well-known/dbwe-ledger-keys): read from the graph like any client.
      if (Exporter.serves(req.url)) {
        return exporter.handle(req, res, { viewer, requestId });
      }
      return false;
    },
    async context(req, requestId) {
      const viewer = verifiedViewers.get(req) ?? (await verifier.viewerFor(req.headers.authorization));
      return {
        viewer,
        requestId,
        assertion: await sign(viewer, requestId),
        ...(internalRequests.has(req) ? { internal: true as const } : {}),
        ...(answers ? { cacheGeneration: answers.currentGeneration } : {}),
      };
    },
    routes: {
      'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }),
      // Counted like any request: a probe that asks too often is told to wait, and the subgraphs are asked once per READY_CACHE_MS anyway.
      'GET /ready': async (req, res) => {
        if (refusedByLimit(res, `address:${clientAddress(req, config.TRUST_PROXY)}`)) return;
        const report = await readiness.report();
        sendJson(res, report.ready ? 200 : 503, report, { 'cache-control': 'no-store' });
      },
      'GET /metrics': async (_req, res) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      },
    },
  });

  return {
    apollo,
    http,
    metrics,
    start: () => apollo.start(),
    async stop() {
      await http.close();
      await apollo.stop();
    },
  };
}
