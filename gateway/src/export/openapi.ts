import { EXPORT_TABLES } from './tables';
import { EXPORT_API_VERSION } from './problem';
import { LEDGER_KEYS_PATH } from './ledger-keys';
import { CONTENT_TYPES, EXPORT_FORMATS } from './formats';

const problem = { $ref: '#/components/responses/Problem' };
/** What every operation may answer besides its own: a refused token, the rate limit, an outage of the graph. */
const refusals = {
  401: { $ref: '#/components/responses/Unauthorized' },
  429: { $ref: '#/components/responses/TooManyRequests' },
  503: { $ref: '#/components/responses/ServiceUnavailable' },
};
const notModified = { $ref: '#/components/responses/NotModified' };
const ifNoneMatch = { $ref: '#/components/parameters/IfNoneMatch' };
const versioned = { 'API-Version': { $ref: '#/components/headers/ApiVersion' } };
const validated = { ...versioned, ETag: { $ref: '#/components/headers/ETag' } };

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
      description: `Tables of every neighbourhood, produced from the public GraphQL graph with the same data and access rules. CSV is UTF-8 with a header row, comma-delimited, "." as decimal mark, ISO 8601 times in UTC. JSON Lines has one object per row with the same keys as the CSV header. With dialect=excel the CSV is for spreadsheets in a decimal-comma locale (Dutch Excel, LibreOffice): ";" between fields, a UTF-8 byte order mark, "," as decimal mark, every text cell quoted. Every table is also an .xlsx workbook with typed cells (numbers, dates and times in UTC, booleans, text), the table on a sheet named after it and a sheet "fields" with each column's name, type, unit and description. Against formula injection (OWASP), a text cell starting with =, +, -, @, tab, carriage return, their full-width forms, or ', gets one leading ' in the CSV (both dialects) and the xlsx, never in JSON Lines and never in a number: drop one leading ' from a text cell to read the text back. Hashes are written as they are. Every GET is also answered to HEAD (the same status and headers, no body). Every answer has an ETag; If-None-Match is compared weakly (RFC 9110 §13.1.2), so W/"…" (as a compressing proxy sends it), a list of tags and * all give 304. Query parameters an endpoint does not know are ignored (a cache-buster such as _=123 works), so a misspelt one is not an error: check the spelling of since, afterSequence, size, dialect, after and limit. Errors are problem details (RFC 9457, application/problem+json) with API-Version, the gateway's own 401 and 429 included. Anyone may read without a token; a member's bearer token shows what the graph shows that member. The books are a transparency log (docs/ledger-hash.md in the repository): the ledger tables (${checkpointedTables}) are cut at a checkpoint signed for the export, named by the Ledger-Checkpoint-Size header and served by checkpoint.txt; ${LEDGER_KEYS_PATH} names the keys that sign them.`,
      license: { name: 'EUPL-1.2', url: 'https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12' },
    },
    servers: [{ url: '/export/v1', description: 'This gateway' }],
    // Anonymous (the empty requirement) or a member's token.
    security: [{}, { bearerAuth: [] }],
    paths: {
      '/neighbourhoods': {
        get: {
          operationId: 'listNeighbourhoods',
          summary: 'The neighbourhoods with exports',
          parameters: [ifNoneMatch],
          responses: {
            200: {
              description: 'List of neighbourhoods',
              headers: validated,
              content: {
                'application/json': {
                  schema: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id', 'slug', 'name', 'datapackage', 'checkpoint'],
                      properties: {
                        id: { type: 'string', format: 'uuid' },
                        slug: { type: 'string', example: 'spijkerkwartier' },
                        name: { type: 'string', example: 'Spijkerkwartier' },
                        datapackage: { type: 'string', description: 'Where its data package is.' },
                        checkpoint: { type: 'string', description: 'Where the newest checkpoint of its books is.' },
                      },
                    },
                  },
                },
              },
            },
            304: notModified,
            ...refusals,
          },
        },
      },
      '/neighbourhoods/{slug}/datapackage.json': {
        get: {
          operationId: 'getDataPackage',
          summary: 'Frictionless Data Package describing every table of a neighbourhood',
          parameters: [{ $ref: '#/components/parameters/Slug' }, ifNoneMatch],
          responses: {
            200: {
              description: 'The data package descriptor',
              headers: validated,
              content: { 'application/json': { schema: { type: 'object', description: 'A Frictionless tabular data package (https://specs.frictionlessdata.io/data-package/).' } } },
            },
            304: notModified,
            404: problem,
            ...refusals,
          },
        },
      },
      '/neighbourhoods/{slug}/events.jsonl': {
        get: {
          operationId: 'getEvents',
          summary: "The neighbourhood's public domain events, as JSON Lines of CloudEvents",
          description:
            "One CloudEvent 1.0 (structured JSON: id, source, type, subject, time, data, neighbourhoodid, neighbourhoodseq) per line, in the order the platform applied them: each subgraph's events of the neighbourhood in the order it recorded them. Public events only, holding ids, states, amounts and times, never names or texts (so nothing of erased members but their opaque id). At most `limit` events per response; continue with after=<the last line's id> (the Link header with rel=next says so while more follow). An empty body when nothing followed.",
          parameters: [
            { $ref: '#/components/parameters/Slug' },
            { name: 'after', in: 'query', required: false, description: 'The id of the last event you have; omit to start at the first.', schema: { type: 'string', format: 'uuid' } },
            { name: 'limit', in: 'query', required: false, description: 'The most events to return (1–1000, default 1000).', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
            ifNoneMatch,
          ],
          responses: {
            200: {
              description: 'The events',
              headers: {
                ...validated,
                Link: { description: 'rel="next": the URL of the next page, while more events follow.', schema: { type: 'string' } },
                'Events-Last-Id': { description: 'The id to pass as after= next time (the given after when the page is empty).', schema: { type: 'string' } },
              },
              content: { 'application/jsonl': { schema: { type: 'string' } } },
            },
            304: notModified,
            400: problem,
            404: problem,
            ...refusals,
          },
        },
      },
      '/neighbourhoods/{slug}/checkpoint.txt': {
        get: {
          operationId: 'getCheckpoint',
          summary: "A signed checkpoint of the neighbourhood's books (C2SP tlog-checkpoint, with witnesses' cosignatures)",
          description:
            "The checkpoint as a signed note: origin, tree size and root hash (base64), a blank line, the ledger's signature lines and then every witness's cosignature line. Without size, the newest checkpoint; with size, the one of exactly that tree size (a ledger export's Ledger-Checkpoint-Size).",
          parameters: [
            { $ref: '#/components/parameters/Slug' },
            { name: 'size', in: 'query', required: false, description: 'The tree size of the checkpoint; omit for the newest.', schema: { type: 'integer', minimum: 0, maximum: 2147483647 } },
            ifNoneMatch,
          ],
          responses: {
            200: {
              description: 'The signed note',
              headers: validated,
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            304: notModified,
            400: problem,
            404: problem,
            ...refusals,
          },
        },
      },
      '/neighbourhoods/{slug}/{table}.{format}': {
        get: {
          operationId: 'getTable',
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
            { name: 'since', in: 'query', required: false, description: `Only rows changed after this time, an RFC 3339 date-time with an offset (Z or ±hh:mm) and 0–9 fraction digits: 2026-01-31T00:00:00Z, Python's isoformat() of an aware datetime, PowerShell's Get-Date -Format o (fractions beyond milliseconds are cut off, which can only add rows); tables ${tablesTaking('since')}. sroi_outcomes follows its analysis: the outcomes of analyses changed after it. Start a few minutes before the previous pull began: a row carries the time its transaction began.`, schema: { type: 'string', format: 'date-time' } },
            { name: 'afterSequence', in: 'query', required: false, description: 'Only ledger entries (or their lines) after this sequence number.', schema: { type: 'integer', minimum: 0 } },
            {
              name: 'size',
              in: 'query',
              required: false,
              description: `Tables ${checkpointedTables}: cut at the checkpoint of exactly this tree size, signed before (to download every ledger table at one size), instead of a fresh one. 404 when none was signed at that size.`,
              schema: { type: 'integer', minimum: 0, maximum: 2147483647 },
            },
            ifNoneMatch,
          ],
          responses: {
            200: {
              description: 'The table',
              headers: {
                ...validated,
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
            304: notModified,
            400: problem,
            404: problem,
            406: problem,
            ...refusals,
          },
        },
      },
      '/neighbourhoods/{slug}/annual-accounts/{year}.{format}': {
        get: {
          operationId: 'getAnnualAccounts',
          summary: "A neighbourhood's annual accounts for a calendar year, as a PDF or a workbook",
          description:
            "The treasurer's document of a calendar year (the financial year): a title page with the neighbourhood, municipality, year and status (closed, or a draft while the year is open), the balance sheet at 31 December, the income statement, the budget against actuals per Iv3 taakveld and per account, the statement of volunteer hours, notes on each project (budget, spent, hours, SROI ratio) and the books' signed checkpoint at year end with how to verify it. pdf: A4, Dutch number formatting (€ 1.234,56). xlsx: the same sections, one sheet each, amounts as numbers. Every figure is the graph's Neighbourhood.annualAccounts(year), a sum of the entry lines ledger_lines publishes. The ETag is weak: the same figures give the same validator.",
          parameters: [
            { $ref: '#/components/parameters/Slug' },
            { name: 'year', in: 'path', required: true, description: 'The calendar year, four digits, e.g. 2025.', schema: { type: 'integer', minimum: 1900, maximum: 9999 } },
            { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['pdf', 'xlsx'] } },
            ifNoneMatch,
          ],
          responses: {
            200: {
              description: 'The annual accounts',
              headers: validated,
              content: {
                'application/pdf': { schema: { type: 'string', format: 'binary' } },
                [CONTENT_TYPES.xlsx]: { schema: { type: 'string', format: 'binary' } },
              },
            },
            304: notModified,
            404: problem,
            ...refusals,
          },
        },
      },
      [LEDGER_KEYS_PATH]: {
        // At the root of the gateway, not under /export/v1.
        servers: [{ url: '/' }],
        get: {
          operationId: 'getLedgerKeys',
          summary: "Every key the ledger signs checkpoints with, and each log's origin and verifier keys",
          parameters: [ifNoneMatch],
          responses: {
            200: {
              description: 'The keys',
              headers: validated,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/LedgerKeys' } } },
            },
            304: notModified,
            ...refusals,
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
        Problem: {
          type: 'object',
          description: 'Problem details (RFC 9457). type is about:blank: the title is the HTTP status phrase, the detail says what went wrong.',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string', example: 'about:blank' },
            title: { type: 'string', example: 'Bad Request' },
            status: { type: 'integer', example: 400 },
            detail: { type: 'string' },
            instance: { type: 'string', description: 'The path asked for.' },
          },
        },
      },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A member's token, as for the graph. Without one the exports hold what the graph shows anyone." },
      },
      parameters: {
        Slug: { name: 'slug', in: 'path', required: true, description: "The neighbourhood's slug.", schema: { type: 'string', example: 'spijkerkwartier' } },
        IfNoneMatch: {
          name: 'If-None-Match',
          in: 'header',
          required: false,
          description: 'An ETag you have (or several, comma-separated, weak ones included, or *): 304 when the answer would be the same.',
          schema: { type: 'string' },
        },
      },
      headers: {
        ApiVersion: { description: 'The version of this API', schema: { type: 'string', example: EXPORT_API_VERSION } },
        ETag: { description: 'The validator of this answer, to send back as If-None-Match.', schema: { type: 'string' } },
        RetryAfter: { description: 'Seconds to wait before asking again.', schema: { type: 'integer', minimum: 0 } },
      },
      responses: {
        Problem: {
          description: 'Problem details (RFC 9457)',
          headers: versioned,
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        NotModified: { description: 'Not modified: the If-None-Match named the current answer.', headers: validated },
        Unauthorized: {
          description: 'The bearer token was refused (expired, badly signed, or for another audience). Ask without one for the public data.',
          headers: { ...versioned, 'WWW-Authenticate': { description: 'Bearer error="invalid_token"', schema: { type: 'string' } } },
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        TooManyRequests: {
          description: 'Too many requests a minute from this client (member or address), or too many table downloads at once.',
          headers: {
            ...versioned,
            'Retry-After': { $ref: '#/components/headers/RetryAfter' },
            'RateLimit-Limit': { description: 'Requests allowed a minute.', schema: { type: 'integer' } },
            'RateLimit-Remaining': { description: 'Requests left in this minute.', schema: { type: 'integer' } },
            'RateLimit-Reset': { description: 'Seconds until the allowance is whole again.', schema: { type: 'integer' } },
          },
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        ServiceUnavailable: {
          description: 'A service behind the graph did not answer; nothing partial was sent.',
          headers: versioned,
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    },
  };
}
