import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';

/** Prometheus metrics of the gateway: requests, latency and errors per operation and per subgraph. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly knownOperations = new Set<string>();

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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'dbwe_gateway_' });
  }

  /** Operation names come from clients: keep the label set bounded. */
  operationLabel(name: string | null | undefined): string {
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'anonymous';
    if (this.knownOperations.has(name)) return name;
    if (this.knownOperations.size >= 200) return 'other';
    this.knownOperations.add(name);
    return name;
  }

  plugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async ({ operationName, errors, response }) => {
            const operation = this.operationLabel(operationName);
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
