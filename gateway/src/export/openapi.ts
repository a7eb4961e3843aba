import { EXPORT_TABLES } from './tables';
import { EXPORT_API_VERSION } from './problem';
import { LEDGER_KEYS_PATH } from './ledger-keys';
import { CONTENT_TYPES, EXPORT_FORMATS } from './formats';

const problem = { $ref: '#/components/responses/Problem' };

const tablesTaking = (parameter: 'since' | 'afterSequence') =>
  EXPORT_TABLES.filter((t) => t.incremental?.parameter === parameter)
    .map((t) => t.name)
    .join(', ');

const checkpointedTables = EXPORT_TABLES.filter((t) => t.checkpointed)
  .map((t) => t.name)
  .join(', ');

/** The OpenAPI 3.0 description of the export endpoints. */
export function openApiDocument() {
  return {
    openapi: '3.0.3',
    info: {
      title: 'dBWE open data exports',
      version: EXPORT_API_VERSION,
      description: `Tables of every neighbourhood, produced from the public GraphQL graph with the same data and access rules. CSV is UTF-8 with a header row, comma-delimited, "." as decimal mark, ISO 8601 times in UTC. JSON Lines has one object per row with the same keys as the CSV header. With dialect=excel the CSV is for spreadsheets in a decimal-comma locale (Dutch Excel, LibreOffice): ";" between fields, a UTF-8 byte order mark, "," as decimal mark, every text cell quoted. Every table is also an .xlsx workbook with typed cells (numbers, dates and times in UTC, booleans, text), the table on a sheet named after it and a sheet "fields" with each column's name, type, unit and description. Against formula injection (OWASP), a text cell starting with =, +, -, @, tab, carriage return, their full-width forms, or ', gets one leading ' in the CSV (both dialects) and the xlsx, never in JSON Lines and never in a number: drop one leading ' from a text cell to read the text back. Hashes are written as they are. The books are a transparency log (docs/ledger-hash.md in the repository): the ledger tables (${checkpointedTables}) are cut at a checkpoint signed for the export, named by the Ledger-Checkpoint-Size header and served by checkpoint.txt; ${LEDGER_KEYS_PATH} names the keys that sign them.`,
      license: { name: 'EUPL-1.2' },
    },
    servers: [{ url: '/export/v1' }],
    paths: {
      '/neighbourhoods': {
        get: {
          summary: 'The neighbourhoods with exports',
          responses: { 200: { description: 'List of neighbourhoods', headers: { 'API-Version': { $ref: '#/components/headers/ApiVersion' } } } },
        },
      },
      '/neighbourhoods/{slug}/datapackage.json': {
        get: {
          summary: 'Frictionless Data Package describing every table of a neighbourhood',
          parameters: [{ $ref: '#/components/parameters/Slug' }],
          responses: { 200: { description: 'The data package descriptor' }, 404: problem },
        },
      },
      '/neighbourhoods/{slug}/events.jsonl': {
        get: {
          summary: "The neighbourhood's public domain events, as JSON Lines of CloudEvents",
          description:
            "One CloudEvent 1.0 (structured JSON: id, source, type, subject, time, data, neighbourhoodid, neighbourhoodseq) per line, in the order the platform applied them: each subgraph's events of the neighbourhood in the order it recorded them. Public events only, holding ids, states, amounts and times, never names or texts (so nothing of erased members but their opaque id). At most `limit` events per response; continue with after=<the last line's id> (the Link header with rel=next says so while more follow). An empty body when nothing followed.",
          parameters: [
            { $ref: '#/components/parameters/Slug' },
            { name: 'after', in: 'query', required: false, description: 'The id of the last event you have; omit to start at the first.', schema: { type: 'string', format: 'uuid' } },
            { name: 'limit', in: 'query', required: false, description: 'The most events to return (1–1000, default 1000).', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
            { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
          ],
          responses: {
            200: {
              description: 'The events',
              headers: {
                'API-Version': { $ref: '#/components/headers/ApiVersion' },
                ETag: { schema: { type: 'string' } },
                Link: { description: 'rel="next": the URL of the next page, while more events follow.', schema: { type: 'string' } },
                'Events-Last-Id': { description: 'The id to pass as after= next time (the given after when the page is empty).', schema: { type: 'string' } },
              },
              content: { 'application/jsonl': { schema: { type: 'string' } } },
            },
            304: { description: 'Not modified since the ETag given in If-None-Match' },
            400: problem,
            404: problem,
          },
        },
      },
      '/neighbourhoods/{slug}/checkpoint.txt': {
        get: {
          summary: "A signed checkpoint of the neighbourhood's books (C2SP tlog-checkpoint, with witnesses' cosignatures)",
          description:
            "The checkpoint as a signed note: origin, tree size and root hash (base64), a blank line, the ledger's signature lines and then every witness's cosignature line. Without size, the newest checkpoint; with size, the one of exactly that tree size (a ledger export's Ledger-Checkpoint-Size).",
          parameters: [
            { $ref: '#/components/parameters/Slug' },
            { name: 'size', in: 'query', required: false, description: 'The tree size of the checkpoint; omit for the newest.', schema: { type: 'integer', minimum: 0, maximum: 2147483647 } },
            { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
          ],
          responses: {
            200: {
              description: 'The signed note',
              headers: { 'API-Version': { $ref: '#/components/headers/ApiVersion' }, ETag: { schema: { type: 'string' } } },
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            304: { description: 'Not modified since the ETag given in If-None-Match' },
            400: problem,
            404: problem,
          },
        },
      },
      '/neighbourhoods/{slug}/{table}.{format}': {
        get: {
          summary: 'One table of a neighbourhood, streamed',
          description:
            'csv: RFC 4180 (the default dialect) or, with dialect=excel, for spreadsheets in a decimal-comma locale. jsonl: the same rows as JSON Lines. xlsx: a workbook with typed cells and a sheet describing the fields; its ETag is weak (the same rows give the same validator, the zip bytes carry the time they were written).',
          parameters: [
            { $ref: '#/components/parameters/Slug' },
            { name: 'table', in: 'path', required: true, schema: { type: 'string', enum: EXPORT_TABLES.map((t) => t.name) } },
            { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: EXPORT_FORMATS } },
            {
              name: 'dialect',
              in: 'query',
              required: false,
              description:
                'csv only. rfc4180 (default): "," between fields, "." as decimal mark, fields quoted only when they must be, no byte order mark. excel: ";" between fields, a UTF-8 byte order mark, "," as decimal mark, every text cell quoted (an import that takes quoted fields as text keeps a taakveld such as 0500 or 5.7 as text), CRLF line ends in both.',
              schema: { type: 'string', enum: ['rfc4180', 'excel'], default: 'rfc4180' },
            },
            { name: 'since', in: 'query', required: false, description: `Only rows changed after this time; tables ${tablesTaking('since')}. sroi_outcomes follows its analysis: the outcomes of analyses changed after it. Start a few minutes before the previous pull began: a row carries the time its transaction began.`, schema: { type: 'string', format: 'date-time' } },
            { name: 'afterSequence', in: 'query', required: false, description: 'Only ledger entries (or their lines) after this sequence number.', schema: { type: 'integer', minimum: 0 } },
            {
              name: 'size',
              in: 'query',
              required: false,
              description: `Tables ${checkpointedTables}: cut at the checkpoint of exactly this tree size, signed before (to download every ledger table at one size), instead of a fresh one. 404 when none was signed at that size.`,
              schema: { type: 'integer', minimum: 0, maximum: 2147483647 },
            },
            { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
          ],
          responses: {
            200: {
              description: 'The table',
              headers: {
                'API-Version': { $ref: '#/components/headers/ApiVersion' },
                ETag: { schema: { type: 'string' } },
                'Ledger-Checkpoint-Size': {
                  description: `Tables ${checkpointedTables}: the tree size of the checkpoint the export was cut at. It holds exactly the rows of that tree (leafIndex below the size); checkpoint.txt?size=<it> returns the checkpoint. Absent when the books are not open.`,
                  schema: { type: 'integer', minimum: 0 },
                },
              },
              content: {
                'text/csv': { schema: { type: 'string' } },
                'application/jsonl': { schema: { type: 'string' } },
                [CONTENT_TYPES.xlsx]: { schema: { type: 'string', format: 'binary' } },
              },
            },
            304: { description: 'Not modified since the ETag given in If-None-Match' },
            400: problem,
            404: problem,
            406: problem,
          },
        },
      },
      [LEDGER_KEYS_PATH]: {
        // At the root of the gateway, not under /export/v1.
        servers: [{ url: '/' }],
        get: {
          summary: "Every key the ledger signs checkpoints with, and each log's origin and verifier keys",
          parameters: [{ name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } }],
          responses: {
            200: {
              description: 'The keys',
              headers: { 'API-Version': { $ref: '#/components/headers/ApiVersion' }, ETag: { schema: { type: 'string' } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/LedgerKeys' } } },
            },
            304: { description: 'Not modified since the ETag given in If-None-Match' },
          },
        },
      },
    },
    components: {
      schemas: {
        LedgerKeys: {
          type: 'object',
          required: ['signingKeys', 'logs'],
          properties: {
            signingKeys: {
              type: 'array',
              description: 'Every Ed25519 public key the ledger has signed checkpoints with, newest first.',
              items: {
                type: 'object',
                required: ['publicKey', 'firstUsedAt', 'retiredAt'],
                properties: {
                  publicKey: { type: 'string', description: 'The 32-byte public key, base64.' },
                  firstUsedAt: { type: 'string', format: 'date-time', description: 'When the ledger first signed with it.' },
                  retiredAt: { type: 'string', format: 'date-time', nullable: true, description: "When the ledger stopped signing with it; checkpoints it signed after this time are not the ledger's." },
                },
              },
            },
            logs: {
              type: 'array',
              description: 'One per neighbourhood whose books are open.',
              items: {
                type: 'object',
                required: ['neighbourhoodId', 'slug', 'origin', 'verifierKey', 'verifierKeys', 'checkpoint'],
                properties: {
                  neighbourhoodId: { type: 'string', format: 'uuid' },
                  slug: { type: 'string' },
                  origin: { type: 'string', description: "The first line of the log's checkpoints and the name of its key." },
                  verifierKey: { type: 'string', description: 'The key that signs the checkpoints now, as a C2SP verifier key.' },
                  verifierKeys: { type: 'array', items: { type: 'string' }, description: "Every key that ever signed this log's checkpoints, newest first." },
                  checkpoint: { type: 'string', description: 'Where the newest checkpoint is.' },
                },
              },
            },
          },
        },
      },
      parameters: { Slug: { name: 'slug', in: 'path', required: true, schema: { type: 'string', example: 'spijkerkwartier' } } },
      headers: { ApiVersion: { description: 'The version of this API', schema: { type: 'string', example: EXPORT_API_VERSION } } },
      responses: {
        Problem: {
          description: 'Problem details (RFC 9457)',
          content: {
            'application/problem+json': {
              schema: {
                type: 'object',
                properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
