import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { addVary, ifNoneMatchHits, type Logger, type Viewer } from '@dbwe/platform';
import type { GatewayContext } from '../gateway';
import { columnsOf, rowsOf, type Column } from './columns';
import { CONTENT_TYPES, EXPORT_FORMATS, isCsvDialect, tableWriter, type CsvDialectName, type ExportFormat } from './formats';
import { EXPORT_API_VERSION, sendProblem } from './problem';
import { EXPORT_TABLES, type ExportTable } from './tables';
import { dataPackage } from './datapackage';
import { openApiDocument } from './openapi';
import { LEDGER_KEYS_PATH, LEDGER_KEYS_QUERY, ledgerKeysDocument } from './ledger-keys';
import { RFC3339_SHAPE, parseRfc3339 } from './rfc3339';
import { ANNUAL_ACCOUNTS_QUERY, type AnnualAccountsDocument } from './annual-accounts';
import { annualAccountsPdf } from './annual-accounts-pdf';
import { annualAccountsXlsx } from './annual-accounts-xlsx';

/** Nodes per page of a connection: the most the graph gives at once. */
const PAGE_SIZE = 100;
/** Nodes per page of an index-paged list: `TransparencyLog.leaves` gives up to 1,000 at once. */
const INDEX_PAGE_SIZE = 1_000;
/** Events per response of events.jsonl: the most the graph gives at once. */
const EVENTS_PAGE_SIZE = 1_000;

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

type Node = Record<string, unknown>;

/** The signed tree head a ledger export is cut at. */
interface ExportCheckpoint {
  size: number;
  rootHash: string;
}

/** The `size` parameter, a tree size given at most once; null without one. */
function treeSizeParameter(params: URLSearchParams): number | null {
  const sizes = params.getAll('size');
  if (sizes.length > 1) throw new ExportError(400, 'Bad Request', 'Give size once.');
  if (sizes.length === 0) return null;
  if (!/^\d{1,10}$/.test(sizes[0]) || Number(sizes[0]) > 2_147_483_647) {
    throw new ExportError(400, 'Bad Request', `size must be a tree size, a whole number ≥ 0, got "${sizes[0]}".`);
  }
  return Number(sizes[0]);
}

/** A path segment percent-decoded; a malformed escape (`%ZZ`) names no neighbourhood, so it is kept as typed and found by none. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The instants the graph's DateTime carries: years 0000 to 9999, all RFC 3339 can write. A `since`
 * whose offset takes it past either end (`0000-01-01T00:00:00+01:00`) is moved to that end, which
 * selects the same rows: none was changed outside them.
 */
const DATE_TIME_RANGE = { earliest: Date.parse('0000-01-01T00:00:00.000Z'), latest: Date.parse('9999-12-31T23:59:59.999Z') };

const digest = (content: string | Buffer) => createHash('sha256').update(content).digest('base64url').slice(0, 27);

/**
 * A table's nodes, page by page as the graph answers. With `treeSize`, only those whose `leafIndex` is below
 * it: the books append an entry's leaf in the transaction that gives it its sequence, under the same lock, so
 * leaf indexes rise with the order the graph lists entries (and leaves) in, and the first page that reaches
 * past the tree is the last one needed.
 */
async function* nodesOf(execute: Execute, table: ExportTable, variables: Record<string, unknown>, treeSize: number | null): AsyncGenerator<Node[]> {
  if (treeSize === 0) return;
  const at = (data: Record<string, unknown>) => table.connection.reduce<unknown>((v, k) => (v as Record<string, unknown> | null)?.[k] ?? null, data);
  const inTree = (nodes: Node[]) =>
    treeSize === null
      ? { nodes, passed: false }
      : { nodes: nodes.filter((n) => (n.leafIndex as number) < treeSize), passed: nodes.some((n) => (n.leafIndex as number) >= treeSize) };
  switch (table.paging ?? 'connection') {
    case 'list': {
      yield inTree((at(await execute(table.query, variables)) as Node[] | null) ?? []).nodes;
      return;
    }
    case 'index': {
      for (let fromIndex = 0; ; ) {
        const first = treeSize === null ? INDEX_PAGE_SIZE : Math.min(INDEX_PAGE_SIZE, treeSize - fromIndex);
        if (first <= 0) return;
        const nodes = (at(await execute(table.query, { ...variables, fromIndex, first })) as Node[] | null) ?? [];
        const page = inTree(nodes);
        yield page.nodes;
        // The log's leaves are numbered without gaps, so the next page starts right after this one.
        if (page.passed || nodes.length < first) return;
        fromIndex += nodes.length;
      }
    }
    case 'connection': {
      for (let after: string | null = null; ; ) {
        const connection = at(await execute(table.query, { ...variables, first: PAGE_SIZE, after })) as {
          edges: { node: Node }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        } | null;
        // Null when the neighbourhood has no such data at all (e.g. books that were never opened).
        if (!connection) return;
        const page = inTree(connection.edges.map((e) => e.node));
        yield page.nodes;
        if (page.passed || !connection.pageInfo.hasNextPage) return;
        after = connection.pageInfo.endCursor;
      }
    }
  }
}

/** Who asks for an export; every subgraph fetch of each page gets its own identity assertion. */
type ExportRequest = GatewayContext;

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
     * The request's bearer token verified again, for each page: an export can outlive the token
     * it started with, and must not (it then stops).
     */
    private readonly reverifyViewer: (req: IncomingMessage) => Promise<Viewer>,
  ) {
    this.columns = new Map(EXPORT_TABLES.map((t) => [t.name, columnsOf(t, schema)]));
    for (const table of EXPORT_TABLES) {
      if (table.checkpointed && !this.columns.get(table.name)!.some((c) => c.path.length === 1 && c.path[0] === 'leafIndex')) {
        throw new Error(`export ${table.name}: a checkpointed table must select leafIndex on its nodes`);
      }
      for (const [field, target] of Object.entries(table.references ?? {})) {
        const [other, column] = target.split('.');
        const has = (name: string, c: string) => this.columns.get(name)?.some((x) => x.name === c) ?? false;
        if (!has(table.name, field) || !has(other, column)) throw new Error(`export ${table.name}: reference ${field} → ${target} names a column no table has`);
      }
    }
  }

  /** Whether a request downloads a table (`….csv`, `….jsonl`, `….xlsx`): the exports that hold memory while they stream. */
  static downloadsTable(path: string | undefined): boolean {
    return /^\/export\/v1\/neighbourhoods\/[^/]+\/[a-z_]+\.[a-z]+$/.test((path ?? '').split('?')[0]);
  }

  /** Whether a request path is one of the exporter's: the export endpoints and the ledger's keys. */
  static serves(path: string | undefined): boolean {
    const pathname = (path ?? '').split('?')[0];
    return pathname.startsWith('/export/') || pathname === LEDGER_KEYS_PATH;
  }

  /** The request's token verified again: an export that outlives its token stops with 401. */
  private async viewerAgain(req: IncomingMessage): Promise<Viewer> {
    try {
      return await this.reverifyViewer(req);
    } catch (error) {
      throw new ExportError(401, 'Unauthorized', `The token is no longer valid: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Answers a request under /export/ or for the ledger's keys; returns false for other paths. */
  async handle(req: IncomingMessage, res: ServerResponse, context: ExportRequest): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!Exporter.serves(url.pathname)) return false;
    res.setHeader('api-version', EXPORT_API_VERSION);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD, OPTIONS');
      sendProblem(res, 405, 'Method Not Allowed', 'These endpoints are read-only: use GET.', url.pathname);
      return true;
    }
    const execute: Execute = async (query, variables) => {
      // Reads are safe to repeat: a page that met a passing subgraph failure is asked for once more.
      for (let attempt = 1; ; attempt++) {
        const viewer = await this.viewerAgain(req);
        const response = await this.apollo.executeOperation({ query, variables }, { contextValue: { ...context, viewer, export: true } });
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
        this.logger.error({ err: error, requestId: context.requestId, path: url.pathname }, 'export failed');
        sendProblem(res, 500, 'Internal Server Error', `The export failed; the gateway's log has the details under request id ${context.requestId}.`, url.pathname);
      }
    }
    return true;
  }

  private async route(url: URL, req: IncomingMessage, res: ServerResponse, execute: Execute, context: ExportRequest): Promise<void> {
    if (url.pathname === LEDGER_KEYS_PATH) {
      return this.sendJson(req, res, context, ledgerKeysDocument(await execute(LEDGER_KEYS_QUERY, {})));
    }
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[1] !== 'v1') throw new ExportError(404, 'Not Found', `Unknown API version "${parts[1] ?? ''}"; this server offers v1.`);
    if (parts.length === 2) return this.sendJson(req, res, context, this.index());
    if (parts.length === 3 && parts[2] === 'openapi.json') return this.sendJson(req, res, context, openApiDocument());
    if (parts.length === 3 && parts[2] === 'neighbourhoods') {
      const data = await execute('{ neighbourhoods { id slug name } }', {});
      const list = (data.neighbourhoods as { slug: string }[]).map((n) => ({
        ...n,
        datapackage: `/export/v1/neighbourhoods/${n.slug}/datapackage.json`,
        checkpoint: `/export/v1/neighbourhoods/${n.slug}/checkpoint.txt`,
      }));
      return this.sendJson(req, res, context, list);
    }
    if (parts[2] === 'neighbourhoods' && parts.length === 6 && parts[4] === 'annual-accounts') {
      return this.sendAnnualAccounts(req, res, context, execute, await this.neighbourhood(decodedSegment(parts[3]), execute), parts[5]);
    }
    if (parts[2] !== 'neighbourhoods' || parts.length !== 5) throw new ExportError(404, 'Not Found', `No export at ${url.pathname}.`);
    const slug = decodedSegment(parts[3]);
    const neighbourhood = await this.neighbourhood(slug, execute);
    if (parts[4] === 'datapackage.json') {
      return this.sendJson(req, res, context, dataPackage(neighbourhood, EXPORT_TABLES, this.columns));
    }
    if (parts[4] === 'checkpoint.txt') return this.sendCheckpoint(req, res, context, execute, neighbourhood, url.searchParams);
    if (parts[4] === 'events.jsonl') return this.sendEvents(req, res, context, execute, neighbourhood, url.searchParams);
    const match = /^([a-z_]+)\.([a-z]+)$/.exec(parts[4]);
    const table = match && EXPORT_TABLES.find((t) => t.name === match[1]);
    if (!match || !table) {
      throw new ExportError(404, 'Not Found', `No table "${parts[4]}". Tables: ${EXPORT_TABLES.map((t) => t.name).join(', ')}; formats: ${EXPORT_FORMATS.join(', ')}.`);
    }
    const format = match[2] as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) throw new ExportError(406, 'Not Acceptable', `Unsupported format "${format}"; use ${EXPORT_FORMATS.join(', ')}.`);
    await this.exportTable(req, res, context, execute, table, format, neighbourhood, url.searchParams);
  }

  private index() {
    return {
      version: EXPORT_API_VERSION,
      openapi: '/export/v1/openapi.json',
      neighbourhoods: '/export/v1/neighbourhoods',
      ledgerKeys: LEDGER_KEYS_PATH,
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
    if (params.has('size') && !table.checkpointed) {
      const cut = EXPORT_TABLES.filter((t) => t.checkpointed).map((t) => t.name);
      throw new ExportError(400, 'Bad Request', `Table ${table.name} is not cut at a checkpoint; size applies to ${cut.join(', ')}.`);
    }
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
      const parsed = parseRfc3339(since);
      if (!parsed) throw new ExportError(400, 'Bad Request', `since must be ${RFC3339_SHAPE}; got "${since}".`);
      const instant = Math.min(Math.max(parsed.getTime(), DATE_TIME_RANGE.earliest), DATE_TIME_RANGE.latest);
      return { variables: { since: new Date(instant).toISOString() } };
    }
    return { variables: {} };
  }

  /** The `dialect` of a CSV download: `rfc4180` (the default) or `excel`. */
  private dialectParameter(format: ExportFormat, params: URLSearchParams): CsvDialectName {
    const given = params.getAll('dialect');
    if (given.length === 0) return 'rfc4180';
    if (given.length > 1) throw new ExportError(400, 'Bad Request', 'Give dialect once.');
    if (format !== 'csv') throw new ExportError(400, 'Bad Request', `dialect applies to csv downloads only, not to ${format}.`);
    if (!isCsvDialect(given[0])) throw new ExportError(400, 'Bad Request', `dialect must be rfc4180 or excel, got "${given[0]}".`);
    return given[0];
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
    const dialect = this.dialectParameter(format, params);
    const anonymous = context.viewer.memberId === null;
    // A ledger table is cut at a checkpoint: a fresh one, or with `size` one signed before (to download every
    // ledger table at the same size). Null when the books were never opened: no checkpoint, and no rows.
    let checkpoint: ExportCheckpoint | null = null;
    if (table.checkpointed) {
      const size = treeSizeParameter(params);
      checkpoint = size === null ? await this.freshCheckpoint(execute, neighbourhood.id) : await this.signedCheckpoint(execute, neighbourhood, size);
    }

    res.setHeader('content-type', CONTENT_TYPES[format]);
    res.setHeader('content-disposition', `attachment; filename="${neighbourhood.slug}-${table.name}${dialect === 'excel' ? '-excel' : ''}.${format}"`);
    res.setHeader('cache-control', anonymous ? 'public, max-age=60' : 'private, no-store');
    addVary(res, 'Authorization');

    /** Writes the table into `out` and ends it; stops asking for pages when `out` went away. */
    const writeTable = async (out: Writable, treeSize: number | null, eachRow?: (row: unknown[]) => void): Promise<void> => {
      const writer = tableWriter(format, dialect, columns, out, { name: table.name, title: table.title });
      for await (const nodes of nodesOf(execute, table, { neighbourhood: neighbourhood.id, ...variables }, treeSize)) {
        for (const node of nodes) {
          for (const row of rowsOf(node, table, columns)) {
            if (out.destroyed) return;
            eachRow?.(row);
            await writer.write(row);
          }
        }
      }
      await writer.end();
    };
    // An xlsx file is a zip whose entries carry the time it was written: its validator is weak (the same
    // rows), where a CSV or JSON Lines validator is strong (the same bytes).
    const weak = format === 'xlsx' ? 'W/' : '';

    if (table.checkpointed) {
      // The ledger tables can be huge: stream them. Their checkpoint is their validator (the rows of a tree
      // size never change).
      if (checkpoint) res.setHeader('ledger-checkpoint-size', String(checkpoint.size));
      // Of the parameters, only what selects rows (as read: `since` in any of its shapes is one instant) and the
      // dialect make another body; a cache-buster or the parameters' order must not make another ETag, or a pull
      // never sees 304.
      const etag = `${weak}"${table.name}-${format}-${checkpoint?.size ?? 0}-${digest(`${checkpoint?.rootHash ?? ''}\n${JSON.stringify(variables)}\n${dialect ?? ''}`)}"`;
      res.setHeader('etag', etag);
      if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      res.statusCode = 200;
      if (req.method === 'HEAD') return void res.end();
      // A client that went away stops the export (and gives its slot back): no more pages are asked for.
      await writeTable(res, checkpoint?.size ?? 0);
      return;
    }

    // The other tables are a neighbourhood's worth of rows: hash the whole body for a strong validator (an
    // xlsx: its rows, for a weak one).
    const chunks: Buffer[] = [];
    const body = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });
    const rows = createHash('sha256').update(`${format}\n${columns.map((c) => c.name).join(',')}\n`);
    await writeTable(body, null, (row) => rows.update(`${JSON.stringify(row)}\n`));
    const content = Buffer.concat(chunks);
    const etag = weak ? `${weak}"${rows.digest('base64url').slice(0, 27)}"` : `"${digest(content)}"`;
    res.setHeader('etag', etag);
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('content-length', content.byteLength);
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : content);
  }

  /** events.jsonl: a page of the neighbourhood's public domain events after `after`, one CloudEvent a line (community's feed). */
  private async sendEvents(
    req: IncomingMessage,
    res: ServerResponse,
    context: ExportRequest,
    execute: Execute,
    neighbourhood: { id: string; slug: string },
    params: URLSearchParams,
  ): Promise<void> {
    if (params.getAll('after').length > 1 || params.getAll('limit').length > 1) throw new ExportError(400, 'Bad Request', 'Give after and limit at most once.');
    const after = params.get('after');
    const limitText = params.get('limit') ?? String(EVENTS_PAGE_SIZE);
    if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > EVENTS_PAGE_SIZE) {
      throw new ExportError(400, 'Bad Request', `limit must be a whole number from 1 to ${EVENTS_PAGE_SIZE}, got "${limitText}".`);
    }
    if (after !== null && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(after)) {
      throw new ExportError(400, 'Bad Request', `after must be the id of an event (a uuid), got "${after}".`);
    }
    const response = await this.apollo.executeOperation(
      {
        query: 'query ($id: ID!, $after: ID, $first: Int) { neighbourhood(id: $id) { events(after: $after, first: $first) { events hasMore lastEventId } } }',
        variables: { id: neighbourhood.id, after, first: Number(limitText) },
      },
      { contextValue: { ...context, viewer: await this.viewerAgain(req), export: true } },
    );
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    if (errors?.length) {
      if (errors[0].extensions?.code === 'BAD_USER_INPUT') throw new ExportError(404, 'Not Found', `No event ${after} in the feed of "${neighbourhood.slug}".`);
      const unavailable = errors.every((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
      throw new ExportError(unavailable ? 503 : 502, unavailable ? 'Service Unavailable' : 'Bad Gateway', `The graph answered with an error: ${errors[0].message}`);
    }
    const page = (data as { neighbourhood: { events: { events: unknown[]; hasMore: boolean; lastEventId: string | null } } }).neighbourhood.events;
    if (page.lastEventId) res.setHeader('events-last-id', page.lastEventId);
    if (page.hasMore && page.lastEventId) {
      res.setHeader('link', `</export/v1/neighbourhoods/${neighbourhood.slug}/events.jsonl?after=${page.lastEventId}${params.has('limit') ? `&limit=${limitText}` : ''}>; rel="next"`);
    }
    res.setHeader('content-disposition', `attachment; filename="${neighbourhood.slug}-events.jsonl"`);
    this.send(req, res, context, CONTENT_TYPES.jsonl, page.events.map((event) => `${JSON.stringify(event)}\n`).join(''), 10);
  }

  /**
   * annual-accounts/{year}.pdf or .xlsx: the ledger's annual accounts of a calendar year as a treasurer's document.
   * The rendering holds one neighbourhood-year in memory; its validator is weak (the same figures, while the
   * file's bytes depend on the renderer's version).
   */
  private async sendAnnualAccounts(
    req: IncomingMessage,
    res: ServerResponse,
    context: ExportRequest,
    execute: Execute,
    neighbourhood: { id: string; slug: string },
    file: string,
  ): Promise<void> {
    const match = /^(\d{4})\.(pdf|xlsx)$/.exec(file);
    if (!match) throw new ExportError(404, 'Not Found', `No annual accounts at "${file}"; ask for annual-accounts/<year>.pdf or annual-accounts/<year>.xlsx, e.g. 2025.pdf.`);
    const [, yearText, format] = match;
    const year = Number(yearText);
    if (year < 1900) throw new ExportError(404, 'Not Found', `No annual accounts for ${year}: the books hold years from 1900 on.`);
    const data = (await execute(ANNUAL_ACCOUNTS_QUERY, { id: neighbourhood.id, year })).neighbourhood as
      | (Omit<AnnualAccountsDocument['neighbourhood'], never> & { annualAccounts: AnnualAccountsDocument['accounts'] | null })
      | null;
    if (!data?.annualAccounts) throw new ExportError(404, 'Not Found', `The books of "${neighbourhood.slug}" are not open: they have no annual accounts.`);
    const { annualAccounts: accounts, ...rest } = data;
    const document: AnnualAccountsDocument = { neighbourhood: rest, accounts };
    const etag = `W/"annual-${year}-${format}-${digest(JSON.stringify(document))}"`;
    res.setHeader('etag', etag);
    res.setHeader('cache-control', context.viewer.memberId === null ? 'public, max-age=60' : 'private, no-store');
    addVary(res, 'Authorization');
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      res.writeHead(304);
      res.end();
      return;
    }
    const forwarded = req.headers['x-forwarded-proto'];
    const graphUrl = `${typeof forwarded === 'string' && forwarded === 'https' ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}/`;
    const body = format === 'pdf' ? await annualAccountsPdf(document, graphUrl) : await annualAccountsXlsx(document, graphUrl);
    res.writeHead(200, {
      'content-type': format === 'pdf' ? 'application/pdf' : CONTENT_TYPES.xlsx,
      'content-length': body.byteLength,
      'content-disposition': `attachment; filename="${neighbourhood.slug}-jaarrekening-${year}.${format}"`,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** Has the ledger sign the tree as it is now (or hand out one signed at most a second ago); null when the books are not open. */
  private async freshCheckpoint(execute: Execute, neighbourhoodId: string): Promise<ExportCheckpoint | null> {
    const data = await execute('query ($id: ID!) { neighbourhood(id: $id) { transparencyLog { checkpoint(fresh: true) { size rootHash } } } }', { id: neighbourhoodId });
    const log = (data.neighbourhood as { transparencyLog: { checkpoint: ExportCheckpoint | null } | null } | null)?.transparencyLog;
    return log?.checkpoint ?? null;
  }

  /** checkpoint.txt: the newest checkpoint's signed note with its cosignatures, or with `size` that exact one. */
  private async sendCheckpoint(
    req: IncomingMessage,
    res: ServerResponse,
    context: ExportRequest,
    execute: Execute,
    neighbourhood: { id: string; slug: string },
    params: URLSearchParams,
  ): Promise<void> {
    const checkpoint = await this.signedCheckpoint(execute, neighbourhood, treeSizeParameter(params));
    // Witnesses may cosign any checkpoint later, and a newer one comes with every export and every minute the books grow.
    this.send(req, res, context, 'text/plain; charset=utf-8', checkpoint.note, 60);
  }

  /** A checkpoint the ledger signed before: of exactly this tree size, or without one the newest. */
  private async signedCheckpoint(execute: Execute, neighbourhood: { id: string; slug: string }, size: number | null): Promise<ExportCheckpoint & { note: string }> {
    const data =
      size === null
        ? await execute('query ($id: ID!) { neighbourhood(id: $id) { transparencyLog { checkpoint { size rootHash note } } } }', { id: neighbourhood.id })
        : await execute('query ($id: ID!, $size: Int!) { neighbourhood(id: $id) { transparencyLog { checkpoint: checkpointAt(size: $size) { size rootHash note } } } }', {
            id: neighbourhood.id,
            size,
          });
    const log = (data.neighbourhood as { transparencyLog: { checkpoint: (ExportCheckpoint & { note: string }) | null } | null } | null)?.transparencyLog;
    if (!log) throw new ExportError(404, 'Not Found', `The books of "${neighbourhood.slug}" are not open: they have no checkpoints.`);
    if (!log.checkpoint) {
      throw new ExportError(404, 'Not Found', size === null ? `No checkpoint of "${neighbourhood.slug}" has been signed yet.` : `No checkpoint of tree size ${size} was signed for "${neighbourhood.slug}".`);
    }
    return log.checkpoint;
  }

  private sendJson(req: IncomingMessage, res: ServerResponse, context: ExportRequest, value: unknown): void {
    this.send(req, res, context, 'application/json; charset=utf-8', JSON.stringify(value, null, 2), 300);
  }

  private send(req: IncomingMessage, res: ServerResponse, context: ExportRequest, contentType: string, body: string, maxAgeSeconds: number): void {
    const etag = `"${digest(body)}"`;
    res.setHeader('etag', etag);
    res.setHeader('cache-control', context.viewer.memberId === null ? `public, max-age=${maxAgeSeconds}` : 'private, no-store');
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      res.writeHead(304);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
