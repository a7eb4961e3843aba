import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { ClientAddresses } from './client-address';
import { SANDBOX_ORIGINS, pageRequested, styleNonce } from './explorer/pages';

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
 * The landing page and the explorer load only the gateway's own files: no inline script, no inline
 * style (but the explorer's nonced `<style>`, below), nothing from another origin, no frames.
 * GraphiQL's stylesheet carries its fonts and icons as data: URLs; the explorer talks to the graph
 * on the same origin.
 */
const pageDirectives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameSrc: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};
const forPage = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: pageDirectives } }) as Middleware;

/** The explorer (GraphiQL): as the landing page, and `<style>` elements carrying this response's nonce (explorer/pages.ts, styleNonce). */
const forExplorer = helmet({
  ...common,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      ...pageDirectives,
      styleSrc: ["'self'", (_req: IncomingMessage, res: ServerResponse) => `'nonce-${styleNonce(res)}'`],
    },
  },
}) as Middleware;

/** The hosted Apollo Sandbox (/sandbox, an option for those with internet): Apollo's script and its frame. */
const forSandbox = helmet({
  ...common,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", SANDBOX_ORIGINS.script],
      styleSrc: ["'self'"],
      frameSrc: [SANDBOX_ORIGINS.frame],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
}) as Middleware;

/** The policy for what a request asks for: a page of ours, the Sandbox page, or data (an asset file loads nothing either). */
function policyFor(req: IncomingMessage): Middleware {
  const page = pageRequested(req);
  if (page === 'landing') return forPage;
  if (page === 'explorer') return forExplorer;
  if (page === 'sandbox') return forSandbox;
  return forData;
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
    policyFor(req)(req, res, done);
    if (options.hstsMaxAgeSeconds > 0 && (options.hstsAlways || options.addresses.overHttps(req))) hsts(req, res, done);
  };
}
