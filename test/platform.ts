import { cloneTestDatabase, startTestSubgraph, testGatewayIdentityEnv, type TestSubgraph } from '@dbwe/platform/testing';
import { createLogger, type RoleGrant, type SubgraphModule } from '@dbwe/platform';
import { readGatewayConfig, type GatewayConfig } from '@dbwe/gateway/src/config';
import { createGateway, type Gateway } from '@dbwe/gateway';
import { issueLocalToken } from '@dbwe/gateway/src/identity';
import { community } from '@dbwe/community';
import { allSubgraphs } from './subgraphs';
import { createServer, request, type Server } from 'node:http';

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdefghijkl';

export interface RunningPlatform {
  gatewayUrl: string;
  gateway: Gateway;
  subgraphs: Record<string, TestSubgraph<unknown, unknown> & { url: string }>;
  /** Requests that reached any subgraph so far. */
  subgraphRequests(): number;
  /** Posts a GraphQL operation to the gateway over HTTP, as a real client would. */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    headers: Headers;
    body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[]; extensions?: Record<string, unknown> };
  }>;
  token(memberId: string, roles: RoleGrant[]): Promise<string>;
  /**
   * Waits until the public event feed's head stays put for `quietMs`: every event of what was done
   * so far has travelled (each one that arrives drops the gateway's kept answers). Fails after `timeoutMs`.
   */
  eventsSettled(quietMs?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The real gateway in front of the given subgraphs, listening on a free port. */
export async function startGatewayFor(
  subgraphs: Record<string, { url: string }>,
  env: Record<string, string> = {},
  logTo?: NodeJS.WritableStream,
): Promise<{ gateway: Gateway; gatewayUrl: string }> {
  const config: GatewayConfig = readGatewayConfig(gatewayEnvFor(subgraphs, env));
  const gateway = createGateway(config, logTo ? createLogger('gateway', 'info', logTo) : createLogger('gateway', process.env.TEST_LOG_LEVEL ?? 'silent'));
  await gateway.start();
  const address = await gateway.http.listen(0, '127.0.0.1');
  return { gateway, gatewayUrl: `http://127.0.0.1:${address.port}/` };
}

/** The settings a test gateway runs with in front of the given subgraphs, a test's own over them (also for a gateway process). */
export function gatewayEnvFor(subgraphs: Record<string, { url: string }>, env: Record<string, string> = {}): Record<string, string> {
  return {
    ...testGatewayIdentityEnv(),
    JWT_SECRET: TEST_JWT_SECRET,
    RATE_LIMIT_PER_MINUTE: '0',
    // Every test client, subgraph and forwarder connects from 127.0.0.1; the cap has its own tests.
    MAX_CONNECTIONS_PER_ADDRESS: '0',
    // Most tests write and then read anonymously within seconds; the response cache has its own
    // tests (gateway/src/response-cache.integration.test.ts), which turn it on.
    RESPONSE_CACHE: 'false',
    COMMUNITY_URL: subgraphs.community.url,
    PROJECTS_URL: subgraphs.projects.url,
    LEDGER_URL: subgraphs.ledger.url,
    IMPACT_URL: subgraphs.impact.url,
    // Test gateways run side by side: their metrics listeners take any free port.
    METRICS_PORT: '0',
    ...env,
  };
}

/**
 * The whole platform in-process: the four subgraphs listening on free ports
 * and the real gateway in front of them, on a fresh copy of the test database
 * with the demo data (dropped again by stop()), or on `databaseUrl` when the
 * test brings its own database (left as it is). `seed` may name the
 * subgraphs whose demo data to load.
 */
export async function startPlatform(
  options: {
    seed?: boolean | string[];
    env?: Record<string, string>;
    /** Settings of every subgraph, over their test values (EVENTS_DELIVERY=false, say). */
    subgraphEnv?: Record<string, string>;
    subgraphLogTo?: NodeJS.WritableStream;
    /** Where the gateway logs (at level info) instead of nowhere. */
    gatewayLogTo?: NodeJS.WritableStream;
    databaseUrl?: string;
  } = {},
): Promise<RunningPlatform> {
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => undefined } : await cloneTestDatabase();
  const subgraphs: RunningPlatform['subgraphs'] = {};
  // Impact reads the books through the public graph when it publishes, but the gateway starts after the subgraphs:
  // they get the address of a forwarder that reaches the gateway once it listens.
  const forwarder = await graphForwarder();
  for (const module of allSubgraphs as SubgraphModule<unknown, unknown>[]) {
    subgraphs[module.name] = await startTestSubgraph(module, database.url, {
      listen: true,
      seed: Array.isArray(options.seed) ? options.seed.includes(module.name) : (options.seed ?? true),
      env: { GRAPH_URL: forwarder.url, ...options.subgraphEnv },
      ...(options.subgraphLogTo ? { logTo: options.subgraphLogTo, logLevel: 'info' } : {}),
    });
  }
  const { gateway, gatewayUrl } = await startGatewayFor(subgraphs, options.env, options.gatewayLogTo);
  forwarder.target = gatewayUrl;

  return {
    gatewayUrl,
    gateway,
    subgraphs,
    async query(query, variables, { token, headers = {} } = {}) {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      // A failing platform may answer with something that is not JSON: keep it for the assertion's message.
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = { unparsable: text };
      }
      return { status: response.status, headers: response.headers, body: body as never };
    },
    subgraphRequests: () => Object.values(subgraphs).reduce((sum, s) => sum + s.httpRequests(), 0),
    token: (memberId, roles) => issueLocalToken(TEST_JWT_SECRET, { memberId, roles }),
    async eventsSettled(quietMs = 1500, timeoutMs = 60_000) {
      const head = async () => {
        const response = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ eventFeedHead { position } }' }) });
        return ((await response.json()) as { data?: { eventFeedHead: { position: string } } }).data?.eventFeedHead.position ?? null;
      };
      const until = Date.now() + timeoutMs;
      for (let previous = await head(); Date.now() < until; ) {
        await new Promise((resolve) => setTimeout(resolve, quietMs));
        const now = await head();
        if (now !== null && now === previous) return;
        previous = now;
      }
      throw new Error(`the event feed was still moving after ${timeoutMs} ms`);
    },
    async stop() {
      await new Promise((resolve) => forwarder.server.close(resolve));
      await gateway.stop();
      for (const subgraph of Object.values(subgraphs)) await subgraph.stop();
      await database.drop();
    },
  };
}

/** Forwards every request to `target` (set once the gateway listens); a subgraph reaching it before then gets 503. */
async function graphForwarder(): Promise<{ url: string; target: string | null; server: Server }> {
  const forwarder: { url: string; target: string | null; server: Server } = { url: '', target: null, server: createServer() };
  forwarder.server.on('request', (req, res) => {
    if (!forwarder.target) return void res.writeHead(503).end();
    const upstream = request(new URL(req.url ?? '/', forwarder.target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => forwarder.server.listen(0, '127.0.0.1', resolve));
  forwarder.url = `http://127.0.0.1:${(forwarder.server.address() as { port: number }).port}/`;
  return forwarder;
}

export interface CommunityGraph {
  gatewayUrl: string;
  community: TestSubgraph<unknown, unknown> & { url: string };
  /** Adds a neighbourhood to the community, as an operator does (there is no mutation for it): from then on the graph knows it. */
  serve(neighbourhoodId: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The community subgraph and the real gateway in front of it, on the given
 * database: the public graph a subgraph tested on its own checks the
 * neighbourhoods and members it is given in (its GRAPH_URL). The other
 * subgraphs do not run; a query for their data fails.
 */
export async function startCommunityGraph(databaseUrl: string, env: Record<string, string> = {}): Promise<CommunityGraph> {
  const subgraph = await startTestSubgraph(community as SubgraphModule<unknown, unknown>, databaseUrl, { listen: true, env });
  const absent = { url: 'http://127.0.0.1:9/graphql' };
  const { gateway, gatewayUrl } = await startGatewayFor({ community: subgraph, projects: absent, ledger: absent, impact: absent });
  return {
    gatewayUrl,
    community: subgraph,
    async serve(neighbourhoodId) {
      await subgraph.admin.query(`INSERT INTO community.municipality (code, name) VALUES ('GM0202', 'Arnhem') ON CONFLICT DO NOTHING`);
      await subgraph.admin.query(
        `INSERT INTO community.neighbourhood (id, slug, name, municipality_name, municipality_code) VALUES ($1, $2, 'Testwijk', 'Arnhem', 'GM0202') ON CONFLICT DO NOTHING`,
        [neighbourhoodId, `test-${neighbourhoodId.toLowerCase()}`],
      );
    },
    async stop() {
      await gateway.stop();
      await subgraph.stop();
    },
  };
}
