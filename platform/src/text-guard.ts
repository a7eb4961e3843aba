import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type DocumentNode } from 'graphql';
import { ErrorCode, httpError } from './errors';

/** Where a value holds a NUL character (U+0000), as a path; null when none does. */
function nulIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = nulIn(inner, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

function nulInDocument(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING](node) {
      if (node.value.includes('\u0000')) found = true;
    },
  });
  return found;
}

/**
 * PostgreSQL text cannot hold NUL (U+0000): a string carrying one would fail
 * deep in a write as an internal error. Every subgraph refuses it up front,
 * in variables and in inline literals alike, with a 400 that names the place.
 */
export function refuseNulCharacters<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const where = nulIn(request.variables ?? {}, '$variables') ?? (nulInDocument(document) ? 'a string in the query' : null);
          if (where) throw httpError(ErrorCode.BAD_USER_INPUT, `Text must not contain NUL characters (U+0000); found in ${where}.`);
        },
      };
    },
  };
}
