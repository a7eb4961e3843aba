import { GraphClient, newEd25519KeyPair, SERVICE_ASSERTION_HEADER, signingKeyFromSeed, signServiceAssertion } from '@dbwe/platform';
import { TEST_SERVICE_KEYS } from '@dbwe/platform/testing';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * Our own subgraphs read the public graph through the gateway (a member's standing before every
 * write, the books when an analysis is published). Such a read carries a service assertion signed
 * with the subgraph's own key, bound to the request's body. Expected: it is never throttled by the anonymous rate limit (which would
 * cap every member's writes together), and always answered fresh, never from the response cache;
 * the same request without a valid assertion is an anonymous client like any other.
 */
describe('reads by our own services', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ seed: ['community'], env: { RATE_LIMIT_PER_MINUTE: '3', RESPONSE_CACHE: 'true' } });
  });
  afterAll(() => platform.stop());

  const QUERY = '{ neighbourhoods { slug } }';
  const post = async (headers: Record<string, string> = {}) => {
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: QUERY }),
    });
    return { status: response.status, age: response.headers.get('age') };
  };

  it('are neither throttled nor served from the cache; a forged assertion gains nothing', async () => {
    const anonymousAnswers = [await post(), await post(), await post(), await post()];
    expect(anonymousAnswers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(anonymousAnswers[1].age).not.toBeNull();

    const ledgerKey = signingKeyFromSeed(TEST_SERVICE_KEYS.ledger).privateKey;
    const body = JSON.stringify({ query: QUERY });
    const internal = async () => post({ [SERVICE_ASSERTION_HEADER]: await signServiceAssertion(ledgerKey, 'ledger', body) });
    const ours = [await internal(), await internal(), await internal(), await internal(), await internal()];
    expect(ours).toEqual(Array(5).fill({ status: 200, age: null }));
    const client = new GraphClient(platform.gatewayUrl, 5000, { service: 'ledger', key: ledgerKey });
    expect(await client.query<{ neighbourhoods: unknown[] }>(QUERY, {})).toEqual({ neighbourhoods: expect.arrayContaining([{ slug: 'spijkerkwartier' }]) });

    // Signed with a key the gateway does not know for that service: an anonymous client, throttled.
    const forged = await signServiceAssertion(signingKeyFromSeed(newEd25519KeyPair().seed).privateKey, 'ledger', body);
    expect((await post({ [SERVICE_ASSERTION_HEADER]: forged })).status).toBe(429);
    // Another subgraph's own key, claiming to be the ledger: the same.
    const impostor = await signServiceAssertion(signingKeyFromSeed(TEST_SERVICE_KEYS.impact).privateKey, 'ledger', body);
    expect((await post({ [SERVICE_ASSERTION_HEADER]: impostor })).status).toBe(429);
  });

  it('do not take exports or GET requests, which have no body to bind, out of the rate limit', async () => {
    // A service assertion binds a POST body; an export (GET) has none, so one captured assertion, made for
    // any read, would otherwise let its holder download exports outside the limit for its whole lifetime.
    const ledgerKey = signingKeyFromSeed(TEST_SERVICE_KEYS.ledger).privateKey;
    const captured = await signServiceAssertion(ledgerKey, 'ledger', JSON.stringify({ query: QUERY }));
    while ((await post()).status !== 429);
    const feed = await fetch(new URL('/export/v1/neighbourhoods/spijkerkwartier/events.jsonl', platform.gatewayUrl), { headers: { [SERVICE_ASSERTION_HEADER]: captured } });
    expect(feed.status).toBe(429);
    const get = await fetch(new URL(`/graphql?query=${encodeURIComponent(QUERY)}`, platform.gatewayUrl), {
      headers: { [SERVICE_ASSERTION_HEADER]: captured, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(429);
  });

  it('are bound to the body they were signed for', async () => {
    const ledgerKey = signingKeyFromSeed(TEST_SERVICE_KEYS.ledger).privateKey;
    const assertion = await signServiceAssertion(ledgerKey, 'ledger', JSON.stringify({ query: '{ neighbourhoods { id } }' }));
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SERVICE_ASSERTION_HEADER]: assertion },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ errors: [{ message: 'The assertion was made for another request.', extensions: { code: 'UNAUTHENTICATED' } }] });
  });
});
