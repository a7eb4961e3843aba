/**
 * Hive Gateway serving the same supergraph file and subgraphs as our
 * gateway, for the side-by-side benchmark. It does the same identity work
 * per request: verifies the caller's token with the same verifier once, and
 * signs an identity assertion for every subgraph fetch, for that subgraph and body.
 * In-flight request deduplication is off on both sides (incoming requests
 * and subgraph fetches), so both gateways do every fetch.
 * Reads the same environment as gateway/src/main.ts, and HIVE_PLANNER: `js` (the default,
 * Hive's JavaScript query planner) or `rust` (`@graphql-hive/router-runtime`, the Rust planner).
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { ASSERTION_HEADER, REQUEST_ID_HEADER, signAssertion, type SubgraphName, type Viewer } from '@dbwe/platform';
import { readGatewayConfig, subgraphUrls } from '@dbwe/gateway/src/config';
import { createTokenVerifier } from '@dbwe/gateway/src/identity';

const config = readGatewayConfig();
const planner = process.env.HIVE_PLANNER ?? 'js';
if (planner !== 'js' && planner !== 'rust') throw new Error(`HIVE_PLANNER must be js or rust, not ${planner}`);
const verifier = createTokenVerifier(config);
const identities = new WeakMap<Request, Promise<{ viewer: Viewer; requestId: string }>>();
const subgraphAt = new Map(Object.entries(subgraphUrls(config)).map(([name, url]) => [url, name as SubgraphName]));

/** The token verified once per incoming request; an assertion signed per subgraph fetch, for its subgraph and body. */
async function identityHeaders(request: Request, url: string, body: string): Promise<Record<string, string>> {
  let identity = identities.get(request);
  if (!identity) {
    identity = (async () => ({
      viewer: await verifier.viewerFor(request.headers.get('authorization') ?? undefined),
      requestId: request.headers.get(REQUEST_ID_HEADER) ?? randomUUID(),
    }))();
    identities.set(request, identity);
  }
  const caller = await identity;
  const assertion = await signAssertion(config.GATEWAY_ASSERTION_PRIVATE_KEY.privateKey, subgraphAt.get(url)!, caller, body);
  return { [ASSERTION_HEADER]: assertion, [REQUEST_ID_HEADER]: caller.requestId };
}

const gateway = createGatewayRuntime({
  supergraph: config.SUPERGRAPH_PATH,
  transportEntries: Object.fromEntries(
    Object.entries(subgraphUrls(config)).map(([name, url]) => [name, { location: url, options: { deduplicateInflightRequests: false } }]),
  ),
  inboundInflightRequestDeduplication: false,
  ...(planner === 'rust' ? { unifiedGraphHandler } : {}),
  plugins: () => [
    {
      async onFetch({ context, url, options, setOptions }) {
        const identity = await identityHeaders((context as { request: Request }).request, url, String(options.body ?? ''));
        setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), ...identity } });
      },
    },
  ],
  landingPage: false,
  graphiql: false,
  logging: config.LOG_LEVEL === 'silent' ? false : config.LOG_LEVEL === 'fatal' ? 'error' : config.LOG_LEVEL === 'trace' ? 'debug' : config.LOG_LEVEL,
});

createServer(gateway).listen(config.PORT, config.HOST, () => process.stdout.write(`hive gateway (${planner} planner) on ${config.HOST}:${config.PORT}\n`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void Promise.resolve(gateway.dispose()).finally(() => process.exit(0)));
// Launched by the bench (bench/processes.ts): stdin is a pipe from it and closes when it dies, however it died.
if (process.env.DBWE_EXIT_WITH_PARENT === 'true') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
