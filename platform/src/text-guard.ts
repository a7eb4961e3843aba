import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type DocumentNode } from 'graphql';
import { ErrorCode, httpError } from './errors';

/**
 * Where a value holds a NUL character (U+0000), as a path; null when none does.
 * Iterative, so a hostile, deeply nested variable cannot overflow the stack.
 */
function nulIn(root: unknown, rootPath: string): string | null {
  const pending: [unknown, string][] = [[root, rootPath]];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) pending.push([inner, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`]);
    }
  }
  return null;
}

/** Per parsed document: Apollo Server keeps one DocumentNode per distinct query, so each is visited once. */
const documentsWithNul = new WeakMap<DocumentNode, boolean>();

function nulInDocument(document: DocumentNode): boolean {
  let found = documentsWithNul.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      [Kind.STRING](node) {
        if (node.value.includes('\u0000')) found = true;
      },
    });
    documentsWithNul.set(document, found);
  }
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
