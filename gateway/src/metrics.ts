import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { EXPORT_TABLES } from './export/tables';
import { LEDGER_KEYS_PATH } from './export/ledger-keys';
import { EXAMPLE_OPERATION_NAMES } from './known-operations';

/** A ceiling on operation labels, even for names only our own code sends. */
const MAX_OPERATION_LABELS = 200;

/** What an export label may be: a table, one of the other export resources, or `other`. */
const EXPORT_RESOURCES = new Set([...EXPORT_TABLES.map((t) => t.name), 'datapackage', 'checkpoint', 'events']);
const EXPORT_FORMATS = new Set(['csv', 'jsonl', 'json', 'txt', 'xlsx']);

/**
 * The export a path asks for, as labels from closed sets: never the neighbourhood's slug or
 * anything else the client typed.
 */
export function exportLabels(path: string | undefined): { table: string; format: string } {
  const pathname = (path ?? '').split('?')[0];
  if (pathname === LEDGER_KEYS_PATH) return { table: 'ledger_keys', format: 'json' };
  const parts = pathname.split('/').filter(Boolean);
  if (parts.length === 2) return { table: 'index', format: 'json' };
  if (parts.length === 3 && parts[2] === 'openapi.json') return { table: 'openapi', format: 'json' };
  if (parts.length === 3 && parts[2] === 'neighbourhoods') return { table: 'neighbourhoods', format: 'json' };
  const file = parts.length === 5 && parts[2] === 'neighbourhoods' ? /^([a-z_]+)\.([a-z]+)$/.exec(parts[4]) : null;
  if (!file) return { table: 'other', format: 'other' };
  return { table: EXPORT_RESOURCES.has(file[1]) ? file[1] : 'other', format: EXPORT_FORMATS.has(file[2]) ? file[2] : 'other' };
}

/** Prometheus metrics of the gateway: requests, latency and errors per operation and per subgraph. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly knownOperations: Set<string>;

  readonly requests = new Counter({
    name: 'dbwe_gateway_requests_total',
    help: 'GraphQL requests by operation name and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'dbwe_gateway_request_duration_seconds',
    help: 'GraphQL request latency by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'dbwe_gateway_errors_total',
    help: 'GraphQL errors returned, by operation name and error code.',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });
  readonly subgraphLatency = new Histogram({
    name: 'dbwe_gateway_subgraph_fetch_duration_seconds',
    help: 'Latency of fetches from the gateway to each subgraph.',
    labelNames: ['subgraph'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  readonly subgraphErrors = new Counter({
    name: 'dbwe_gateway_subgraph_errors_total',
    help: 'Failed fetches (unreachable, timed out, non-2xx) from the gateway to each subgraph.',
    labelNames: ['subgraph'] as const,
    registers: [this.registry],
  });
  readonly exports = new Counter({
    name: 'dbwe_gateway_exports_total',
    help: 'Export downloads (/export/v1, the ledger keys) by table or resource, format and HTTP status.',
    labelNames: ['table', 'format', 'status'] as const,
    registers: [this.registry],
  });
  readonly exportDuration = new Histogram({
    name: 'dbwe_gateway_export_duration_seconds',
    help: 'How long an export download took, to its last byte, by table or resource.',
    labelNames: ['table'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly exportPages = new Counter({
    name: 'dbwe_gateway_export_pages_total',
    help: 'Pages the exports read from the graph, by table or resource (not counted as GraphQL requests).',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });
  /** The export each request id is downloading, while it runs: its pages are counted by its table. */
  private readonly exportsRunning = new Map<string, string>();
  readonly rateLimited = new Counter({
    name: 'dbwe_gateway_rate_limited_total',
    help: 'Requests refused with 429.',
    registers: [this.registry],
  });

  /** `operationNames` (METRICS_OPERATION_NAMES) count by name, as the example operations' names do. */
  constructor(operationNames: readonly string[] = []) {
    this.knownOperations = new Set([...EXAMPLE_OPERATION_NAMES, ...operationNames]);
    collectDefaultMetrics({ register: this.registry, prefix: 'dbwe_gateway_' });
  }

  /**
   * Operation names come from clients, who could fill any set we kept of them: only the names an
   * operator listed and those our own subgraphs send (internal requests) are labels; any other
   * named operation is `other`, an unnamed one `anonymous`.
   */
  operationLabel(name: string | null | undefined, internal = false): string {
    if (!name) return 'anonymous';
    if (this.knownOperations.has(name)) return name;
    if (internal && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) && this.knownOperations.size < MAX_OPERATION_LABELS) {
      this.knownOperations.add(name);
      return name;
    }
    return 'other';
  }

  /** Counts an export request (the exporter's) by what it asks for, when its answer is done. */
  trackExport(req: IncomingMessage, res: ServerResponse, requestId: string): void {
    const started = process.hrtime.bigint();
    const { table, format } = exportLabels(req.url);
    this.exportsRunning.set(requestId, table);
    res.once('close', () => {
      this.exportsRunning.delete(requestId);
      this.exports.inc({ table, format, status: String(res.statusCode) });
      this.exportDuration.observe({ table }, Number(process.hrtime.bigint() - started) / 1e9);
    });
  }

  plugin<TContext extends BaseContext & { internal?: true; export?: true; requestId?: string }>(): ApolloServerPlugin<TContext> {
    return {
      requestDidStart: async ({ contextValue }) => {
        if (contextValue.export) {
          // A page of an export: the export is what a client asked for, counted as such (trackExport).
          this.exportPages.inc({ table: this.exportsRunning.get(contextValue.requestId ?? '') ?? 'other' });
          return {};
        }
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async ({ operationName, errors, response }) => {
            const operation = this.operationLabel(operationName, contextValue.internal === true);
            const bodyErrors = response.body.kind === 'single' ? response.body.singleResult.errors ?? [] : [];
            const all = errors ?? bodyErrors;
            this.requests.inc({ operation, outcome: all.length > 0 ? 'error' : 'ok' });
            this.latency.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
            for (const error of all) {
              const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
              this.errors.inc({ operation, code: typeof code === 'string' ? code : 'UNKNOWN' });
            }
          },
        };
      },
    };
  }
}
