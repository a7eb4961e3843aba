import { isUuid } from '@dbwe/platform';
import { fail, refuse, succeed, type Failure, type Outcome } from '../ledger-errors';
import { parseAmount, type Unit } from '../money/money';
import type { AccountEntity, AccountType } from '../accounts/account.entity';

/**
 * The rules of a neighbourhood budget's lines, without I/O: what a line may
 * name, how amounts are read, and how a revision's lines compare with
 * another's (for a retried request).
 */

/** The Iv3 taakveld form the chart of accounts uses too (account_taakveld_format). */
export const TAAKVELD_FORM = /^[0-9]\.[0-9]{1,2}(\.[0-9])?$/;

/** A budget is for income and expense: what a year brings in and spends, by account or by taakveld. */
export type BudgetType = Extract<AccountType, 'INCOME' | 'EXPENSE'>;

export interface BudgetLineInput {
  accountId?: string | null;
  taakveld?: string | null;
  /** INCOME or EXPENSE; any other account type is refused. */
  type?: AccountType | null;
  amount: string;
  unit: Unit;
}

/** A line as the books keep it: for an account (with the account's type) or for a taakveld and type. */
export interface BudgetLine {
  accountId: string | null;
  taakveld: string | null;
  type: BudgetType;
  unit: Unit;
  minor: bigint;
}

export type BudgetLineFailure = Failure<'InvalidLedgerInput' | 'MalformedAmount' | 'InvalidTaakveld' | 'UnknownAccount' | 'ForeignAccount' | 'UnitMismatch'>;

export const MAX_BUDGET_LINES = 500;

/**
 * Reads the lines of a revision. `accounts` holds the accounts the lines name
 * that exist (any neighbourhood's): one of another neighbourhood is refused by
 * name, as are an unknown id, a taakveld not of the Iv3 form, a bad amount and
 * an account or taakveld named twice.
 */
export function readBudgetLines(
  neighbourhoodId: string,
  lines: readonly BudgetLineInput[],
  accounts: ReadonlyMap<string, AccountEntity>,
): Outcome<BudgetLine[], BudgetLineFailure> {
  if (lines.length === 0) return refuse(fail.invalid('lines', 'A budget has at least one line.'));
  if (lines.length > MAX_BUDGET_LINES) return refuse(fail.invalid('lines', `A budget has at most ${MAX_BUDGET_LINES} lines; this one has ${lines.length}.`));
  const read: BudgetLine[] = [];
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    const at = `lines.${i}`;
    const taakveld = line.taakveld?.trim() || null;
    if ((line.accountId == null) === (taakveld === null)) {
      return refuse(fail.invalid(at, 'A budget line names either an account (accountId) or an Iv3 taakveld (taakveld), not both and not neither.'));
    }
    const minor = parseAmount(line.amount, line.unit);
    if (minor === null) return refuse(fail.malformedAmount(`${at}.amount`, line.amount, 'give a plain decimal such as "1500.00", with at most two decimals'));
    if (minor < 0n) return refuse(fail.malformedAmount(`${at}.amount`, line.amount, 'a budgeted amount is zero or more'));
    let value: BudgetLine;
    if (line.accountId != null) {
      const id = line.accountId.toLowerCase();
      const account = isUuid(id) ? accounts.get(id) : undefined;
      if (!account) return refuse(fail.unknownAccount(`${at}.accountId`, line.accountId));
      if (account.neighbourhoodId !== neighbourhoodId) return refuse(fail.foreignAccount(`${at}.accountId`, account));
      if (account.type !== 'INCOME' && account.type !== 'EXPENSE') {
        return refuse(fail.invalid(`${at}.accountId`, `Account ${account.code} is an ${account.type.toLowerCase()} account; a budget names income and expense accounts.`));
      }
      if (account.unit !== line.unit) return refuse(fail.unitMismatch(`${at}.unit`, account, line.unit));
      if (line.type != null && line.type !== account.type) {
        return refuse(fail.invalid(`${at}.type`, `Account ${account.code} is an ${account.type} account; leave type out or give ${account.type}.`));
      }
      value = { accountId: account.id, taakveld: null, type: account.type, unit: line.unit, minor };
    } else {
      if (!TAAKVELD_FORM.test(taakveld!)) return refuse(fail.invalidTaakveld(`${at}.taakveld`, taakveld!));
      const type = line.type ?? 'EXPENSE';
      if (type !== 'INCOME' && type !== 'EXPENSE') return refuse(fail.invalid(`${at}.type`, 'A budget line is a budget of INCOME or of EXPENSE.'));
      value = { accountId: null, taakveld, type, unit: line.unit, minor };
    }
    const key = lineKey(value);
    if (seen.has(key)) {
      return refuse(fail.invalid(at, value.accountId ? 'The budget names this account twice.' : `The budget names taakveld ${value.taakveld} (${value.type}, ${value.unit}) twice.`));
    }
    seen.add(key);
    read.push(value);
  }
  return succeed(read);
}

const lineKey = (l: BudgetLine) => (l.accountId ? `account:${l.accountId}` : `taakveld:${l.taakveld}/${l.type}/${l.unit}`);

/** Whether two revisions say the same: the same lines in the same order and the same reason. */
export function sameRevision(a: { lines: BudgetLine[]; reason: string }, b: { lines: BudgetLine[]; reason: string }): boolean {
  return (
    a.reason === b.reason &&
    a.lines.length === b.lines.length &&
    a.lines.every((l, i) => {
      const m = b.lines[i];
      return l.accountId === m.accountId && l.taakveld === m.taakveld && l.type === m.type && l.unit === m.unit && l.minor === m.minor;
    })
  );
}
