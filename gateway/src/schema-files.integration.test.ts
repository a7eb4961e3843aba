import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, getIntrospectionQuery, isScalarType, type IntrospectionQuery } from 'graphql';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * What a client developer's tools fetch from a running gateway: the schema file, its
 * possibleTypes map, and for every custom scalar a specifiedByURL in introspection (composition
 * must carry the subgraphs' @specifiedBy into the supergraph the gateway serves).
 */
const schemaDir = join(__dirname, '..', '..', 'schema');

describe('the gateway publishes its schema for client tools', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ seed: false });
  });
  afterAll(() => platform.stop());

  it('introspection gives every custom scalar its specifiedByURL', async () => {
    const { body } = await platform.query<IntrospectionQuery>(getIntrospectionQuery({ specifiedByUrl: true }));
    const schema = buildClientSchema(body.data!);
    const scalars = Object.fromEntries(
      Object.values(schema.getTypeMap())
        .filter((type) => isScalarType(type) && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name))
        .map((type) => [type.name, isScalarType(type) ? type.specifiedByURL : undefined]),
    );
    expect(scalars).toEqual({
      Date: 'https://scalars.graphql.org/andimarek/local-date',
      DateTime: 'https://scalars.graphql.org/andimarek/date-time',
      Decimal: '/schema/scalars#decimal',
      Int64: '/schema/scalars#int64',
      JSONObject: 'https://www.rfc-editor.org/rfc/rfc8259#section-4',
    });
  });

  it('serves the spec of its own scalars where their specifiedByURL points', async () => {
    const response = await fetch(new URL('/schema/scalars#int64', platform.gatewayUrl));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('## Int64');
    expect(text).toContain('## Decimal');
  });

  it('serves schema/api.graphql as committed, with an ETag a build can revalidate', async () => {
    const url = new URL('/schema/api.graphql', platform.gatewayUrl);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(readFileSync(join(schemaDir, 'api.graphql'), 'utf8'));
    const etag = response.headers.get('etag')!;
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const again = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // As a proxy that compressed it hands the tag back, and in a list.
    expect((await fetch(url, { headers: { 'if-none-match': `"other", W/${etag}` } })).status).toBe(304);
    expect((await fetch(url, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });
});
