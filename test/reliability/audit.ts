import { Client } from 'pg';

/*
 * An auditor's look at the stored books, straight from PostgreSQL: what a
 * crash, a restart or a restore must never leave behind.
 */

export interface BooksAudit {
  /** Entries by sequence: id and idempotency key. */
  entries: { sequence: number; id: string; key: string | null }[];
  /** Entries with fewer than two lines or not balancing in some unit. */
  halfWritten: string[];
  /** Accounts whose stored balance is not the sum of their lines. */
  balanceMismatches: string[];
  /** Whether the sequence runs 1..n without gaps and the chain head is the last entry. */
  gapless: boolean;
  /** The sum of every line per unit (zero when the books balance). */
  totals: Record<string, string>;
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function auditBooks(url: string, neighbourhoodId: string): Promise<BooksAudit> {
  return withClient(url, async (sql) => {
    const { rows: entries } = await sql.query<{ sequence: number; id: string; key: string | null }>(
      `SELECT sequence, id, idempotency_key AS key FROM ledger.entry WHERE neighbourhood_id = $1 ORDER BY sequence`,
      [neighbourhoodId],
    );
    const { rows: halfWritten } = await sql.query<{ id: string }>(
      `SELECT e.id FROM ledger.entry e
        WHERE e.neighbourhood_id = $1
          AND ((SELECT count(*) FROM ledger.line l WHERE l.entry_id = e.id) < 2
               OR EXISTS (SELECT 1 FROM ledger.line l WHERE l.entry_id = e.id GROUP BY l.unit HAVING sum(l.amount_minor) <> 0))`,
      [neighbourhoodId],
    );
    const { rows: mismatches } = await sql.query<{ code: string }>(
      `SELECT a.code FROM ledger.account a LEFT JOIN ledger.line l ON l.account_id = a.id
        WHERE a.neighbourhood_id = $1 GROUP BY a.id HAVING a.balance_minor <> coalesce(sum(l.amount_minor), 0)`,
      [neighbourhoodId],
    );
    const { rows: head } = await sql.query<{ last_sequence: number; last_hash: string }>(
      `SELECT last_sequence, last_hash FROM ledger.chain WHERE neighbourhood_id = $1`,
      [neighbourhoodId],
    );
    const { rows: lastHash } = await sql.query<{ hash: string }>(
      `SELECT hash FROM ledger.entry WHERE neighbourhood_id = $1 ORDER BY sequence DESC LIMIT 1`,
      [neighbourhoodId],
    );
    const { rows: totals } = await sql.query<{ unit: string; total: string }>(
      `SELECT l.unit, sum(l.amount_minor)::text AS total FROM ledger.line l JOIN ledger.entry e ON e.id = l.entry_id
        WHERE e.neighbourhood_id = $1 GROUP BY l.unit`,
      [neighbourhoodId],
    );
    const gapless =
      entries.every((e, i) => e.sequence === i + 1) &&
      head[0]?.last_sequence === entries.length &&
      (entries.length === 0 || head[0]?.last_hash === lastHash[0]?.hash);
    return {
      entries,
      halfWritten: halfWritten.map((r) => r.id),
      balanceMismatches: mismatches.map((r) => r.code),
      gapless,
      totals: Object.fromEntries(totals.map((t) => [t.unit, t.total])),
    };
  });
}
