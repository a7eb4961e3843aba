import { In, type DataSource, type EntityManager } from 'typeorm';
import type { EventRecorder } from '@dbwe/platform';
import { closedOn } from '../accounts/account-change-service';
import { AccountEntity } from '../accounts/account.entity';
import { todayInTheNetherlands } from '../entries/booking';
import { EntryEntity } from '../entries/entry.entity';
import { appendEntry, lockChain } from '../entries/posting';
import { idempotencyKeyProblem, textProblem } from '../entries/posting-rules';
import { ledgerEvent, type Audit } from '../events';
import { fail, refuse, succeed, type Outcome } from '../ledger-errors';
import type { Unit } from '../money/money';
import { inTransaction } from '../transactions';
import { closeYearProblem, equityAccountFor, planClosingEntries, yearEnd, type YearMovement } from './period-rules';
import { financialYearRow, periodFacts, type FinancialYearRow } from './period-store';

export interface CloseYearArgs {
  neighbourhoodId: string;
  year: number;
  reason: string;
  idempotencyKey: string;
}

export interface ClosedYear {
  year: FinancialYearRow;
  closingEntries: EntryEntity[];
  replayed: boolean;
}

/** Every account's movement over one year of a neighbourhood's books, from the lines themselves. */
export async function yearMovements(tx: EntityManager, neighbourhoodId: string, year: number): Promise<YearMovement[]> {
  const rows: { account_id: string; code: string; type: YearMovement['type']; unit: Unit; minor: string }[] = await tx.query(
    `SELECT a.id AS account_id, a.code, a.type, a.unit, sum(l.amount_minor)::text AS minor
       FROM ledger.entry e JOIN ledger.line l ON l.entry_id = e.id JOIN ledger.account a ON a.id = l.account_id
      WHERE e.neighbourhood_id = $1 AND e.booking_date BETWEEN make_date($2, 1, 1) AND make_date($2, 12, 31)
      GROUP BY a.id, a.code, a.type, a.unit ORDER BY a.code`,
    [neighbourhoodId, year],
  );
  return rows.map((r) => ({ accountId: r.account_id, code: r.code, type: r.type, unit: r.unit, minor: BigInt(r.minor) }));
}

/**
 * Closes a financial year: books the year-end closing entries (per unit, every
 * income and expense account's movement of the year moved to the unit's
 * equity account, dated 31 December, recorded by nobody: the system books
 * them) and marks the year closed, in one transaction under the chain lock,
 * so no posting can slip in between. A retry with the same key returns the
 * closed year.
 */
export async function closeFinancialYear(
  db: DataSource,
  args: CloseYearArgs,
  audit: Audit,
  events: EventRecorder,
  today = todayInTheNetherlands(),
): Promise<Outcome<ClosedYear>> {
  const keyProblem = idempotencyKeyProblem(args.idempotencyKey);
  if (keyProblem) return refuse(keyProblem);
  const reason = args.reason.trim();
  const reasonProblem = textProblem(reason, 1, 500);
  if (reasonProblem) return refuse(fail.invalid('reason', `The reason ${reasonProblem}.`));
  const { neighbourhoodId, year } = args;

  return inTransaction(db, async (tx): Promise<Outcome<ClosedYear>> => {
    const chain = await lockChain(tx, neighbourhoodId);
    if (!chain) return refuse(fail.booksNotOpen(neighbourhoodId));
    const earlier = await financialYearRow(tx, neighbourhoodId, year);
    if (earlier?.status === 'closed' && earlier.idempotencyKey === args.idempotencyKey) {
      const closingEntries = await entriesById(tx, earlier.closingEntryIds);
      return succeed({ year: earlier, closingEntries, replayed: true });
    }
    const problem = closeYearProblem(year, await periodFacts(tx, neighbourhoodId), today);
    if (problem) return refuse(problem);

    const movements = await yearMovements(tx, neighbourhoodId, year);
    for (const unit of new Set(movements.map((m) => m.unit))) {
      const difference = movements.filter((m) => m.unit === unit).reduce((sum, m) => sum + m.minor, 0n);
      if (difference !== 0n) return refuse(fail.yearUnbalanced(year, { minor: difference, unit }));
    }
    const accounts = await tx.getRepository(AccountEntity).findBy({ neighbourhoodId });
    const planned = planClosingEntries(movements, (unit) => equityAccountFor(accounts, unit));
    if ('failure' in planned) return refuse(planned.failure);
    // A closed account takes no line dated on or after its closing, the closing entry's neither (trigger line_account_open).
    const closedAccounts = await closedOn(tx, planned.plans.flatMap((p) => p.lines.map((l) => l.accountId)), yearEnd(year));
    const stuck = planned.plans.flatMap((p) => p.lines).find((l) => closedAccounts.has(l.accountId));
    if (stuck) return refuse(fail.closedAccountHasResult(year, accounts.find((a) => a.id === stuck.accountId)!, closedAccounts.get(stuck.accountId)!));

    const closingEntries: EntryEntity[] = [];
    for (const plan of planned.plans) {
      const lines = plan.lines.map((l) => ({ ...l, counterpartyMemberId: null, counterpartyDomain: null, counterpartyName: null }));
      const entry = await appendEntry(tx, chain, {
        neighbourhoodId,
        bookingDate: yearEnd(year),
        description: `Jaarafsluiting ${year} (${plan.unit}): resultaten naar eigen vermogen`,
        lines,
        // Booked by the system, not by a person: who closed the year is on the year (closedBy) and in the audit event.
        recordedBy: null,
        idempotencyKey: `year-end-closing:${year}:${plan.unit}`,
      });
      await events.record(tx, ledgerEvent.entryPosted(entry, lines));
      closingEntries.push(entry);
    }
    const [row]: { closed_at: Date }[] = await tx.query(
      `INSERT INTO ledger.financial_years (neighbourhood_id, year, status, closed_at, closed_by, reason, idempotency_key, closing_entry_ids)
       VALUES ($1, $2, 'closed', clock_timestamp(), $3, $4, $5, $6) RETURNING closed_at`,
      [neighbourhoodId, year, audit.actorId, reason, args.idempotencyKey, closingEntries.map((e) => e.id)],
    );
    const closed: FinancialYearRow = {
      neighbourhoodId,
      year,
      status: 'closed',
      closedAt: row.closed_at,
      closedBy: audit.actorId,
      reason,
      idempotencyKey: args.idempotencyKey,
      closingEntryIds: closingEntries.map((e) => e.id),
    };
    await events.record(tx, ledgerEvent.financialYearClosed(closed, planned.plans, { ...audit, reason }));
    return succeed({ year: closed, closingEntries, replayed: false });
  });
}

async function entriesById(tx: EntityManager, ids: string[]): Promise<EntryEntity[]> {
  if (ids.length === 0) return [];
  return tx.getRepository(EntryEntity).find({ where: { id: In(ids) }, order: { sequence: 'ASC' } });
}
