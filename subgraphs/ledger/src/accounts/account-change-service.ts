import type { DataSource, EntityManager } from 'typeorm';
import type { EventRecorder } from '@dbwe/platform';
import { lockChain } from '../entries/posting';
import { ledgerEvent, type Audit } from '../events';
import { fail, refuse, succeed, type Outcome } from '../ledger-errors';
import { closedYearFrom } from '../periods/period-rules';
import { periodFacts } from '../periods/period-store';
import { inTransaction } from '../transactions';
import { AccountEntity } from './account.entity';
import { accountStateOn, changeProblem, type AccountChangeRecord, type ChangeRequest } from './account-changes';

interface Raw {
  account_id: string;
  change: number;
  effective_from: string;
  old_name: string;
  new_name: string;
  old_taakveld: string | null;
  new_taakveld: string | null;
  closes: boolean;
  reason: string;
  recorded_at: Date;
  recorded_by: string | null;
  leaf_index: string;
}

/** A stored change, with where its leaf sits in the neighbourhood's log. */
export interface StoredAccountChange extends AccountChangeRecord {
  leafIndex: number;
}

const COLUMNS = `account_id, change, effective_from::text AS effective_from, old_name, new_name, old_taakveld, new_taakveld, closes, reason, recorded_at, recorded_by, leaf_index`;

const toChange = (r: Raw): StoredAccountChange => ({
  accountId: r.account_id,
  change: r.change,
  effectiveFrom: r.effective_from,
  oldName: r.old_name,
  newName: r.new_name,
  oldTaakveld: r.old_taakveld,
  newTaakveld: r.new_taakveld,
  closes: r.closes,
  reason: r.reason,
  recordedAt: r.recorded_at,
  recordedBy: r.recorded_by,
  leafIndex: Number(r.leaf_index),
});

/** The changes of each account, in change order (an account without changes has none in the map). */
export async function changesOfAccounts(db: EntityManager, accountIds: readonly string[]): Promise<Map<string, StoredAccountChange[]>> {
  const rows: Raw[] = await db.query(`SELECT ${COLUMNS} FROM ledger.account_change WHERE account_id = ANY($1::uuid[]) ORDER BY account_id, change`, [
    [...new Set(accountIds)],
  ]);
  const out = new Map<string, StoredAccountChange[]>();
  for (const r of rows) {
    const list = out.get(r.account_id) ?? [];
    list.push(toChange(r));
    out.set(r.account_id, list);
  }
  return out;
}

/** The accounts among these that are closed on `bookingDate`, with their closing dates. */
export async function closedOn(db: EntityManager, accountIds: readonly string[], bookingDate: string): Promise<Map<string, string>> {
  const rows: { account_id: string; effective_from: string }[] = await db.query(
    `SELECT account_id, effective_from::text AS effective_from FROM ledger.account_change
      WHERE account_id = ANY($1::uuid[]) AND closes AND effective_from <= $2::date`,
    [[...new Set(accountIds)], bookingDate],
  );
  return new Map(rows.map((r) => [r.account_id, r.effective_from]));
}

export interface ChangeAccountArgs extends ChangeRequest {
  accountId: string;
}

export interface ChangedAccount {
  account: AccountEntity;
  change: StoredAccountChange;
}

/**
 * Renames, re-maps or closes an account from an effective date: one row in
 * `ledger.account_change`, whose trigger appends its leaf to the log, and an
 * `account.changed` event, in one transaction under the chain lock, so no
 * posting lands on an account between the checks of its closing and the
 * closing itself. The effective date may not lie in or before a closed year:
 * that year's figures per taakveld stay as approved.
 */
export async function changeAccount(db: DataSource, args: ChangeAccountArgs, audit: Audit, events: EventRecorder): Promise<Outcome<ChangedAccount>> {
  return inTransaction(db, async (tx): Promise<Outcome<ChangedAccount>> => {
    const found = await tx.getRepository(AccountEntity).findOneBy({ id: args.accountId });
    if (!found) return refuse(fail.unknownAccount('accountId', args.accountId));
    const chain = await lockChain(tx, found.neighbourhoodId);
    if (!chain) return refuse(fail.booksNotOpen(found.neighbourhoodId));
    // Read again under the lock: the balance is exact now.
    const account = (await tx.getRepository(AccountEntity).findOneBy({ id: args.accountId }))!;
    const changes = (await changesOfAccounts(tx, [account.id])).get(account.id) ?? [];
    const latest = accountStateOn(account, changes, '9999-12-31');
    const problem = changeProblem(latest, changes, args);
    if (problem?.kind === 'invalid') return refuse(fail.invalid(problem.field, problem.message));
    if (problem?.kind === 'closed') return refuse(fail.accountClosed('accountId', account, problem.closedFrom));
    if (problem?.kind === 'outOfOrder') return refuse(fail.accountChangeOutOfOrder(account, problem.latest));
    const closedYear = closedYearFrom(await periodFacts(tx, account.neighbourhoodId), args.effectiveFrom);
    if (closedYear !== null) return refuse(fail.periodClosed('effectiveFrom', closedYear));
    if (args.close) {
      const [later]: { booking_date: string }[] = await tx.query(
        `SELECT e.booking_date::text AS booking_date FROM ledger.line l JOIN ledger.entry e ON e.id = l.entry_id
          WHERE l.account_id = $1 AND e.booking_date >= $2::date ORDER BY e.booking_date DESC LIMIT 1`,
        [account.id, args.effectiveFrom],
      );
      if (later) return refuse(fail.accountUsedAfterClosing(account, later.booking_date));
      if (BigInt(account.balanceMinor) !== 0n) return refuse(fail.accountBalanceNotZero(account, { minor: BigInt(account.balanceMinor), unit: account.unit }));
    }
    const [row]: Raw[] = await tx.query(
      `INSERT INTO ledger.account_change (account_id, change, neighbourhood_id, effective_from, old_name, new_name, old_taakveld, new_taakveld, closes, reason, recorded_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, clock_timestamp(), $11) RETURNING ${COLUMNS}`,
      [
        account.id,
        changes.length + 1,
        account.neighbourhoodId,
        args.effectiveFrom,
        latest.name,
        args.name?.trim() ?? latest.name,
        latest.taakveld,
        args.taakveld?.trim() ?? latest.taakveld,
        args.close === true,
        args.reason.trim(),
        audit.actorId,
      ],
    );
    const change = toChange(row);
    await events.record(tx, ledgerEvent.accountChanged(account, change, audit));
    return succeed({ account, change });
  });
}
