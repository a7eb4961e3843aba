import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Logger } from '@dbwe/platform';
import type { GatewayContext } from '../gateway';
import { ASSET_PATH, explorerAssets, type Assets } from './assets';
import { EXAMPLES, exampleTab } from './examples';
import { Html, html, jsonForScriptBlock } from './html';
import { readPageData, unreadPageData, type PageData } from './page-data';

/** Where the pages are. The graph stays at `/` and `/graphql` for every GraphQL client. */
export const PAGE_PATHS = { landing: '/', explorer: '/explorer', sandbox: '/sandbox', endpoint: '/graphql' } as const;

/**
 * What a request asks for, if it is a page or a page's file. A browser opening `/` gets the landing
 * page, `/graphql` is sent on to the explorer; a GraphQL request there (a POST, a GET with `query`,
 * a client not asking for HTML) is no page and reaches the graph exactly as before. A HEAD without
 * a query asks whether the page is there, as it did when Apollo Server answered it.
 */
export type PageRequest = 'landing' | 'explorer' | 'sandbox' | 'to-explorer' | { asset: string };

export function pageRequested(req: IncomingMessage): PageRequest | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (path.startsWith(ASSET_PATH)) return { asset: path.slice(ASSET_PATH.length) };
  if (path === PAGE_PATHS.explorer || path === `${PAGE_PATHS.explorer}/`) return 'explorer';
  if (path === PAGE_PATHS.sandbox) return 'sandbox';
  if (path !== PAGE_PATHS.landing && path !== PAGE_PATHS.endpoint) return null;
  const browsing = req.method === 'HEAD' || (req.headers.accept ?? '').includes('text/html');
  if (!browsing || url.searchParams.has('query')) return null;
  return path === PAGE_PATHS.landing ? 'landing' : 'to-explorer';
}

const styleNonces = new WeakMap<ServerResponse, string>();

/**
 * The explorer page's nonce for `<style>` elements, one per response: the policy header
 * (security-headers.ts) and the page both ask for it. GraphiQL's dialogs (Radix, through
 * react-style-singleton) insert a `<style>` to lock scrolling and take the nonce from get-nonce.
 * Scripts get no nonce: they come only from the gateway's own files.
 */
export function styleNonce(res: ServerResponse): string {
  let nonce = styleNonces.get(res);
  if (!nonce) styleNonces.set(res, (nonce = randomBytes(18).toString('base64')));
  return nonce;
}

/** The landing page, the self-hosted explorer (GraphiQL), the hosted Sandbox as an option, and their files. */
export class Pages {
  constructor(
    private readonly apollo: ApolloServer<GatewayContext>,
    private readonly logger: Logger,
  ) {}

  /** Answers a page request (pageRequested said what it is). */
  async handle(req: IncomingMessage, res: ServerResponse, asked: PageRequest, requestId: string): Promise<void> {
    if (asked === 'to-explorer') {
      res.writeHead(303, { location: PAGE_PATHS.explorer, 'cache-control': 'no-cache' });
      res.end();
      return;
    }
    const assets = await explorerAssets();
    if (typeof asked === 'object') return this.asset(res, assets, asked.asset);
    if (asked === 'sandbox') return this.page(res, sandboxPage(assets));
    const preferred = new URL(req.url ?? '/', 'http://localhost').searchParams.get('neighbourhood');
    const data = await readPageData(this.apollo, requestId, preferred).catch((error: unknown): PageData => {
      this.logger.warn({ err: error, requestId }, 'the pages could not read the neighbourhoods');
      return unreadPageData();
    });
    return this.page(res, asked === 'landing' ? landingPage(assets, data) : explorerPage(assets, data, styleNonce(res)));
  }

  private page(res: ServerResponse, page: Html): void {
    const body = Buffer.from(`<!doctype html>\n${page.text}`);
    // The landing page lists the neighbourhoods as they are now; the explorer page's examples carry fresh keys.
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(body);
  }

  private asset(res: ServerResponse, assets: Assets, name: string): void {
    const file = assets.files.get(name);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
      res.end('No such file.\n');
      return;
    }
    // Every name carries its content's hash: a new bundle has new names.
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length, 'cache-control': 'public, max-age=31536000, immutable' });
    res.end(file.body);
  }
}

const asset = (name: string) => `${ASSET_PATH}${name}`;

function explorerPage(assets: Assets, data: PageData, nonce: string): Html {
  const config = { endpoint: PAGE_PATHS.endpoint, styleNonce: nonce, tabs: EXAMPLES.map((example) => exampleTab(example, data.setting)) };
  return html`<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Explorer · dBWE public graph</title>
<link rel="stylesheet" href="${asset(assets.explorer.style)}">
</head>
<body>
<div id="graphiql">Loading the explorer…</div>
<script type="application/json" id="explorer-config">${jsonForScriptBlock(config)}</script>
<script src="${asset(assets.explorer.script)}"></script>
</body>
</html>
`;
}

function sandboxPage(assets: Assets): Html {
  return html`<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>Apollo Sandbox · dBWE public graph</title>
<link rel="stylesheet" href="${asset(assets.sandbox.style)}">
</head>
<body>
<div id="embeddableSandbox"></div>
<script src="${SANDBOX_SCRIPT}"></script>
<script src="${asset(assets.sandbox.script)}"></script>
</body>
</html>
`;
}

/** Apollo's hosted Sandbox, which the /sandbox page loads (and only that page's policy allows). */
export const SANDBOX_ORIGINS = { script: 'https://embeddable-sandbox.cdn.apollographql.com', frame: 'https://sandbox.embed.apollographql.com' };
const SANDBOX_SCRIPT = `${SANDBOX_ORIGINS.script}/v2/embeddable-sandbox.umd.production.min.js`;

function landingPage(assets: Assets, data: PageData): Html {
  const tablesOf = (slug: string) => `/export/v1/neighbourhoods/${encodeURIComponent(slug)}`;
  const neighbourhoods =
    data.neighbourhoods === null
      ? html`<p>The neighbourhoods cannot be listed right now; the graph did not answer. Try again in a moment.</p>`
      : data.neighbourhoods.length === 0
        ? html`<p>This installation serves no neighbourhood yet.</p>`
        : html`<ul class="neighbourhoods">${data.neighbourhoods.map(
            (n) => html`
<li><strong>${n.name}</strong> <span class="muted">(${n.municipality}, <code>${n.slug}</code>)</span><br>
<a href="${PAGE_PATHS.explorer}?neighbourhood=${encodeURIComponent(n.slug)}">explore</a> ·
<a href="${tablesOf(n.slug)}/datapackage.json">data package</a> ·
<a href="${tablesOf(n.slug)}/projects.csv">projects.csv</a> ·
<a href="${tablesOf(n.slug)}/ledger_entries.csv">ledger_entries.csv</a> ·
<a href="${tablesOf(n.slug)}/checkpoint.txt">signed checkpoint</a></li>`,
          )}
</ul>`;
  return html`<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dBWE public graph</title>
<link rel="stylesheet" href="${asset(assets.landing.style)}">
</head>
<body>
<h1>dBWE public graph</h1>
<p class="lead">The open GraphQL graph of De BlauweWijkEconomie: the neighbourhoods' books, their residents' wishes and polls,
projects and Right to Challenge bids, and the social return (SROI) they create. Reading needs no login.</p>
<p class="actions"><a class="primary" href="${PAGE_PATHS.explorer}">Open the explorer</a><a href="${PAGE_PATHS.sandbox}">Apollo Sandbox (hosted; needs internet)</a></p>
<p>The graph: <code>POST ${PAGE_PATHS.endpoint}</code> (or <code>/</code>) with <code>content-type: application/json</code>.
The explorer shows the schema's documentation (Docs), example operations for residents, civic developers,
municipal analysts and treasurers, and a header editor for your token.</p>
<h2>Neighbourhoods</h2>
${neighbourhoods}
<h2>Open data</h2>
<ul>
<li><a href="/export/v1/neighbourhoods">All neighbourhoods and their tables</a> (CSV, a CSV for Excel in a decimal-comma locale, JSON Lines and xlsx per table; a Frictionless data package each)</li>
<li><a href="/export/v1/openapi.json">OpenAPI description of the exports</a></li>
<li><a href="/.well-known/dbwe-ledger-keys">The keys the books' checkpoints are signed with</a></li>
</ul>
<h2>Documentation</h2>
<ul>
<li>The schema: every type and field is described; open <a href="${PAGE_PATHS.explorer}">the explorer</a> and its Docs panel, or introspect the graph.</li>
<li>How to write, page, handle errors and limits: the README's “For civic app developers” and “For BI analysts” sections, which ship with this installation.</li>
</ul>
</body>
</html>
`;
}
