import { join } from 'node:path';
import { ASSERTION_TTL_SECONDS, commonSettings, ed25519Setting, parseConfig, servicePublicKeys, servicePublicKeySettings, setting, SUBGRAPH_NAMES, type SubgraphName } from '@dbwe/platform';

// servicePublicKeys: the public keys of the subgraphs whose own requests the gateway recognises.
export { servicePublicKeys, SUBGRAPH_NAMES, type SubgraphName };

/**
 * Node.js flags the gateway runs with (npm start, docker-compose.yml, Dockerfile, the benchmark).
 * A 64 MiB young generation: the gateway allocates a request's whole result and drops it, and
 * fewer scavenges took its CPU per request from 2.96 to 2.60 ms (50 ledger entries, one client).
 */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=64'];

const defaultPorts: Record<SubgraphName, number> = { community: 4101, projects: 4102, ledger: 4103, impact: 4104 };

export const gatewaySettings = {
  ...commonSettings,
  PORT: setting.integer(4000, { min: 0, max: 65535 }),
  SUPERGRAPH_PATH: setting.string(join(__dirname, '..', '..', 'schema', 'supergraph.graphql')),
  COMMUNITY_URL: setting.url(`http://127.0.0.1:${defaultPorts.community}/graphql`),
  PROJECTS_URL: setting.url(`http://127.0.0.1:${defaultPorts.projects}/graphql`),
  LEDGER_URL: setting.url(`http://127.0.0.1:${defaultPorts.ledger}/graphql`),
  IMPACT_URL: setting.url(`http://127.0.0.1:${defaultPorts.impact}/graphql`),
  SUBGRAPH_TIMEOUT_MS: setting.integer(10_000, { min: 100, max: 120_000 }),
  /** Local development: tokens signed with this shared secret (HS256). */
  JWT_SECRET: setting.optionalString(),
  /** Production: the identity provider's key set; tokens must be RS256 or ES256. */
  JWT_JWKS_URL: setting.optionalUrl(),
  JWT_ISSUER: setting.string('dbwe-local'),
  JWT_AUDIENCE: setting.string('dbwe-graph'),
  /** The longest a token is accepted after it was issued (its iat), whatever its exp says. */
  JWT_MAX_AGE_SECONDS: setting.integer(24 * 3600, { min: 60, max: 30 * 24 * 3600 }),
  /** The key only the gateway holds: it signs the identity assertions every subgraph checks with the public half. */
  GATEWAY_ASSERTION_PRIVATE_KEY: ed25519Setting.seed('npm start makes one; the subgraphs get its public half as GATEWAY_ASSERTION_PUBLIC_KEY'),
  /** Each subgraph's own public key: a request signed with it comes from that service (reading as the public). */
  ...servicePublicKeySettings,
  MAX_BODY_BYTES: setting.integer(100_000, { min: 1_000 }),
  /** Requests a minute per member (signed in) or per client address (anonymous); 0 turns the limit off. */
  RATE_LIMIT_PER_MINUTE: setting.integer(240, { min: 0 }),
  /**
   * Serve a repeated anonymous query from memory for as long as the subgraphs' cache hints allow
   * (the shortest @cacheControl maxAge in the answer). Signed-in callers and exports always reach the subgraphs.
   */
  RESPONSE_CACHE: setting.boolean(true),
  /** Memory the response cache may use (its own store, apart from Apollo's persisted queries); least recently used answers go first. */
  RESPONSE_CACHE_MAX_MIB: setting.integer(64, { min: 1, max: 4096 }),
  /** How often the response cache reads the public event feed's head; it drops every kept answer when the feed grew. */
  RESPONSE_CACHE_EVENTS_POLL_MS: setting.integer(250, { min: 50, max: 10_000 }),
  /** How long shared caches may keep anonymous GET answers and exports. */
  PUBLIC_MAX_AGE_SECONDS: setting.integer(30, { min: 0, max: 3600 }),
  /** Lifetime of the identity assertions the gateway signs for the subgraphs (a long export signs a fresh one per page). */
  INTERNAL_ASSERTION_TTL_SECONDS: setting.integer(ASSERTION_TTL_SECONDS, { min: 1, max: ASSERTION_TTL_SECONDS }),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  TRUST_PROXY: setting.boolean(false),
};

export type GatewayConfig = ReturnType<typeof parseConfig<typeof gatewaySettings>>;

export function readGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return parseConfig(gatewaySettings, env);
}

export function subgraphUrls(config: GatewayConfig): Record<SubgraphName, string> {
  return { community: config.COMMUNITY_URL, projects: config.PROJECTS_URL, ledger: config.LEDGER_URL, impact: config.IMPACT_URL };
}
