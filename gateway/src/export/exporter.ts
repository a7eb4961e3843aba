import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '@dbwe/platform';
import type { GatewayContext } from '../gateway';
import { columnsOf, rowsOf, type Column } from './columns';
import { CONTENT_TYPES, headerLine, rowLine, type ExportFormat } from './formats';
import { EXPORT_API_VERSION, sendProblem } from './problem';
import { EXPORT_TABLES, type ExportTable } from './tables';
import { dataPackage } from './datapackage';
import { openApiDocument } from './openapi';

const PAGE_SIZE = 100;

class ExportError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

type Execute = (query: string, variables: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Who asks for an export; each page of it gets its own identity assertion. */
type ExportRequest = Omit<GatewayContext, 'assertion'>;

/**
 * The open-data REST endpoints under /export/v1. Every table is read from the
 * graph itself, page by page, and written out as it arrives.
 */
export class Exporter {
  readonly columns: Map<string, Column[]>;

  constructor(
    private readonly apollo: ApolloServer<GatewayContext>,
    private readonly schema: GraphQLSchema,
    private readonly logger: Logger,
    /**
     * A fresh identity assertion for the request, its bearer token verified again: an export can
     * outlive the assertion it started with, and must not outlive the token (it then stops).
     */
    private readonly renewAssertion: (req: IncomingMessage, requestId: string) => Promise<string>,
  ) {
    this.columns = new Map(EXPORT_TABLES.map((t) => [t.name, columnsOf(t, schema)]));
  }

  /** Answers a request under /export/v1; returns false for other paths. */
  async handle(req: IncomingMessage, res: ServerResponse, context: ExportRequest): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/export/')) return false;
    res.setHeader('api-version', EXPORT_API_VERSION);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendProblem(res, 405, 'Method Not Allowed', 'The export endpoints are read-only: use GET.', url.pathname);
      return true;
    }
    const execute: Execute = async (query, variables) => {
      // Reads are safe to repeat: a page that met a passing subgraph failure is asked for once more.
      for (let attempt = 1; ; attempt++) {
        let assertion: string;
        try {
          assertion = await this.renewAssertion(req, context.requestId);
        } catch (error) {
          throw new ExportError(401, 'Unauthorized', `The token is no longer valid: ${error instanceof Error ? error.message : String(error)}`);
        }
        const response = await this.apollo.executeOperation({ query, variables }, { contextValue: { ...context, assertion, export: true } });
        if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
        const { data, errors } = response.body.singleResult;
        if (!errors?.length) return data as Record<string, unknown>;
        const unavailable = errors.every((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
        if (unavailable && attempt < 3) continue;
        throw new ExportError(unavailable ? 503 : 502, unavailable ? 'Service Unavailable' : 'Bad Gateway', `The graph answered with an error: ${errors[0].message}`);
      }
    };
    try {
      await this.route(url, req, res, execute, context);
    } catch (error) {
      if (res.headersSent) {
        // Mid-stream failure: cut the connection so a client never mistakes a partial file for a whole one.
        this.logger.error({ err: error, requestId: context.requestId, path: url.pathname }, 'export failed while streaming');
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      } else if (error instanceof ExportError) {
        sendProblem(res, error.status, error.title, error.message, url.pathname);
      } else {
        throw error;
      }
    }
    return true;
  }

  private async route(url: URL, req: IncomingMessage, res: ServerResponse, execute: Execute, context: ExportRequest): Promise<void> {
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[1] !== 'v1') throw new ExportError(404, 'Not Found', `Unknown API version "${parts[1] ?? ''}"; this server offers v1.`);
    if (parts.length === 2) return this.sendJson(req, res, context, this.index());
    if (parts.length === 3 && parts[2] === 'openapi.json') return this.sendJson(req, res, context, openApiDocument());
    if (parts.length === 3 && parts[2] === 'neighbourhoods') {
      const data = await execute('{ neighbourhoods { id slug name } }', {});
      const list = (data.neighbourhoods as { slug: string }[]).map((n) => ({ ...n, datapackage: `/export/v1/neighbourhoods/${n.slug}/datapackage.json` }));
      return this.sendJson(req, res, context, list);
    }
    if (parts[2] !== 'neighbourhoods' || parts.length !== 5) throw new ExportError(404, 'Not Found', `No export at ${url.pathname}.`);
    const slug = decodeURIComponent(parts[3]);
    const neighbourhood = await this.neighbourhood(slug, execute);
    if (parts[4] === 'datapackage.json') {
      return this.sendJson(req, res, context, dataPackage(neighbourhood, EXPORT_TABLES, this.columns));
    }
    const match = /^([a-z_]+)\.([a-z]+)$/.exec(parts[4]);
    const table = match && EXPORT_TABLES.find((t) => t.name === match[1]);
    if (!match || !table) {
      throw new ExportError(404, 'Not Found', `No table "${parts[4]}". Tables: ${EXPORT_TABLES.map((t) => t.name).join(', ')}; formats: csv, jsonl.`);
    }
    const format = match[2];
    if (format !== 'csv' && format !== 'jsonl') throw new ExportError(406, 'Not Acceptable', `Unsupported format "${format}"; use csv or jsonl.`);
    await this.exportTable(req, res, context, execute, table, format, neighbourhood, url.searchParams);
  }

  private index() {
    return {
      version: EXPORT_API_VERSION,
      openapi: '/export/v1/openapi.json',
      neighbourhoods: '/export/v1/neighbourhoods',
      tables: EXPORT_TABLES.map((t) => ({ name: t.name, title: t.title, description: t.description })),
    };
  }

  private async neighbourhood(slug: string, execute: Execute): Promise<{ id: string; slug: string; name: string }> {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) throw new ExportError(404, 'Not Found', `No neighbourhood "${slug}".`);
    const data = await execute('query ($slug: String!) { neighbourhood(slug: $slug) { id slug name } }', { slug });
    const found = data.neighbourhood as { id: string; slug: string; name: string } | null;
    if (!found) throw new ExportError(404, 'Not Found', `No neighbourhood "${slug}".`);
    return found;
  }

  private incrementalVariables(table: ExportTable, params: URLSearchParams): { variables: Record<string, unknown> } {
    const known = new Set(['since', 'afterSequence']);
    for (const key of params.keys()) if (!known.has(key)) throw new ExportError(400, 'Bad Request', `Unknown parameter "${key}".`);
    const afterSequence = params.get('afterSequence');
    const since = params.get('since');
    if (afterSequence !== null) {
      if (table.incremental?.parameter !== 'afterSequence') throw new ExportError(400, 'Bad Request', `Table ${table.name} has no sequence; use since= where supported.`);
      if (!/^\d{1,10}$/.test(afterSequence) || Number(afterSequence) > 2_147_483_647) {
        throw new ExportError(400, 'Bad Request', `afterSequence must be a whole number ≥ 0, got "${afterSequence}".`);
      }
      return { variables: { afterSequence: Number(afterSequence) } };
    }
    if (since !== null) {
      if (table.incremental?.parameter !== 'since') throw new ExportError(400, 'Bad Request', `Table ${table.name} cannot be pulled incrementally by time${table.incremental ? '; use afterSequence=' : ''}.`);
      const parsed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(since) ? new Date(since) : null;
      if (!parsed || Number.isNaN(parsed.getTime())) {
        throw new ExportError(400, 'Bad Request', `since must be an ISO 8601 UTC time such as 2026-01-31T00:00:00Z, got "${since}".`);
      }
      return { variables: { since: parsed.toISOString() } };
    }
    return { variables: {} };
  }

  private async exportTable(
    req: IncomingMessage,
    res: ServerResponse,
    context: ExportRequest,
    execute: Execute,
    table: ExportTable,
    format: ExportFormat,
    neighbourhood: { id: string; slug: string },
    params: URLSearchParams,
  ): Promise<void> {
    const columns = this.columns.get(table.name)!;
    const { variables } = this.incrementalVariables(table, params);
    const anonymous = context.viewer.memberId === null;

    res.setHeader('content-type', CONTENT_TYPES[format]);
    res.setHeader('content-disposition', `attachment; filename="${neighbourhood.slug}-${table.name}.${format}"`);
    res.setHeader('cache-control', anonymous ? 'public, max-age=60' : 'private, no-store');
    res.setHeader('vary', 'Authorization');

    const pages = async function* (): AsyncGenerator<Record<string, unknown>[]> {
      let after: string | null = null;
      for (;;) {
        const data = await execute(table.query, { neighbourhood: neighbourhood.id, ...variables, ...(table.list ? {} : { first: PAGE_SIZE, after }) });
        const container = table.connection.reduce<unknown>((v, k) => (v as Record<string, unknown> | null)?.[k] ?? null, data);
        if (table.list) {
          yield (container as Record<string, unknown>[] | null) ?? [];
          return;
        }
        const connection = container as { edges: { node: Record<string, unknown> }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
        yield connection.edges.map((e) => e.node);
        if (!connection.pageInfo.hasNextPage) return;
        after = connection.pageInfo.endCursor;
      }
    };
    const lines = async function* (): AsyncGenerator<string> {
      yield headerLine(format, columns);
      for await (const nodes of pages()) {
        for (const node of nodes) {
          for (const row of rowsOf(node, table, columns)) yield rowLine(format, columns, row);
        }
      }
    };

    if (table.incremental?.parameter === 'afterSequence') {
      // The ledger tables can be huge: stream them, with the chain head as validator.
      const head = await execute('query ($id: ID!) { neighbourhood(id: $id) { chainHead { sequence hash } } }', { id: neighbourhood.id });
      const chainHead = (head.neighbourhood as { chainHead: { sequence: number; hash: string } | null }).chainHead;
      const etag = `"${table.name}-${format}-${chainHead?.sequence ?? 0}-${(chainHead?.hash ?? '').slice(0, 16)}-${params.toString()}"`;
      res.setHeader('etag', etag);
      if (req.headers['if-none-match'] === etag) {
        res.statusCode = 304;
        res.end();
        return;
      }
      res.statusCode = 200;
      if (req.method === 'HEAD') return void res.end();
      for await (const line of lines()) {
        if (!res.write(line)) await once(res, 'drain');
      }
      res.end();
      return;
    }

    // The other tables are a neighbourhood's worth of rows: hash the whole body for a strong validator.
    const chunks: string[] = [];
    for await (const line of lines()) chunks.push(line);
    const body = chunks.join('');
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    res.setHeader('etag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('content-length', Buffer.byteLength(body));
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private sendJson(req: IncomingMessage, res: ServerResponse, context: ExportRequest, value: unknown): void {
    const body = JSON.stringify(value, null, 2);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    res.setHeader('etag', etag);
    res.setHeader('cache-control', context.viewer.memberId === null ? 'public, max-age=300' : 'private, no-store');
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
