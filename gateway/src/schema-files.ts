import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { ifNoneMatchHits, type RouteHandler } from '@dbwe/platform';
import { possibleTypesOf, printPossibleTypes } from '@dbwe/schema/abstract-types';

/** The schema changes only with a deployment; a client build or an editor may keep it a while. */
const MAX_AGE_SECONDS = 300;

/**
 * The spec of our own scalars ships with the schema: next to the supergraph the gateway serves, or
 * else the repository's copy (a supergraph placed elsewhere by an operator).
 */
function scalarsDocFor(supergraphPath: string): string {
  const beside = join(dirname(supergraphPath), 'scalars.md');
  return existsSync(beside) ? beside : join(__dirname, '..', '..', 'schema', 'scalars.md');
}

function staticFile(contentType: string, text: string): RouteHandler {
  const body = Buffer.from(text, 'utf8');
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return (req: IncomingMessage, res: ServerResponse) => {
    const headers = { 'content-type': contentType, 'cache-control': `public, max-age=${MAX_AGE_SECONDS}`, etag };
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
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
export function schemaRoutes(apiSchema: GraphQLSchema, supergraphPath: string): Record<string, RouteHandler> {
  const sorted = lexicographicSortSchema(apiSchema);
  return {
    'GET /schema/api.graphql': staticFile('text/plain; charset=utf-8', printSchema(sorted) + '\n'),
    'GET /schema/possible-types.json': staticFile('application/json; charset=utf-8', printPossibleTypes(possibleTypesOf(sorted))),
    // Markdown is readable as it is; text/plain so a browser shows it instead of downloading it.
    'GET /schema/scalars': staticFile('text/plain; charset=utf-8', readFileSync(scalarsDocFor(supergraphPath), 'utf8')),
  };
}
