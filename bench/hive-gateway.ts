/**
 * Hive Gateway serving the same supergraph file and subgraphs as our
 * gateway, for the side-by-side benchmark. It does the same identity work
 * per request: verifies the caller's token with the same verifier and signs
 * one identity assertion, sent with every subgraph fetch of that request.
 * In-flight request deduplication is off on both sides (incoming requests
 * and subgraph fetches), so both gateways do every fetch.
 * Reads the same environment as gateway/src/main.ts.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { ASSERTION_HEADER, REQUEST_ID_HEADER, signAssertion } from '@dbwe/platform';
import { readGatewayConfig, subgraphUrls } from '@dbwe/gateway/src/config';
import { createTokenVerifier } from '@dbwe/gateway/src/identity';

const config = readGatewayConfig();
const verifier = createTokenVerifier(config);
const identities = new WeakMap<Request, Promise<Record<string, string>>>();

/** Once per incoming request, however many subgraph fetches it makes. */
function identityHeaders(request: Request): Promise<Record<string, string>> {
  let headers = identities.get(request);
  if (!headers) {
    headers = (async () => {
      const viewer = await verifier.viewerFor(request.headers.get('authorization') ?? undefined);
      const requestId = request.headers.get(REQUEST_ID_HEADER) ?? randomUUID();
      return { [ASSERTION_HEADER]: await signAssertion(config.INTERNAL_ASSERTION_SECRET, { viewer, requestId }), [REQUEST_ID_HEADER]: requestId };
    })();
    identities.set(request, headers);
  }
  return headers;
}

const gateway = createGatewayRuntime({
  supergraph: config.SUPERGRAPH_PATH,
  transportEntries: Object.fromEntries(
    Object.entries(subgraphUrls(config)).map(([name, url]) => [name, { location: url, options: { deduplicateInflightRequests: false } }]),
  ),
  inboundInflightRequestDeduplication: false,
  plugins: () => [
    {
      async onFetch({ context, options, setOptions }) {
        setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), ...(await identityHeaders((context as { request: Request }).request)) } });
      },
    },
  ],
  landingPage: false,
  graphiql: false,
  logging: config.LOG_LEVEL === 'silent' ? false : config.LOG_LEVEL === 'fatal' ? 'error' : config.LOG_LEVEL === 'trace' ? 'debug' : config.LOG_LEVEL,
});

createServer(gateway).listen(config.PORT, config.HOST, () => process.stdout.write(`hive gateway on ${config.HOST}:${config.PORT}\n`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void Promise.resolve(gateway.dispose()).finally(() => process.exit(0)));
