/**
 * The direct-fetch floor as a server: POST /<operation> replays that
 * operation's recorded subgraph fetches in its query plan's order, each with
 * its own identity assertion (as our gateway signs them), and answers with the subgraphs' raw
 * responses. No parsing, validation, planning or merging: what is left is
 * the cost of the subgraph round trips themselves, which no gateway can beat.
 * Environment: FLOOR_PLANS (JSON file), PORT, GATEWAY_ASSERTION_PRIVATE_KEY,
 * COMMUNITY_URL, PROJECTS_URL, LEDGER_URL, IMPACT_URL.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ASSERTION_HEADER, REQUEST_ID_HEADER, anonymous, signAssertion, signingKeyFromSeed, type SubgraphName, type Viewer } from '@dbwe/platform';
import { createSubgraphFetcher } from '@dbwe/gateway/src/subgraph-fetcher';
import type { FloorNode, FloorPlan } from './plans';

const plans = new Map((JSON.parse(readFileSync(process.env.FLOOR_PLANS!, 'utf8')) as FloorPlan[]).map((p) => [p.name, p]));
const assertionKey = signingKeyFromSeed(process.env.GATEWAY_ASSERTION_PRIVATE_KEY!).privateKey;
const urls: Record<string, string> = {
  community: process.env.COMMUNITY_URL!,
  projects: process.env.PROJECTS_URL!,
  ledger: process.env.LEDGER_URL!,
  impact: process.env.IMPACT_URL!,
};
let calls = 0;
// The cheapest client we have: the one our gateway uses, so the floor is not slowed by its HTTP client.
const fetchSubgraph = createSubgraphFetcher(30_000);

/**
 * A write replayed as recorded would only find its first entry again, and
 * would always post into the recorded neighbourhood. A mutation's root fetch
 * carries the client's variables as they are, so the write is sent with the
 * variables of the request the floor received; without them, each call gets
 * its own idempotency key.
 */
function writeBody(body: string, call: number, clientVariables: Record<string, unknown> | null): string {
  const parsed = JSON.parse(body) as { variables?: unknown };
  const recorded = Object.keys((parsed.variables as object | undefined) ?? {}).sort().join();
  if (clientVariables && recorded === Object.keys(clientVariables).sort().join()) return JSON.stringify({ ...parsed, variables: clientVariables });
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (k === 'idempotencyKey' && typeof v === 'string') (value as Record<string, unknown>)[k] = `${v}-floor-${process.pid}-${call}`;
      else walk(v);
    }
  };
  walk(parsed.variables);
  return JSON.stringify(parsed);
}

type Variables = Record<string, unknown> | null;

interface Caller {
  viewer: Viewer;
  requestId: string;
}

async function run(node: FloorNode, headers: Caller, write: boolean, call: number, out: string[], variables: Variables): Promise<void> {
  if (node.kind === 'sequence') {
    for (const child of node.nodes) await run(child, headers, write, call, out, variables);
    return;
  }
  if (node.kind !== 'fetch') {
    await Promise.all(node.nodes.map((child) => run(child, headers, write, call, out, variables)));
    return;
  }
  for (const body of node.bodies) {
    const sent = write ? writeBody(body, call, variables) : body;
    const assertion = await signAssertion(assertionKey, node.service as SubgraphName, headers, sent);
    const response = await fetchSubgraph(urls[node.service], {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ASSERTION_HEADER]: assertion, [REQUEST_ID_HEADER]: headers.requestId },
      body: sent,
    });
    const text = await response.text();
    if (!response.ok || text.includes('"errors"')) throw new Error(`${node.service}: ${text.slice(0, 300)}`);
    out.push(text);
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const plan = plans.get(req.url!.slice(1));
    if (!plan) {
      res.writeHead(404).end();
      return;
    }
    try {
      const requestId = randomUUID();
      const headers: Caller = { viewer: plan.viewer ?? anonymous, requestId };
      const out: string[] = [];
      let variables: Variables = null;
      if (plan.write && chunks.length > 0) variables = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables?: Variables }).variables ?? null;
      await run(plan.root, headers, plan.write, calls++, out, variables);
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"data":[${out.join(',')}]}`);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(error) }] }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
// Launched by the bench (bench/processes.ts): stdin is a pipe from it and closes when it dies, however it died.
if (process.env.DBWE_EXIT_WITH_PARENT === 'true') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
