/**
 * Operation names the gateway's metrics count by name without being told: the operations of the
 * example civic app (examples/civic-app/src) and the README's Sandbox example, which client
 * developers start from. Any other name counts as `other` unless METRICS_OPERATION_NAMES lists
 * it. known-operations.test.ts checks this list against the examples.
 */
export const EXAMPLE_OPERATION_NAMES: readonly string[] = ['Neighbourhood', 'NeighbourhoodReport', 'PostedEntry', 'WebhookNeighbourhood', 'SubscribeToEntries', 'Unsubscribe'];
