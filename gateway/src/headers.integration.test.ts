import { startGatewayFor, startPlatform, type RunningPlatform } from '../../test/platform';
import type { Gateway } from './gateway';

/*
 * Every answer of the gateway carries the security headers a browser acts on; the landing page and
 * the explorer cannot be framed and load only the gateway's own files; HSTS only where the client
 * came over HTTPS.
 */
describe('gateway: security headers on every response', () => {
  let platform: RunningPlatform;
  const extra: Gateway[] = [];
  beforeAll(async () => {
    platform = await startPlatform({ seed: false });
  });
  afterAll(async () => {
    for (const gateway of extra) await gateway.stop();
    await platform.stop();
  });

  const at = (path: string, url = platform.gatewayUrl) => new URL(path, url).href;
  const post = (body: string, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  function secured(response: Response) {
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(response.headers.get('x-powered-by')).toBeNull();
  }

  it.each([
    ['a query', () => fetch(platform.gatewayUrl, post('{"query":"{ __typename }"}'))],
    ['a refused token (401)', () => fetch(platform.gatewayUrl, post('{"query":"{ __typename }"}', { authorization: 'Bearer nope' }))],
    ['a client mistake (400)', () => fetch(platform.gatewayUrl, post('{"query":"{"}'))],
    ['/health', () => fetch(at('/health'))],
    ['an unknown path (404)', () => fetch(at('/nothing-here'))],
    ['an export', () => fetch(at('/export/v1/openapi.json'))],
    ['a GET query', () => fetch(`${platform.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } })],
  ])('%s', async (_what, send) => {
    const response = await send();
    await response.arrayBuffer();
    secured(response);
    // Data loads nothing.
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  });

  it('the landing page and the explorer cannot be framed and load nothing from another origin', async () => {
    for (const path of ['/', '/explorer']) {
      const response = await fetch(at(path), { headers: { accept: 'text/html' } });
      const html = await response.text();
      expect([path, response.status]).toEqual([path, 200]);
      secured(response);
      const header = response.headers.get('content-security-policy')!;
      // The gateway's own files only: no CDN, no frames, no inline script (explorer/pages.integration.test.ts has the rest).
      expect(header).toMatch(/(^|;)script-src 'self'(;|$)/);
      expect(header).toContain("frame-src 'none'");
      expect(header).not.toMatch(/https:|unsafe-inline/);
      for (const [, src] of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) expect(src).toMatch(/^\/explorer\/assets\//);
    }
  });

  it('answers HEAD on / and /health', async () => {
    for (const path of ['/', '/health']) {
      const response = await fetch(at(path), { method: 'HEAD' });
      expect([path, response.status]).toEqual([path, 200]);
      expect(await response.text()).toBe('');
      secured(response);
    }
  });

  it('sends HSTS only when a trusted proxy says the client came over HTTPS, or when told to always', async () => {
    const hsts = async (url: string, headers: Record<string, string>) => {
      const response = await fetch(url, post('{"query":"{ __typename }"}', headers));
      await response.arrayBuffer();
      return response.headers.get('strict-transport-security');
    };
    // No proxy trusted: the client's own X-Forwarded-Proto says nothing.
    expect(await hsts(platform.gatewayUrl, { 'x-forwarded-proto': 'https' })).toBeNull();
    const proxied = await startGatewayFor(platform.subgraphs, { TRUST_PROXY_HOPS: '1' });
    extra.push(proxied.gateway);
    expect(await hsts(proxied.gatewayUrl, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' })).toBe('max-age=31536000');
    expect(await hsts(proxied.gatewayUrl, { 'x-forwarded-proto': 'http', 'x-forwarded-for': '203.0.113.7' })).toBeNull();
    const always = await startGatewayFor(platform.subgraphs, { HSTS_ALWAYS: 'true' });
    extra.push(always.gateway);
    expect(await hsts(always.gatewayUrl, {})).toBe('max-age=31536000');
  });
});
