import type { DataSource } from 'typeorm';
import { SPIJKERKWARTIER, startLedger } from './ledger.fixtures';

/**
 * The Spijkerkwartier demo books as the ledger posts them, written row by row
 * into a database migrated only up to an earlier migration: what a book
 * keeper's database held before an upgrade. The columns copied are those
 * every version of the books has had; the old schema's triggers derive the
 * balances and day totals from the lines as the ledger of then did.
 */
export async function copyDemoBooks(into: DataSource): Promise<void> {
  const current = await startLedger();
  try {
    const nb = SPIJKERKWARTIER;
    const rows = (sql: string, params: unknown[] = [nb]) => current.db.query(sql, params) as Promise<Record<string, unknown>[]>;
    const accounts = await rows(`SELECT id, neighbourhood_id, code, name, type, unit, project_id, taakveld, no_overdraft, created_at FROM ledger.account WHERE neighbourhood_id = $1`);
    const entries = await rows(`SELECT id, neighbourhood_id, sequence, booking_date::text, recorded_at, description, project_id, member_id, evidence_url,
      recorded_by, reverses_id, previous_hash, hash FROM ledger.entry WHERE neighbourhood_id = $1 ORDER BY sequence`);
    const lines = await rows(`SELECT l.entry_id, l.position, l.account_id, l.amount_minor, l.unit, l.counterparty_member_id, l.counterparty_domain, l.counterparty_name
      FROM ledger.line l JOIN ledger.entry e ON e.id = l.entry_id WHERE e.neighbourhood_id = $1 ORDER BY e.sequence, l.position`);
    const budgets = await rows(`SELECT id, neighbourhood_id, project_id, unit, period_start::text, period_end::text, created_at FROM ledger.budget WHERE neighbourhood_id = $1`);
    const revisions = await rows(`SELECT r.budget_id, r.revision, r.amount_minor, r.reason, r.recorded_by, r.recorded_at FROM ledger.budget_revision r
      JOIN ledger.budget b ON b.id = r.budget_id WHERE b.neighbourhood_id = $1 ORDER BY r.budget_id, r.revision`);
    const insert = (table: string, row: Record<string, unknown>) =>
      `INSERT INTO ledger.${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((_, i) => `$${i + 1}`).join(', ')})`;
    await into.transaction(async (tx) => {
      await tx.query(`INSERT INTO ledger.chain (neighbourhood_id, last_sequence, last_hash) VALUES ($1, 0, $2)`, [nb, '0'.repeat(64)]);
      for (const row of accounts) await tx.query(insert('account', row), Object.values(row));
      const linesOf = new Map<unknown, Record<string, unknown>[]>();
      for (const line of lines) linesOf.set(line.entry_id, [...(linesOf.get(line.entry_id) ?? []), line]);
      for (const row of entries) {
        await tx.query(insert('entry', row), Object.values(row));
        for (const line of linesOf.get(row.id) ?? []) await tx.query(insert('line', line), Object.values(line));
      }
      if (budgets.length === 0) return;
      const hasBudgets = await tx.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'ledger' AND table_name = 'budget'`);
      if (hasBudgets.length === 0) return;
      for (const row of budgets) await tx.query(insert('budget', row), Object.values(row));
      for (const row of revisions) await tx.query(insert('budget_revision', row), Object.values(row));
    });
  } finally {
    await current.teardown();
  }
}
