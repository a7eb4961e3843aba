import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cloneTestDatabase } from '@dbwe/platform/testing';
import { community } from '@dbwe/community';
import { projects } from '@dbwe/projects';
import type { SubgraphModule } from '@dbwe/platform';
import { startGatewayProcess, startSubgraphProcess, type ServiceProcess } from './service-processes';

/*
 * With the standard OTEL_* settings, one query that crosses two subgraphs is one trace: the
 * gateway's server span, its fetches to community and projects (each with W3C traceparent), each
 * subgraph's server span as a child of the fetch that reached it, and the SQL each subgraph ran
 * below its own server span. The spans arrive at a small OTLP/HTTP receiver in this test, as OTLP
 * JSON (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json), which we can read without a protobuf decoder.
 */

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}
interface Span extends OtlpSpan {
  service: string;
  scope: string;
}

const SPAN_KIND = { SERVER: 2, CLIENT: 3 };

function flatten(body: OtlpExport): Span[] {
  return body.resourceSpans.flatMap((rs) => {
    const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
    return rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ ...span, service, scope: ss.scope.name })));
  });
}

/** The statement a pg span ran (the attribute's name depends on the semantic conventions' version). */
function sqlOf(span: Span): string | undefined {
  return attribute(span, 'db.query.text') ?? attribute(span, 'db.statement');
}

function attribute(span: Span, key: string): string | undefined {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? String(value.intValue) : undefined);
}

describe('tracing across the platform', () => {
  let receiver: Server;
  let endpoint: string;
  const spans: Span[] = [];
  const contentTypes = new Set<string>();
  let database: { url: string; drop(): Promise<void> };
  const services: ServiceProcess[] = [];
  let gateway: ServiceProcess;

  const seen = () =>
    spans.map((s) => `${s.service} ${s.scope} ${s.kind} ${s.name} ${s.traceId.slice(0, 8)} ${s.spanId.slice(0, 8)}<${(s.parentSpanId ?? '').slice(0, 8)} ${(s.attributes ?? []).map((a) => a.key).join(',')}`).join('\n');
  const otel = () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    // Spans leave within 100 ms rather than the default 5 s.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        contentTypes.add(`${req.method} ${req.url} ${req.headers['content-type']}`);
        if (req.url === '/v1/traces') spans.push(...flatten(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    database = await cloneTestDatabase();
    for (const module of [community, projects] as SubgraphModule<unknown, unknown>[]) {
      services.push(await startSubgraphProcess(module, database.url, 'source', otel()));
    }
    gateway = await startGatewayProcess(Object.fromEntries(services.map((s) => [s.name, s])), 'source', otel());
    services.push(gateway);
  }, 240_000);

  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    await database?.drop();
  });

  test('one query through the gateway and two subgraphs is one trace, from the HTTP request down to the SQL', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ neighbourhood(slug: "spijkerkwartier") { name projects(first: 1) { totalCount } } }' }),
    });
    const body = (await response.json()) as { data?: { neighbourhood: { name: string; projects: { totalCount: number } } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.neighbourhood.name).toBeTruthy();
    expect(body.data?.neighbourhood.projects.totalCount).toBeGreaterThan(0);

    // The gateway's server span for the POST, found by its route; then everything in its trace.
    const root = await waitFor(() => spans.find((s) => s.service === 'dbwe-gateway' && s.kind === SPAN_KIND.SERVER && (attribute(s, 'http.request.method') ?? attribute(s, 'http.method')) === 'POST'), seen);
    const inTrace = async () => {
      // Until the subgraphs' SQL has arrived too.
      await waitFor(() => {
        const trace = spans.filter((s) => s.traceId === root.traceId);
        return ['dbwe-community', 'dbwe-projects'].every((service) => trace.some((s) => s.service === service && s.scope.includes('pg'))) ? trace : undefined;
      }, seen);
      return spans.filter((s) => s.traceId === root.traceId);
    };
    const trace = await inTrace();
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    expect(root.parentSpanId ?? '').toBe('');
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['dbwe-gateway', 'dbwe-community', 'dbwe-projects']));

    const ancestors = (span: Span): Span[] => {
      const chain: Span[] = [];
      for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? '')) chain.push(parent);
      return chain;
    };
    for (const subgraph of ['dbwe-community', 'dbwe-projects']) {
      const servers = trace.filter((s) => s.service === subgraph && s.kind === SPAN_KIND.SERVER);
      expect(servers.length).toBeGreaterThan(0);
      for (const server of servers) {
        // Its parent is the gateway's fetch, as the traceparent it was sent named it.
        const fetchSpan = byId.get(server.parentSpanId ?? '');
        expect({ subgraph, parent: fetchSpan && { service: fetchSpan.service, kind: fetchSpan.kind } }).toEqual({ subgraph, parent: { service: 'dbwe-gateway', kind: SPAN_KIND.CLIENT } });
        expect(ancestors(server).at(-1)).toBe(root);
      }
      const sql = trace.filter((s) => s.service === subgraph && s.scope.includes('pg') && sqlOf(s));
      expect(sql.length).toBeGreaterThan(0);
      for (const statement of sql) {
        // Every statement below one of the subgraph's own server spans; none of its parameters in the span.
        expect(ancestors(statement).some((a) => servers.includes(a))).toBe(true);
        expect(attribute(statement, 'db.postgresql.values')).toBeUndefined();
      }
    }
    // What the receiver was sent: OTLP JSON on the standard path.
    expect([...contentTypes]).toContain('POST /v1/traces application/json');
  });

  test('health probes start no trace; the GraphQL request after them does', async () => {
    const before = spans.length;
    await fetch(`${gateway.url}health`);
    await fetch(`${gateway.url}ready`);
    await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    const isGatewayServer = (s: Span) => s.service === 'dbwe-gateway' && s.kind === SPAN_KIND.SERVER;
    await waitFor(() => spans.slice(before).find(isGatewayServer), seen);
    await new Promise((r) => setTimeout(r, 500));
    const served = spans.slice(before).filter(isGatewayServer);
    expect(served.map((s) => attribute(s, 'http.request.method') ?? attribute(s, 'http.method'))).toEqual(['GET']);
    expect(served.map((s) => attribute(s, 'url.path') ?? attribute(s, 'http.target')?.split('?')[0])).toEqual(['/']);
  });
});

describe('tracing switched off', () => {
  const root = join(__dirname, '..');
  /** What a fresh process has loaded after starting tracing with `env`: which OpenTelemetry SDK modules, if any. */
  function sdkModulesLoadedWith(env: Record<string, string>): string[] {
    const script = `
      const { startTracing } = require('./platform/src/telemetry');
      const on = startTracing('probe');
      const loaded = Object.keys(require.cache).filter((p) => /@opentelemetry[\\\\/](sdk-|instrumentation)/.test(p));
      process.stdout.write(JSON.stringify({ on, loaded: loaded.length }));
      process.exit(0);`;
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, env: { ...inherited, ...env }, encoding: 'utf8' });
    const { on, loaded } = JSON.parse(result.stdout) as { on: boolean; loaded: number };
    return on ? [`on, ${loaded} SDK modules`] : loaded > 0 ? [`off, but ${loaded} SDK modules`] : [];
  }

  test('without OTEL_* settings, or with OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none, no SDK module is loaded', () => {
    expect(sdkModulesLoadedWith({})).toEqual([]);
    expect(sdkModulesLoadedWith({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' })).toEqual([]);
    expect(sdkModulesLoadedWith({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' })).toEqual([]);
    // And with an endpoint it is on: the check above is not vacuous.
    expect(sdkModulesLoadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' })[0]).toMatch(/^on, \d+ SDK modules$/);
  });
});

/** Waits for `find` to find something; `seen` says what had arrived when it did not. */
async function waitFor<T>(find: () => T | undefined, seen: () => string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`the spans did not arrive in time; these did:\n${seen()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
