import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type GraphQLRequestContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
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
  SERVICE_ASSERTION_HEADER,
  RETRY_AFTER_SECONDS,
  createErrorFormatter,
  retryAfterPlugin,
  createHttpApp,
  createMetricsServer,
  httpError,
  capErrorList,
  refuseNulCharacters,
  refuseUnresolvedOperation,
  sendJson,
  signAssertion,
  verifyServiceAssertion,
  type HttpApp,
  type ServiceAssertion,
  type SubgraphName as ServiceName,
  type Logger,
  type Viewer,
} from '@dbwe/platform';
import { GraphQLError, type ValidationRule } from 'graphql';
import { createPlatformRoles, tokenRolesMode } from './platform-roles';
import { proxyTrust, servicePublicKeys, subgraphUrls, type GatewayConfig, type SubgraphName } from './config';
import { clientAddresses } from './client-address';
import { securityHeaders } from './security-headers';
import { createCors } from './cors';
import { createTokenVerifier } from './identity';
import { Redis } from 'ioredis';
import { RateLimiter, SharedRateLimiter, type ClientRateLimit } from './rate-limit';
import { GatewayMetrics } from './metrics';
import { createSubgraphFetcher } from './subgraph-fetcher';
import { QUERY_LIMITS, queryArmor } from './armor';
import { Exporter } from './export/exporter';
import { ExportSlots } from './export/export-slots';
import { sendProblem } from './export/problem';
import { Supergraph } from '@apollo/federation-internals';
import { CHECKED_VERSIONS, installResultShaping } from './result-shaping';
import { PublicAnswerCache } from './public-answer-cache';
import { SharedAnswerStore } from './shared-answer-cache';
import { Readiness } from './readiness';
import { emptiedPaths } from './emptied-paths';
import { schemaRoutes } from './schema-files';
import { Pages, pageRequested } from './explorer/pages';

/** Errors with a path per failed fetch; beyond them one more error says how many fields it left out. */
const MAX_PATHED_ERRORS = 100;

export interface GatewayContext {
  /** Who asks; every subgraph fetch carries an assertion of it signed for that subgraph and that fetch's body. */
  viewer: Viewer;
  requestId: string;
  /** Set by the exporter: an export reads the books as they are, never from the response cache. */
  export?: true;
  /**
   * One of our own subgraphs reading the graph (GraphClient with its own key): it is
   * answered fresh, never from the response cache, and outside the anonymous rate limit.
   */
  internal?: true;
  /** The response cache's generation when the request started (public-answer-cache.ts). */
  cacheGeneration?: number | null;
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
 * Who a fetch is for, from willSendRequest to the fetcher, which signs the assertion: only the
 * fetcher sees the body exactly as it is sent, and the assertion is bound to that body. The
 * header never leaves the process (the fetcher takes it out).
 */
const IDENTITY_TO_SIGN = 'x-dbwe-identity-to-sign';

type SignAssertion = (audience: ServiceName, assertion: { viewer: Viewer; requestId: string }, body: string) => Promise<string>;

/** The subgraph fetcher with each request's assertion signed over its own body (and for this one subgraph). */
function signingFetcher(name: ServiceName, timeoutMs: number, sign: SignAssertion) {
  const fetchSubgraph = createSubgraphFetcher(timeoutMs);
  return async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const { [IDENTITY_TO_SIGN]: identity, ...headers } = init.headers ?? {};
    if (identity !== undefined) headers[ASSERTION_HEADER] = await sign(name, JSON.parse(identity), init.body ?? '');
    return fetchSubgraph(url, { ...init, headers });
  };
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
    sign: SignAssertion,
  ) {
    // Keep-alive connections over node:http, every call bounded by the timeout (subgraph-fetcher.ts).
    super({ url, fetcher: signingFetcher(name as ServiceName, timeoutMs, sign) as never });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!('viewer' in context)) return;
    request.http?.headers.set(IDENTITY_TO_SIGN, JSON.stringify({ viewer: context.viewer, requestId: context.requestId }));
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
  /** Serves GET /metrics on a listener of its own, apart from the public one (METRICS_PORT, METRICS_HOST). */
  listenMetrics(port: number, host: string): Promise<AddressInfo>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** How long start() waits for REDIS_URL's server before serving without it. */
const REDIS_READY_WAIT_MS = 5000;
/** The identity verified before GraphQL handling, kept for the context function. */
const verifiedViewers = new WeakMap<IncomingMessage, Viewer>();
/** Requests from our own subgraphs, recognised by a valid service assertion; its body binding is checked once the body is read. */
const internalRequests = new WeakMap<IncomingMessage, ServiceAssertion>();

/**
 * A request with a service assertion signed by one of our subgraphs' own keys comes from that service.
 * Only a GraphQL POST can be one: the assertion is bound to a body, and a GET (an export, say) has
 * none, so one captured assertion would otherwise take any number of them out of the rate limit.
 */
async function fromOwnService(req: IncomingMessage, keys: ReturnType<typeof servicePublicKeys>): Promise<ServiceAssertion | null> {
  const header = req.headers[SERVICE_ASSERTION_HEADER];
  if (typeof header !== 'string' || req.method !== 'POST' || Exporter.serves(req.url)) return null;
  try {
    return await verifyServiceAssertion(keys, header);
  } catch (error) {
    if (error instanceof AssertionError) return null;
    throw error;
  }
}

/** A table download takes seconds: when the client may ask again after a refusal. */
const EXPORT_RETRY_AFTER_SECONDS = 5;

/** Who a request says it is: the viewer its token names, or why the token was refused. */
type Identity = { viewer: Viewer } | { refused: string };
const identities = new WeakMap<IncomingMessage, Identity>();

function errorBody(code: ErrorCode, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** A refusal before any work: problem details under the exports, a GraphQL error body elsewhere. */
function refuse(req: IncomingMessage, res: ServerResponse, status: 401 | 429 | 503, code: ErrorCode, message: string): void {
  const title = status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : 'Service Unavailable';
  if (Exporter.serves(req.url)) sendProblem(res, status, title, message, req.url?.split('?')[0]);
  else sendJson(res, status, errorBody(code, message));
}

export function createGateway(config: GatewayConfig, logger: Logger): Gateway {
  const urls = subgraphUrls(config);
  const verifier = createTokenVerifier(config);
  const metrics = new GatewayMetrics(config.METRICS_OPERATION_NAMES);
  const addresses = clientAddresses(proxyTrust(config, (message) => logger.warn(message)));
  /** Who counts as one client for the limits: a signed-in member, else the client's address. */
  const clientKey = (req: IncomingMessage, viewer: Viewer | null) => (viewer?.memberId ? `member:${viewer.memberId}` : `address:${addresses.of(req)}`);
  const exportSlots = new ExportSlots(config.EXPORT_CONCURRENCY_PER_CLIENT, config.EXPORT_CONCURRENCY_TOTAL);
  // With REDIS_URL every gateway replica counts in the same place; without it, this process's memory.
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : null;
  redis?.on('error', (error) => logger.warn({ err: error }, 'Redis is unreachable: limits are counted in this gateway alone until it answers'));
  const limiter: ClientRateLimit | null =
    config.RATE_LIMIT_PER_MINUTE <= 0 ? null : redis ? new SharedRateLimiter(redis, config.RATE_LIMIT_PER_MINUTE) : new RateLimiter(config.RATE_LIMIT_PER_MINUTE);
  const secure = securityHeaders({ addresses, hstsMaxAgeSeconds: config.HSTS_MAX_AGE_SECONDS, hstsAlways: config.HSTS_ALWAYS });
  const cors = createCors(config.CORS_CREDENTIALED_ORIGINS);
  const armor = queryArmor();
  // With REDIS_URL every replica keeps and finds the same answers, and a drop drops them for all (shared-answer-cache.ts).
  const sharedAnswers = redis ? new SharedAnswerStore(redis, (error) => logger.warn({ err: error }, 'Redis is unreachable: no answer is kept or served from the shared cache until it answers')) : null;
  const answers = config.RESPONSE_CACHE ? new PublicAnswerCache(config.RESPONSE_CACHE_MAX_MIB * 2 ** 20, sharedAnswers) : null;
  const supergraphSdl = readFileSync(config.SUPERGRAPH_PATH, 'utf8');
  if (!installResultShaping()) {
    logger.warn({ checked: CHECKED_VERSIONS }, "Apollo Gateway is not the version our compiled result shaping was checked against; Apollo's own (slower) shaping runs");
  }
  const assertionKey = config.GATEWAY_ASSERTION_PRIVATE_KEY.privateKey;
  const serviceKeys = servicePublicKeys(config);
  const sign: SignAssertion = (audience, assertion, body) => signAssertion(assertionKey, audience, assertion, body, config.INTERNAL_ASSERTION_TTL_SECONDS);
  // What each authenticated request may do is read from community, fresh, after the limits (platform-roles.ts).
  const platformRoles = createPlatformRoles(urls.community, (assertion, body) => sign('community', assertion, body), {
    mode: tokenRolesMode(config.TOKEN_ROLES, config.NODE_ENV),
    timeoutMs: Math.min(config.SUBGRAPH_TIMEOUT_MS, 5_000),
    logger,
  });
  const viewerWithRoles = async (authorization: string | undefined, requestId: string) => platformRoles.complete(await verifier.viewerFor(authorization), requestId);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) =>
      new SubgraphDataSource(name, urls[name as SubgraphName], config.SUBGRAPH_TIMEOUT_MS, metrics, logger, sign),
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
      refuseUnresolvedOperation(),
      capErrorList(),
      metrics.plugin<GatewayContext>(),
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
              shouldReadFromCache: async ({ contextValue, request }) =>
                sharesPublicAnswers(contextValue) && answers.mayServe(contextValue.cacheGeneration) && !asksForFreshAnswer(request.http?.headers.get('cache-control')),
              shouldWriteToCache: async ({ contextValue }) => sharesPublicAnswers(contextValue) && answers.mayKeep(contextValue.cacheGeneration),
              // The generation the request started under is part of the key: nothing from before a drop is read after it.
              extraCacheKeyData: async ({ contextValue }) => ({ generation: contextValue.cacheGeneration ?? null }),
            }),
            answers.plugin<GatewayContext>(),
          ]
        : []),
      // The pages (landing, explorer, Sandbox) are the gateway's own: explorer/pages.ts.
      ApolloServerPluginLandingPageDisabled(),
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

  // The response cache follows the platform's changes through the public event feed's head (community's).
  const readFeedHead = async () => {
    const viewer: Viewer = { memberId: null, roles: [] };
    const response = await apollo.executeOperation({ query: '{ eventFeedHead { position } }' }, { contextValue: { viewer, requestId: 'response-cache', internal: true } });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    if (errors?.length) throw new Error(`the event feed's head could not be read: ${errors[0].message}`);
    return (data as { eventFeedHead: { position: string } }).eventFeedHead.position;
  };
  let feedWatch: { stop(): Promise<void> } | null = null;
  const apiSchema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const exporter = new Exporter(apollo, apiSchema, logger, (req) => viewerWithRoles(req.headers.authorization, 'export'));

  const pages = new Pages(apollo, logger);

  const readiness = new Readiness(urls, { maxAgeMs: config.READY_CACHE_MS, timeoutMs: 2000 });

  /** Takes one request from the key's allowance; when none is left, answers 429 and returns true. */
  const refusedByLimit = async (req: IncomingMessage, res: ServerResponse, key: string): Promise<boolean> => {
    if (!limiter) return false;
    const decision = await limiter.take(key);
    res.setHeader('ratelimit-limit', String(decision.limit));
    res.setHeader('ratelimit-remaining', String(decision.remaining));
    res.setHeader('ratelimit-reset', String(decision.resetSeconds));
    res.setHeader('ratelimit-policy', `${decision.limit};w=60`);
    if (decision.allowed) return false;
    metrics.rateLimited.inc();
    res.setHeader('retry-after', String(decision.resetSeconds));
    refuse(req, res, 429, ErrorCode.RATE_LIMITED, `Too many requests: at most ${decision.limit} a minute.`);
    return true;
  };

  const http = createHttpApp<GatewayContext>({
    apollo,
    logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
    getCaching: { maxAgeSeconds: config.PUBLIC_MAX_AGE_SECONDS },
    connections: {
      requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS,
      uncapped: (address) => addresses.isProxy(address),
    },
    responseHeaders: (req, res) => {
      secure(req, res);
      cors.headers(req, res);
    },
    // Every request is counted before anything else is done for it, a refused token's included (by
    // the client's address, as it names no member we can believe): a refusal costs nothing downstream.
    async admit(req, res) {
      const internal = await fromOwnService(req, serviceKeys);
      if (internal) internalRequests.set(req, internal);
      let identity: Identity;
      try {
        identity = { viewer: await verifier.viewerFor(req.headers.authorization) };
      } catch (error) {
        identity = { refused: error instanceof GraphQLError ? error.message : 'The token was refused.' };
      }
      identities.set(req, identity);
      if (internal) return false;
      return refusedByLimit(req, res, clientKey(req, 'viewer' in identity ? identity.viewer : null));
    },
    // Identity is settled before any GraphQL work.
    async intercept(req, res, requestId) {
      // A preflight carries no token (browsers never send one), and was counted in admit.
      if (cors.preflight(req, res)) return true;
      const identity = identities.get(req)!;
      if ('refused' in identity) {
        res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
        refuse(req, res, 401, ErrorCode.UNAUTHENTICATED, identity.refused);
        return true;
      }
      let viewer: Viewer;
      try {
        viewer = await platformRoles.complete(identity.viewer, requestId);
      } catch (error) {
        res.setHeader('retry-after', '2');
        refuse(req, res, 503, ErrorCode.SERVICE_UNAVAILABLE, error instanceof Error ? error.message : String(error));
        return true;
      }
      verifiedViewers.set(req, viewer);
      const page = pageRequested(req);
      if (page) {
        await pages.handle(req, res, page, requestId);
        return true;
      }
      // The open-data exports and the ledger's keys (/.well-known/dbwe-ledger-keys): read from the graph like any client.
      if (Exporter.serves(req.url)) {
        metrics.trackExport(req, res, requestId);
        if (Exporter.downloadsTable(req.url)) {
          const release = exportSlots.take(clientKey(req, viewer));
          if (!release) {
            res.setHeader('retry-after', String(EXPORT_RETRY_AFTER_SECONDS));
            sendProblem(res, 429, 'Too Many Requests', `At most ${exportSlots.perClient} table downloads at once per client (${exportSlots.overall} in all) are served; try again when one has finished.`, req.url);
            return true;
          }
          res.once('close', release);
        }
        return exporter.handle(req, res, { viewer, requestId });
      }
      return false;
    },
    async context(req, requestId, body) {
      const viewer = verifiedViewers.get(req) ?? (await viewerWithRoles(req.headers.authorization, requestId));
      const internal = internalRequests.get(req);
      try {
        internal?.checkBody(body);
      } catch (error) {
        if (error instanceof AssertionError) throw httpError(ErrorCode.UNAUTHENTICATED, error.message);
        throw error;
      }
      const context: GatewayContext = { viewer, requestId, ...(internal ? { internal: true as const } : {}) };
      // Only answers to the anonymous public are kept; only they need the generation (a Redis read when shared).
      if (answers && sharesPublicAnswers(context)) context.cacheGeneration = await answers.generationAtStart();
      return context;
    },
    routes: {
      'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }),
      // Counted like any request: a probe that asks too often is told to wait, and the subgraphs are asked once per READY_CACHE_MS anyway.
      // Counted in the rate limit like every request (admit).
      'GET /ready': async (_req, res) => {
        const report = await readiness.report();
        sendJson(res, report.ready ? 200 : 503, report, { 'cache-control': 'no-store' });
      },
      // For client developers' tools: the schema, its possibleTypes map, the spec of our scalars.
      ...schemaRoutes(apiSchema, config.SUPERGRAPH_PATH),
    },
  });

  // Metrics tell who asks what how often, and their labels must stay few: never on the public listener.
  const metricsServer = createMetricsServer(metrics.registry, logger);

  return {
    apollo,
    http,
    metrics,
    listenMetrics: (port, host) => metricsServer.listen(port, host),
    async start() {
      await apollo.start();
      // Serve once Redis answers, so the first requests count where every replica counts; a Redis
      // that does not answer within a few seconds is logged, and the gateway limits on its own meanwhile.
      if (redis && redis.status !== 'ready') {
        const ready = await Promise.race([new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true))), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), REDIS_READY_WAIT_MS).unref())]);
        if (!ready) logger.warn({ waitedMs: REDIS_READY_WAIT_MS }, 'Redis did not answer: limits are counted in this gateway alone until it does');
      }
      if (answers) {
        feedWatch = answers.watchFeed(readFeedHead, config.RESPONSE_CACHE_EVENTS_POLL_MS, (error) =>
          logger.warn({ err: error }, 'the response cache cannot see changes; it keeps no answers until it can'),
        );
      }
    },
    async stop() {
      await feedWatch?.stop();
      await metricsServer.close();
      await http.close();
      await apollo.stop();
      redis?.disconnect();
    },
  };
}
