import { connect, type Socket } from 'node:net';
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

describe('gateway: connections a client cannot hold on to', () => {
  let platform: RunningPlatform;
  const extra: Gateway[] = [];
  const sockets: Socket[] = [];
  beforeAll(async () => {
    platform = await startPlatform({ seed: false });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    for (const gateway of extra) await gateway.stop();
    await platform.stop();
  });

  async function gatewayWith(env: Record<string, string>): Promise<URL> {
    const { gateway, gatewayUrl } = await startGatewayFor(platform.subgraphs, env);
    extra.push(gateway);
    return new URL(gatewayUrl);
  }

  /** A raw connection: what it was sent back, and when the gateway closed it (ms after opening). */
  function open(url: URL) {
    const started = Date.now();
    const socket = connect(Number(url.port), url.hostname);
    sockets.push(socket);
    const seen = { text: '', closedAfterMs: null as number | null };
    socket.on('data', (chunk) => (seen.text += chunk.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => ((seen.closedAfterMs = Date.now() - started), resolve())));
    const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    return { socket, seen, closed, connected };
  }

  it('cuts off a client that sends its headers slowly (headersTimeout)', async () => {
    const url = await gatewayWith({ HTTP_HEADERS_TIMEOUT_MS: '1000' });
    const slow = open(url);
    await slow.connected;
    slow.socket.write(`POST / HTTP/1.1\r\nhost: ${url.host}\r\n`);
    await slow.closed;
    expect(slow.seen.text).toMatch(/^HTTP\/1\.1 408/);
    expect(slow.seen.closedAfterMs).toBeLessThan(3_000);
  });

  it('cuts off a client that sends its body slowly (requestTimeout)', async () => {
    const url = await gatewayWith({ HTTP_REQUEST_TIMEOUT_MS: '2000' });
    const slow = open(url);
    await slow.connected;
    slow.socket.write(`POST / HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n`);
    const drip = setInterval(() => slow.socket.writable && slow.socket.write(' '), 200);
    await slow.closed;
    clearInterval(drip);
    expect(slow.seen.text).toMatch(/^HTTP\/1\.1 408/);
    expect(slow.seen.closedAfterMs).toBeLessThan(5_000);
  });

  it('refuses connections beyond the cap from one address, and takes them again once some close', async () => {
    const url = await gatewayWith({ MAX_CONNECTIONS_PER_ADDRESS: '10' });
    const held = Array.from({ length: 10 }, () => open(url));
    await Promise.all(held.map((c) => c.connected));
    // Give the server the moment to count them all before the next ones arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extraOnes = Array.from({ length: 5 }, () => open(url));
    await Promise.all(extraOnes.map((c) => c.closed));
    for (const refused of extraOnes) expect(refused.seen.text).toMatch(/^HTTP\/1\.1 429/);
    for (const kept of held) expect(kept.seen.closedAfterMs).toBeNull();
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).catch(() => null))?.status ?? 'refused').not.toBe(200);
    for (const kept of held) kept.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: '{"query":"{ __typename }"}' });
    expect(again.status).toBe(200);
  });

  it('does not cap a trusted proxy, whose connections carry many clients', async () => {
    const url = await gatewayWith({ MAX_CONNECTIONS_PER_ADDRESS: '10', TRUST_PROXY_HOPS: '1' });
    const many = Array.from({ length: 15 }, () => open(url));
    await Promise.all(many.map((c) => c.connected));
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const connection of many) expect(connection.seen.closedAfterMs).toBeNull();
  });
});
