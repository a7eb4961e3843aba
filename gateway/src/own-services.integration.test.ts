import { ASSERTION_HEADER, anonymous, GraphClient, signAssertion } from '@dbwe/platform';
import { TEST_ASSERTION_SECRET } from '@dbwe/platform/testing';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * Our own subgraphs read the public graph through the gateway (a member's standing before every
 * write, the books when an analysis is published). Such a read carries an assertion signed with
 * the internal secret. Expected: it is never throttled by the anonymous rate limit (which would
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

    const internal = async () => post({ [ASSERTION_HEADER]: await signAssertion(TEST_ASSERTION_SECRET, { viewer: anonymous, requestId: 'own-service' }) });
    const ours = [await internal(), await internal(), await internal(), await internal(), await internal()];
    expect(ours).toEqual(Array(5).fill({ status: 200, age: null }));
    const client = new GraphClient(platform.gatewayUrl, 5000, TEST_ASSERTION_SECRET);
    expect(await client.query<{ neighbourhoods: unknown[] }>(QUERY, {})).toEqual({ neighbourhoods: expect.arrayContaining([{ slug: 'spijkerkwartier' }]) });

    const forged = await signAssertion('not-the-internal-secret-0123456789abcdef', { viewer: anonymous, requestId: 'forged' });
    expect((await post({ [ASSERTION_HEADER]: forged })).status).toBe(429);
  });
});
