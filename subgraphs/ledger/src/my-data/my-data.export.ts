import type { DataSource } from 'typeorm';
import { asExportJson } from '@dbwe/platform';
import { formatMinor, type Unit } from '../money/money';

interface LineRow {
  entryId: string;
  position: number;
  accountId: string;
  accountCode: string;
  accountName: string;
  amountMinor: string;
  unit: Unit;
  counterpartyDomain: string | null;
}

/** An amount as the export gives it: exact decimal, unit, and the minor units the hash covers. */
const amount = (minor: string, unit: Unit) => ({ amount: formatMinor(BigInt(minor), unit), unit, minorUnits: minor });

const lineOf = (l: LineRow) => ({
  position: l.position,
  accountId: l.accountId,
  accountCode: l.accountCode,
  accountName: l.accountName,
  ...amount(l.amountMinor, l.unit),
  counterpartyDomain: l.counterpartyDomain,
});

const LINES = `SELECT l.entry_id AS "entryId", l.position, l.account_id AS "accountId", a.code AS "accountCode", a.name AS "accountName",
                      l.amount_minor::text AS "amountMinor", l.unit, l.counterparty_domain AS "counterpartyDomain"
                 FROM ledger.line l JOIN ledger.account a ON a.id = l.account_id`;

/**
 * Everything the books hold about a member, for their data export: the
 * entries about them (volunteer hours), the lines with them as counterparty,
 * and what they recorded as a steward. Read in one snapshot; the books are
 * only read, never changed.
 */
export async function exportLedgerData(db: DataSource, memberId: string): Promise<Record<string, unknown>> {
  return db.transaction('REPEATABLE READ', async (tx) => {
    const q = <T>(sql: string): Promise<T[]> => tx.query(sql, [memberId]);
    const [hours, about, aboutLines, counterpartyLines, recorded, accounts, budgets, neighbourhoodBudgets] = await Promise.all([
      q<{ total: string }>(`SELECT coalesce(sum(hours_minor), 0)::text AS total FROM ledger.member_day WHERE member_id = $1`),
      q<Record<string, unknown>>(`SELECT id AS "entryId", neighbourhood_id AS "neighbourhoodId", sequence, booking_date::text AS "bookingDate", recorded_at AS "recordedAt",
                description, project_id AS "projectId", evidence_url AS "evidenceUrl", reverses_id AS "reverses", hash
           FROM ledger.entry WHERE member_id = $1 ORDER BY neighbourhood_id, sequence`),
      q<LineRow>(`${LINES} JOIN ledger.entry e ON e.id = l.entry_id WHERE e.member_id = $1 ORDER BY e.neighbourhood_id, e.sequence, l.position`),
      q<LineRow & { sequence: number; bookingDate: string; description: string; neighbourhoodId: string }>(
        `SELECT x.*, e.sequence, e.booking_date::text AS "bookingDate", e.description, e.neighbourhood_id AS "neighbourhoodId"
           FROM (${LINES} WHERE l.counterparty_member_id = $1) x JOIN ledger.entry e ON e.id = x."entryId"
          ORDER BY e.neighbourhood_id, e.sequence, x.position`,
      ),
      q<Record<string, unknown>>(`SELECT id AS "entryId", neighbourhood_id AS "neighbourhoodId", sequence, booking_date::text AS "bookingDate", recorded_at AS "recordedAt", description
           FROM ledger.entry WHERE recorded_by = $1 ORDER BY neighbourhood_id, sequence`),
      q<Record<string, unknown>>(`SELECT id AS "accountId", neighbourhood_id AS "neighbourhoodId", code, name, version, version_recorded_at AS "recordedAt"
           FROM ledger.account WHERE version_recorded_by = $1 ORDER BY neighbourhood_id, code`),
      q<{ budgetId: string; projectId: string; revision: number; amountMinor: string; unit: Unit; recordedAt: Date }>(
        `SELECT r.budget_id AS "budgetId", b.project_id AS "projectId", r.revision, r.amount_minor::text AS "amountMinor", b.unit, r.reason, r.recorded_at AS "recordedAt"
           FROM ledger.budget_revision r JOIN ledger.budget b ON b.id = r.budget_id WHERE r.recorded_by = $1 ORDER BY r.recorded_at, r.budget_id, r.revision`,
      ),
      q<Record<string, unknown>>(
        `SELECT r.budget_id AS "budgetId", b.neighbourhood_id AS "neighbourhoodId", b.year, r.revision, r.reason, r.recorded_at AS "recordedAt"
           FROM ledger.neighbourhood_budget_revision r JOIN ledger.neighbourhood_budget b ON b.id = r.budget_id
          WHERE r.recorded_by = $1 ORDER BY r.recorded_at, r.budget_id, r.revision`,
      ),
    ]);
    const linesByEntry = new Map<string, LineRow[]>();
    for (const line of aboutLines) linesByEntry.set(line.entryId, [...(linesByEntry.get(line.entryId) ?? []), line]);
    return asExportJson({
      volunteerHours: amount(hours[0].total, 'HOUR'),
      entriesAboutMe: about.map((e) => ({ ...e, lines: (linesByEntry.get(e.entryId as string) ?? []).map(lineOf) })),
      linesWithMeAsCounterparty: counterpartyLines.map((l) => ({
        entryId: l.entryId,
        neighbourhoodId: l.neighbourhoodId,
        sequence: l.sequence,
        bookingDate: l.bookingDate,
        description: l.description,
        ...lineOf(l),
      })),
      entriesRecordedByMe: recorded,
      accountVersionsRecordedByMe: accounts,
      budgetRevisionsRecordedByMe: budgets.map(({ amountMinor, unit, ...r }) => ({ ...r, ...amount(amountMinor, unit) })),
      neighbourhoodBudgetRevisionsRecordedByMe: neighbourhoodBudgets,
    }) as Record<string, unknown>;
  });
}
