import type { KeyObject } from 'node:crypto';
import { setting } from './config';
import { ed25519Setting } from './ed25519';
import { REQUEST_ID_HEADER, SERVICE_ASSERTION_HEADER, signServiceAssertion, type SubgraphName } from './identity';

/** Where a subgraph reaches the public graph (the gateway), to read another subgraph's public data through it. */
export const graphSettings = {
  GRAPH_URL: setting.url('http://127.0.0.1:4000/'),
};

/**
 * The key a subgraph signs its own requests to the graph with (its own, no other service has it;
 * the gateway holds the public half as <NAME>_SERVICE_PUBLIC_KEY). Without it the subgraph reads
 * the graph as any anonymous client does, inside the anonymous rate limit.
 */
export const ownServiceSettings = {
  SERVICE_ASSERTION_PRIVATE_KEY: ed25519Setting.optionalSeed('npm start makes one per subgraph'),
};

/**
 * The public halves of every subgraph's own key. The gateway knows a
 * service's reads of the graph by them; a consuming subgraph the events each
 * source signed (events/signature.ts). Unset, that service's reads count as
 * anonymous, and a subgraph that follows its events does not start.
 */
export const servicePublicKeySettings = {
  COMMUNITY_SERVICE_PUBLIC_KEY: ed25519Setting.optionalPublicKey(),
  PROJECTS_SERVICE_PUBLIC_KEY: ed25519Setting.optionalPublicKey(),
  LEDGER_SERVICE_PUBLIC_KEY: ed25519Setting.optionalPublicKey(),
  IMPACT_SERVICE_PUBLIC_KEY: ed25519Setting.optionalPublicKey(),
};

/** The services whose public keys the settings hold, by name. */
export function servicePublicKeys(config: { [K in keyof typeof servicePublicKeySettings]?: KeyObject }): Partial<Record<SubgraphName, KeyObject>> {
  const keys = { community: config.COMMUNITY_SERVICE_PUBLIC_KEY, projects: config.PROJECTS_SERVICE_PUBLIC_KEY, ledger: config.LEDGER_SERVICE_PUBLIC_KEY, impact: config.IMPACT_SERVICE_PUBLIC_KEY };
  return Object.fromEntries(Object.entries(keys).filter(([, key]) => key !== undefined));
}

/** Who a GraphClient says it is: one of our services, with its own key. */
export interface OwnService {
  service: SubgraphName;
  key: KeyObject;
}

/**
 * GRAPH_URL of a subgraph tested on its own (SubgraphServices.testEnv): nothing listens on port 9
 * (discard), so a write that needs the graph is refused at once, instead of asking whatever runs on
 * port 4000 of a shared machine. The whole platform in tests points its subgraphs at its own gateway.
 */
export const TEST_GRAPH_URL = 'http://127.0.0.1:9/';

export class GraphUnavailable extends Error {
  override name = 'GraphUnavailable';
}

/**
 * Reads the public graph as the anonymous public, the way any client does:
 * a subgraph that needs another subgraph's data at write time asks the
 * graph, never the other subgraph's tables and never the other subgraph
 * directly (it holds no credential another subgraph would accept). Any
 * failure, an error in the answer included, is a GraphUnavailable: the
 * caller refuses its write rather than act on half an answer. It asks for a
 * fresh answer (`Cache-Control: no-cache`): a write must not be judged on what
 * the gateway's response cache kept from up to a minute ago (an erasure since).
 */
export class GraphClient {
  /**
   * With its own key, the client says it is one of our own services (still
   * reading as the anonymous public): the gateway then answers fresh, never
   * from its response cache, and outside the anonymous rate limit, which
   * would otherwise throttle every member's writes at once. The key lets it
   * say nothing else: the gateway never passes it on, and no subgraph accepts it.
   */
  constructor(
    readonly url: string,
    private readonly timeoutMs = 10_000,
    private readonly as?: OwnService,
  ) {}

  async query<T>(query: string, variables: Record<string, unknown>, requestId?: string): Promise<T> {
    let body: { data?: T | null; errors?: { message: string }[] };
    try {
      const requestBody = JSON.stringify({ query, variables });
      const service: Record<string, string> = this.as
        ? { [SERVICE_ASSERTION_HEADER]: await signServiceAssertion(this.as.key, this.as.service, requestBody) }
        : {};
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cache-control': 'no-cache', ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}), ...service },
        body: requestBody,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = (await response.json()) as typeof body;
      if (!response.ok && !body.errors) throw new GraphUnavailable(`the graph answered HTTP ${response.status}`);
    } catch (error) {
      if (error instanceof GraphUnavailable) throw error;
      throw new GraphUnavailable(`the graph at ${this.url} could not be read: ${(error as Error).message}`);
    }
    if (body.errors?.length) throw new GraphUnavailable(`the graph answered with errors: ${body.errors.map((e) => e.message).join('; ')}`);
    if (!body.data) throw new GraphUnavailable('the graph answered without data');
    return body.data;
  }
}
