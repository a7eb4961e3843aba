import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { ErrorCode } from './errors';
import type { QueryCounter } from './query-counter';

/**
 * Error codes a subgraph can answer with: ours and Apollo Server's. Any other (a resolver's own
 * code) counts as `other`, so the labels stay a closed set whatever a response carries.
 */
const KNOWN_ERROR_CODES = new Set<string>([...Object.values(ErrorCode), ...Object.values(ApolloServerErrorCode)]);

/** Operation types; a request that never got as far as one (unparsable) is `none`. */
const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);

/** The pg pool under a TypeORM PostgreSQL data source (TypeORM types it `any`). */
function poolOf(db: DataSource): Pool | undefined {
  return (db.driver as unknown as { master?: Pool }).master;
}

/**
 * Prometheus metrics of one subgraph: requests, latency and errors by a closed set of labels, the
 * database pool's use, the SQL statements sent and the process's own metrics. Operation names are
 * never labels: the gateway names its fetches after the client's operation, which anyone chooses.
 */
export class SubgraphMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'dbwe_subgraph_requests_total',
    help: 'GraphQL requests by operation type and outcome.',
    labelNames: ['operation_type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'dbwe_subgraph_request_duration_seconds',
    help: 'GraphQL request latency by operation type.',
    labelNames: ['operation_type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'dbwe_subgraph_errors_total',
    help: 'GraphQL errors returned, by error code (extensions.code).',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  constructor(service: string, db: DataSource, queryCounter?: QueryCounter) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'dbwe_subgraph_' });
    const pool = (name: string, help: string, read: (p: Pool) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const p = poolOf(db);
          this.set(p ? read(p) : 0);
        },
      });
    pool('dbwe_subgraph_db_pool_max', 'Connections the database pool may open (DATABASE_POOL_SIZE).', (p) => p.options.max ?? 0);
    pool('dbwe_subgraph_db_pool_connections', 'Connections the database pool holds open, in use or idle.', (p) => p.totalCount);
    pool('dbwe_subgraph_db_pool_idle', 'Open connections not in use.', (p) => p.idleCount);
    pool('dbwe_subgraph_db_pool_waiting', 'Requests waiting for a connection: above 0 for long, the pool is too small.', (p) => p.waitingCount);
    let counted = 0;
    // The benchmark reads this one by name (bench/processes.ts).
    new Counter({
      name: 'dbwe_sql_statements_total',
      help: 'SQL statements sent to PostgreSQL.',
      registers: [this.registry],
      collect() {
        const now = queryCounter?.count ?? 0;
        this.inc(now - counted);
        counted = now;
      },
    });
  }

  static errorCodeLabel(code: unknown): string {
    return typeof code === 'string' && KNOWN_ERROR_CODES.has(code) ? code : 'other';
  }

  plugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
    return {
      requestDidStart: async () => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async ({ operation, errors, response }) => {
            const type = operation && OPERATION_TYPES.has(operation.operation) ? operation.operation : 'none';
            const bodyErrors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
            const all = errors ?? bodyErrors;
            this.requests.inc({ operation_type: type, outcome: all.length > 0 ? 'error' : 'ok' });
            this.latency.observe({ operation_type: type }, Number(process.hrtime.bigint() - started) / 1e9);
            for (const error of all) this.errors.inc({ code: SubgraphMetrics.errorCodeLabel((error as { extensions?: { code?: unknown } }).extensions?.code) });
          },
        };
      },
    };
  }
}

/**
 * GET (and HEAD) /metrics on a listener of its own (METRICS_PORT, METRICS_HOST), as the gateway
 * has: what the metrics tell stays off the port the service answers on.
 */
export function createMetricsServer(registry: Registry, logger: Logger): { listen(port: number, host: string): Promise<AddressInfo>; close(): Promise<void>; server: Server } {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":"not found"}');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics failed');
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":"metrics failed"}');
      },
    );
  });
  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    async close() {
      if (!server.listening) return;
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await closed;
    },
  };
}
