import { EXPORT_TABLES } from './tables';
import { EXPORT_API_VERSION } from './problem';

const problem = { $ref: '#/components/responses/Problem' };

const tablesTaking = (parameter: 'since' | 'afterSequence') =>
  EXPORT_TABLES.filter((t) => t.incremental?.parameter === parameter)
    .map((t) => t.name)
    .join(', ');

/** The OpenAPI 3.0 description of the export endpoints. */
export function openApiDocument() {
  return {
    openapi: '3.0.3',
    info: {
      title: 'dBWE open data exports',
      version: EXPORT_API_VERSION,
      description:
        'Tables of every neighbourhood, produced from the public GraphQL graph with the same data and access rules. CSV is UTF-8 with a header row, comma-delimited, "." as decimal mark, ISO 8601 times in UTC. JSON Lines has one object per row with the same keys as the CSV header.',
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
      '/neighbourhoods/{slug}/{table}.{format}': {
        get: {
          summary: 'One table of a neighbourhood, streamed',
          parameters: [
            { $ref: '#/components/parameters/Slug' },
            { name: 'table', in: 'path', required: true, schema: { type: 'string', enum: EXPORT_TABLES.map((t) => t.name) } },
            { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['csv', 'jsonl'] } },
            { name: 'since', in: 'query', required: false, description: `Only rows changed after this time; tables ${tablesTaking('since')}. sroi_outcomes follows its analysis: the outcomes of analyses changed after it. Start a few minutes before the previous pull began: a row carries the time its transaction began.`, schema: { type: 'string', format: 'date-time' } },
            { name: 'afterSequence', in: 'query', required: false, description: 'Only ledger entries (or their lines) after this sequence number.', schema: { type: 'integer', minimum: 0 } },
            { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
          ],
          responses: {
            200: {
              description: 'The table',
              headers: { 'API-Version': { $ref: '#/components/headers/ApiVersion' }, ETag: { schema: { type: 'string' } } },
              content: { 'text/csv': { schema: { type: 'string' } }, 'application/jsonl': { schema: { type: 'string' } } },
            },
            304: { description: 'Not modified since the ETag given in If-None-Match' },
            400: problem,
            404: problem,
            406: problem,
          },
        },
      },
    },
    components: {
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
