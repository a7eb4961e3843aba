import { Client } from 'pg';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../platform';
import { transfer } from './ledger-api';
import { waitFor } from './processes';

/*
 * Subgraph outage and slowness (issue 10, item 5), through the real gateway.
 * One query reads from all four subgraphs. With any one of them stopped the
 * gateway answers with the other three's data, and every error names the
 * stopped service; readiness says which one is missing; once it is back,
 * the full answer returns without restarting the gateway. A mutation to a
 * ledger that does not answer in time reaches it exactly once: the gateway
 * never sends it twice, and the client's retry with its key is not booked
 * again.
 */
const SUBGRAPHS = ['community', 'projects', 'ledger', 'impact'] as const;
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const parkGreenery = stableId('project:park-greenery');
const TIMEOUT_MS = 2000;

const EVERYTHING = `
  query Everything($project: ID!, $account: ID!) {
    neighbourhood(slug: "spijkerkwartier") { name }
    project(id: $project) { title sroi { ratio } }
    ledgerAccount(id: $account) { code name }
  }`;

/** The fields of EVERYTHING that need each subgraph, as paths into the data. */
const OWNED: Record<(typeof SUBGRAPHS)[number], string[][]> = {
  community: [['neighbourhood']],
  projects: [['project']],
  // The SROI ratio needs the project's spending from the ledger (@requires).
  ledger: [['ledgerAccount'], ['project', 'sroi']],
  impact: [['project', 'sroi']],
};

function without(data: any, paths: string[][]) {
  const copy = structuredClone(data);
  for (const path of paths) {
    let at = copy;
    for (const key of path.slice(0, -1)) at = at[key];
    at[path[path.length - 1]] = null;
  }
  return copy;
}

describe('gateway: any one subgraph stopped or slow', () => {
  let platform: RunningPlatform;
  let variables: { project: string; account: string };
  let baseline: any;

  beforeAll(async () => {
    platform = await startPlatform({ env: { SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS) } });
    const { body } = await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") { accounts { id code } } }`);
    variables = { project: parkGreenery, account: body.data.neighbourhood.accounts.find((a: any) => a.code === '1000').id };
    const full = await platform.query<any>(EVERYTHING, variables);
    expect(full.body.errors).toBeUndefined();
    baseline = full.body.data;
    expect(baseline.project.sroi).not.toBeNull();
  });
  afterAll(() => platform.stop());

  const ready = async () => {
    const response = await fetch(new URL('/ready', platform.gatewayUrl));
    return { status: response.status, body: (await response.json()) as { status: string; subgraphs: Record<string, { ready: boolean }> } };
  };

  it.each(SUBGRAPHS)('answers with the others data and an error naming %s when it is stopped', async (name) => {
    const subgraph = platform.subgraphs[name];
    const port = Number(new URL(subgraph.url).port);
    await subgraph.server.http.close();
    try {
      const { status, body } = await platform.query<any>(EVERYTHING, variables);
      expect(status).toBe(200);
      expect(body.data).toEqual(without(baseline, OWNED[name]));
      expect(body.errors!.length).toBeGreaterThan(0);
      for (const error of body.errors!) {
        expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryAfter: 5, serviceName: name });
        expect(error.message).toContain(name);
        expect(error.path).toEqual(expect.any(Array));
      }
      // Still ready: the gateway answers with the other three's data, and says which one is missing (once its cached check is older than READY_CACHE_MS).
      await waitFor('the gateway to see it missing', async () => (await ready()).body.status === 'degraded', 10_000);
      const readiness = await ready();
      expect(readiness.status).toBe(200);
      expect(readiness.body.status).toBe('degraded');
      expect(Object.fromEntries(Object.entries(readiness.body.subgraphs).map(([s, v]) => [s, v.ready]))).toEqual(Object.fromEntries(SUBGRAPHS.map((s) => [s, s !== name])));
    } finally {
      await subgraph.server.http.listen(port, '127.0.0.1');
    }
    // Back without restarting the gateway (once the cached check is older than READY_CACHE_MS).
    await waitFor('the gateway to see it back', async () => (await ready()).body.status === 'ready', 10_000);
    const again = await platform.query<any>(EVERYTHING, variables);
    expect(again.body).toEqual({ data: baseline });
  });

  it('sends a mutation to a slow ledger exactly once, answers within its timeout, and a retry is not booked twice', async () => {
    const steward = await platform.token(stableId('member:Penningmeester Pieter'), [{ role: 'steward', neighbourhood: spijkerkwartier }]);
    const { body } = await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") { accounts { id code } } }`);
    const id = Object.fromEntries(body.data.neighbourhood.accounts.map((a: any) => [a.code, a.id]));
    const input = { ...transfer(spijkerkwartier, `slow-ledger-${Date.now()}`, id['8000'], id['1000'], 1234n), description: 'Gift van de buurtmarkt' };
    const post = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on PostEntrySuccess { replayed entry { id } } } }`;

    // Another session holds the chain of these books: the ledger's post waits past the gateway's timeout.
    const locker = new Client({ connectionString: platform.subgraphs.ledger.adminUrl });
    await locker.connect();
    const ledgerRequests = platform.subgraphs.ledger.httpRequests();
    let first: Awaited<ReturnType<RunningPlatform['query']>>;
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM ledger.chain WHERE neighbourhood_id = $1 FOR UPDATE', [spijkerkwartier]);
      const started = Date.now();
      first = await platform.query<any>(post, { input }, { token: steward });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500);
    } finally {
      await locker.query('COMMIT');
      await locker.end();
    }
    expect(first.status).toBe(200);
    expect(first.body.data).toBeNull();
    expect(first.body.errors![0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryAfter: 5, serviceName: 'ledger' });
    expect(first.body.errors![0].path).toEqual(['postEntry']);
    expect(first.headers.get('retry-after')).toBe('5');
    expect(first.body.errors![0].message).toMatch(/did not answer in time/);
    expect(platform.subgraphs.ledger.httpRequests() - ledgerRequests).toBe(1);

    // The post the gateway gave up on went on in the ledger; the client's retry finds it.
    let retry: any;
    for (let attempt = 0; attempt < 50; attempt++) {
      retry = (await platform.query<any>(post, { input }, { token: steward })).body;
      if (retry.data?.postEntry) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(retry.data.postEntry).toMatchObject({ __typename: 'PostEntrySuccess', replayed: true });
    const entries = await platform.subgraphs.ledger.db.query(`SELECT count(*)::int AS n FROM ledger.entry WHERE idempotency_key = $1`, [input.idempotencyKey]);
    expect(entries[0].n).toBe(1);
  });
});
