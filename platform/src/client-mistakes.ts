import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Nesting a request body may have: far more than any real variable needs, far less than a stack can take. */
export const MAX_BODY_NESTING = 64;

/** Validation errors one answer lists; the rest are counted in a final error. */
export const MAX_LISTED_ERRORS = 20;

/**
 * How deeply a parsed JSON value nests, counted without recursion so that a
 * hostile body cannot overflow the stack; stops counting past `limit`.
 */
export function nestingDepth(root: unknown, limit = MAX_BODY_NESTING): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[root, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    const inner = depth + 1;
    deepest = Math.max(deepest, inner);
    if (deepest > limit) return deepest;
    for (const child of Object.values(value)) pending.push([child, inner]);
  }
  return deepest;
}

/**
 * A document with several operations and no operationName, or an operationName the document does
 * not hold, is the client's mistake. graphql-js reports it while executing, and Apollo Gateway throws
 * it as an unexpected error (a 500, logged with its stack); it is refused here as a 400 instead.
 */
export function refuseUnresolvedOperation<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, document }) {
          // Apollo's types promise an operation here; at run time it is undefined when none was picked.
          if (operation) return;
          const named = request.operationName;
          const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition').length;
          const message =
            named
              ? `The document has no operation named "${named}".`
              : operations > 1
                ? 'The document holds several operations: say which to run with operationName.'
                : 'The document holds no operation to run.';
          throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
        },
      };
    },
  };
}

/**
 * A long error list helps nobody and costs bandwidth (150 repeated directives made a 19 kB answer):
 * the first MAX_LISTED_ERRORS are kept and one last error says how many more there were.
 */
export function capErrorList<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors || errors.length <= MAX_LISTED_ERRORS) return;
          const kept: GraphQLFormattedError[] = errors.slice(0, MAX_LISTED_ERRORS);
          const code = errors[MAX_LISTED_ERRORS].extensions?.code;
          kept.push({
            message: `Too many errors: ${errors.length - MAX_LISTED_ERRORS} more not listed. Fix the ones above and send the request again.`,
            extensions: typeof code === 'string' ? { code } : {},
          });
          response.body.singleResult.errors = kept;
        },
      };
    },
  };
}
