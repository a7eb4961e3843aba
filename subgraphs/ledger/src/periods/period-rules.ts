import type { AccountType } from '../accounts/account.entity';
import { fail, type Failure } from '../ledger-errors';
import type { Unit } from '../money/money';

/**
 * The rules of financial years that need no database. A financial year is a
 * calendar year of a neighbourhood's books; it is open unless it was closed.
 */

/** How far ahead of today (in the Netherlands) a booking date may lie: a month, for a payment already agreed. */
export const MAX_DAYS_AHEAD = 31;

export type YearStatus = 'open' | 'closed';

/** What the books say about their years, read once per posting. */
export interface PeriodFacts {
  /** The year of the earliest booking date in the books; null while they are empty. */
  firstYear: number | null;
  /** The years that were closed. */
  closedYears: ReadonlySet<number>;
}

export const yearOf = (date: string): number => Number(date.slice(0, 4));
export const yearEnd = (year: number): string => `${String(year).padStart(4, '0')}-12-31`;

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The status of `year` by the facts: closed when closed, else open. */
export function statusOf(facts: Pick<PeriodFacts, 'closedYears'>, year: number): YearStatus {
  return facts.closedYears.has(year) ? 'closed' : 'open';
}

/**
 * The first closed year in or after `date`'s year, or null. What takes effect
 * from a date (opening balances, an account's change) reaches into every later
 * year too, so a date before a closed year would rewrite that year's figures.
 */
export function closedYearFrom(facts: Pick<PeriodFacts, 'closedYears'>, date: string): number | null {
  const from = [...facts.closedYears].filter((year) => year >= yearOf(date)).sort((a, b) => a - b);
  return from[0] ?? null;
}

/**
 * The first year the books accept. Once they hold entries, it is the year of
 * the earliest one (or of the opening balances, which must be the earliest):
 * nothing may be booked before the books began. Empty books accept last year
 * too, so a treasurer who starts in January can still book December.
 */
export function earliestYear(facts: PeriodFacts, today: string): number {
  return facts.firstYear ?? yearOf(today) - 1;
}

/**
 * Whether a booking date lies where the books accept one: in an open year,
 * not before the books began, and not more than `MAX_DAYS_AHEAD` days after
 * today. `field` names the input the date came from.
 */
export function bookingDateProblem(
  bookingDate: string,
  facts: PeriodFacts,
  today: string,
  field = 'bookingDate',
): Failure<'PeriodClosed' | 'BookingDateBeforeBooks' | 'BookingDateTooFarAhead'> | null {
  const year = yearOf(bookingDate);
  if (facts.closedYears.has(year)) return fail.periodClosed(field, year);
  const earliest = earliestYear(facts, today);
  if (year < earliest) return fail.bookingDateBeforeBooks(field, bookingDate, `${String(earliest).padStart(4, '0')}-01-01`);
  const latest = addDays(today, MAX_DAYS_AHEAD);
  if (bookingDate > latest) return fail.bookingDateTooFarAhead(field, bookingDate, latest);
  return null;
}

/** Whether `year` may be closed now: it is over, it lies in the books, it is still open and the year before is closed. */
export function closeYearProblem(
  year: number,
  facts: PeriodFacts,
  today: string,
): Failure<'YearNotOver' | 'YearOutsideBooks' | 'YearAlreadyClosed' | 'PreviousYearOpen'> | null {
  if (facts.closedYears.has(year)) return fail.yearAlreadyClosed(year);
  if (yearEnd(year) >= today) return fail.yearNotOver(year);
  if (facts.firstYear === null || year < facts.firstYear) return fail.yearOutsideBooks(year, facts.firstYear);
  if (year > facts.firstYear && !facts.closedYears.has(year - 1)) return fail.previousYearOpen(year - 1);
  return null;
}

/** An account's movement over one year, as the closing needs it. */
export interface YearMovement {
  accountId: string;
  code: string;
  type: AccountType;
  unit: Unit;
  /** Sum of the account's lines dated in the year (debits positive). */
  minor: bigint;
}

export interface ClosingLine {
  accountId: string;
  unit: Unit;
  minor: bigint;
}

/** The closing entry of one unit: its lines, and the result moved to equity (positive is a surplus). */
export interface ClosingEntryPlan {
  unit: Unit;
  lines: ClosingLine[];
  result: bigint;
}

/**
 * The year-end closing entries: per unit, one entry that brings every income
 * and expense account's movement of the year back to zero and puts the
 * difference (the year's result) on the unit's equity account. A unit whose
 * income and expense accounts did not move gets no entry. `equityAccountOf`
 * gives the account that receives a unit's result, or null when the chart has
 * none.
 */
export function planClosingEntries(
  movements: YearMovement[],
  equityAccountOf: (unit: Unit) => string | null,
): { plans: ClosingEntryPlan[] } | { failure: Failure<'NoEquityAccount'> } {
  const byUnit = new Map<Unit, YearMovement[]>();
  for (const m of movements) {
    if ((m.type !== 'INCOME' && m.type !== 'EXPENSE') || m.minor === 0n) continue;
    byUnit.set(m.unit, [...(byUnit.get(m.unit) ?? []), m]);
  }
  const plans: ClosingEntryPlan[] = [];
  for (const [unit, accounts] of [...byUnit].sort(([a], [b]) => a.localeCompare(b))) {
    const equity = equityAccountOf(unit);
    if (!equity) return { failure: fail.noEquityAccount(unit) };
    const sorted = [...accounts].sort((a, b) => a.code.localeCompare(b.code));
    const lines: ClosingLine[] = sorted.map((m) => ({ accountId: m.accountId, unit, minor: -m.minor }));
    // Income is credit (negative), expense debit: their sum negated is the surplus, credited to equity.
    const result = -sorted.reduce((sum, m) => sum + m.minor, 0n);
    if (result !== 0n) lines.push({ accountId: equity, unit, minor: -result });
    // An entry needs two lines; a year whose income exactly cancelled out on one account cannot happen (one account, non-zero).
    plans.push({ unit, lines, result });
  }
  return { plans };
}

/** The account that receives a unit's result: the unit's equity account with the lowest code, not a project's. */
export function equityAccountFor(accounts: { id: string; code: string; type: AccountType; unit: Unit; projectId: string | null }[], unit: Unit): string | null {
  const candidates = accounts.filter((a) => a.type === 'EQUITY' && a.unit === unit && a.projectId === null).sort((a, b) => a.code.localeCompare(b.code));
  return candidates[0]?.id ?? null;
}
