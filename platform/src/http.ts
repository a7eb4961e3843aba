import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash, randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER } from './identity';
import { MAX_BODY_NESTING, nestingDepth } from './client-mistakes';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpAppOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /**
   * Builds the GraphQL context; may throw a GraphQLError with extensions.http.status. `body` is
   * the request body exactly as received (undefined for GET), which identity assertions are bound to.
   */
  context: (req: IncomingMessage, requestId: string, body: string | undefined) => Promise<TContext>;
  logger: Logger;
  /** Extra routes by "METHOD path", e.g. "GET /health". */
  routes?: Record<string, RouteHandler>;
  /** Requests larger than this are refused with 413 before parsing. */
  maxBodyBytes?: number;
  /**
   * GraphQL over GET: anonymous answers get an ETag, a public max-age and 304s;
   * answers to signed-in callers are never stored by shared caches.
   */
  getCaching?: { maxAgeSeconds: number };
  /** Limits on the connections clients open; defaults in CONNECTION_DEFAULTS, no per-address cap. */
  connections?: Partial<ConnectionLimits>;
  /** Sets the headers every response carries (security headers), first thing for every request. */
  responseHeaders?: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Runs first, before the routes (health included) and everything else: where every request is
   * counted. Returning true means it has answered the request.
   */
  admit?: (req: IncomingMessage, res: ServerResponse, requestId: string) => boolean | Promise<boolean>;
  /** Runs before GraphQL handling; returning true means it has answered the request. */
  intercept?: (req: IncomingMessage, res: ServerResponse, requestId: string) => boolean | Promise<boolean>;
}

export interface HttpApp {
  server: http.Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish, then closes. */
  close(): Promise<void>;
  inFlight(): number;
}

export interface ConnectionLimits {
  /** The longest a client may take to send a whole request, headers and body (slow bodies). */
  requestTimeoutMs: number;
  /** The longest a client may take to send a request's headers (slow headers); at most requestTimeoutMs. */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Connections one address may hold open at once; 0 for no cap. */
  maxPerAddress: number;
  /** Addresses the cap does not apply to: proxies, whose connections carry many clients. */
  uncapped?: (address: string) => boolean;
}

/** Node's own defaults (5 minutes for a request, a minute for headers) let one client hold a connection for minutes. */
export const CONNECTION_DEFAULTS: ConnectionLimits = { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 65_000, maxPerAddress: 0 };

/**
 * Refuses a connection beyond `max` from one address, with a 429 written straight on the socket:
 * it is turned away before a byte of its request is read.
 */
function capConnectionsPerAddress(server: http.Server, limits: ConnectionLimits, logger: Logger): void {
  if (limits.maxPerAddress <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (limits.uncapped?.(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxPerAddress) {
      logger.warn({ address, open: count - 1 }, 'connection refused: too many from one address');
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nconnection: close\r\nretry-after: 1\r\ncontent-length: 0\r\n\r\n`);
      socket.destroySoon();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Whether a JSON text nests deeper than MAX_BODY_NESTING; text that is not JSON is left to Apollo Server to refuse. */
function tooDeep(json: string | null): boolean {
  if (json === null) return false;
  try {
    return nestingDepth(JSON.parse(json)) > MAX_BODY_NESTING;
  } catch {
    return false;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Whether If-None-Match names the current representation, by RFC 9110 §13.1.2's weak comparison:
 * `*`, or a list of entity tags (`"a", W/"b"`) one of which has the same opaque tag as `etag`,
 * weak or not. A proxy that compresses (nginx's gzip) turns our `"x"` into `W/"x"`, and the
 * client's next request must still get its 304.
 */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (text === undefined) return false;
  if (text.trim() === '*') return true;
  const opaque = (tag: string) => tag.replace(/^W\//, '');
  const wanted = opaque(etag);
  return [...text.matchAll(/(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*"/g)].some((m) => opaque(m[0]) === wanted);
}

/** Adds a field name to an answer's Vary, keeping those set before (CORS sets Origin first thing). */
export function addVary(res: ServerResponse, field: string): void {
  const present = String(res.getHeader('vary') ?? '');
  if (present.split(',').some((f) => f.trim().toLowerCase() === field.toLowerCase())) return;
  res.setHeader('vary', present ? `${present}, ${field}` : field);
}

function graphQLErrorResponse(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

/**
 * What shared caches may do with an anonymous GET answer: keep it for the shortest cache hint in it
 * (Apollo's `max-age=N, public`), at most `maxAgeSeconds`; an answer Apollo calls uncacheable (an
 * error in it, or a field without a hint) is not kept at all.
 */
function publicCacheControl(apollo: string | undefined, maxAgeSeconds: number): string {
  const hinted = /^max-age=(\d+), public$/.exec(apollo ?? '');
  const maxAge = hinted ? Math.min(Number(hinted[1]), maxAgeSeconds) : 0;
  return maxAge > 0 ? `public, max-age=${maxAge}` : 'no-store';
}

async function writeApolloResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: HTTPGraphQLResponse,
  getCaching: { maxAgeSeconds: number } | undefined,
): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  // Apollo marks any answer its cache hints allow as public; shared caches keep only GET answers here.
  if (getCaching && req.method !== 'GET') res.setHeader('cache-control', 'no-store');
  if (response.body.kind === 'complete') {
    if (getCaching && req.method === 'GET' && res.statusCode === 200) {
      const etag = `"${createHash('sha256').update(response.body.string).digest('base64url').slice(0, 27)}"`;
      res.setHeader('etag', etag);
      addVary(res, 'Authorization');
      // The same answer comes as application/json or application/graphql-response+json, as Accept asks:
      // a shared cache must not hand one client's type to a client that asked for the other.
      addVary(res, 'Accept');
      res.setHeader('cache-control', req.headers.authorization ? 'private, no-store' : publicCacheControl(response.headers.get('cache-control'), getCaching.maxAgeSeconds));
      if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
        res.statusCode = 304;
        res.removeHeader('content-length');
        res.end();
        return;
      }
    }
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * A plain node:http front for Apollo Server, shared by the gateway and every
 * subgraph: body size limit, request ids, health routes and graceful close.
 */
export function createHttpApp<TContext extends BaseContext>(options: HttpAppOptions<TContext>): HttpApp {
  const { apollo, logger, routes = {}, maxBodyBytes = 1_000_000 } = options;
  let active = 0;
  let closing = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const incomingId = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof incomingId === 'string' && /^[\w.:-]{1,128}$/.test(incomingId) ? incomingId : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    options.responseHeaders?.(req, res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    active++;
    res.on('close', () => {
      active--;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ requestId, method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    if (closing) res.setHeader('connection', 'close');

    if (options.admit && (await options.admit(req, res, requestId))) return;
    // HEAD is GET without the body (node:http leaves the body out of a HEAD answer by itself).
    const route = routes[`${req.method} ${url.pathname}`] ?? (req.method === 'HEAD' ? routes[`GET ${url.pathname}`] : undefined);
    if (route) return route(req, res);
    if (options.intercept && (await options.intercept(req, res, requestId))) return;
    if (url.pathname !== '/' && url.pathname !== '/graphql') {
      return sendJson(res, 404, { error: 'not found' });
    }

    let body: unknown;
    let text: string | undefined;
    if (req.method === 'POST') {
      try {
        text = await readBody(req, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLarge) return graphQLErrorResponse(res, 413, 'BAD_REQUEST', `Request body is larger than ${maxBodyBytes} bytes.`);
        throw error;
      }
      const contentType = req.headers['content-type'] ?? '';
      if (contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json')) {
        try {
          body = JSON.parse(text);
        } catch {
          return graphQLErrorResponse(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
        }
        // GraphQL's variable coercion, and whatever else walks the variables, recurses.
        if (nestingDepth(body) > MAX_BODY_NESTING) {
          return graphQLErrorResponse(res, 400, 'BAD_REQUEST', `The request body is nested more than ${MAX_BODY_NESTING} levels deep.`);
        }
      } else {
        body = text;
      }
    } else if (['variables', 'extensions'].some((name) => tooDeep(url.searchParams.get(name)))) {
      return graphQLErrorResponse(res, 400, 'BAD_REQUEST', `The request's variables or extensions are nested more than ${MAX_BODY_NESTING} levels deep.`);
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    // Apollo Server knows no HEAD: it is asked the GET, and a HEAD without a query asks whether the page is there (the gateway answers its pages itself, before this).
    const head = req.method === 'HEAD';
    if (head && !url.searchParams.has('query')) headers.set('accept', 'text/html');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: head ? 'GET' : (req.method ?? 'GET'), headers, search: url.search, body },
      context: () => options.context(req, requestId, text),
    });
    await writeApolloResponse(req, res, response, options.getCaching);
  };

  const limits: ConnectionLimits = { ...CONNECTION_DEFAULTS, ...options.connections };
  const server = http.createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the timeouts above are checked (Node's default, 30 s, would let a slow client overstay them).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    (req, res) => {
      handle(req, res).catch((error) => {
        logger.error({ err: error }, 'request failed');
        if (!res.headersSent) graphQLErrorResponse(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
        else res.end();
      });
    },
  );
  capConnectionsPerAddress(server, limits, logger);

  return {
    server,
    inFlight: () => active,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      });
    },
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
      await closed;
      clearInterval(idleSweep);
    },
  };
}
