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
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  it('counts requests, latency and errors per operation, and failures per subgraph, in Prometheus format', async () => {
    await platform.query('query Neighbourhoods { neighbourhoods { slug } }');
    await platform.query('query Neighbourhoods { neighbourhoods { slug } }');
    await platform.query(`query Secret { member(id: "${stableId('member:Buurtkok Bram')}") { personalData { email } } }`);
    await platform.subgraphs.impact.server.http.close();
    await platform.query(`query Ratio { project(id: "${stableId('project:park-greenery')}") { sroi { ratio } } }`);

    const response = await fetch(new URL('/metrics', platform.gatewayUrl));
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain('dbwe_gateway_requests_total{operation="Neighbourhoods",outcome="ok"} 2');
    expect(text).toContain('dbwe_gateway_errors_total{operation="Secret",code="FORBIDDEN"} 1');
    expect(text).toContain('dbwe_gateway_errors_total{operation="Ratio",code="SERVICE_UNAVAILABLE"} 1');
    expect(text).toContain('dbwe_gateway_subgraph_errors_total{subgraph="impact"} 1');
    expect(text).toMatch(/dbwe_gateway_request_duration_seconds_count\{operation="Neighbourhoods"\} 2/);
    expect(text).toMatch(/dbwe_gateway_subgraph_fetch_duration_seconds_count\{subgraph="community"\} \d+/);
  });
});
