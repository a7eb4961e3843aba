import type { IncomingMessage, ServerResponse } from 'node:http';
import { REQUEST_ID_HEADER, addVary } from '@dbwe/platform';

/**
 * Cross-origin requests (the Fetch standard's CORS protocol).
 *
 * The graph and the exports are open data: any page on any origin may read them anonymously, so
 * every answer carries `Access-Control-Allow-Origin: *`. With `*` a browser sends no cookies and
 * refuses a request that asks for them, and a preflight from such an origin does not admit the
 * Authorization header: a page on evil.example cannot act as a signed-in member, whatever a
 * visitor holds. Only the origins named in CORS_CREDENTIALED_ORIGINS (a neighbourhood's own civic
 * app) are answered with their exact origin and `Access-Control-Allow-Credentials: true`, and may
 * send a token.
 *
 * Apollo's CSRF prevention stays on: it makes every operation a browser sends non-simple
 * (application/json or apollo-require-preflight), so a cross-origin one is always preflighted here
 * first and a simple form post never reaches a resolver.
 */

/** Methods anything here answers: reads, GraphQL POST, and preflights. */
const METHODS = 'GET, HEAD, POST, OPTIONS';

/**
 * Request headers any origin may send: the GraphQL POST's type, Apollo's CSRF headers and client
 * awareness, conditional and cache requests (exports, GraphQL GET), trace context, the request id.
 */
const ANONYMOUS_HEADERS = [
  'Content-Type',
  'Apollo-Require-Preflight',
  'X-Apollo-Operation-Name',
  'Apollographql-Client-Name',
  'Apollographql-Client-Version',
  'If-None-Match',
  'If-Modified-Since',
  'Cache-Control',
  'Traceparent',
  'Tracestate',
  REQUEST_ID_HEADER,
];

/** A signed-in member's token goes only to the configured origins. */
const CREDENTIALED_HEADERS = [...ANONYMOUS_HEADERS, 'Authorization'];

/** Answer headers a page's script may read (beyond the CORS-safelisted ones). */
const EXPOSED_HEADERS = [
  'ETag',
  'API-Version',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
  'Link',
  'Content-Disposition',
  'Ledger-Checkpoint-Size',
  'Events-Last-Id',
  'WWW-Authenticate',
  REQUEST_ID_HEADER,
].join(', ');

/** How long a browser may keep a preflight's answer: Chromium keeps one for at most two hours. */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

export interface Cors {
  /** Sets the CORS headers of a response; first thing for every request, so refusals carry them too. */
  headers(req: IncomingMessage, res: ServerResponse): void;
  /** Answers a preflight (any OPTIONS) with 204; returns whether it did. */
  preflight(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createCors(credentialedOrigins: readonly string[]): Cors {
  const credentialed = new Set(credentialedOrigins);
  const trusted = (req: IncomingMessage) => typeof req.headers.origin === 'string' && credentialed.has(req.headers.origin);
  return {
    headers(req, res) {
      if (trusted(req)) {
        res.setHeader('access-control-allow-origin', req.headers.origin!);
        res.setHeader('access-control-allow-credentials', 'true');
      } else {
        // Also without an Origin: a shared cache may hand this answer to a page on any origin.
        res.setHeader('access-control-allow-origin', '*');
      }
      // The answer depends on the Origin only when some origins are answered differently.
      if (credentialed.size > 0) addVary(res, 'Origin');
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    },
    preflight(req, res) {
      if (req.method !== 'OPTIONS') return false;
      res.setHeader('access-control-allow-methods', METHODS);
      res.setHeader('access-control-allow-headers', (trusted(req) ? CREDENTIALED_HEADERS : ANONYMOUS_HEADERS).join(', '));
      res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
      res.setHeader('allow', METHODS);
      res.writeHead(204);
      res.end();
      return true;
    },
  };
}
