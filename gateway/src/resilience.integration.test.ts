import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * When a subgraph is down or slow the gateway still answers, with the other
 * subgraphs' data and an error that names the missing service.
 */
const repairCafe = stableId('project:repair-cafe');
const parkGreenery = stableId('project:park-greenery');

describe('gateway: a subgraph that is down', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
    await platform.subgraphs.community.server.http.close();
  });
  afterAll(() => platform.stop());

  it('answers with the other subgraphs data and an error naming the stopped one', async () => {
    const { status, body } = await platform.query<any>(`{ project(id: "${repairCafe}") { title status coordinator { displayName } } }`);
    expect(status).toBe(200);
    expect(body.data.project).toEqual({ title: 'Repair Café Spijkerkwartier', status: 'ACTIVE', coordinator: null });
    // The error names the field it emptied, so a client can tell the missing coordinator from one that is not set.
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['project', 'coordinator', 'displayName'], extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 5, serviceName: 'community' } }),
    ]);
    expect(body.errors![0].message).toContain('community');
    expect(status).toBe(200);
  });

  it('carries the path of every field it emptied, one error each, and Retry-After when nothing could be answered', async () => {
    const { body } = await platform.query<any>(`{ project(id: "${repairCafe}") { title participants { role member { displayName } } } }`);
    const participants = body.data.project.participants;
    expect(participants.length).toBeGreaterThan(1);
    expect(participants.every((p: any) => p.member === null && typeof p.role === 'string')).toBe(true);
    expect(body.errors!.map((e: any) => e.path)).toEqual(participants.map((_: unknown, i: number) => ['project', 'participants', i, 'member', 'displayName']));

    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ neighbourhood(slug: "spijkerkwartier") { name } }` }),
    });
    const whole = await response.json();
    expect(whole.data).toEqual({ neighbourhood: null });
    expect(whole.errors).toEqual([expect.objectContaining({ path: ['neighbourhood'], extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) })]);
    expect(response.headers.get('retry-after')).toBe('5');
  });

  it('stays ready while it can answer partially, with each subgraph in the body, from a check at most READY_CACHE_MS old', async () => {
    const first = await fetch(new URL('/ready', platform.gatewayUrl));
    expect(first.status).toBe(200);
    const report = await first.json();
    expect(report).toMatchObject({
      status: 'degraded',
      ready: true,
      subgraphs: { community: { ready: false, status: 'unreachable' }, projects: { ready: true, status: 'ready' }, ledger: { ready: true }, impact: { ready: true } },
    });
    // Asked again at once: the same check, not four more subgraph calls.
    const again = await (await fetch(new URL('/ready', platform.gatewayUrl))).json();
    expect(again.checkedAt).toBe(report.checkedAt);
    expect((await fetch(new URL('/health', platform.gatewayUrl))).status).toBe(200);
  });
});

describe('gateway: a subgraph that hangs', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ env: { SUBGRAPH_TIMEOUT_MS: '1500' } });
  });
  afterAll(() => platform.stop());

  it('answers within its timeout, without the slow subgraph fields', async () => {
    // Another session holds a lock on the impact tables: every impact query waits.
    const locker = new Client({ connectionString: platform.subgraphs.impact.adminUrl });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE impact.analysis IN ACCESS EXCLUSIVE MODE');
    try {
      const started = Date.now();
      const { status, body } = await platform.query<any>(`{ project(id: "${parkGreenery}") { title sroi { ratio } } }`);
      const elapsed = Date.now() - started;
      expect(status).toBe(200);
      expect(elapsed).toBeLessThan(4000);
      expect(body.data.project).toEqual({ title: 'Groenonderhoud Lindenplein', sroi: null });
      expect(body.errors![0]).toMatchObject({ path: ['project', 'sroi'], extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 5, serviceName: 'impact' } });
      expect(body.errors![0].message).toMatch(/did not answer in time/);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });
});

describe('gateway: request ids and masking', () => {
  let platform: RunningPlatform;
  const subgraphLog = new PassThrough();
  const lines: string[] = [];
  subgraphLog.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));

  beforeAll(async () => {
    platform = await startPlatform({ subgraphLogTo: subgraphLog });
  });
  afterAll(() => platform.stop());

  it('passes the request id a client sends to every subgraph, where it appears in the log line', async () => {
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bi-refresh-2026-11-26-0001' },
      body: JSON.stringify({ query: `{ project(id: "${parkGreenery}") { title coordinator { displayName } finances { spent { amount } } } }` }),
    });
    expect(response.headers.get('x-request-id')).toBe('bi-refresh-2026-11-26-0001');
    await response.json();
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.requestId === 'bi-refresh-2026-11-26-0001' && l.msg === 'request');
    expect(new Set(logged.map((l) => l.service))).toEqual(new Set(['projects', 'community', 'ledger']));
  });

  it('masks unexpected errors: no SQL, no stack, no internal message', async () => {
    const admin = new Client({ connectionString: platform.subgraphs.projects.adminUrl });
    await admin.connect();
    await admin.query('ALTER TABLE projects.project RENAME COLUMN summary TO summary_gone');
    try {
      const { body } = await platform.query<any>(`{ project(id: "${parkGreenery}") { title summary } }`);
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0].message).toBe('Internal server error');
      expect(body.errors![0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', serviceName: 'projects' });
      expect(JSON.stringify(body)).not.toMatch(/summary_gone|column|SELECT|at .*\.ts/);
    } finally {
      await admin.query('ALTER TABLE projects.project RENAME COLUMN summary_gone TO summary');
      await admin.end();
    }
  });
});

describe('gateway: /ready under the rate limit', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => platform.stop());

  it('counts /ready like any request: past the limit a probe gets 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const response = await fetch(new URL('/ready', platform.gatewayUrl));
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
