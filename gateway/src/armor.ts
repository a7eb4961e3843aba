import { ApolloArmor } from '@escape.tech/graphql-armor';

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

export function queryArmor() {
  return new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true, exposeLimits: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases, exposeLimits: true },
    // Tokens are limited by graphql-js's own parser (parseOptions in gateway.ts), which answers 400, not 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, exposeLimits: true },
    costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true, exposeLimits: true },
    // Suggestions leak nothing here (the schema is public) and help Sandbox users.
    blockFieldSuggestion: { enabled: false },
  }).protect();
}
