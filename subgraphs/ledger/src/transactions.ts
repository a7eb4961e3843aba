import type { DataSource, EntityManager } from 'typeorm';

/** The parts of a PostgreSQL error the ledger acts on. */
export interface DatabaseViolation {
  /** SQLSTATE, e.g. 23505. */
  sqlState: string;
  /** The constraint (or trigger rule) that refused the write, by its name in the migrations. */
  constraint: string | null;
  detail: string | null;
}

/** SQLSTATE of a value past its column's range, e.g. a balance past bigint. */
export const NUMERIC_VALUE_OUT_OF_RANGE = '22003';

/** The violation behind a TypeORM or pg error, or null for anything else. */
export function violationOf(error: unknown): DatabaseViolation | null {
  if (typeof error !== 'object' || error === null) return null;
  const source = ((error as { driverError?: unknown }).driverError ?? error) as Record<string, unknown>;
  if (typeof source.code !== 'string' || !/^[0-9A-Z]{5}$/.test(source.code)) return null;
  return {
    sqlState: source.code,
    constraint: typeof source.constraint === 'string' ? source.constraint : null,
    detail: typeof source.detail === 'string' ? source.detail : null,
  };
}

/**
 * Failures that say "try again" rather than "no": serialisation failures and
 * deadlocks, and a chain that moved under a writer that did not hold its lock
 * (which the chain trigger refuses instead of forking).
 */
export function isRetryable(error: unknown): boolean {
  const violation = violationOf(error);
  if (!violation) return false;
  return (
    violation.sqlState === '40001' ||
    violation.sqlState === '40P01' ||
    violation.constraint === 'entry_continues_chain' ||
    violation.constraint === 'entry_sequence_unique'
  );
}

const MAX_ATTEMPTS = 6;

/**
 * Runs `work` in a READ COMMITTED transaction, again with a short random
 * back-off when PostgreSQL asks for a retry. Ledger writes take their locks
 * in one order (the neighbourhood's chain row, then accounts in line order
 * through the line trigger), so deadlocks should not occur; the retry is the
 * safety net if one ever does.
 */
export async function inTransaction<T>(db: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
