import DataLoader from 'dataloader';

/**
 * Puts batch results back in key order, as DataLoader requires. Keys with no
 * row get `missing` (null for single rows, [] for lists via groupByKeys).
 */
export function orderByKeys<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const byKey = new Map<K, V>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Groups batch results per key, in key order; keys with no rows get an empty list. */
export function groupByKeys<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>();
  for (const key of keys) groups.set(key, []);
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/** A loader of one row per key. */
export function rowLoader<K, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (row: V) => K): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => orderByKeys(keys, await fetch(keys), keyOf), { maxBatchSize: 1000 });
}

/** A loader of a list of rows per key. */
export function listLoader<K, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (row: V) => K): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => groupByKeys(keys, await fetch(keys), keyOf), { maxBatchSize: 1000 });
}

/** What a "changed since" list is asked for: the parent's id and the time (the DateTime scalar may hand over a Date). */
export interface ChangedSinceKey {
  id: string;
  since: string | Date;
}

const changedSinceKey = (id: string, since: string | Date) => `${id}|${new Date(since).toISOString()}`;

/**
 * A loader of the rows of each parent changed after a time, for incremental
 * sync. One fetch per distinct time in the batch (in practice one per
 * request); the fetch compares in SQL, where timestamps keep the
 * microseconds a JavaScript Date would drop.
 */
export function changedSinceLoader<V>(
  fetch: (ids: string[], since: Date) => Promise<V[]>,
  keyOf: (row: V) => string,
): DataLoader<ChangedSinceKey, V[], string> {
  return new DataLoader<ChangedSinceKey, V[], string>(
    async (keys) => {
      const idsBySince = new Map<string, string[]>();
      for (const { id, since } of keys) {
        const at = new Date(since).toISOString();
        const ids = idsBySince.get(at);
        if (ids) ids.push(id);
        else idsBySince.set(at, [id]);
      }
      const found = new Map<string, V[]>();
      for (const [since, ids] of idsBySince) {
        for (const row of await fetch(ids, new Date(since))) {
          const key = changedSinceKey(keyOf(row), since);
          const rows = found.get(key);
          if (rows) rows.push(row);
          else found.set(key, [row]);
        }
      }
      return keys.map((k) => found.get(changedSinceKey(k.id, k.since)) ?? []);
    },
    { cacheKeyFn: (k) => changedSinceKey(k.id, k.since), maxBatchSize: 1000 },
  );
}
