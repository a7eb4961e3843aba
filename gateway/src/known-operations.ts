import { EXAMPLES } from './explorer/examples';

/** The names of the named operations in a GraphQL document's text. */
export function operationNamesIn(text: string): string[] {
  return [...text.matchAll(/\b(?:query|mutation|subscription)\s+([A-Z][A-Za-z0-9_]*)\s*[({]/g)].map((m) => m[1]);
}

/**
 * Operation names the gateway's metrics count by name without being told: the operations of the
 * example civic app (examples/civic-app/src), the README's example and the explorer's example tabs,
 * which client developers start from. Any other name counts as `other` unless
 * METRICS_OPERATION_NAMES lists it. known-operations.test.ts checks this list against the examples.
 */
export const EXAMPLE_OPERATION_NAMES: readonly string[] = [
  ...new Set([
    'Neighbourhood',
    'NeighbourhoodReport',
    'PostedEntry',
    'SupportWish',
    'WebhookNeighbourhood',
    'SubscribeToEntries',
    'Unsubscribe',
    ...EXAMPLES.flatMap((example) => operationNamesIn(example.document)),
  ]),
];
