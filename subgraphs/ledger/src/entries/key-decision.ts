import type { EntityManager } from 'typeorm';
import { fail, refuse, succeed, type LedgerFailure, type Outcome } from '../ledger-errors';
import { EntryEntity } from './entry.entity';

/**
 * One answer per idempotency key. A request with a key is decided once, under
 * a lock on (neighbourhood, key) taken before any rule that depends on the
 * books is judged: booked (every later request with the key replays the
 * entry) or refused. A refusal books nothing and leaves the key free for a
 * later request, but a duplicate that was already in flight when the refusal
 * was decided waits for the lock and gets the same refusal, whatever the
 * balances are by the time it would have been judged (issue 17).
 */

/** The entry booked with the key, and when this request reached the books, by the database's clock. */
export interface KeyArrival {
  earlier: EntryEntity | null;
  /** statement_timestamp() as text, so the comparison keeps PostgreSQL's microseconds. */
  arrivedAt: string;
}

/** A duplicate can be in flight at most this long (request and statement timeouts are far shorter); older refusals go. */
const REFUSAL_KEPT = '10 minutes';

export async function arrive(tx: EntityManager, neighbourhoodId: string, key: string): Promise<KeyArrival> {
  const [row]: { arrived_at: string; entry_id: string | null }[] = await tx.query(
    `SELECT statement_timestamp()::text AS arrived_at,
            (SELECT id FROM ledger.entry WHERE neighbourhood_id = $1 AND idempotency_key = $2) AS entry_id`,
    [neighbourhoodId, key],
  );
  const earlier = row.entry_id ? await tx.getRepository(EntryEntity).findOneByOrFail({ id: row.entry_id }) : null;
  return { earlier, arrivedAt: row.arrived_at };
}

/**
 * Takes the key's lock for the rest of the transaction. Writers of one key
 * take it before the chain lock, and no transaction takes two keys, so the
 * order is the same everywhere. A hash collision only makes two keys wait
 * for each other.
 */
export async function lockKey(tx: EntityManager, neighbourhoodId: string, key: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledger.idempotency_key'), hashtext($1 || ' ' || $2))`, [neighbourhoodId, key]);
}

/**
 * What was decided for the key since this request arrived, under the key's
 * lock: the booked entry (a replay, or a conflict when the request differs),
 * or the refusal of the same request decided while this one was in flight.
 * Null: nothing, this request is judged on its own.
 */
export async function decidedSince(tx: EntityManager, neighbourhoodId: string, key: string, fingerprint: string, arrivedAt: string): Promise<Outcome<{ entry: EntryEntity; replayed: true }> | null> {
  // One statement after the lock: it reads what the key's earlier holders committed while this request waited.
  const [row]: { entry_id: string | null; refusal: string | null }[] = await tx.query(
    `SELECT (SELECT id FROM ledger.entry WHERE neighbourhood_id = $1 AND idempotency_key = $2) AS entry_id,
            (SELECT refusal::text FROM ledger.key_refusal
              WHERE neighbourhood_id = $1 AND idempotency_key = $2 AND request_fingerprint = $3 AND decided_at > $4::timestamptz
              ORDER BY decided_at DESC LIMIT 1) AS refusal`,
    [neighbourhoodId, key, fingerprint, arrivedAt],
  );
  if (row.entry_id) return replayOrConflict(await tx.getRepository(EntryEntity).findOneByOrFail({ id: row.entry_id }), fingerprint);
  return row.refusal ? refuse(decodeRefusal(row.refusal)) : null;
}

/** Records a refusal for the duplicates in flight; the caller holds the key's lock and found nothing decided. */
export async function recordRefusal(tx: EntityManager, neighbourhoodId: string, key: string, fingerprint: string, failure: LedgerFailure): Promise<void> {
  await tx.query(`DELETE FROM ledger.key_refusal WHERE decided_at < clock_timestamp() - $1::interval`, [REFUSAL_KEPT]);
  await tx.query(`INSERT INTO ledger.key_refusal (neighbourhood_id, idempotency_key, request_fingerprint, refusal) VALUES ($1, $2, $3, $4::jsonb)`, [
    neighbourhoodId,
    key,
    fingerprint,
    encodeRefusal(failure),
  ]);
}

export function replayOrConflict(earlier: EntryEntity, print: string): Outcome<{ entry: EntryEntity; replayed: true }> {
  return earlier.requestFingerprint === print ? succeed({ entry: earlier, replayed: true }) : refuse(fail.keyConflict(earlier));
}

// A refusal names accounts and entries with their amounts (bigint) and times (Date), which JSON does not keep.
export function encodeRefusal(failure: LedgerFailure): string {
  return JSON.stringify(failure, function (this: Record<string, unknown>, field: string, value: unknown) {
    const raw = this[field];
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    if (raw instanceof Date) return { $date: raw.toISOString() };
    return value;
  });
}

export function decodeRefusal(text: string): LedgerFailure {
  return JSON.parse(text, (_field, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = value as { $bigint?: string; $date?: string };
      if (typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
      if (typeof tagged.$date === 'string') return new Date(tagged.$date);
    }
    return value;
  }) as LedgerFailure;
}
