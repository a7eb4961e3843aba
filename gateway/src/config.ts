import { join } from 'node:path';
import proxyaddr from 'proxy-addr';
import type { ProxyTrust } from './client-address';
import { ASSERTION_TTL_SECONDS, ConfigError, commonSettings, ed25519Setting, parseConfig, servicePublicKeys, servicePublicKeySettings, setting, SUBGRAPH_NAMES, telemetrySettings, type Setting, type SubgraphName } from '@dbwe/platform';

/** A comma-separated list of proxy addresses or subnets, each checked as proxy-addr reads it. */
function proxyList(): Setting<string[]> {
  const list = setting.list();
  return {
    read(env, name) {
      const entries = list.read(env, name);
      try {
        proxyaddr.compile(entries.length > 0 ? entries : ['loopback']);
      } catch (error) {
        throw new ConfigError(`${name} must list addresses or subnets (e.g. 10.0.0.0/8, loopback): ${(error as Error).message}`);
      }
      return entries;
    },
  };
}

/**
 * A comma-separated list of origins (`https://app.example.org`, `http://localhost:5173`): a scheme,
 * a host and an optional port, nothing after them. `*` and `null` are refused: either would let any
 * site act for a signed-in member.
 */
function originList(): Setting<string[]> {
  const list = setting.list();
  return {
    read(env, name) {
      return list.read(env, name).map((entry) => {
        let url: URL | null = null;
        try {
          url = new URL(entry);
        } catch {
          // refused below, with the entry named
        }
        const bare = url !== null && ['http:', 'https:'].includes(url.protocol) && url.pathname === '/' && !entry.includes('?') && !entry.includes('#') && !url.username && !url.password;
        if (!url || !bare) {
          throw new ConfigError(`${name} must list origins such as https://app.example.org (scheme, host, optional port; no path, no "*"), got "${entry}"`);
        }
        return url.origin;
      });
    },
  };
}

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
  /**
   * What a token's subject is. `member-id`: the member's id itself, a UUID (local tokens).
   * `derived`: an identity provider's own subject (never a member id, perhaps personal, such as a
   * BSN behind DigiD); the member id is derived from issuer and subject with IDENTITY_SUBJECT_KEY
   * (docs/identity.md), the same on every gateway replica and not reversible without the key.
   */
  JWT_SUBJECTS: setting.oneOf(['member-id', 'derived'] as const, 'member-id'),
  /** The secret (32+ characters) that derives member ids from an identity provider's subjects (JWT_SUBJECTS=derived). Keep it: a new one gives everyone a new member id. */
  IDENTITY_SUBJECT_KEY: setting.optionalString(),
  /** How long the identity provider's key set is kept before it is fetched again (a token with an unknown key id fetches it at once, at most every JWT_JWKS_COOLDOWN_SECONDS). */
  JWT_JWKS_MAX_AGE_SECONDS: setting.integer(600, { min: 1, max: 24 * 3600 }),
  JWT_JWKS_COOLDOWN_SECONDS: setting.integer(30, { min: 0, max: 3600 }),
  /**
   * What the roles a token carries count for (docs/identity.md, "Roles"). `ignore`: nothing, only
   * the roles the platform records (registration and offices given by admins). `honour`: they
   * count as well (local development, and the tests' own tokens). `unless-production`: ignore
   * under NODE_ENV=production, honour elsewhere.
   */
  TOKEN_ROLES: setting.oneOf(['honour', 'ignore', 'unless-production'] as const, 'unless-production'),
  /** The key only the gateway holds: it signs the identity assertions every subgraph checks with the public half. */
  GATEWAY_ASSERTION_PRIVATE_KEY: ed25519Setting.seed('npm start makes one; the subgraphs get its public half as GATEWAY_ASSERTION_PUBLIC_KEY'),
  /** Each subgraph's own public key: a request signed with it comes from that service (reading as the public). */
  ...servicePublicKeySettings,
  MAX_BODY_BYTES: setting.integer(100_000, { min: 1_000 }),
  /** The longest a client may take to send a whole request (a slow body is cut off with 408). */
  HTTP_REQUEST_TIMEOUT_MS: setting.integer(30_000, { min: 1_000, max: 600_000 }),
  /** The longest a client may take to send a request's headers. */
  HTTP_HEADERS_TIMEOUT_MS: setting.integer(10_000, { min: 500, max: 600_000 }),
  /** How long an idle keep-alive connection stays open (above a load balancer's idle timeout). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: setting.integer(65_000, { min: 0, max: 600_000 }),
  /** Connections one client address may hold open at once (trusted proxies are not capped); 0 for no cap. */
  MAX_CONNECTIONS_PER_ADDRESS: setting.integer(64, { min: 0 }),
  /** Table downloads (CSV, JSON Lines) one client (member or address) may run at once; more get 429. */
  EXPORT_CONCURRENCY_PER_CLIENT: setting.integer(2, { min: 1, max: 100 }),
  /** Table downloads the gateway runs at once, from all clients together. */
  EXPORT_CONCURRENCY_TOTAL: setting.integer(8, { min: 1, max: 1000 }),
  /** Prometheus metrics are served here only, never on the public port; 0 picks a free port. */
  METRICS_PORT: setting.integer(9464, { min: 0, max: 65535 }),
  /** Where the metrics listener binds: keep it off the public network. */
  METRICS_HOST: setting.string('127.0.0.1'),
  /**
   * Operation names the metrics count by name (a client's own names are its choice and unbounded);
   * every other named operation counts as `other`. Our own subgraphs' operations are always named.
   */
  METRICS_OPERATION_NAMES: setting.list(),
  /** Requests a minute per member (signed in) or per client address (anonymous); 0 turns the limit off. */
  RATE_LIMIT_PER_MINUTE: setting.integer(240, { min: 0 }),
  /**
   * A Redis server (redis://host:6379/0) every gateway replica shares: the rate limit counts there,
   * so several gateways behind a load balancer allow a client what one would. Unset: in memory.
   */
  REDIS_URL: setting.optionalUrl(),
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
  /** How long the gateway's /ready answers from its last check of the subgraphs, so probes cannot load them. */
  READY_CACHE_MS: setting.integer(2_000, { min: 0, max: 60_000 }),
  /**
   * Behind reverse proxies: how many of them, counted from the gateway, append to X-Forwarded-For.
   * The client address is read from the right, past that many entries; the client's own entries never count.
   */
  TRUST_PROXY_HOPS: setting.integer(0, { min: 0, max: 10 }),
  /** Proxies trusted wherever they stand in X-Forwarded-For, as addresses or subnets (`10.0.0.0/8, loopback`). */
  TRUSTED_PROXIES: proxyList(),
  /** Strict-Transport-Security max-age, sent when the client reached a trusted proxy over HTTPS (X-Forwarded-Proto); 0 sends none. */
  HSTS_MAX_AGE_SECONDS: setting.integer(31_536_000, { min: 0 }),
  /** Send HSTS on every answer: TLS ends in front of the gateway at a proxy that does not send X-Forwarded-Proto. */
  HSTS_ALWAYS: setting.boolean(false),
  /**
   * Origins whose pages may send a signed-in member's token (CORS with credentials), e.g. a civic
   * app's `https://app.example.org`. Every other origin may read the graph and the exports anonymously.
   */
  CORS_CREDENTIALED_ORIGINS: originList(),
  /** Deprecated for TRUST_PROXY_HOPS: `true` means one hop (with a warning at start-up). */
  TRUST_PROXY: setting.boolean(false),
  /** OpenTelemetry tracing, off unless set (platform/src/telemetry.ts; the SDK reads the other OTEL_* itself). */
  ...telemetrySettings,
};

export type GatewayConfig = ReturnType<typeof parseConfig<typeof gatewaySettings>>;

export function readGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return parseConfig(gatewaySettings, env);
}

/**
 * The proxies in front of the gateway, TRUST_PROXY's old meaning mapped onto hops. TRUST_PROXY=true
 * took the leftmost X-Forwarded-For entry, which the client writes; read as one hop, it takes the entry
 * the proxy appended.
 */
export function proxyTrust(config: GatewayConfig, warn: (message: string) => void): ProxyTrust {
  let hops = config.TRUST_PROXY_HOPS;
  if (config.TRUST_PROXY) {
    warn('TRUST_PROXY is deprecated: set TRUST_PROXY_HOPS to the number of proxies in front of the gateway. TRUST_PROXY=true is read as TRUST_PROXY_HOPS=1.');
    hops = Math.max(hops, 1);
  }
  return { hops, proxies: config.TRUSTED_PROXIES };
}

export function subgraphUrls(config: GatewayConfig): Record<SubgraphName, string> {
  return { community: config.COMMUNITY_URL, projects: config.PROJECTS_URL, ledger: config.LEDGER_URL, impact: config.IMPACT_URL };
}
