import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { ConfigError, stableId } from '@dbwe/platform';
import type { Browser, Page } from 'playwright-core';
import { gatewayEnvFor, startGatewayFor, startPlatform, type RunningPlatform } from '../../test/platform';
import { launchBrowser } from '../../test/browser';
import { readGatewayConfig } from './config';
import type { Gateway } from './gateway';

/*
 * CORS: a page on any origin reads the graph and the exports anonymously; only the origins in
 * CORS_CREDENTIALED_ORIGINS may send a member's token. Shown with plain requests (the headers a
 * browser acts on) and in headless Chromium, from pages served on other origins than the gateway.
 */
const steward = stableId('member:Penningmeester Pieter');
const MEMBERS_CSV = 'export/v1/neighbourhoods/spijkerkwartier/members.csv';

/** A civic app's page: an empty document on an origin of its own. */
async function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Civic app</title><main id="out"></main>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('gateway: CORS', () => {
  let platform: RunningPlatform;
  let app: { server: Server; origin: string };
  let other: { server: Server; origin: string };
  const gatewayLog: { method: string; path: string; status: number }[] = [];
  const extra: Gateway[] = [];
  const evil = 'https://evil.example';

  beforeAll(async () => {
    app = await pageServer();
    other = await pageServer();
    const log = new PassThrough();
    let pending = '';
    log.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const entry = JSON.parse(line) as { msg: string; method: string; path: string; status: number };
        if (entry.msg === 'request') gatewayLog.push({ method: entry.method, path: entry.path, status: entry.status });
      }
    });
    platform = await startPlatform({ env: { CORS_CREDENTIALED_ORIGINS: `${app.origin}, https://app.example.org` }, gatewayLogTo: log });
  });
  afterAll(async () => {
    for (const gateway of extra) await gateway.stop();
    await platform?.stop();
    app?.server.close();
    other?.server.close();
  });

  const preflight = (origin: string, path = '/', requestHeaders = 'content-type') =>
    fetch(new URL(path, platform.gatewayUrl), { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders } });
  const listed = (header: string | null) => (header ?? '').split(',').map((h) => h.trim().toLowerCase());

  describe('the headers', () => {
    it('answers a preflight from any origin with 204, the methods and headers a reader needs, cached for two hours', async () => {
      for (const path of ['/', '/graphql', `/${MEMBERS_CSV}`, '/export/v1/openapi.json', '/health']) {
        const response = await preflight(evil, path, 'content-type, apollo-require-preflight, if-none-match, cache-control');
        expect({ path, status: response.status, body: await response.text() }).toEqual({ path, status: 204, body: '' });
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        expect(listed(response.headers.get('access-control-allow-methods'))).toEqual(expect.arrayContaining(['get', 'head', 'post', 'options']));
        expect(listed(response.headers.get('access-control-allow-headers'))).toEqual(
          expect.arrayContaining(['content-type', 'apollo-require-preflight', 'x-apollo-operation-name', 'if-none-match', 'cache-control', 'traceparent']),
        );
        expect(response.headers.get('access-control-max-age')).toBe('7200');
      }
    });

    it('does not let another origin send a token: its preflight does not admit Authorization', async () => {
      const response = await preflight(evil, '/', 'content-type, authorization');
      expect(response.status).toBe(204);
      expect(listed(response.headers.get('access-control-allow-headers'))).not.toContain('authorization');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('answers a configured origin with itself, credentials allowed, Authorization admitted, and Vary: Origin', async () => {
      for (const origin of [app.origin, 'https://app.example.org']) {
        const response = await preflight(origin, '/', 'content-type, authorization');
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe(origin);
        expect(response.headers.get('access-control-allow-credentials')).toBe('true');
        expect(listed(response.headers.get('access-control-allow-headers'))).toContain('authorization');
        expect(listed(response.headers.get('vary'))).toContain('origin');
      }
      // Almost the same origin is another origin.
      for (const origin of ['https://app.example.org.evil.example', 'http://app.example.org', 'https://app.example.org:8443', 'null']) {
        const response = await preflight(origin, '/', 'content-type, authorization');
        expect([origin, response.headers.get('access-control-allow-origin'), response.headers.get('access-control-allow-credentials')]).toEqual([origin, '*', null]);
        expect(listed(response.headers.get('access-control-allow-headers'))).not.toContain('authorization');
      }
    });

    it('lets every answer be read from any origin, and exposes its validators, version and limits', async () => {
      const token = await platform.token(steward, []);
      const answers = [
        await fetch(platform.gatewayUrl, { method: 'POST', headers: { origin: evil, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }),
        await fetch(new URL(MEMBERS_CSV, platform.gatewayUrl), { headers: { origin: evil } }),
        await fetch(new URL('/export/v1/openapi.json', platform.gatewayUrl)),
        // Refusals too: a page must be able to read why.
        await fetch(new URL(MEMBERS_CSV, platform.gatewayUrl), { headers: { origin: evil, authorization: 'Bearer nope' } }),
        await fetch(new URL('/nothing-here', platform.gatewayUrl), { headers: { origin: evil } }),
        // A token from an origin not configured is no reason to trust that origin.
        await fetch(platform.gatewayUrl, { method: 'POST', headers: { origin: evil, 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ __typename }"}' }),
      ];
      for (const response of answers) {
        await response.arrayBuffer();
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
        expect(listed(response.headers.get('access-control-expose-headers'))).toEqual(
          expect.arrayContaining(['etag', 'api-version', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'link']),
        );
        // Helmet's headers stay: data may be loaded cross-origin, never framed.
        expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
        expect(response.headers.get('x-frame-options')).toBe('DENY');
      }
    });

    it('keeps Vary: Authorization and adds Origin on answers shared caches keep', async () => {
      const response = await fetch(`${platform.gatewayUrl}?query=${encodeURIComponent('{ neighbourhoods { slug } }')}`, { headers: { origin: app.origin, 'apollo-require-preflight': 'true' } });
      await response.arrayBuffer();
      expect(response.headers.get('etag')).not.toBeNull();
      expect(listed(response.headers.get('vary'))).toEqual(expect.arrayContaining(['origin', 'authorization']));
      const csv = await fetch(new URL(MEMBERS_CSV, platform.gatewayUrl), { headers: { origin: app.origin } });
      await csv.arrayBuffer();
      expect(csv.headers.get('access-control-allow-origin')).toBe(app.origin);
      expect(listed(csv.headers.get('vary'))).toEqual(expect.arrayContaining(['origin', 'authorization']));
    });

    it('counts preflights in the rate limit, as every request', async () => {
      const limited = await startGatewayFor(platform.subgraphs, { RATE_LIMIT_PER_MINUTE: '2' });
      extra.push(limited.gateway);
      const ask = () => fetch(limited.gatewayUrl, { method: 'OPTIONS', headers: { origin: evil, 'access-control-request-method': 'POST' } });
      expect((await ask()).status).toBe(204);
      expect((await ask()).status).toBe(204);
      const refused = await ask();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('access-control-allow-origin')).toBe('*');
      expect(refused.headers.get('retry-after')).not.toBeNull();
    });

    it('refuses a CORS_CREDENTIALED_ORIGINS entry that is not an origin, naming the setting', () => {
      for (const entry of ['*', 'null', 'https://app.example.org/path', 'app.example.org', 'ftp://app.example.org', 'https://app.example.org?x=1']) {
        expect(() => readGatewayConfig(gatewayEnvFor(platform.subgraphs, { CORS_CREDENTIALED_ORIGINS: `https://ok.example, ${entry}` }))).toThrow(ConfigError);
        expect(() => readGatewayConfig(gatewayEnvFor(platform.subgraphs, { CORS_CREDENTIALED_ORIGINS: entry }))).toThrow(/CORS_CREDENTIALED_ORIGINS must list origins/);
      }
      const config = readGatewayConfig(gatewayEnvFor(platform.subgraphs, { CORS_CREDENTIALED_ORIGINS: 'https://App.Example.org/, http://localhost:5173' }));
      expect(config.CORS_CREDENTIALED_ORIGINS).toEqual(['https://app.example.org', 'http://localhost:5173']);
      expect(readGatewayConfig(gatewayEnvFor(platform.subgraphs)).CORS_CREDENTIALED_ORIGINS).toEqual([]);
    });
  });

  describe('in headless Chromium, from pages on other origins', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(() => browser?.close());

    /** A fresh page of the given origin (no preflights remembered from another test). */
    async function open(origin: string): Promise<Page> {
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(origin);
      return page;
    }
    /** The gateway's request log settles a moment after the answer (it is written when the connection closes). */
    const logged = async (method: string) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return gatewayLog.filter((r) => r.method === method).length;
    };

    it('a page on another origin queries the graph (a JSON POST, preflighted) and downloads a CSV export', async () => {
      const page = await open(other.origin);
      const preflightsBefore = await logged('OPTIONS');
      const names = await page.evaluate(async (gateway) => {
        const response = await fetch(gateway, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ neighbourhoods { slug name } }' }) });
        const { data } = (await response.json()) as { data: { neighbourhoods: { name: string }[] } };
        document.querySelector('#out')!.textContent = data.neighbourhoods.map((n) => n.name).join(', ');
        return document.querySelector('#out')!.textContent;
      }, platform.gatewayUrl);
      expect(names).toContain('Spijkerkwartier');
      expect(await page.textContent('#out')).toContain('Spijkerkwartier');
      // The browser asked first: application/json is not a simple request.
      expect(await logged('OPTIONS')).toBe(preflightsBefore + 1);

      const csv = await page.evaluate(async (url) => {
        const response = await fetch(url);
        const text = await response.text();
        const rows = text.trim().split('\r\n');
        const table = document.createElement('table');
        for (const row of rows) table.insertRow().insertCell().textContent = row;
        document.querySelector('#out')!.replaceChildren(table);
        return { status: response.status, header: rows[0], rows: rows.length - 1, etag: response.headers.get('etag'), version: response.headers.get('api-version'), type: response.headers.get('content-type') };
      }, new URL(MEMBERS_CSV, platform.gatewayUrl).href);
      expect(csv).toMatchObject({ status: 200, version: '1.4.0', type: expect.stringMatching(/^text\/csv/) });
      expect(csv.header).toMatch(/^id,/);
      expect(csv.rows).toBeGreaterThan(3);
      expect(csv.etag).toMatch(/^"/);
      expect(await page.locator('#out tr').count()).toBe(csv.rows + 1);
      expect(await page.textContent('#out')).toContain('Penningmeester Pieter');

      // A conditional request is not simple either (If-None-Match): preflighted, then 304, which fetch shows as the cached 200.
      const again = await page.evaluate(
        async ({ url, etag }) => (await fetch(url, { headers: { 'if-none-match': etag }, cache: 'no-store' })).status,
        { url: new URL(MEMBERS_CSV, platform.gatewayUrl).href, etag: csv.etag! },
      );
      expect(again).toBe(304);

      // And as a file: a link to the export, clicked.
      await page.evaluate((url) => {
        const link = document.createElement('a');
        link.href = url;
        link.textContent = 'members.csv';
        document.body.append(link);
      }, new URL(MEMBERS_CSV, platform.gatewayUrl).href);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('a')]);
      expect(download.suggestedFilename()).toBe('spijkerkwartier-members.csv');
      const file = await readFile((await download.path())!, 'utf8');
      expect(file.split('\r\n')[0]).toBe(csv.header);
      await page.context().close();
    });

    it('a page on an origin not configured cannot send a token or credentials: the browser blocks it before it is sent', async () => {
      const token = await platform.token(steward, []);
      const page = await open(other.origin);
      const postsBefore = await logged('POST');
      const outcomes = await page.evaluate(
        async ({ gateway, token }) => {
          const attempt = async (init: RequestInit) => {
            try {
              const response = await fetch(gateway, { method: 'POST', ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) }, body: '{"query":"{ me { displayName } }"}' });
              return `read ${JSON.stringify(await response.json())}`;
            } catch (error) {
              return `blocked: ${(error as Error).name}`;
            }
          };
          return { token: await attempt({ headers: { authorization: `Bearer ${token}` } }), cookies: await attempt({ credentials: 'include' }) };
        },
        { gateway: platform.gatewayUrl, token },
      );
      expect(outcomes).toEqual({ token: 'blocked: TypeError', cookies: 'blocked: TypeError' });
      // Neither request left the browser: their preflights were answered without what they needed.
      expect(await logged('POST')).toBe(postsBefore);

      // A simple request needs no preflight (a form post, text/plain): Apollo's CSRF prevention refuses to run it.
      const before = gatewayLog.length;
      await page.evaluate(
        (gateway) => fetch(gateway, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{"query":"mutation { __typename }"}' }),
        platform.gatewayUrl,
      );
      await logged('POST');
      expect(gatewayLog.slice(before)).toEqual([{ method: 'POST', path: '/', status: 400 }]);
      await page.context().close();
    });

    it('a page on a configured origin sends a token and reads the answer; its preflight is cached', async () => {
      const token = await platform.token(steward, []);
      const page = await open(app.origin);
      const preflightsBefore = await logged('OPTIONS');
      const ask = () =>
        page.evaluate(
          async ({ gateway, token }) => {
            const response = await fetch(gateway, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ me { displayName } }"}' });
            return ((await response.json()) as { data: { me: { displayName: string } | null } }).data.me?.displayName ?? null;
          },
          { gateway: platform.gatewayUrl, token },
        );
      expect(await ask()).toBe('Penningmeester Pieter');
      expect(await ask()).toBe('Penningmeester Pieter');
      expect(await ask()).toBe('Penningmeester Pieter');
      // One preflight for three requests: Access-Control-Max-Age let the browser keep its answer.
      expect(await logged('OPTIONS')).toBe(preflightsBefore + 1);
      await page.context().close();
    });
  });
});
