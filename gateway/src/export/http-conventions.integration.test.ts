import { startGatewayFor, startPlatform, type RunningPlatform } from '../../../test/platform';
import type { Gateway } from '../gateway';
import { openApiDocument } from './openapi';

/*
 * The exports behave as HTTP clients and proxies expect (RFC 9110): a weak or listed ETag still gets
 * its 304 behind nginx's gzip; `since` takes every RFC 3339 shape the usual tools write; a
 * cache-buster is ignored; every refusal under /export, the gateway's own 401 and 429 included, is
 * problem+json with API-Version; HEAD is answered wherever GET is, without a body.
 */
const EXPORTS = '/export/v1/neighbourhoods/spijkerkwartier';

describe('exports: HTTP conventions', () => {
  let platform: RunningPlatform;
  const extra: Gateway[] = [];
  let get: (path: string, headers?: Record<string, string>, base?: string) => Promise<Response>;
  beforeAll(async () => {
    platform = await startPlatform();
    get = (path, headers = {}, base = platform.gatewayUrl) => fetch(new URL(path, base), { headers });
  });
  afterAll(async () => {
    for (const gateway of extra) await gateway.stop();
    await platform.stop();
  });

  const validated = [
    `${EXPORTS}/ledger_entries.csv`,
    `${EXPORTS}/members.jsonl`,
    `${EXPORTS}/datapackage.json`,
    `${EXPORTS}/checkpoint.txt`,
    `${EXPORTS}/events.jsonl`,
    '/export/v1/openapi.json',
    '/.well-known/dbwe-ledger-keys',
  ];

  it.each(validated)('%s: a weak ETag, an ETag in a list and * get 304; another ETag gets 200', async (path) => {
    const first = await get(path);
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"something-else", W/${etag}`, `"a",${etag}`, '*']) {
      const again = await get(path, { 'if-none-match': ifNoneMatch });
      expect({ ifNoneMatch, status: again.status, body: await again.text() }).toEqual({ ifNoneMatch, status: 304, body: '' });
      expect(again.headers.get('etag')).toBe(etag);
    }
    for (const ifNoneMatch of ['"something-else"', `W/"x${etag.slice(1)}`]) {
      const changed = await get(path, { 'if-none-match': ifNoneMatch });
      expect({ ifNoneMatch, status: changed.status }).toEqual({ ifNoneMatch, status: 200 });
      await changed.arrayBuffer();
    }
  });

  it('a GraphQL GET honours a weak ETag too', async () => {
    const url = `${platform.gatewayUrl}?query=${encodeURIComponent('{ neighbourhoods { slug } }')}`;
    const headers = { 'apollo-require-preflight': 'true' };
    const first = await get(url, headers);
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    expect((await get(url, { ...headers, 'if-none-match': `W/${etag}` })).status).toBe(304);
  });

  it("a GraphQL GET's answer varies by Accept, so a shared cache never hands one client's content type to another", async () => {
    const url = `${platform.gatewayUrl}?query=${encodeURIComponent('{ neighbourhoods { slug } }')}`;
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const response = await get(url, { 'apollo-require-preflight': 'true', accept });
      await response.arrayBuffer();
      expect(response.headers.get('content-type')).toBe(`${accept}; charset=utf-8`);
      expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect((response.headers.get('vary') ?? '').split(',').map((f) => f.trim().toLowerCase())).toEqual(expect.arrayContaining(['accept', 'authorization']));
    }
  });

  it('reads since in every RFC 3339 shape: offsets, 0–9 fraction digits, Python and PowerShell', async () => {
    const body = async (query: string) => {
      const response = await get(`${EXPORTS}/members.csv${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 200 });
      return response.text();
    };
    const all = await body('');
    const header = all.split('\r\n')[0] + '\r\n';
    expect(all.length).toBeGreaterThan(header.length);
    // Members joined when the demo data was loaded: before now, after 1970.
    const later = new Date(Date.now() + 3_600_000);
    const iso = later.toISOString();
    const shapes = [
      iso,
      // Python: datetime.now(timezone.utc).isoformat()
      iso.replace('Z', '123+00:00'),
      // PowerShell: Get-Date -Format o, in Amsterdam's winter time
      new Date(later.getTime() + 3_600_000).toISOString().replace('Z', '1234+01:00'),
      new Date(later.getTime() - 5.5 * 3_600_000).toISOString().replace(/\.\d+Z$/, '-05:30'),
    ];
    for (const since of shapes) expect([since, await body(`?since=${encodeURIComponent(since)}`)]).toEqual([since, header]);
    // A + not percent-encoded arrives as a space, and is read as the + it was.
    expect(await body(`?since=${iso.replace('Z', '+00:00')}`)).toBe(header);
    for (const since of ['1970-01-01T01:00:00+01:00', '1970-01-01T00:00:00.000000001Z', '1969-12-31T19:00:00-05:00']) {
      expect([since, await body(`?since=${encodeURIComponent(since)}`)]).toEqual([since, all]);
    }
  });

  it.each([
    ['yesterday'],
    ['2026-01-31T10:20:30'],
    ['2026-01-31'],
    ['2026-02-30T00:00:00Z'],
    ['2026-01-31T10:20:30.1234567890Z'],
    ['1767225600'],
  ])('refuses since=%s with a 400 that names the shape expected', async (since) => {
    const response = await get(`${EXPORTS}/members.csv?since=${encodeURIComponent(since)}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(response.headers.get('api-version')).toBe('1.4.0');
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toContain(`got "${since}"`);
    expect(problem.detail).toMatch(/RFC 3339 date-time with a time-zone offset, such as 2026-01-31T00:00:00Z, 2026-01-31T01:00:00\+01:00/);
  });

  it.each([
    `${EXPORTS}/members.csv`,
    `${EXPORTS}/ledger_entries.csv`,
    `${EXPORTS}/datapackage.json`,
    `${EXPORTS}/checkpoint.txt`,
    `${EXPORTS}/events.jsonl`,
    '/export/v1/neighbourhoods',
    '/export/v1/openapi.json',
    '/.well-known/dbwe-ledger-keys',
  ])('%s: ignores a parameter it does not know (a cache-buster)', async (path) => {
    const plain = await get(path);
    const plainBody = await plain.text();
    const busted = await get(`${path}?_=${Date.now()}&utm_source=dashboard`);
    expect(busted.status).toBe(200);
    expect(await busted.text()).toBe(plainBody);
  });

  it('reads a since at the ends of the calendar whose offset takes it past year 0000 or 9999: every row, or none; never a 5xx', async () => {
    const rows = async (table: string, since: string) => {
      const response = await get(`${EXPORTS}/${table}?since=${encodeURIComponent(since)}`);
      expect({ table, since, status: response.status }).toEqual({ table, since, status: 200 });
      return (await response.text()).split('\r\n').filter(Boolean).length - 1;
    };
    for (const table of ['members.csv', 'wishes.csv', 'accounts.csv']) {
      const all = await rows(table, '0000-01-01T00:00:00Z');
      expect(all).toBeGreaterThan(0);
      expect([table, await rows(table, '0000-01-01T00:00:00+01:00')]).toEqual([table, all]);
      expect([table, await rows(table, '9999-12-31T23:59:59-01:00')]).toEqual([table, 0]);
    }
  });

  it('a ledger table keeps its ETag under a cache-buster, another order of parameters and another shape of the same pull', async () => {
    const path = `${EXPORTS}/ledger_entries.csv`;
    const plain = await get(path);
    await plain.arrayBuffer();
    const size = plain.headers.get('ledger-checkpoint-size')!;
    for (const query of ['', `?_=${Date.now()}`, `?utm_source=dashboard&_=1`, `?size=${size}`]) {
      const again = await get(`${path}${query}`, { 'if-none-match': plain.headers.get('etag')! });
      expect({ query, status: again.status, bodyLength: (await again.text()).length }).toEqual({ query, status: 304, bodyLength: 0 });
    }
    const pull = await get(`${path}?afterSequence=1&size=${size}`);
    await pull.arrayBuffer();
    const reordered = await get(`${path}?_=2&size=${size}&afterSequence=1`, { 'if-none-match': pull.headers.get('etag')! });
    expect(reordered.status).toBe(304);
    expect(pull.headers.get('etag')).not.toBe(plain.headers.get('etag'));
  });

  it('a slug with a malformed percent-escape is a 404 problem, not a 500', async () => {
    for (const slug of ['%ZZ', '%E0%A4%A', '%']) {
      const response = await get(`/export/v1/neighbourhoods/${slug}/members.csv`);
      expect({ slug, status: response.status, type: response.headers.get('content-type') }).toEqual({ slug, status: 404, type: 'application/problem+json; charset=utf-8' });
      expect(((await response.json()) as { detail: string }).detail).toBe(`No neighbourhood "${slug}".`);
    }
  });

  it('answers a refused token under /export with problem details, API-Version and WWW-Authenticate', async () => {
    for (const path of [`${EXPORTS}/members.csv`, '/export/v1/openapi.json', '/.well-known/dbwe-ledger-keys']) {
      const response = await get(path, { authorization: 'Bearer not-a-token' });
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({ path, status: 401, type: 'application/problem+json; charset=utf-8' });
      expect(response.headers.get('api-version')).toBe('1.4.0');
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(await response.json()).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401, instance: path });
    }
    // The graph keeps answering as GraphQL clients expect.
    const graph = await fetch(platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' }, body: '{"query":"{ __typename }"}' });
    expect(graph.status).toBe(401);
    expect(((await graph.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers the rate limit under /export with problem details, API-Version and Retry-After', async () => {
    const limited = await startGatewayFor(platform.subgraphs, { RATE_LIMIT_PER_MINUTE: '1' });
    extra.push(limited.gateway);
    expect((await get('/export/v1/openapi.json', {}, limited.gatewayUrl)).status).toBe(200);
    for (const path of [`${EXPORTS}/members.csv`, '/export/v1/openapi.json', '/.well-known/dbwe-ledger-keys']) {
      const response = await get(path, {}, limited.gatewayUrl);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({ path, status: 429, type: 'application/problem+json; charset=utf-8' });
      expect(response.headers.get('api-version')).toBe('1.4.0');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.json()).toMatchObject({ type: 'about:blank', title: 'Too Many Requests', status: 429, instance: path });
    }
    const graph = await fetch(limited.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(graph.status).toBe(429);
    expect(((await graph.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it.each([
    '/health',
    '/ready',
    '/export/v1',
    '/export/v1/openapi.json',
    '/export/v1/neighbourhoods',
    `${EXPORTS}/datapackage.json`,
    `${EXPORTS}/members.csv`,
    `${EXPORTS}/ledger_entries.jsonl`,
    `${EXPORTS}/checkpoint.txt`,
    `${EXPORTS}/events.jsonl`,
    '/.well-known/dbwe-ledger-keys',
  ])('HEAD %s: the GET answer’s status and headers, no body', async (path) => {
    const got = await get(path);
    await got.arrayBuffer();
    const head = await fetch(new URL(path, platform.gatewayUrl), { method: 'HEAD' });
    expect({ path, status: head.status, body: await head.text() }).toEqual({ path, status: got.status, body: '' });
    expect(got.status).toBe(200);
    for (const name of ['content-type', 'api-version', 'cache-control']) expect([name, head.headers.get(name)]).toEqual([name, got.headers.get(name)]);
    expect(head.headers.get('etag')).toBe(got.headers.get('etag'));
  });

  it('HEAD of something that is not there: 404 without a body', async () => {
    const head = await fetch(new URL(`${EXPORTS}/secrets.csv`, platform.gatewayUrl), { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(await head.text()).toBe('');
  });

  it('serves the OpenAPI document that openapi.lint.test.ts lints', async () => {
    expect(await (await get('/export/v1/openapi.json')).json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});
