import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { ClientAddresses } from './client-address';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Everything but the content security policy, which depends on what is answered. */
const common = {
  // No page of ours is ever shown inside another site's frame (clickjacking).
  xFrameOptions: { action: 'deny' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
  // HSTS only where the client reached us over TLS: sent over plain HTTP it would be ignored at best.
  strictTransportSecurity: false,
  // The data is open: anyone may load an export or an answer from another origin.
  crossOriginResourcePolicy: { policy: 'cross-origin' as const },
};

/**
 * An answer that is data (JSON, CSV) loads nothing; a page may not frame it.
 */
const forData = helmet({
  ...common,
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
}) as Middleware;

/**
 * The landing page (Apollo Sandbox) carries its own policy in a meta tag, with a nonce made per page
 * for its scripts and styles and Apollo's CDN and frames allowed. Both policies apply; this one adds
 * what a meta tag cannot say (frame-ancestors) and must not narrow the scripts, whose nonce it cannot know.
 */
const forPage = helmet({
  ...common,
  contentSecurityPolicy: {
    useDefaults: false,
    // A default-src here would narrow the page's inline scripts, which only its own nonce admits.
    directives: { defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc, frameAncestors: ["'none'"], baseUri: ["'self'"], objectSrc: ["'none'"], formAction: ["'self'"] },
  },
}) as Middleware;

/** A browser asking for a page rather than for data, as Apollo Server decides to show its landing page. */
function asksForPage(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/' && url.pathname !== '/graphql') return false;
  return !url.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html');
}

export interface SecurityHeaderOptions {
  addresses: ClientAddresses;
  /** HSTS max-age; 0 sends none. */
  hstsMaxAgeSeconds: number;
  /** Send HSTS whatever X-Forwarded-Proto says: TLS ends at a proxy that does not say so. */
  hstsAlways: boolean;
}

/** Sets helmet's headers on a response, before anything is written; HSTS when the client came over HTTPS. */
export function securityHeaders(options: SecurityHeaderOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const hsts = helmet.strictTransportSecurity({ maxAge: options.hstsMaxAgeSeconds, includeSubDomains: false }) as Middleware;
  const done = (error?: unknown) => {
    if (error) throw error;
  };
  return (req, res) => {
    (asksForPage(req) ? forPage : forData)(req, res, done);
    if (options.hstsMaxAgeSeconds > 0 && (options.hstsAlways || options.addresses.overHttps(req))) hsts(req, res, done);
  };
}
