import type { EntityManager } from 'typeorm';
import { statusOf, type PeriodFacts, type YearStatus } from './period-rules';

/** A closed financial year as stored (`ledger.financial_years`). */
export interface FinancialYearRow {
  neighbourhoodId: string;
  year: number;
  status: YearStatus;
  closedAt: Date | null;
  closedBy: string | null;
  reason: string | null;
  idempotencyKey: string | null;
  closingEntryIds: string[];
}

interface Raw {
  neighbourhood_id: string;
  year: number;
  status: YearStatus;
  closed_at: Date | null;
  closed_by: string | null;
  reason: string | null;
  idempotency_key: string | null;
  closing_entry_ids: string[];
}

const toRow = (r: Raw): FinancialYearRow => ({
  neighbourhoodId: r.neighbourhood_id,
  year: r.year,
  status: r.status,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
  reason: r.reason,
  idempotencyKey: r.idempotency_key,
  closingEntryIds: r.closing_entry_ids,
});

/** Whether a neighbourhood's financial year is open or closed: the contract other areas (annual accounts) read. */
export async function yearStatus(manager: EntityManager, neighbourhoodId: string, year: number): Promise<YearStatus> {
  const rows: unknown[] = await manager.query(`SELECT 1 FROM ledger.financial_years WHERE neighbourhood_id = $1 AND year = $2 AND status = 'closed'`, [
    neighbourhoodId,
    year,
  ]);
  return statusOf({ closedYears: new Set(rows.length ? [year] : []) }, year);
}

/** The first year and the closed years of a neighbourhood's books. */
export async function periodFacts(manager: EntityManager, neighbourhoodId: string): Promise<PeriodFacts> {
  const [first]: { first: string | null }[] = await manager.query(
    `SELECT to_char(min(booking_date), 'YYYY') AS first FROM ledger.entry WHERE neighbourhood_id = $1`,
    [neighbourhoodId],
  );
  const closed: { year: number }[] = await manager.query(`SELECT year FROM ledger.financial_years WHERE neighbourhood_id = $1 AND status = 'closed'`, [
    neighbourhoodId,
  ]);
  return { firstYear: first?.first ? Number(first.first) : null, closedYears: new Set(closed.map((r) => r.year)) };
}

/** The stored rows of a neighbourhood's closed years, oldest first. */
export async function financialYearRows(manager: EntityManager, neighbourhoodId: string): Promise<FinancialYearRow[]> {
  const rows: Raw[] = await manager.query(`SELECT * FROM ledger.financial_years WHERE neighbourhood_id = $1 ORDER BY year`, [neighbourhoodId]);
  return rows.map(toRow);
}

export async function financialYearRow(manager: EntityManager, neighbourhoodId: string, year: number): Promise<FinancialYearRow | null> {
  const rows: Raw[] = await manager.query(`SELECT * FROM ledger.financial_years WHERE neighbourhood_id = $1 AND year = $2`, [neighbourhoodId, year]);
  return rows[0] ? toRow(rows[0]) : null;
}
