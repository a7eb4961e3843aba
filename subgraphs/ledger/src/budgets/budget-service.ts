import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { fail, refuse, succeed, type LedgerFailure, type Outcome } from '../ledger-errors';
import { parseAmount, type Unit } from '../money/money';
import { isUuid } from '@dbwe/platform';
import { textProblem } from '../entries/posting-rules';
import { projectNeighbourhood } from '../entries/booking';
import { inTransaction, violationOf } from '../transactions';
import type { EventRecorder } from '@dbwe/platform';
import { ledgerEvent, type AuditFact } from '../events';
import { BudgetEntity, BudgetRevisionEntity, type BudgetView } from './budget.entity';

export interface SetBudgetArgs {
  neighbourhoodId: string;
  projectId: string;
  periodStart: string;
  periodEnd: string;
  unit: Unit;
  amount: string;
  reason: string;
}

/** Races the database settles by refusing one writer; that writer tries again and sees the winner's budget. */
const RACES = new Set(['budget_periods_do_not_overlap', 'budget_period_unique', 'budget_revision_pkey', 'budget_revision_next']);

/**
 * Sets a project's budget for a period, or revises it: a budget for exactly
 * that period and unit gets a new revision; the earlier ones stay. The
 * project must be one of the neighbourhood's (`checkProject`).
 */
export async function setProjectBudget(
  db: DataSource,
  args: SetBudgetArgs,
  audit: AuditFact,
  checkProject: (projectId: string, neighbourhoodId: string) => Promise<LedgerFailure | null>,
  events: EventRecorder,
  now = new Date(),
): Promise<Outcome<BudgetView>> {
  if (!isUuid(args.projectId)) return refuse(fail.invalid('projectId', 'projectId is not an id this API handed out.'));
  const projectId = args.projectId.toLowerCase();
  const neighbourhoodId = args.neighbourhoodId.toLowerCase();
  if (args.periodEnd < args.periodStart) return refuse(fail.invalid('periodEnd', 'The period ends before it starts.'));
  const minor = parseAmount(args.amount, args.unit);
  if (minor === null) return refuse(fail.malformedAmount('amount', args.amount, 'give a plain decimal such as "1500.00", with at most two decimals'));
  if (minor < 0n) return refuse(fail.malformedAmount('amount', args.amount, 'a budget is zero or more'));
  const reason = args.reason.trim();
  const reasonProblem = textProblem(reason, 1, 500);
  if (reasonProblem) return refuse(fail.invalid('reason', `The reason ${reasonProblem}.`));
  const refused = await checkProject(projectId, neighbourhoodId);
  if (refused) return refuse(refused);
  const pinned = await projectNeighbourhood(db.manager, projectId);
  if (pinned !== null && pinned !== neighbourhoodId) return refuse(fail.projectInOtherNeighbourhood(projectId));

  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(db, async (tx): Promise<Outcome<BudgetView>> => {
        let budget = await tx
          .getRepository(BudgetEntity)
          .createQueryBuilder('b')
          .where('b.project_id = :projectId AND b.unit = :unit AND b.period_start = :start AND b.period_end = :end', {
            projectId,
            unit: args.unit,
            start: args.periodStart,
            end: args.periodEnd,
          })
          .getOne();
        // Revisions of one budget are numbered one after the other: the second writer waits here. A budget row
        // never changes, so locking it after reading it is as good as reading it locked (which needs UPDATE privilege).
        if (budget) await tx.query(`SELECT ledger.lock_budget($1)`, [budget.id]);
        if (!budget) {
          const overlapping = await tx
            .getRepository(BudgetEntity)
            .createQueryBuilder('b')
            .where("b.project_id = :projectId AND b.unit = :unit AND daterange(b.period_start, b.period_end, '[]') && daterange(CAST(:start AS date), CAST(:end AS date), '[]')", {
              projectId,
              unit: args.unit,
              start: args.periodStart,
              end: args.periodEnd,
            })
            .getOne();
          if (overlapping) return refuse(fail.budgetPeriodOverlaps(await withCurrentRevision(tx, overlapping)));
          budget = { id: randomUUID(), neighbourhoodId, projectId, unit: args.unit, periodStart: args.periodStart, periodEnd: args.periodEnd, createdAt: now };
          await tx.getRepository(BudgetEntity).insert(budget);
        }
        const [{ next }]: { next: number }[] = await tx.query(
          `SELECT coalesce(max(revision), 0) + 1 AS next FROM ledger.budget_revision WHERE budget_id = $1`,
          [budget.id],
        );
        const revision: BudgetRevisionEntity = { budgetId: budget.id, revision: next, amountMinor: minor.toString(), reason, recordedBy: audit.actorId, recordedAt: now };
        await tx.getRepository(BudgetRevisionEntity).insert(revision);
        const view = { ...budget, current: revision };
        await events.record(tx, ledgerEvent.budgetSet(view, { ...audit, reason }));
        return succeed(view);
      });
    } catch (error) {
      const constraint = violationOf(error)?.constraint ?? '';
      if (constraint === 'project_in_one_neighbourhood') return refuse(fail.projectInOtherNeighbourhood(projectId));
      if (attempt < 3 && RACES.has(constraint)) continue;
      throw error;
    }
  }
}

async function withCurrentRevision(tx: EntityManager, budget: BudgetEntity): Promise<BudgetView> {
  const current = await tx.getRepository(BudgetRevisionEntity).findOneOrFail({ where: { budgetId: budget.id }, order: { revision: 'DESC' } });
  return { ...budget, current };
}
