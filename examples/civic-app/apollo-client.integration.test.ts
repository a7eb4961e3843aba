import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { startPlatform, type RunningPlatform } from '../../test/platform';
import { SPIJKERKWARTIER } from '../../test/people';
import { createDbweClient, fetchPossibleTypes, supportWish, SupportWish } from './src/apollo-client';

/*
 * A resident supports a wish twice from a civic app on Apollo Client 4: the first time the wish's
 * new count comes back, the second time the refusal `AlreadySupported`, a member of the mutation's
 * result union whose `code` and `message` are selected through its interface
 * (`... on CommunityError`). Apollo's normalised cache keeps those fields only when it knows the
 * schema's possibleTypes, which the gateway publishes at /schema/possible-types.json.
 */
const app = __dirname;
const root = join(app, '..', '..');

describe('Apollo Client 4 (and urql) against the real gateway', () => {
  let platform: RunningPlatform;
  let token: string;
  let wishId: string;
  beforeAll(async () => {
    platform = await startPlatform();
    // A new resident, so the first support is certainly theirs.
    const memberId = randomUUID();
    token = await platform.token(memberId, [{ role: 'resident', neighbourhood: SPIJKERKWARTIER }]);
    const registered = await platform.query<any>(
      `mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { __typename } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, displayName: `Appbouwer ${memberId.slice(0, 8)}`, kind: 'PERSON', domain: 'CITIZEN', fullName: 'Iemand met een app' } },
      { token },
    );
    expect(registered.body.data?.registerMember.__typename).toBe('RegisterMemberSuccess');
    const { body } = await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") { wishes(first: 100) { edges { node { id status } } } } }`);
    wishId = body.data.neighbourhood.wishes.edges.map((e: any) => e.node).find((w: any) => w.status === 'OPEN').id;
  });
  afterAll(() => platform.stop());

  it('serves the possibleTypes map that is committed in schema/possible-types.json', async () => {
    const response = await fetch(new URL('/schema/possible-types.json', platform.gatewayUrl));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.text()).toBe(readFileSync(join(root, 'schema', 'possible-types.json'), 'utf8'));
  });

  it('gets the success, then the refusal with its code and message, with possibleTypes', async () => {
    const client = createDbweClient({ graphUrl: platform.gatewayUrl, possibleTypes: await fetchPossibleTypes(platform.gatewayUrl), token });
    expect(await supportWish(client, wishId)).toMatch(/^Supported ".+" \((\d+|fewer than 5) supporters\)$/);
    const again = await client.mutate({ mutation: SupportWish, variables: { wishId } });
    expect(again.data?.supportWish).toEqual({ __typename: 'AlreadySupported', code: 'ALREADY_SUPPORTED', message: expect.any(String) });
  });

  it('without possibleTypes Apollo Client drops the refusal\'s code and message, which the gateway did send', async () => {
    // What an app without the map sees: the refusal's name and nothing else.
    const client = createDbweClient({ graphUrl: platform.gatewayUrl, possibleTypes: {}, token });
    const { data } = await client.mutate({ mutation: SupportWish, variables: { wishId } });
    expect(data?.supportWish).toEqual({ __typename: 'AlreadySupported' });
    // The gateway's answer had them: the client's cache left them out.
    const raw = await platform.query<any>(`mutation ($wishId: ID!) { supportWish(wishId: $wishId) { __typename ... on CommunityError { code message } } }`, { wishId }, { token });
    expect(raw.body.data.supportWish).toEqual({ __typename: 'AlreadySupported', code: 'ALREADY_SUPPORTED', message: expect.any(String) });
  });

  it('runs as the example script', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/apollo-client.ts', wishId], {
      cwd: app,
      env: { ...process.env, GRAPH_URL: platform.gatewayUrl, DBWE_TOKEN: token },
      encoding: 'utf8',
    });
    expect(stdout).toMatch(/^Not supported: .+ \(ALREADY_SUPPORTED\)\n$/);
  });

  it('urql with its document cache needs no map: the refusal arrives whole', async () => {
    // urql's default cache keeps whole results by query and variables; it does not normalise, so
    // it never matches fragments itself. (Its normalised Graphcache would need the schema.)
    const client = new Client({ url: platform.gatewayUrl, exchanges: [cacheExchange, fetchExchange], fetchOptions: { headers: { authorization: `Bearer ${token}` } } });
    const result = await client.mutation(SupportWish, { wishId }).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.supportWish).toEqual({ __typename: 'AlreadySupported', code: 'ALREADY_SUPPORTED', message: expect.any(String) });
  });
});
