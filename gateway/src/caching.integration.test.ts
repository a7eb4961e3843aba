import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * Anonymous GET queries can be cached by browsers and CDNs: an ETag, an
 * honest public max-age, and 304 when nothing changed. Answers to signed-in
 * callers are never stored by shared caches.
 */
describe('HTTP caching of GET queries', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  const url = () => `${platform.gatewayUrl}?query=${encodeURIComponent('{ neighbourhoods { slug name } }')}`;
  // CSRF prevention: a GET must carry a header a browser form cannot set.
  const preflight = { 'apollo-require-preflight': 'true' };

  it('sends an ETag and a public max-age to the anonymous public, and 304 when unchanged', async () => {
    const first = await fetch(url(), { headers: preflight });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('public, max-age=30');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(((await first.json()) as any).data.neighbourhoods).toHaveLength(2);
    const again = await fetch(url(), { headers: { ...preflight, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('lets shared caches keep an answer no longer than its shortest cache hint, and not at all when it has errors', async () => {
    const get = (query: string) => fetch(`${platform.gatewayUrl}?query=${encodeURIComponent(query)}`, { headers: preflight });
    // The books hint 10 s; the neighbourhood (community) 60 s, capped at 30.
    const books = await get(`{ neighbourhood(slug: "spijkerkwartier") { name chainHead { sequence } } }`);
    expect(books.status).toBe(200);
    expect(books.headers.get('cache-control')).toBe('public, max-age=10');
    const refused = await get(`{ member(id: "${stableId('member:Buurtkok Bram')}") { personalData { email } } }`);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });

  it('marks answers to a signed-in caller private', async () => {
    const token = await platform.token(stableId('member:Fietsende Fenna'), []);
    const response = await fetch(url(), { headers: { ...preflight, authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });

  it('never caches POST', async () => {
    const response = await fetch(platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ neighbourhoods { slug } }"}' });
    expect(response.headers.get('etag')).toBeNull();
    expect(response.headers.get('cache-control')).not.toMatch(/public/);
  });
});

describe('gateway metrics', () => {
  let platform: RunningPlatform;
  let metricsUrl: string;
  beforeAll(async () => {
    platform = await startPlatform({ env: { METRICS_OPERATION_NAMES: 'Neighbourhoods, Secret, Ratio' } });
    const { port } = await platform.gateway.listenMetrics(0, '127.0.0.1');
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
  });
  afterAll(() => platform.stop());

  it('counts requests, latency and errors per operation, and failures per subgraph, in Prometheus format', async () => {
    await platform.query('query Neighbourhoods { neighbourhoods { slug } }');
    await platform.query('query Neighbourhoods { neighbourhoods { slug } }');
    await platform.query(`query Secret { member(id: "${stableId('member:Buurtkok Bram')}") { personalData { email } } }`);
    await platform.subgraphs.impact.server.http.close();
    await platform.query(`query Ratio { project(id: "${stableId('project:park-greenery')}") { sroi { ratio } } }`);

    const response = await fetch(metricsUrl);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain('dbwe_gateway_requests_total{operation="Neighbourhoods",outcome="ok"} 2');
    expect(text).toContain('dbwe_gateway_errors_total{operation="Secret",code="FORBIDDEN"} 1');
    expect(text).toContain('dbwe_gateway_errors_total{operation="Ratio",code="SERVICE_UNAVAILABLE"} 1');
    expect(text).toContain('dbwe_gateway_subgraph_errors_total{subgraph="impact"} 1');
    expect(text).toMatch(/dbwe_gateway_request_duration_seconds_count\{operation="Neighbourhoods"\} 2/);
    expect(text).toMatch(/dbwe_gateway_subgraph_fetch_duration_seconds_count\{subgraph="community"\} \d+/);
  });

  it('are not served on the public port', async () => {
    for (const method of ['GET', 'HEAD']) {
      const response = await fetch(new URL('/metrics', platform.gatewayUrl), { method });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('dbwe_gateway_requests_total');
    }
  });

  it("do not list a client's operation names, however many it sends: they count as other", async () => {
    for (let i = 0; i < 300; i++) await platform.query(`query Probe${i}Of${'x'.repeat(20)} { __typename }`);
    await platform.query('query Neighbourhoods { neighbourhoods { slug } }');
    const text = await (await fetch(metricsUrl)).text();
    expect(text).not.toMatch(/Probe\d+Of/);
    expect(text).toMatch(/dbwe_gateway_requests_total\{operation="other",outcome="ok"\} 300/);
    // A listed name still counts by its name after the flood.
    expect(text).toMatch(/dbwe_gateway_requests_total\{operation="Neighbourhoods",outcome="ok"\} 3/);
    const labels = new Set([...text.matchAll(/operation="([^"]+)"/g)].map((m) => m[1]));
    expect(labels.size).toBeLessThanOrEqual(10);
  });
});
