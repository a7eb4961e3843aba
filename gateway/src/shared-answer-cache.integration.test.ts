import { Redis } from 'ioredis';
import { startGatewayFor, startPlatform, type RunningPlatform } from '../../test/platform';
import type { Gateway } from './gateway';

/*
 * Two gateways pointed at the same Redis (REDIS_URL) share the response cache: an anonymous
 * answer one of them kept is served by the other without asking any subgraph, and a mutation
 * through either drops what both kept. With Redis gone, answers are still given, just never from
 * or into the cache. Needs the machine's Redis on 127.0.0.1:6379 (running here and in CI); a
 * database of its own.
 */
const REDIS_URL = process.env.TEST_REDIS_ANSWERS_URL ?? 'redis://127.0.0.1:6379/12';
const READ = `{ neighbourhood(slug: "spijkerkwartier") { name members(first: 3) { totalCount } } }`;

describe('gateway: the response cache shared by replicas through Redis', () => {
  let platform: RunningPlatform;
  const gateways: Gateway[] = [];
  const urls: string[] = [];
  beforeAll(async () => {
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    platform = await startPlatform();
    // The demo data's events still travelling would drop what the first test expects kept.
    await platform.eventsSettled();
    for (let i = 0; i < 2; i++) {
      const { gateway, gatewayUrl } = await startGatewayFor(platform.subgraphs, { REDIS_URL, RESPONSE_CACHE: 'true', RATE_LIMIT_PER_MINUTE: '0' });
      gateways.push(gateway);
      urls.push(gatewayUrl);
    }
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await platform.stop();
  });

  const post = async (url: string, query: string) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { status: response.status, age: response.headers.get('age'), body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
  };
  /** Whether the answer came from the cache (it then carries an Age), and what it said. */
  const read = async (url: string) => {
    const answer = await post(url, READ);
    expect(answer.status).toBe(200);
    return { cached: answer.age !== null, data: answer.body.data };
  };

  it("serves from one gateway the answer the other kept, asking no subgraph", async () => {
    const first = await read(urls[0]);
    expect(first.cached).toBe(false);
    const asked = platform.subgraphRequests();
    const again = await read(urls[1]);
    expect(again).toEqual({ cached: true, data: first.data });
    // Nothing but the gateways' watch of the event feed's head (every 250 ms) reached a subgraph meanwhile.
    expect(platform.subgraphRequests() - asked).toBeLessThanOrEqual(3);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys('dbwe:answers:*');
    redis.disconnect();
    expect(keys.length).toBeGreaterThan(0);
  });

  it('drops what both kept when a mutation passes through either one', async () => {
    expect((await read(urls[0])).cached).toBe(true);
    // Any mutation drops everything, whatever its outcome (a refused one may still tell of a change elsewhere).
    const refused = await post(urls[1], `mutation { eraseMe { member { id } } }`);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await read(urls[0])).cached).toBe(false);
    expect((await read(urls[1])).cached).toBe(true);
  });

  it('answers without the cache when Redis cannot be reached', async () => {
    const { gateway, gatewayUrl } = await startGatewayFor(platform.subgraphs, { REDIS_URL: 'redis://127.0.0.1:1/0', RESPONSE_CACHE: 'true', RATE_LIMIT_PER_MINUTE: '0' });
    gateways.push(gateway);
    const first = await read(gatewayUrl);
    const second = await read(gatewayUrl);
    expect(first.cached).toBe(false);
    expect(second).toEqual(first);
  });
});
