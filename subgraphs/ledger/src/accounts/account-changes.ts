/**
 * The chart of accounts over time: what an account is called, which taakveld
 * it maps to and whether it is closed, on a given date. Pure; the stored
 * changes come from `ledger.account_change` (account-change-service.ts).
 *
 * An account row keeps what it was created as; each change holds the values
 * before and after, from its effective date on. Changes of one account are
 * numbered in order and their effective dates never go back, so the state on
 * a date is the last change effective on or before it (or the account as
 * created), and nothing follows a closing.
 */

export interface AccountChangeRecord {
  accountId: string;
  change: number;
  effectiveFrom: string;
  oldName: string;
  newName: string;
  oldTaakveld: string | null;
  newTaakveld: string | null;
  closes: boolean;
  reason: string;
  recordedAt: Date;
  recordedBy: string | null;
}

export interface AccountState {
  name: string;
  taakveld: string | null;
  /** The date from which the account is closed, when it is closed on the date asked about. */
  closedFrom: string | null;
}

/** The last of an account's changes effective on or before `date`, or null. `changes` in change order. */
function lastEffective<C extends Pick<AccountChangeRecord, 'effectiveFrom'>>(changes: readonly C[], date: string): C | null {
  let found: C | null = null;
  for (const c of changes) if (c.effectiveFrom <= date) found = c;
  return found;
}

/** The account's name, taakveld and closing on `date`; `created` is the account as created. */
export function accountStateOn(created: { name: string; taakveld: string | null }, changes: readonly AccountChangeRecord[], date: string): AccountState {
  const c = lastEffective(changes, date);
  if (!c) return { name: created.name, taakveld: created.taakveld, closedFrom: null };
  return { name: c.newName, taakveld: c.newTaakveld, closedFrom: c.closes ? c.effectiveFrom : null };
}

/**
 * The taakveld an account maps to on `date`, from its changes in order: what
 * budget against actuals per taakveld for a past year reads, so the mapping
 * valid then applies. Before the first change it is the first change's old
 * value (the account as created); `fallback` answers for an account without
 * changes.
 */
export function taakveldOn(
  changes: readonly Pick<AccountChangeRecord, 'effectiveFrom' | 'oldTaakveld' | 'newTaakveld'>[],
  date: string,
  fallback: string | null = null,
): string | null {
  const c = lastEffective(changes, date);
  if (c) return c.newTaakveld;
  return changes.length > 0 ? changes[0].oldTaakveld : fallback;
}

export interface ChangeRequest {
  effectiveFrom: string;
  name?: string | null;
  taakveld?: string | null;
  close?: boolean | null;
  reason: string;
}

export type ChangeProblem =
  | { kind: 'invalid'; field: string; message: string }
  | { kind: 'closed'; closedFrom: string }
  | { kind: 'outOfOrder'; latest: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What is wrong with a change request for an account with these changes so far; null when it may be recorded. */
export function changeProblem(current: AccountState, changes: readonly AccountChangeRecord[], request: ChangeRequest): ChangeProblem | null {
  if (!DATE.test(request.effectiveFrom)) return { kind: 'invalid', field: 'effectiveFrom', message: 'The effective date is not a date (YYYY-MM-DD).' };
  const reason = request.reason.trim();
  if (reason.length < 1 || reason.length > 500) return { kind: 'invalid', field: 'reason', message: 'Give a reason of 1 to 500 characters.' };
  const name = request.name?.trim();
  if (request.name != null && (!name || name.length > 200)) return { kind: 'invalid', field: 'name', message: 'A name has 1 to 200 characters.' };
  const taakveld = request.taakveld?.trim();
  if (request.taakveld != null && (!taakveld || taakveld.length > 20)) return { kind: 'invalid', field: 'taakveld', message: 'A taakveld has 1 to 20 characters, e.g. "5.7".' };
  if (request.close === false) return { kind: 'invalid', field: 'close', message: 'A closed account is not reopened; leave close out, or set it to true.' };
  const last = changes[changes.length - 1];
  if (last?.closes) return { kind: 'closed', closedFrom: last.effectiveFrom };
  if (last && request.effectiveFrom < last.effectiveFrom) return { kind: 'outOfOrder', latest: last.effectiveFrom };
  const renames = name !== undefined && name !== current.name;
  const remaps = taakveld !== undefined && taakveld !== current.taakveld;
  if (!renames && !remaps && request.close !== true) {
    return { kind: 'invalid', field: 'input', message: 'The change changes nothing: give a new name, a new taakveld, or close: true.' };
  }
  return null;
}
