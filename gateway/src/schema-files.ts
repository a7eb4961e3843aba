import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import type { RouteHandler } from '@dbwe/platform';
import { possibleTypesOf, printPossibleTypes } from '@dbwe/schema/possible-types';

/** The schema changes only with a deployment; a client build or an editor may keep it a while. */
const MAX_AGE_SECONDS = 300;

/** Where the spec of our own scalars lives, next to the supergraph (it ships with the schema). */
export const SCALARS_DOC_PATH = join(__dirname, '..', '..', 'schema', 'scalars.md');

function staticFile(contentType: string, text: string): RouteHandler {
  const body = Buffer.from(text, 'utf8');
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return (req: IncomingMessage, res: ServerResponse) => {
    const headers = { 'content-type': contentType, 'cache-control': `public, max-age=${MAX_AGE_SECONDS}`, etag };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': body.length });
    res.end(body);
  };
}

/**
 * The schema files client developers build against, derived from the supergraph this gateway
 * serves (so they always match its introspection): the API schema, the possibleTypes map for
 * Apollo Client and urql, and the spec of our own scalars that `@specifiedBy` points to.
 */
export function schemaRoutes(apiSchema: GraphQLSchema): Record<string, RouteHandler> {
  const sorted = lexicographicSortSchema(apiSchema);
  return {
    'GET /schema/api.graphql': staticFile('text/plain; charset=utf-8', printSchema(sorted) + '\n'),
    'GET /schema/possible-types.json': staticFile('application/json; charset=utf-8', printPossibleTypes(possibleTypesOf(sorted))),
    // Markdown is readable as it is; text/plain so a browser shows it instead of downloading it.
    'GET /schema/scalars': staticFile('text/plain; charset=utf-8', readFileSync(SCALARS_DOC_PATH, 'utf8')),
  };
}
