import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { isUuid, type EventRecorder } from '@dbwe/platform';
import { fail, refuse, succeed, type Outcome } from '../ledger-errors';
import { textProblem } from '../entries/posting-rules';
import { inTransaction, violationOf } from '../transactions';
import { AccountEntity } from '../accounts/account.entity';
import { ledgerEvent, type AuditFact } from '../events';
import { readBudgetLines, sameRevision, type BudgetLineInput } from './budget-lines';
import { budgetOfYear, insertRevision, revisionByKey, type NeighbourhoodBudgetView } from './neighbourhood-budget';

export interface SetNeighbourhoodBudgetArgs {
  neighbourhoodId: string;
  year: number;
  lines: readonly BudgetLineInput[];
  reason: string;
  idempotencyKey: string;
}

export interface SetNeighbourhoodBudgetValue {
  budget: NeighbourhoodBudgetView;
  replayed: boolean;
}

/** Races the database settles by refusing one writer; that writer tries again and sees the winner's revision. */
const RACES = new Set(['neighbourhood_budget_one_per_year', 'neighbourhood_budget_revision_pkey', 'neighbourhood_budget_revision_next', 'neighbourhood_budget_key_unique']);

/**
 * Sets a neighbourhood's budget for a year, or revises it: every call adds a
 * revision holding the whole budget (all its lines); the earlier ones stay.
 * A retried request (the same idempotency key and content) returns the
 * revision it recorded the first time; the key with other content is refused.
 */
export async function setNeighbourhoodBudget(
  db: DataSource,
  args: SetNeighbourhoodBudgetArgs,
  audit: AuditFact,
  events: EventRecorder,
  now = new Date(),
): Promise<Outcome<SetNeighbourhoodBudgetValue>> {
  const neighbourhoodId = args.neighbourhoodId.toLowerCase();
  if (!Number.isInteger(args.year) || args.year < 1900 || args.year > 9999) return refuse(fail.invalid('year', 'The year is a calendar year from 1900 to 9999.'));
  const reason = args.reason.trim();
  const reasonProblem = textProblem(reason, 1, 500);
  if (reasonProblem) return refuse(fail.invalid('reason', `The reason ${reasonProblem}.`));
  const key = args.idempotencyKey;
  if (key.length < 1 || key.length > 200) return refuse(fail.invalid('idempotencyKey', 'The idempotency key is 1 to 200 characters.'));

  const open: unknown[] = await db.query(`SELECT 1 FROM ledger.chain WHERE neighbourhood_id = $1`, [neighbourhoodId]);
  if (open.length === 0) return refuse(fail.booksNotOpen(neighbourhoodId));
  const named = args.lines.map((l) => l.accountId?.toLowerCase()).filter((id): id is string => id != null && isUuid(id));
  const accounts = named.length ? await db.getRepository(AccountEntity).findBy({ id: In(named) }) : [];
  const read = readBudgetLines(neighbourhoodId, args.lines, new Map(accounts.map((a) => [a.id, a])));
  if (!read.ok) return read;
  const lines = read.value;

  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(db, async (tx): Promise<Outcome<SetNeighbourhoodBudgetValue>> => {
        let budget = await budgetOfYear(tx, neighbourhoodId, args.year);
        if (budget) {
          await tx.query(`SELECT ledger.lock_neighbourhood_budget($1)`, [budget.id]);
          const earlier = await revisionByKey(tx, budget.id, key);
          if (earlier) {
            const view = { ...budget, current: earlier };
            return sameRevision(earlier, { lines, reason }) ? succeed({ budget: view, replayed: true }) : refuse(fail.neighbourhoodBudgetKeyConflict(key, view));
          }
        } else {
          budget = { id: randomUUID(), neighbourhoodId, year: args.year, createdAt: now };
          await tx.query(`INSERT INTO ledger.neighbourhood_budget (id, neighbourhood_id, year, created_at) VALUES ($1, $2, $3, $4)`, [
            budget.id,
            neighbourhoodId,
            args.year,
            now,
          ]);
        }
        const [{ next }]: { next: number }[] = await tx.query(
          `SELECT coalesce(max(revision), 0) + 1 AS next FROM ledger.neighbourhood_budget_revision WHERE budget_id = $1`,
          [budget.id],
        );
        const revision = await insertRevision(tx, budget.id, next, lines, reason, key, audit.actorId, now);
        const view = { ...budget, current: revision };
        await events.record(tx, ledgerEvent.neighbourhoodBudgetRevised(view, audit));
        return succeed({ budget: view, replayed: false });
      });
    } catch (error) {
      const constraint = violationOf(error)?.constraint ?? '';
      if (attempt < 3 && RACES.has(constraint)) continue;
      throw error;
    }
  }
}
