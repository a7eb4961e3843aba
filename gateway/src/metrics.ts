import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/** A ceiling on operation labels, even for names only our own code sends. */
const MAX_OPERATION_LABELS = 200;

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
  readonly rateLimited = new Counter({
    name: 'dbwe_gateway_rate_limited_total',
    help: 'Requests refused with 429.',
    registers: [this.registry],
  });

  constructor(operationNames: readonly string[] = []) {
    this.knownOperations = new Set(operationNames);
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

  plugin<TContext extends BaseContext & { internal?: true }>(): ApolloServerPlugin<TContext> {
    return {
      requestDidStart: async ({ contextValue }) => {
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
