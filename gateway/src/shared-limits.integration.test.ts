import { Redis } from 'ioredis';
import { startGatewayFor, startPlatform, type RunningPlatform } from '../../test/platform';
import type { Gateway } from './gateway';

/*
 * Two gateways pointed at the same Redis (REDIS_URL) allow one client what one gateway would:
 * 30 a minute here, whichever gateway each request reaches. With Redis gone, each gateway keeps
 * limiting on its own rather than refusing everyone or letting everyone through.
 * Needs the machine's Redis on 127.0.0.1:6379 (running here and in CI); a database of its own.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/11';

describe('gateway: the rate limit shared by replicas through Redis', () => {
  let platform: RunningPlatform;
  const gateways: Gateway[] = [];
  const urls: string[] = [];
  beforeAll(async () => {
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    platform = await startPlatform({ seed: false });
    for (let i = 0; i < 2; i++) {
      const { gateway, gatewayUrl } = await startGatewayFor(platform.subgraphs, { RATE_LIMIT_PER_MINUTE: '30', REDIS_URL });
      gateways.push(gateway);
      urls.push(gatewayUrl);
    }
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await platform.stop();
  });

  const ask = (url: string, client: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: JSON.stringify({ query: '{ __typename }' }) }).then(async (r) => {
      await r.arrayBuffer();
      return { status: r.status, remaining: r.headers.get('ratelimit-remaining') };
    });

  it('counts a client once across both gateways: 30 allowed in all, then 429 from either', async () => {
    // Both gateways see the same address (loopback): one client.
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await ask(urls[i % 2], 'ignored')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.slice(30)).toEqual(Array(10).fill(429));
    expect((await ask(urls[0], 'ignored')).status).toBe(429);
    expect((await ask(urls[1], 'ignored')).status).toBe(429);
  });

  it('keeps the counts in Redis, where a third gateway started later finds them', async () => {
    const { gateway, gatewayUrl } = await startGatewayFor(platform.subgraphs, { RATE_LIMIT_PER_MINUTE: '30', REDIS_URL });
    gateways.push(gateway);
    expect((await ask(gatewayUrl, 'ignored')).status).toBe(429);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys('dbwe:rate-limit*');
    redis.disconnect();
    expect(keys.length).toBeGreaterThan(0);
  });

  it('limits in each gateway alone when Redis cannot be reached', async () => {
    const { gateway, gatewayUrl } = await startGatewayFor(platform.subgraphs, { RATE_LIMIT_PER_MINUTE: '5', REDIS_URL: 'redis://127.0.0.1:1/0' });
    gateways.push(gateway);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await ask(gatewayUrl, 'ignored')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});
