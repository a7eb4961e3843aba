import type { EntityManager } from 'typeorm';
import type { Unit } from '../money/money';
import type { BudgetLine, BudgetType } from './budget-lines';

/** One revision of a neighbourhood's budget for a year: the whole budget as it then stood. */
export interface NeighbourhoodBudgetRevisionView {
  budgetId: string;
  revision: number;
  lines: BudgetLine[];
  reason: string;
  idempotencyKey: string;
  recordedBy: string | null;
  recordedAt: Date;
  leafIndex: number;
}

/** A neighbourhood's budget for a year with its current (latest) revision. */
export interface NeighbourhoodBudgetView {
  id: string;
  neighbourhoodId: string;
  year: number;
  createdAt: Date;
  current: NeighbourhoodBudgetRevisionView;
}

interface RevisionRow {
  budget_id: string;
  revision: number;
  account_ids: (string | null)[];
  taakvelden: (string | null)[];
  types: BudgetType[];
  units: Unit[];
  amounts_minor: string[];
  reason: string;
  idempotency_key: string;
  recorded_by: string | null;
  recorded_at: Date;
  leaf_index: string;
}

// node-postgres reads a bigint[] as strings, and a uuid[] or text[] with NULLs as nulls.
const REVISION_COLUMNS = `budget_id, revision, account_ids::text[] AS account_ids, taakvelden, types, units, amounts_minor::text[] AS amounts_minor,
  reason, idempotency_key, recorded_by, recorded_at, leaf_index`;

function revisionOf(r: RevisionRow): NeighbourhoodBudgetRevisionView {
  return {
    budgetId: r.budget_id,
    revision: r.revision,
    lines: r.account_ids.map((accountId, i) => ({
      accountId,
      taakveld: r.taakvelden[i],
      type: r.types[i],
      unit: r.units[i],
      minor: BigInt(r.amounts_minor[i]),
    })),
    reason: r.reason,
    idempotencyKey: r.idempotency_key,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
    leafIndex: Number(r.leaf_index),
  };
}

export interface BudgetRow {
  id: string;
  neighbourhoodId: string;
  year: number;
  createdAt: Date;
}

export async function budgetOfYear(db: EntityManager, neighbourhoodId: string, year: number): Promise<BudgetRow | null> {
  const rows: { id: string; neighbourhood_id: string; year: number; created_at: Date }[] = await db.query(
    `SELECT id, neighbourhood_id, year, created_at FROM ledger.neighbourhood_budget WHERE neighbourhood_id = $1 AND year = $2`,
    [neighbourhoodId, year],
  );
  return rows[0] ? { id: rows[0].id, neighbourhoodId: rows[0].neighbourhood_id, year: rows[0].year, createdAt: rows[0].created_at } : null;
}

/** Every revision of a budget, oldest first. */
export async function revisionsOf(db: EntityManager, budgetId: string): Promise<NeighbourhoodBudgetRevisionView[]> {
  const rows: RevisionRow[] = await db.query(
    `SELECT ${REVISION_COLUMNS} FROM ledger.neighbourhood_budget_revision WHERE budget_id = $1 ORDER BY revision`,
    [budgetId],
  );
  return rows.map(revisionOf);
}

/** The revision a client's key recorded, if any. */
export async function revisionByKey(db: EntityManager, budgetId: string, key: string): Promise<NeighbourhoodBudgetRevisionView | null> {
  const rows: RevisionRow[] = await db.query(
    `SELECT ${REVISION_COLUMNS} FROM ledger.neighbourhood_budget_revision WHERE budget_id = $1 AND idempotency_key = $2`,
    [budgetId, key],
  );
  return rows[0] ? revisionOf(rows[0]) : null;
}

/** A neighbourhood's budget for a year with its current revision; null when it has none. */
export async function currentBudget(db: EntityManager, neighbourhoodId: string, year: number): Promise<NeighbourhoodBudgetView | null> {
  const budget = await budgetOfYear(db, neighbourhoodId, year);
  if (!budget) return null;
  const rows: RevisionRow[] = await db.query(
    `SELECT ${REVISION_COLUMNS} FROM ledger.neighbourhood_budget_revision WHERE budget_id = $1 ORDER BY revision DESC LIMIT 1`,
    [budget.id],
  );
  return { ...budget, current: revisionOf(rows[0]) };
}

/** Every budget of a neighbourhood, by year, each with its current revision. */
export async function budgetsOf(db: EntityManager, neighbourhoodId: string): Promise<NeighbourhoodBudgetView[]> {
  const rows: (RevisionRow & { id: string; neighbourhood_id: string; year: number; created_at: Date })[] = await db.query(
    `SELECT b.id, b.neighbourhood_id, b.year, b.created_at, r.* FROM ledger.neighbourhood_budget b
       CROSS JOIN LATERAL (SELECT ${REVISION_COLUMNS} FROM ledger.neighbourhood_budget_revision WHERE budget_id = b.id ORDER BY revision DESC LIMIT 1) r
      WHERE b.neighbourhood_id = $1 ORDER BY b.year`,
    [neighbourhoodId],
  );
  return rows.map((r) => ({ id: r.id, neighbourhoodId: r.neighbourhood_id, year: r.year, createdAt: r.created_at, current: revisionOf(r) }));
}

/** Inserts a revision; the database numbers-checks it, validates its lines once more and appends its leaf. */
export async function insertRevision(
  tx: EntityManager,
  budgetId: string,
  revision: number,
  lines: BudgetLine[],
  reason: string,
  idempotencyKey: string,
  recordedBy: string | null,
  recordedAt: Date,
): Promise<NeighbourhoodBudgetRevisionView> {
  const rows: RevisionRow[] = await tx.query(
    `INSERT INTO ledger.neighbourhood_budget_revision (budget_id, revision, account_ids, taakvelden, types, units, amounts_minor, reason, idempotency_key, recorded_by, recorded_at)
     VALUES ($1, $2, $3::uuid[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8, $9, $10, $11)
     RETURNING ${REVISION_COLUMNS}`,
    [
      budgetId,
      revision,
      lines.map((l) => l.accountId),
      lines.map((l) => l.taakveld),
      lines.map((l) => l.type),
      lines.map((l) => l.unit),
      lines.map((l) => l.minor.toString()),
      reason,
      idempotencyKey,
      recordedBy,
      recordedAt,
    ],
  );
  return revisionOf(rows[0]);
}

/** A line as the graph serves it: with its position in the revision. */
export interface BudgetLineView extends BudgetLine {
  position: number;
}
