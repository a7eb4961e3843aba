import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import {
  ASSERTION_HEADER,
  REQUEST_ID_HEADER,
  createErrorFormatter,
  createHttpApp,
  sendJson,
  signAssertion,
  type HttpApp,
  type Logger,
  type Viewer,
} from '@dbwe/platform';
import { subgraphUrls, type GatewayConfig, type SubgraphName } from './config';
import { createTokenVerifier } from './identity';

export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
  /** Signed once per request, sent with every subgraph fetch of that request. */
  assertion: string;
}

/** Sends the verified identity and request id to a subgraph, and gives up after the timeout. */
class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    timeoutMs: number,
  ) {
    super({
      url,
      // Node's fetch keeps connections to the subgraphs alive; the signal bounds every call.
      fetcher: ((input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as never,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!('assertion' in context)) return;
    request.http?.headers.set(ASSERTION_HEADER, context.assertion);
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  http: HttpApp;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createGateway(config: GatewayConfig, logger: Logger): Gateway {
  const urls = subgraphUrls(config);
  const verifier = createTokenVerifier(config);
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name }) => new SubgraphDataSource(name, urls[name as SubgraphName], config.SUBGRAPH_TIMEOUT_MS),
    logger,
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: true,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(logger),
    plugins: [ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })],
  });

  const http = createHttpApp<GatewayContext>({
    apollo,
    logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
    async context(req, requestId) {
      const authorization = req.headers.authorization;
      const viewer = await verifier.viewerFor(authorization);
      const assertion = await signAssertion(config.INTERNAL_ASSERTION_SECRET, { viewer, requestId });
      return { viewer, requestId, assertion };
    },
    routes: {
      'GET /health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }),
      'GET /ready': async (_req, res) => {
        const checks = await Promise.all(
          Object.entries(urls).map(async ([name, url]) => {
            const ready = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(2000) }).then(
              (r) => r.ok,
              () => false,
            );
            return [name, ready] as const;
          }),
        );
        const allReady = checks.every(([, ready]) => ready);
        sendJson(res, allReady ? 200 : 503, { status: allReady ? 'ready' : 'degraded', subgraphs: Object.fromEntries(checks) });
      },
    },
  });

  return {
    apollo,
    http,
    start: () => apollo.start(),
    async stop() {
      await http.close();
      await apollo.stop();
    },
  };
}
