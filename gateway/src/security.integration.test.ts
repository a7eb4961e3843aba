import { SignJWT, UnsecuredJWT } from 'jose';
import { newEd25519KeyPair, signAssertion, signingKeyFromSeed, stableId } from '@dbwe/platform';
import { testAssertion } from '@dbwe/platform/testing';
import { startPlatform, TEST_JWT_SECRET, type RunningPlatform } from '../../test/platform';

/*
 * The public graph lets everyone read what is public and refuses everything
 * else at the gateway, before any subgraph is called where it can.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const fenna = stableId('member:Fietsende Fenna');
const bram = stableId('member:Buurtkok Bram');
const key = new TextEncoder().encode(TEST_JWT_SECRET);

function token(claims: { iss?: string; aud?: string; exp?: number | string; sub?: string } = {}, signingKey = key) {
  return new SignJWT({ roles: [{ role: 'resident', neighbourhood: spijkerkwartier }] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? fenna)
    .setIssuer(claims.iss ?? 'dbwe-local')
    .setAudience(claims.aud ?? 'dbwe-graph')
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '1h')
    .sign(signingKey);
}

const personalData = `query ($id: ID!) { member(id: $id) { displayName personalData { email } } }`;

describe('gateway: identity', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  async function refused(authorization: string) {
    const before = platform.subgraphRequests();
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ neighbourhoods { name } }' }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(response.status).toBe(401);
    expect(body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(platform.subgraphRequests()).toBe(before);
  }

  it('lets the anonymous public read public data', async () => {
    const { status, body } = await platform.query<any>('{ neighbourhoods { slug } }');
    expect(status).toBe(200);
    expect(body.data.neighbourhoods.map((n: { slug: string }) => n.slug)).toEqual(['klarendal', 'spijkerkwartier']);
  });

  it('accepts a valid token: the member reads their own personal data', async () => {
    const { body } = await platform.query<any>(personalData, { id: fenna }, { token: await token() });
    expect(body.errors).toBeUndefined();
    expect(body.data.member.personalData.email).toBe('fenna.de.wit@example.nl');
  });

  it('refuses an expired token', async () => refused(`Bearer ${await token({ exp: Math.floor(Date.now() / 1000) - 60 })}`));
  it('refuses a token from another issuer', async () => refused(`Bearer ${await token({ iss: 'https://evil.example' })}`));
  it('refuses a token for another audience', async () => refused(`Bearer ${await token({ aud: 'another-api' })}`));
  it('refuses an unsigned token (alg: none)', async () => {
    const unsigned = new UnsecuredJWT({ roles: [{ role: 'admin', neighbourhood: '*' }] })
      .setSubject(fenna)
      .setIssuer('dbwe-local')
      .setAudience('dbwe-graph')
      .setExpirationTime('1h')
      .encode();
    await refused(`Bearer ${unsigned}`);
  });
  it('refuses a token signed with another key', async () =>
    refused(`Bearer ${await token({}, new TextEncoder().encode('another-secret-of-at-least-32-characters!'))}`));
  it('refuses a malformed Authorization header', async () => refused('Basic Zm9vOmJhcg=='));

  it('ignores identity and assertion headers sent by a client', async () => {
    const forged = await signAssertion(
      signingKeyFromSeed(newEd25519KeyPair().seed).privateKey,
      'community',
      { viewer: { memberId: fenna, roles: [{ role: 'admin', neighbourhood: '*' }] }, requestId: 'x' },
      JSON.stringify({ query: personalData, variables: { id: fenna } }),
    );
    const { body } = await platform.query<any>(personalData, { id: fenna }, {
      headers: { 'x-dbwe-assertion': forged, 'x-member-id': fenna, 'x-roles': 'admin' },
    });
    expect(body.data.member).toEqual({ displayName: 'Fietsende Fenna', personalData: null });
    expect(body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('does not show one resident the email of another', async () => {
    const { body } = await platform.query<any>(personalData, { id: bram }, { token: await token() });
    expect(body.data.member.personalData).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(JSON.stringify(body)).not.toContain('@example.nl');
  });

  it('answers nothing to a request that reaches a subgraph directly, _service and _entities included', async () => {
    for (const subgraph of Object.values(platform.subgraphs)) {
      for (const query of ['{ _service { sdl } }', `{ _entities(representations: [{ __typename: "Member", id: "${fenna}" }]) { __typename } }`]) {
        const response = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
        const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
        expect(response.status).toBe(401);
        expect(body.data).toBeUndefined();
        expect(body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      }
    }
    // With a valid assertion the same request is answered, which shows the refusal above is the assertion's doing.
    const body = JSON.stringify({ query: '{ _service { sdl } }' });
    const ok = await fetch(platform.subgraphs.community.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dbwe-assertion': await testAssertion('community', { memberId: null, roles: [] }, body) },
      body,
    });
    expect(ok.status).toBe(200);
  });
});

describe('gateway: hostile queries are refused before any subgraph is called', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  async function refusedAtGateway(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST', search = '') {
    const before = platform.subgraphRequests();
    const response = await fetch(platform.gatewayUrl + search, { method, headers, body: method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    expect(platform.subgraphRequests()).toBe(before);
    return { status: response.status, text };
  }

  const nest = (depth: number) => {
    let selection = 'id';
    for (let i = 0; i < depth; i++) selection = i % 2 === 0 ? `neighbourhood { ${selection} }` : `members(first: 1) { edges { node { ${selection} } } }`;
    return `{ member(id: "${fenna}") { ${selection} } }`;
  };

  it('refuses a query 20 levels deep', async () => {
    const { status, text } = await refusedAtGateway({ query: nest(20) });
    expect(status).toBe(400);
    expect(text).toMatch(/depth/i);
    expect(text).not.toMatch(/Syntax Error/);
  });

  it('refuses 100 aliases', async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: neighbourhoods { id }`).join(' ');
    const { status, text } = await refusedAtGateway({ query: `{ ${aliases} }` });
    expect(status).toBe(400);
    expect(text).toMatch(/alias/i);
  });

  it('refuses 5,000 tokens', async () => {
    const fields = Array.from({ length: 2500 }, () => 'id').join(' ');
    const { status, text } = await refusedAtGateway({ query: `{ neighbourhoods { ${fields} } }` });
    expect(status).toBe(400);
    expect(text).toMatch(/token/i);
  });

  it('does not let a fragment or an operation named __schema slip past the depth limit', async () => {
    const deep = nest(20).slice(1, -1);
    for (const query of [`query __schema { ${deep} }`, `{ ...__schema } fragment __schema on Query { ${deep} }`]) {
      const { status, text } = await refusedAtGateway({ query });
      expect(status).toBe(400);
      expect(text).toMatch(/depth|__schema/i);
    }
  });

  it('keeps introspection open for Sandbox', async () => {
    const { status, body } = await platform.query<any>('{ __schema { queryType { name } types { name fields { name type { name ofType { name ofType { name } } } } } } }');
    expect(status).toBe(200);
    expect(body.data.__schema.queryType.name).toBe('Query');
  });

  it('refuses a batch of operations in one request', async () => {
    const { status } = await refusedAtGateway([{ query: '{ neighbourhoods { id } }' }, { query: '{ neighbourhoods { id } }' }]);
    expect(status).toBe(400);
  });

  it('refuses a text/plain POST (CSRF) and a mutation sent with GET', async () => {
    const plain = await refusedAtGateway('{"query":"{ neighbourhoods { id } }"}', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    const get = await refusedAtGateway(null, { 'apollo-require-preflight': 'true' }, 'GET', `?query=${encodeURIComponent('mutation { __typename }')}`);
    expect(get.status).toBe(405);
  });

  it('refuses a body larger than the limit with 413', async () => {
    const { status } = await refusedAtGateway({ query: `{ neighbourhoods { id } } # ${'x'.repeat(200_000)}` });
    expect(status).toBe(413);
  });

  it('refuses a page size of a million at the gateway, by its cost', async () => {
    const { status, text } = await refusedAtGateway({ query: `{ neighbourhood(slug: "spijkerkwartier") { members(first: 1000000) { totalCount } } }` });
    expect(status).toBe(400);
    // Said as what it is: a limit, not a syntax error (the query parses).
    const [error] = JSON.parse(text).errors;
    expect(error.message).toMatch(/^Query Cost limit of 20000 exceeded, found \d+\. The query is valid but exceeds a limit of this API/);
    expect(error.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a page larger than 100 in the subgraph with BAD_USER_INPUT', async () => {
    const { body } = await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") { members(first: 101) { totalCount } } }`);
    expect(body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(body.errors![0].message).toMatch(/between 0 and 100/);
  });
});

describe('gateway: rate limit', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ seed: false, env: { RATE_LIMIT_PER_MINUTE: '240' } });
  });
  afterAll(() => platform.stop());

  it('answers 429 with rate-limit headers when one client sends 300 requests in a minute', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 300; i++) {
      last = await fetch(platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      statuses.push(last.status);
      await last.arrayBuffer();
    }
    // 240 a minute; a run that straddles a window edge may count a few of the previous window's less.
    const allowed = statuses.filter((s) => s === 200).length;
    expect(allowed).toBeGreaterThanOrEqual(240);
    expect(allowed).toBeLessThanOrEqual(250);
    expect(statuses.filter((s) => s === 429).length).toBe(300 - allowed);
    expect(last!.headers.get('ratelimit-limit')).toBe('240');
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
