import { get as httpGet } from 'node:http';
import { startGatewayFor, startPlatform, type RunningPlatform } from '../../../test/platform';
import { addNeighbourhood } from '../../../test/people';
import { jsonForScriptBlock } from './html';

/*
 * Browsers get pages; GraphQL clients get the graph exactly as before. The landing page names the
 * neighbourhoods from the graph, escaped (a name is user data), and links the open data; every file
 * a page loads comes from the gateway, under a strict policy.
 */
describe('pages: landing page, explorer and Sandbox beside the graph', () => {
  let platform: RunningPlatform;
  const at = (path: string) => new URL(path, platform.gatewayUrl).href;
  const browse = (path: string) => fetch(at(path), { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, redirect: 'manual' });
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('GraphQL clients get the graph at / and /graphql as before: POST, GET with a query, and GET without one', async () => {
    for (const path of ['/', '/graphql']) {
      const posted = await fetch(at(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ neighbourhoods { slug } }"}' });
      expect([path, posted.status, posted.headers.get('content-type')]).toEqual([path, 200, 'application/json; charset=utf-8']);
      const get = await fetch(`${at(path)}?query=${encodeURIComponent('{ neighbourhoods { slug } }')}`, { headers: { 'apollo-require-preflight': 'true', accept: 'text/html,application/json' } });
      expect([path, get.status]).toEqual([path, 200]);
      expect(((await get.json()) as { data: { neighbourhoods: unknown[] } }).data.neighbourhoods.length).toBeGreaterThan(0);
      // A client asking for JSON without a query is told what is missing, as Apollo Server always told it.
      const empty = await fetch(at(path), { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
      expect([path, empty.status]).toEqual([path, 400]);
    }
  });

  it('a browser at / gets the landing page, at /graphql is sent to the explorer', async () => {
    const landing = await browse('/');
    expect(landing.status).toBe(200);
    expect(landing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await landing.text();
    expect(html).toContain('<strong>Spijkerkwartier</strong>');
    expect(html).toContain('href="/export/v1/neighbourhoods/spijkerkwartier/datapackage.json"');
    expect(html).toContain('href="/export/v1/openapi.json"');
    expect(html).toContain('href="/explorer"');
    const redirected = await browse('/graphql');
    expect([redirected.status, redirected.headers.get('location')]).toEqual([303, '/explorer']);
  });

  it('a neighbourhood whose name is HTML is shown as text', async () => {
    // Slugs are checked by the community ([a-z0-9-]); names are whatever an operator typed.
    await addNeighbourhood(platform, 'zoon-wijk');
    const name = `<img src=x onerror=alert(2)><script>alert(1)</script> & 'Zoon' "Wijk"`;
    await platform.subgraphs.community.admin.query(`UPDATE community.neighbourhood SET name = $1 WHERE slug = 'zoon-wijk'`, [name]);
    const html = await (await browse('/')).text();
    expect(html).toContain('<strong>&lt;img src=x onerror=alert(2)&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;Zoon&#39; &quot;Wijk&quot;</strong>');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
  });

  it("the explorer's data block cannot be closed by a value in it", () => {
    const block = jsonForScriptBlock({ slug: '</script><script>alert(1)</script>', line: '\u2028' }).text;
    expect(block).not.toMatch(/<\/?script/i);
    expect(JSON.parse(block)).toEqual({ slug: '</script><script>alert(1)</script>', line: '\u2028' });
  });

  it('every page loads only files the gateway serves, under a policy that allows no other origin', async () => {
    for (const path of ['/', '/explorer']) {
      const response = await browse(path);
      const html = await response.text();
      const policy = response.headers.get('content-security-policy')!;
      expect(policy).toMatch(/(^|;)script-src 'self'(;|$)/);
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("frame-src 'none'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toMatch(/https?:|unsafe-inline|unsafe-eval/);
      const loaded = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(loaded.length).toBeGreaterThan(0);
      for (const url of loaded) {
        expect([path, url]).toEqual([path, expect.stringMatching(/^(\/explorer\/assets\/|data:)/)]);
        if (url.startsWith('data:')) continue;
        const file = await fetch(at(url));
        expect([url, file.status]).toEqual([url, 200]);
        expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(await file.text()).not.toMatch(/https:\/\/(fonts\.googleapis|unpkg|cdn\.jsdelivr|esm\.sh)/);
      }
      // Scripts only from files: no inline script but the JSON data block, which is never run.
      for (const [, attributes] of html.matchAll(/<script\b([^>]*)>/g)) expect(attributes).toMatch(/src="|type="application\/json"/);
    }
    // The explorer may add <style> elements only with this response's nonce (GraphiQL's dialogs).
    const explorer = await browse('/explorer');
    const nonce = /style-src 'self' 'nonce-([^']+)'/.exec(explorer.headers.get('content-security-policy')!)![1];
    expect(await explorer.text()).toContain(`"styleNonce":"${nonce}"`);
    expect(nonce).not.toBe(/style-src 'self' 'nonce-([^']+)'/.exec((await browse('/explorer')).headers.get('content-security-policy')!)![1]);
  });

  it('the hosted Apollo Sandbox stays available at /sandbox, with its CDN allowed only there', async () => {
    const response = await browse('/sandbox');
    const html = await response.text();
    const policy = response.headers.get('content-security-policy')!;
    expect(html).toContain('<script src="https://embeddable-sandbox.cdn.apollographql.com/v2/embeddable-sandbox.umd.production.min.js"></script>');
    expect(policy).toMatch(/script-src 'self' https:\/\/embeddable-sandbox\.cdn\.apollographql\.com(;|$)/);
    expect(policy).toContain('frame-src https://sandbox.embed.apollographql.com');
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it('with the community down, the landing page still comes, saying the neighbourhoods cannot be listed now', async () => {
    const { gateway, gatewayUrl } = await startGatewayFor({ ...platform.subgraphs, community: { url: 'http://127.0.0.1:9/graphql' } });
    try {
      const response = await fetch(gatewayUrl, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('The neighbourhoods cannot be listed right now');
      expect(html).toContain('href="/export/v1/openapi.json"');
    } finally {
      await gateway.stop();
    }
  });

  it('serves no file outside the bundle: dot segments, encoded or not, under /explorer/assets/ are 404', async () => {
    // node:http sends the path as written (fetch would resolve the dot segments before sending).
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = new URL(platform.gatewayUrl);
        httpGet({ host: url.hostname, port: url.port, path }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        }).on('error', reject);
      });
    await (await browse('/explorer')).text();
    for (const path of ['../../package.json', '..%2f..%2fpackage.json', '%2e%2e/%2e%2e/package.json', '..%5c..%5cpackage.json', 'explorer.tsx', '../browser/explorer.tsx', '']) {
      const answer = await raw(`/explorer/assets/${path}`);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.body).not.toMatch(/workspaces|createRoot/);
    }
  });

  it('answers an unknown file with 404 and HEAD on the pages with 200 and no body', async () => {
    expect((await fetch(at('/explorer/assets/nothing.js'))).status).toBe(404);
    for (const path of ['/', '/explorer', '/sandbox']) {
      const response = await fetch(at(path), { method: 'HEAD' });
      expect([path, response.status, await response.text()]).toEqual([path, 200, '']);
    }
  });
});
