import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';

/**
 * Limits on the shape of a query, checked during validation at the gateway,
 * before any query plan is made or any subgraph is called. Introspection is
 * exempt from depth and cost (the schema is public on purpose); the
 * max-depth plugin only exempts a real `__schema` field, so naming a
 * fragment or operation `__schema` does not slip past it.
 */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 20,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 20_000,
} as const;

/**
 * graphql-armor words every refusal as "Syntax Error: …", although the query
 * parsed and only a limit was exceeded. Its errors are reported here instead,
 * as validation errors that say which limit it was.
 */
const plainRefusal = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => {
      const message = `${error.message.replace(/^Syntax Error: /, '')} The query is valid but exceeds a limit of this API; split it or ask for less.`;
      if (context) context.reportError(new GraphQLError(message));
      else throw new GraphQLError(message);
    },
  ],
};

export function queryArmor() {
  return new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true, exposeLimits: true, ...plainRefusal },
    maxAliases: { n: QUERY_LIMITS.maxAliases, exposeLimits: true, ...plainRefusal },
    // Tokens are limited by graphql-js's own parser (parseOptions in gateway.ts), which answers 400, not 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, exposeLimits: true, ...plainRefusal },
    costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true, exposeLimits: true, ...plainRefusal },
    // Suggestions leak nothing here (the schema is public) and help Sandbox users.
    blockFieldSuggestion: { enabled: false },
  }).protect();
}
