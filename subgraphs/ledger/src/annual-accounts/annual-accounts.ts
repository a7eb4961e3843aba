import type { DataSource, EntityManager } from 'typeorm';
import { AccountEntity } from '../accounts/account.entity';
import type { MoneyValue, Unit } from '../money/money';
import { currentBudget, type NeighbourhoodBudgetView } from '../neighbourhood-budgets/neighbourhood-budget';
import { changesOfAccounts } from '../accounts/account-change-service';
import { taakveldInYear, taakveldSplit } from './taakveld-in-year';
import { balanceSheet, budgetVsActuals, incomeStatement, natural, type AccountYear, type BalanceSheetValue, type BudgetVsActualsValue, type IncomeStatementValue } from './statements';

/** The first and last booking date of a calendar year (a neighbourhood's financial year). */
export const yearBounds = (year: number) => ({ start: `${String(year).padStart(4, '0')}-01-01`, end: `${String(year).padStart(4, '0')}-12-31` });

/** Every account of the books with its movement in the year and its balance at the year's end, from the day totals. */
export async function accountYears(db: EntityManager, neighbourhoodId: string, year: number): Promise<AccountYear[]> {
  const { start, end } = yearBounds(year);
  const accounts = await db.getRepository(AccountEntity).find({ where: { neighbourhoodId }, order: { code: 'ASC' } });
  const rows: { account_id: string; movement: string; closing: string }[] = await db.query(
    `SELECT d.account_id, coalesce(sum(d.net_minor) FILTER (WHERE d.day >= $2), 0)::text AS movement, sum(d.net_minor)::text AS closing
       FROM ledger.account_day d JOIN ledger.account a ON a.id = d.account_id
      WHERE a.neighbourhood_id = $1 AND d.day <= $3
      GROUP BY d.account_id`,
    [neighbourhoodId, start, end],
  );
  // A closed year's closing entries move its results to equity: the balances at the year's end include them, the year's
  // movements (what the income statement shows) do not.
  const closing: { account_id: string; net: string }[] = await db.query(
    `SELECT l.account_id, sum(l.amount_minor)::text AS net
       FROM ledger.financial_years f CROSS JOIN unnest(f.closing_entry_ids) AS c(entry_id) JOIN ledger.line l ON l.entry_id = c.entry_id
      WHERE f.neighbourhood_id = $1 AND f.year = $2
      GROUP BY l.account_id`,
    [neighbourhoodId, year],
  );
  const sums = new Map(rows.map((r) => [r.account_id, r]));
  const closed = new Map(closing.map((r) => [r.account_id, BigInt(r.net)]));
  const changes = await changesOfAccounts(db, accounts.map((a) => a.id));
  // Only an income or expense account re-mapped during the year needs its days: the rest count for one taakveld.
  const remapped = accounts.filter(
    (a) => (a.type === 'INCOME' || a.type === 'EXPENSE') && (changes.get(a.id) ?? []).some((c) => c.effectiveFrom > start && c.effectiveFrom <= end && c.oldTaakveld !== c.newTaakveld),
  );
  const days = new Map<string, { day: string; net: bigint }[]>();
  if (remapped.length > 0) {
    const dayRows: { account_id: string; day: string; net_minor: string }[] = await db.query(
      `SELECT account_id, day::text, net_minor::text FROM ledger.account_day WHERE account_id = ANY($1::uuid[]) AND day BETWEEN $2 AND $3 ORDER BY account_id, day`,
      [remapped.map((a) => a.id), start, end],
    );
    for (const r of dayRows) days.set(r.account_id, [...(days.get(r.account_id) ?? []), { day: r.day, net: BigInt(r.net_minor) }]);
    // The closing entries are dated on the year's last day: they leave the movement there.
    for (const a of remapped) if (closed.has(a.id)) days.get(a.id)?.push({ day: end, net: -closed.get(a.id)! });
  }
  return accounts.map((account) => {
    const history = changes.get(account.id) ?? [];
    return {
      account,
      movement: BigInt(sums.get(account.id)?.movement ?? '0') - (closed.get(account.id) ?? 0n),
      closingBalance: BigInt(sums.get(account.id)?.closing ?? '0'),
      taakveld: taakveldInYear(account, year, history),
      ...(days.has(account.id) ? { byTaakveld: taakveldSplit(account, history, days.get(account.id)!) } : {}),
    };
  });
}

export async function budgetVsActualsOf(db: DataSource, neighbourhoodId: string, year: number): Promise<BudgetVsActualsValue> {
  const [accounts, budget] = await Promise.all([accountYears(db.manager, neighbourhoodId, year), currentBudget(db.manager, neighbourhoodId, year)]);
  return budgetVsActuals(neighbourhoodId, year, accounts, budget && budget.current);
}

export interface ProjectHoursValue {
  projectId: string | null;
  given: MoneyValue;
  received: MoneyValue;
}

export interface AnnualProjectNoteValue {
  projectId: string;
  budget: MoneyValue | null;
  spent: MoneyValue;
  received: MoneyValue;
  hours: MoneyValue;
}

export interface AnnualAccountsValue {
  neighbourhoodId: string;
  year: number;
  periodStart: string;
  periodEnd: string;
  budget: NeighbourhoodBudgetView | null;
  balanceSheet: BalanceSheetValue;
  incomeStatement: IncomeStatementValue;
  budgetVsActuals: BudgetVsActualsValue;
  volunteerHours: { given: MoneyValue; received: MoneyValue; byProject: ProjectHoursValue[] };
  projects: AnnualProjectNoteValue[];
  entryCount: number;
  /** The newest entry booked in the year, by leaf index: what the year-end checkpoint must cover. */
  lastEntry: { id: string; leafIndex: number } | null;
}

const hours = (minor: bigint): MoneyValue => ({ minor, unit: 'HOUR' });
const eur = (minor: bigint): MoneyValue => ({ minor, unit: 'EUR' });

/** A neighbourhood's annual accounts for a calendar year, by booking date: every figure is a sum of the year's (or, for balances, all earlier) entry lines. */
export async function annualAccounts(db: DataSource, neighbourhoodId: string, year: number): Promise<AnnualAccountsValue | null> {
  const open: unknown[] = await db.query(`SELECT 1 FROM ledger.chain WHERE neighbourhood_id = $1`, [neighbourhoodId]);
  if (open.length === 0) return null;
  const { start, end } = yearBounds(year);
  const [accounts, budget] = await Promise.all([accountYears(db.manager, neighbourhoodId, year), currentBudget(db.manager, neighbourhoodId, year)]);

  const perProject: { project_id: string | null; type: 'INCOME' | 'EXPENSE'; unit: Unit; total: string }[] = await db.query(
    `SELECT e.project_id, a.type, l.unit, sum(l.amount_minor)::text AS total
       FROM ledger.entry e JOIN ledger.line l ON l.entry_id = e.id JOIN ledger.account a ON a.id = l.account_id
      WHERE e.neighbourhood_id = $1 AND e.booking_date BETWEEN $2 AND $3 AND a.type IN ('INCOME', 'EXPENSE')
      GROUP BY e.project_id, a.type, l.unit`,
    [neighbourhoodId, start, end],
  );
  const projectBudgets: { project_id: string; total: string }[] = await db.query(
    `SELECT b.project_id, sum(r.amount_minor)::text AS total
       FROM ledger.budget b
       CROSS JOIN LATERAL (SELECT amount_minor FROM ledger.budget_revision WHERE budget_id = b.id ORDER BY revision DESC LIMIT 1) r
      WHERE b.neighbourhood_id = $1 AND b.unit = 'EUR' AND b.period_start <= $3 AND b.period_end >= $2
      GROUP BY b.project_id`,
    [neighbourhoodId, start, end],
  );
  const [entries]: { count: string; last_id: string | null; last_leaf: string | null }[] = await db.query(
    `SELECT count(*)::text AS count,
            (array_agg(id ORDER BY leaf_index DESC))[1] AS last_id, max(leaf_index)::text AS last_leaf
       FROM ledger.entry WHERE neighbourhood_id = $1 AND booking_date BETWEEN $2 AND $3`,
    [neighbourhoodId, start, end],
  );

  const hoursByProject = new Map<string | null, ProjectHoursValue>();
  const notes = new Map<string, AnnualProjectNoteValue>();
  const note = (projectId: string) => {
    let n = notes.get(projectId);
    if (!n) notes.set(projectId, (n = { projectId, budget: null, spent: eur(0n), received: eur(0n), hours: hours(0n) }));
    return n;
  };
  for (const row of perProject) {
    const amount = natural(row.type, BigInt(row.total));
    if (row.unit === 'HOUR') {
      let h = hoursByProject.get(row.project_id);
      if (!h) hoursByProject.set(row.project_id, (h = { projectId: row.project_id, given: hours(0n), received: hours(0n) }));
      // Hours given by volunteers are credited to an hours income account; the hours a project received are its expense.
      if (row.type === 'INCOME') h.given.minor += amount;
      else h.received.minor += amount;
    }
    if (!row.project_id) continue;
    const n = note(row.project_id);
    if (row.unit === 'EUR' && row.type === 'EXPENSE') n.spent.minor += amount;
    if (row.unit === 'EUR' && row.type === 'INCOME') n.received.minor += amount;
    if (row.unit === 'HOUR' && row.type === 'EXPENSE') n.hours.minor += amount;
  }
  for (const b of projectBudgets) note(b.project_id).budget = eur(BigInt(b.total));

  const byProject = [...hoursByProject.values()].sort((a, b) => (a.projectId ?? '~').localeCompare(b.projectId ?? '~'));
  return {
    neighbourhoodId,
    year,
    periodStart: start,
    periodEnd: end,
    budget,
    balanceSheet: balanceSheet(year, accounts),
    incomeStatement: incomeStatement(accounts),
    budgetVsActuals: budgetVsActuals(neighbourhoodId, year, accounts, budget && budget.current),
    volunteerHours: {
      given: hours(byProject.reduce((s, h) => s + h.given.minor, 0n)),
      received: hours(byProject.reduce((s, h) => s + h.received.minor, 0n)),
      byProject,
    },
    projects: [...notes.values()].sort((a, b) => a.projectId.localeCompare(b.projectId)),
    entryCount: Number(entries.count),
    lastEntry: entries.last_id ? { id: entries.last_id, leafIndex: Number(entries.last_leaf) } : null,
  };
}

/** The size of the first checkpoint signed over the year's last entry; null when none has been signed since it was booked. */
export async function yearEndCheckpointSize(db: EntityManager, neighbourhoodId: string, lastLeafIndex: number): Promise<number | null> {
  const [row]: { size: string | null }[] = await db.query(
    `SELECT min(tree_size)::text AS size FROM ledger.checkpoint WHERE neighbourhood_id = $1 AND tree_size > $2`,
    [neighbourhoodId, lastLeafIndex],
  );
  return row.size === null ? null : Number(row.size);
}
