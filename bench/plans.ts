import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode } from '@apollo/query-planner';
import { createLogger } from '@dbwe/platform';
import { createGateway } from '@dbwe/gateway';
import { readGatewayConfig, type SubgraphName } from '@dbwe/gateway/src/config';
import { issueLocalToken } from '@dbwe/gateway/src/identity';
import type { Operation } from './operations';

/**
 * The floor: an operation's subgraph fetches, as the query plan orders
 * them (in sequence or in parallel), sent straight to the subgraphs. The
 * fetches' bodies are recorded from one real execution by our gateway and
 * assigned to the plan's fetch nodes by subgraph and operation text.
 */
export type FloorNode =
  | { kind: 'fetch'; service: SubgraphName; bodies: string[] }
  | { kind: 'sequence' | 'parallel'; nodes: FloorNode[] };

export interface FloorPlan {
  name: string;
  write: boolean;
  viewer: Operation['viewer'];
  root: FloorNode;
}

interface Recorded {
  service: SubgraphName;
  body: string;
}

function toFloor(node: PlanNode, pool: Recorded[]): FloorNode {
  switch (node.kind) {
    case 'Sequence':
      return { kind: 'sequence', nodes: node.nodes.map((n) => toFloor(n, pool)) };
    case 'Parallel':
      return { kind: 'parallel', nodes: node.nodes.map((n) => toFloor(n, pool)) };
    case 'Flatten':
      return toFloor(node.node, pool);
    case 'Fetch': {
      const bodies: string[] = [];
      for (let i = pool.length - 1; i >= 0; i--) {
        const r = pool[i];
        if (r.service === node.serviceName && (JSON.parse(r.body) as { query: string }).query === node.operation) {
          bodies.unshift(r.body);
          pool.splice(i, 1);
        }
      }
      return { kind: 'fetch', service: node.serviceName as SubgraphName, bodies };
    }
    default:
      throw new Error(`the floor does not replay ${node.kind} plan nodes`);
  }
}

/**
 * Plans every operation with the supergraph's query planner and records its
 * subgraph fetches from one execution by our gateway (in-process, pointed at
 * a recording proxy in front of the real subgraphs).
 */
export async function recordFloorPlans(
  operations: Operation[],
  env: { supergraphPath: string; jwtSecret: string; gatewayIdentity: Record<string, string>; subgraphs: Record<SubgraphName, string> },
): Promise<FloorPlan[]> {
  const supergraph = Supergraph.build(readFileSync(env.supergraphPath, 'utf8'));
  const planner = new QueryPlanner(supergraph);
  const apiSchema = supergraph.apiSchema();

  let recorded: Recorded[] = [];
  const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
    const service = req.url!.split('/')[1] as SubgraphName;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      recorded.push({ service, body });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
      const upstream = await fetch(env.subgraphs[service], { method: 'POST', headers, body });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(await upstream.text());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const config = readGatewayConfig({
    SUPERGRAPH_PATH: env.supergraphPath,
    JWT_SECRET: env.jwtSecret,
    ...env.gatewayIdentity,
    RATE_LIMIT_PER_MINUTE: '0',
    // Every fetch recorded is the operation's own: no cached answers, and no watching of the event feed.
    RESPONSE_CACHE: 'false',
    COMMUNITY_URL: `${proxyUrl}/community/graphql`,
    PROJECTS_URL: `${proxyUrl}/projects/graphql`,
    LEDGER_URL: `${proxyUrl}/ledger/graphql`,
    IMPACT_URL: `${proxyUrl}/impact/graphql`,
  });
  const gateway = createGateway(config, createLogger('gateway', 'silent'));
  await gateway.start();
  const address = await gateway.http.listen(0, '127.0.0.1');
  try {
    const plans: FloorPlan[] = [];
    for (const op of operations) {
      recorded = [];
      const token = op.viewer ? await issueLocalToken(env.jwtSecret, op.viewer) : null;
      const response = await fetch(`http://127.0.0.1:${address.port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        // A request number no load run reaches, so a recorded write does not share an idempotency key.
        body: JSON.stringify({ query: op.query, variables: op.variables(999_999_999) }),
      });
      const text = await response.text();
      if (!response.ok || text.includes('"errors"')) throw new Error(`${op.name} failed while recording its plan: ${text.slice(0, 500)}`);
      const plan = planner.buildQueryPlan(operationFromDocument(apiSchema, parse(op.query)));
      if (!plan.node || plan.node.kind === 'Subscription') throw new Error(`${op.name} has no query plan the floor can replay`);
      const pool = [...recorded];
      const root = toFloor(plan.node, pool);
      if (pool.length > 0) throw new Error(`${op.name}: ${pool.length} recorded fetch(es) match no fetch of the query plan`);
      plans.push({ name: op.name, write: op.kind === 'write', viewer: op.viewer, root });
    }
    return plans;
  } finally {
    await gateway.stop();
    proxy.close();
  }
}

/** How many subgraph fetches a plan makes, and how many rounds (fetches one after another). */
export function planShape(node: FloorNode): { fetches: number; rounds: number } {
  if (node.kind === 'fetch') return { fetches: node.bodies.length, rounds: node.bodies.length > 0 ? 1 : 0 };
  const shapes = node.nodes.map(planShape);
  const fetches = shapes.reduce((sum, s) => sum + s.fetches, 0);
  const rounds = node.kind === 'sequence' ? shapes.reduce((sum, s) => sum + s.rounds, 0) : Math.max(0, ...shapes.map((s) => s.rounds));
  return { fetches, rounds };
}
