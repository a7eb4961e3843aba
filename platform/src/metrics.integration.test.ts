import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { community } from '@dbwe/community';
import { stableId } from './ids';
import type { SubgraphModule } from './subgraph';
import { SubgraphMetrics } from './metrics';

/*
 * A subgraph's /metrics, on its own listener: requests, latency and errors by operation type and
 * error code, the database pool's use and the SQL sent, for Prometheus. Labels come from closed
 * sets: no operation name a client chose ever becomes one.
 */
describe('subgraph metrics', () => {
  let database: { url: string; drop(): Promise<void> };
  let subgraph: TestSubgraph<unknown, unknown> & { url: string };
  let metricsUrl: string;

  beforeAll(async () => {
    database = await cloneTestDatabase();
    subgraph = await startTestSubgraph(community as SubgraphModule<unknown, unknown>, database.url, { listen: true, seed: true });
    const { port } = await subgraph.server.listenMetrics(0, '127.0.0.1');
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
  });
  afterAll(async () => {
    await subgraph?.stop();
    await database?.drop();
  });

  const scrape = async () => {
    const response = await fetch(metricsUrl);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    return response.text();
  };
  /** A series' value, its labels in any order (prom-client puts the default label last, or first for histograms). */
  const value = (text: string, series: string) => {
    const key = (s: string) => {
      const [, name, labels = ''] = /^([^{ ]+)(?:\{([^}]*)\})?/.exec(s)!;
      return `${name}{${labels.split(',').filter(Boolean).sort().join(',')}}`;
    };
    const line = text.split('\n').find((l) => !l.startsWith('#') && l.includes(' ') && key(l.slice(0, l.lastIndexOf(' '))) === key(series));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  test('count requests, latency, errors by code, SQL and the pool, labelled with the service', async () => {
    await subgraph.execute('query Neighbourhoods { neighbourhoods { slug } }');
    await subgraph.execute('query Neighbourhoods { neighbourhoods { slug } }');
    // Personal data is the member's own: the public is refused.
    const refused = await subgraph.execute(`query Secret { member(id: "${stableId('member:Buurtkok Bram')}") { personalData { email } } }`);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await subgraph.execute('query Broken { neighbourhoods { noSuchField } }');

    const text = await scrape();
    expect(value(text, 'dbwe_subgraph_requests_total{operation_type="query",outcome="ok",service="community"}')).toBe(2);
    expect(value(text, 'dbwe_subgraph_requests_total{operation_type="query",outcome="error",service="community"}')).toBe(1);
    // A document that does not validate never got an operation type.
    expect(value(text, 'dbwe_subgraph_requests_total{operation_type="none",outcome="error",service="community"}')).toBe(1);
    expect(value(text, 'dbwe_subgraph_errors_total{code="FORBIDDEN",service="community"}')).toBe(1);
    expect(value(text, 'dbwe_subgraph_errors_total{code="GRAPHQL_VALIDATION_FAILED",service="community"}')).toBe(1);
    expect(value(text, 'dbwe_subgraph_request_duration_seconds_count{operation_type="query",service="community"}')).toBe(3);
    expect(value(text, 'dbwe_sql_statements_total{service="community"}')).toBeGreaterThan(0);
    // The test harness's pool: 4 connections at most, at least one opened by the reads above, none waited for.
    expect(value(text, 'dbwe_subgraph_db_pool_max{service="community"}')).toBe(4);
    expect(value(text, 'dbwe_subgraph_db_pool_connections{service="community"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'dbwe_subgraph_db_pool_idle{service="community"}')).toBeGreaterThanOrEqual(0);
    expect(value(text, 'dbwe_subgraph_db_pool_waiting{service="community"}')).toBe(0);
    expect(text).toMatch(/^dbwe_subgraph_process_cpu_seconds_total\{service="community"\} /m);
  });

  test('the pool gauges follow connections in use and requests waiting for one', async () => {
    // Hold all four connections and ask for a fifth.
    const held = await Promise.all([1, 2, 3, 4].map(() => subgraph.db.createQueryRunner()));
    await Promise.all(held.map((runner) => runner.connect()));
    const waiting = subgraph.db.query('SELECT 1');
    await new Promise((r) => setTimeout(r, 100));
    const busy = await scrape();
    expect(value(busy, 'dbwe_subgraph_db_pool_connections{service="community"}')).toBe(4);
    expect(value(busy, 'dbwe_subgraph_db_pool_idle{service="community"}')).toBe(0);
    expect(value(busy, 'dbwe_subgraph_db_pool_waiting{service="community"}')).toBe(1);
    await Promise.all(held.map((runner) => runner.release()));
    await waiting;
    const after = await scrape();
    expect(value(after, 'dbwe_subgraph_db_pool_waiting{service="community"}')).toBe(0);
  });

  test("no series per operation name: a hundred made-up names add none", async () => {
    await subgraph.execute('query MadeUp0 { neighbourhoods { slug } }');
    const seriesOf = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !/^dbwe_subgraph_(process|nodejs)_/.test(l)).map((l) => l.slice(0, l.lastIndexOf(' ')));
    const before = new Set(seriesOf(await scrape()));
    for (let i = 1; i <= 100; i++) await subgraph.execute(`query MadeUp${i}WithAName${'x'.repeat(i)} { neighbourhoods { slug } }`);
    const text = await scrape();
    expect(text).not.toContain('MadeUp');
    expect(seriesOf(text).filter((s) => !before.has(s))).toEqual([]);
  });

  test('are not on the service port, which answers HEAD /health', async () => {
    const service = new URL(subgraph.url);
    for (const method of ['GET', 'HEAD']) {
      const response = await fetch(new URL('/metrics', service), { method });
      expect({ method, status: response.status }).toEqual({ method, status: 404 });
    }
    const head = await fetch(new URL('/health', service), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const ready = await fetch(new URL('/ready', service), { method: 'HEAD' });
    expect(ready.status).toBe(200);
  });

  test('an error code outside the closed set counts as other', () => {
    expect(SubgraphMetrics.errorCodeLabel('FORBIDDEN')).toBe('FORBIDDEN');
    expect(SubgraphMetrics.errorCodeLabel('BAD_USER_INPUT')).toBe('BAD_USER_INPUT');
    expect(SubgraphMetrics.errorCodeLabel('MY_OWN_CODE_123')).toBe('other');
    expect(SubgraphMetrics.errorCodeLabel(undefined)).toBe('other');
  });
});
