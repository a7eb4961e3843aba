import { GraphQLScalarType } from 'graphql';

/*
 * One way to assemble a subgraph's resolver map from its feature folders (issue 21): maps are
 * merged per GraphQL type, field by field, and a field (or a scalar, or a type's
 * `__resolveReference`) defined twice is a programming error that stops the service at start,
 * where spreading one map over another would let the second definition silently win.
 */

type ResolverMap = Record<string, unknown>;

const isFieldMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !(value instanceof GraphQLScalarType) && Object.getPrototypeOf(value) === Object.prototype;

export function mergeResolvers<T extends object>(...maps: readonly T[]): T {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [type, entry] of Object.entries(map as ResolverMap)) {
      if (entry === undefined) continue;
      if (!isFieldMap(entry)) {
        // A scalar (GraphQLScalarType) or another whole value: defined once.
        if (type in merged) throw new Error(`${type} is resolved twice`);
        merged[type] = entry;
        continue;
      }
      const target = merged[type];
      if (target !== undefined && !isFieldMap(target)) throw new Error(`${type} is resolved twice`);
      const fields = (merged[type] ??= {}) as Record<string, unknown>;
      for (const [field, resolver] of Object.entries(entry)) {
        if (field in fields) throw new Error(`${type}.${field} is resolved twice`);
        fields[field] = resolver;
      }
    }
  }
  return merged as T;
}
