/** The answer for a parent whose id cannot name any row (not a UUID): nothing, without asking PostgreSQL. */
export function emptyConnection<T>() {
  return {
    edges: [] as { node: T; cursor: string }[],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    totalCount: 0,
  };
}
