import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** What Apollo Gateway's data sources read from a fetch response (@apollo/utils.fetcher). */
class SubgraphResponse {
  readonly bodyUsed = false;
  readonly redirected = false;
  readonly ok: boolean;
  readonly headers: SubgraphHeaders;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new SubgraphHeaders(headers);
  }

  async text(): Promise<string> {
    return this.body.toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString('utf8'));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }
  clone(): SubgraphResponse {
    return this;
  }
}

/** The response's headers, read-only; names are lower case as Node delivers them. */
class SubgraphHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) yield [name, this.get(name)!];
  }
  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }
  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.entries()) callback(value, name);
  }
  append(): void {
    throw new Error('response headers are read-only');
  }
  set(): void {
    throw new Error('response headers are read-only');
  }
  delete(): void {
    throw new Error('response headers are read-only');
  }
}

/**
 * Subgraph calls over node:http with keep-alive agents. The benchmark's
 * profile of the gateway (bench/FINDINGS.md) showed a third of its busy time
 * in the built-in fetch's WHATWG layer (Request objects, web streams, an
 * AbortSignal and timer per call); subgraph calls need none of it: a POST
 * with a small JSON body whose answer is read whole. Connections to each
 * subgraph stay open and are reused, most recently used first; idle ones
 * close after a minute, before the subgraphs' own keep-alive timeout. Every
 * call, body included, is bounded by `timeoutMs`.
 */
export function createSubgraphFetcher(timeoutMs: number) {
  const agentOptions = { keepAlive: true, scheduling: 'lifo' as const, timeout: 60_000 };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  return function fetchSubgraph(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) {
    return new Promise<SubgraphResponse>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const body = init.body ?? '';
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        {
          method: init.method ?? 'GET',
          headers: { ...init.headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: secure ? agents.https : agents.http,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', fail);
          response.on('end', () => {
            clearTimeout(timer);
            resolve(new SubgraphResponse(url, response.statusCode ?? 0, response.statusMessage ?? '', response.headers, Buffer.concat(chunks)));
          });
        },
      );
      function fail(error: Error) {
        clearTimeout(timer);
        reject(error);
      }
      const timer = setTimeout(() => request.destroy(new Error(`no answer from ${target.host} within ${timeoutMs} ms`)), timeoutMs);
      request.on('error', fail);
      request.end(body);
    });
  };
}
