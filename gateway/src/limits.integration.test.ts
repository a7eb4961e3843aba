import { startGatewayFor, startPlatform, type RunningPlatform } from '../../test/platform';
import type { Gateway } from './gateway';

/*
 * The rate limit counts every request a client sends: with a refused token, with a forged
 * X-Forwarded-For, to /health. 240 a minute per client address (anonymous) or member.
 */
describe('gateway: a rate limit without holes', () => {
  let platform: RunningPlatform;
  const extra: Gateway[] = [];
  beforeAll(async () => {
    platform = await startPlatform({ seed: false, env: { RATE_LIMIT_PER_MINUTE: '240' } });
  });
  afterAll(async () => {
    for (const gateway of extra) await gateway.stop();
    await platform.stop();
  });

  async function gatewayWith(env: Record<string, string>): Promise<string> {
    const { gateway, gatewayUrl } = await startGatewayFor(platform.subgraphs, { RATE_LIMIT_PER_MINUTE: '240', ...env });
    extra.push(gateway);
    return gatewayUrl;
  }

  /** Sends `count` requests one after the other; the statuses, and the last response's headers. */
  async function send(url: string, count: number, init: (i: number) => RequestInit) {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < count; i++) {
      last = await fetch(url, init(i));
      statuses.push(last.status);
      await last.arrayBuffer();
    }
    return { statuses, last: last! };
  }

  const query = (headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{"query":"{ __typename }"}',
  });

  /** 240 a minute; a run that straddles a window edge may count a few of the previous window's less. */
  function limitedAt240(statuses: number[], passed: number) {
    const through = statuses.filter((s) => s === passed).length;
    expect(through).toBeGreaterThanOrEqual(240);
    expect(through).toBeLessThanOrEqual(250);
    expect(statuses.filter((s) => s === 429).length).toBe(statuses.length - through);
  }

  it('counts requests with an invalid token: 300 get 401 until the limit, then 429 with Retry-After', async () => {
    const url = await gatewayWith({});
    const { statuses, last } = await send(url, 300, () => query({ authorization: 'Bearer not-a-token' }));
    limitedAt240(statuses, 401);
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await (await fetch(url, query({ authorization: 'Bearer not-a-token' }))).json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('reads X-Forwarded-For from the right: a client writing its own leftmost entry stays one client', async () => {
    const url = await gatewayWith({ TRUST_PROXY_HOPS: '1' });
    // One proxy in front appends the address it saw (here always 203.0.113.7); the client writes anything to the left.
    const { statuses } = await send(url, 300, (i) => query({ 'x-forwarded-for': `198.51.100.${i % 250}, 203.0.113.7` }));
    limitedAt240(statuses, 200);
    // Another client behind the same proxy has a budget of its own.
    expect((await fetch(url, query({ 'x-forwarded-for': '203.0.113.8' }))).status).toBe(200);
  });

  it('reads the deprecated TRUST_PROXY=true as one hop, not as the leftmost entry', async () => {
    const url = await gatewayWith({ TRUST_PROXY: 'true' });
    const { statuses } = await send(url, 300, (i) => query({ 'x-forwarded-for': `198.51.100.${i % 250}, 203.0.113.9` }));
    limitedAt240(statuses, 200);
  });

  it('takes no client-written entry when no proxy is trusted: X-Forwarded-For alone changes nothing', async () => {
    const url = await gatewayWith({});
    const { statuses } = await send(url, 300, (i) => query({ 'x-forwarded-for': `198.51.100.${i % 250}` }));
    limitedAt240(statuses, 200);
  });

  it('counts /health too', async () => {
    const url = await gatewayWith({});
    const { statuses, last } = await send(new URL('/health', url).href, 300, () => ({ method: 'GET' }));
    limitedAt240(statuses, 200);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
