import { startTestSubgraph, TEST_ASSERTION_SECRET, type TestSubgraph } from '@dbwe/platform/testing';
import { createLogger, type RoleGrant, type SubgraphModule } from '@dbwe/platform';
import { readGatewayConfig } from '@dbwe/gateway/src/config';
import { createGateway, type Gateway } from '@dbwe/gateway';
import { issueLocalToken } from '@dbwe/gateway/src/identity';
import { allSubgraphs } from '../subgraphs';
import { TEST_JWT_SECRET } from '../platform';

/**
 * The four subgraphs (demo data loaded) and the real gateway on a database
 * the test chose, like test/platform.ts does on a copy of the test database.
 */
export interface PlatformOn {
  gatewayUrl: string;
  gateway: Gateway;
  subgraphs: Record<string, TestSubgraph<unknown> & { url: string }>;
  query(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: any }>;
  token(memberId: string, roles: RoleGrant[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startPlatformOn(databaseUrl: string, env: Record<string, string> = {}): Promise<PlatformOn> {
  const subgraphs: PlatformOn['subgraphs'] = {};
  for (const module of allSubgraphs as SubgraphModule<unknown>[]) {
    subgraphs[module.name] = await startTestSubgraph(module, databaseUrl, { listen: true, seed: true });
  }
  const config = readGatewayConfig({
    INTERNAL_ASSERTION_SECRET: TEST_ASSERTION_SECRET,
    JWT_SECRET: TEST_JWT_SECRET,
    RATE_LIMIT_PER_MINUTE: '0',
    COMMUNITY_URL: subgraphs.community.url,
    PROJECTS_URL: subgraphs.projects.url,
    LEDGER_URL: subgraphs.ledger.url,
    IMPACT_URL: subgraphs.impact.url,
    ...env,
  });
  const gateway = createGateway(config, createLogger('gateway', process.env.TEST_LOG_LEVEL ?? 'silent'));
  await gateway.start();
  const address = await gateway.http.listen(0, '127.0.0.1');
  const gatewayUrl = `http://127.0.0.1:${address.port}/`;
  return {
    gatewayUrl,
    gateway,
    subgraphs,
    async query(query, variables, token) {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = { unparsable: text };
      }
      return { status: response.status, body };
    },
    token: (memberId, roles) => issueLocalToken(TEST_JWT_SECRET, { memberId, roles }),
    async stop() {
      await gateway.stop();
      for (const subgraph of Object.values(subgraphs)) await subgraph.stop();
    },
  };
}
