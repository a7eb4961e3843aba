import type { AccountEntity } from '../accounts/account.entity';
import { UNITS, type MoneyValue, type Unit } from '../money/money';
import type { BudgetLine, BudgetType } from '../neighbourhood-budgets/budget-lines';
import { taakveldInYear } from './taakveld-in-year';

/*
 * The statements of a year, computed from per-account figures without I/O:
 * budget against actuals, the income statement and the balance sheet. Every
 * amount is a sum of entry lines; the sign is turned so that each figure reads
 * as a treasurer writes it (income, liabilities and equity as positive
 * amounts, like expenses and assets).
 */

/** An account's figures for the year: its net movement (debits positive) in the year, and its balance at the year's end. */
export interface AccountYear {
  account: AccountEntity;
  movement: bigint;
  closingBalance: bigint;
  /** The taakveld at the year's end (taakveldInYear); absent: the account's own. */
  taakveld?: string | null;
  /** The movement split by the taakveld of each booking date (taakveldSplit), when it was re-mapped in the year; absent: all of it counts for `taakveld`. */
  byTaakveld?: { taakveld: string | null; movement: bigint }[];
}

const m = (minor: bigint, unit: Unit): MoneyValue => ({ minor, unit });

/** The amount as the statements show it: debit-positive for assets and expenses, credit-positive for the rest. */
export function natural(type: AccountEntity['type'], debitPositive: bigint): bigint {
  return type === 'ASSET' || type === 'EXPENSE' ? debitPositive : -debitPositive;
}

export interface AccountBudgetVsActualValue {
  account: AccountEntity;
  taakveld: string | null;
  type: BudgetType;
  unit: Unit;
  budget: MoneyValue;
  actual: MoneyValue;
  difference: MoneyValue;
}

export interface TaakveldBudgetVsActualValue {
  /** Null for the accounts mapped to no taakveld. */
  taakveld: string | null;
  type: BudgetType;
  unit: Unit;
  budget: MoneyValue;
  actual: MoneyValue;
  difference: MoneyValue;
}

export interface BudgetVsActualsValue {
  neighbourhoodId: string;
  year: number;
  budgetRevision: number | null;
  byAccount: AccountBudgetVsActualValue[];
  byTaakveld: TaakveldBudgetVsActualValue[];
  unmapped: TaakveldBudgetVsActualValue[];
}

/** Orders taakveld codes as Iv3 does: 0.1, 0.2, …, 0.10, 1.1 (by number per part, not as text). */
export function compareTaakveld(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

const TYPE_ORDER: Record<BudgetType, number> = { INCOME: 0, EXPENSE: 1 };

/**
 * Budget against actuals for a year: per income and expense account (those
 * with a budget line or a movement), with the taakveld it maps to at the
 * year's end, and per taakveld, type and unit, where an account's actuals
 * count for the taakveld the account mapped to on each line's booking date,
 * its budget line for the one at the year's end, and a taakveld line counts on
 * its own. Difference = budget − actual.
 */
export function budgetVsActuals(neighbourhoodId: string, year: number, accounts: readonly AccountYear[], budget: { revision: number; lines: BudgetLine[] } | null): BudgetVsActualsValue {
  const lines = budget?.lines ?? [];
  const byAccountId = new Map(lines.filter((l) => l.accountId).map((l) => [l.accountId!, l]));
  const byAccount: AccountBudgetVsActualValue[] = [];
  const groups = new Map<string, TaakveldBudgetVsActualValue>();
  const group = (taakveld: string | null, type: BudgetType, unit: Unit) => {
    const key = `${taakveld ?? ''}/${type}/${unit}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { taakveld, type, unit, budget: m(0n, unit), actual: m(0n, unit), difference: m(0n, unit) }));
    return g;
  };
  const sorted = [...accounts].sort((a, b) => (a.account.code < b.account.code ? -1 : a.account.code > b.account.code ? 1 : 0));
  for (const { account, movement, ...over } of sorted) {
    if (account.type !== 'INCOME' && account.type !== 'EXPENSE') continue;
    const type = account.type;
    const line = byAccountId.get(account.id);
    const budgeted = line?.minor ?? 0n;
    const actual = natural(type, movement);
    if (!line && actual === 0n) continue;
    const taakveld = over.taakveld !== undefined ? over.taakveld : taakveldInYear(account, year);
    byAccount.push({ account, taakveld, type, unit: account.unit, budget: m(budgeted, account.unit), actual: m(actual, account.unit), difference: m(budgeted - actual, account.unit) });
    group(taakveld, type, account.unit).budget.minor += budgeted;
    for (const part of over.byTaakveld ?? [{ taakveld, movement }]) group(part.taakveld, type, account.unit).actual.minor += natural(type, part.movement);
  }
  for (const line of lines) {
    if (line.accountId) continue;
    group(line.taakveld, line.type, line.unit).budget.minor += line.minor;
  }
  const all = [...groups.values()].map((g) => ({ ...g, difference: m(g.budget.minor - g.actual.minor, g.unit) }));
  const order = (a: TaakveldBudgetVsActualValue, b: TaakveldBudgetVsActualValue) =>
    compareTaakveld(a.taakveld ?? '', b.taakveld ?? '') || TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || UNITS.indexOf(a.unit) - UNITS.indexOf(b.unit);
  return {
    neighbourhoodId,
    year,
    budgetRevision: budget?.revision ?? null,
    byAccount,
    byTaakveld: all.filter((g) => g.taakveld !== null).sort(order),
    unmapped: all.filter((g) => g.taakveld === null).sort(order),
  };
}

export interface StatementLineValue {
  account: AccountEntity;
  amount: MoneyValue;
}

export interface IncomeStatementValue {
  income: StatementLineValue[];
  expenses: StatementLineValue[];
  totals: { unit: Unit; income: MoneyValue; expenses: MoneyValue; result: MoneyValue }[];
}

export interface BalanceSheetValue {
  asOf: string;
  assets: StatementLineValue[];
  liabilities: StatementLineValue[];
  equity: StatementLineValue[];
  totals: { unit: Unit; assets: MoneyValue; liabilities: MoneyValue; equity: MoneyValue; resultNotInEquity: MoneyValue; balanced: boolean }[];
}

function linesOf(accounts: readonly AccountYear[], type: AccountEntity['type'], figure: (a: AccountYear) => bigint): StatementLineValue[] {
  return accounts
    .filter((a) => a.account.type === type && figure(a) !== 0n)
    .sort((a, b) => (a.account.code < b.account.code ? -1 : a.account.code > b.account.code ? 1 : 0))
    .map((a) => ({ account: a.account, amount: m(natural(type, figure(a)), a.account.unit) }));
}

const sumOf = (lines: StatementLineValue[], unit: Unit) => lines.filter((l) => l.amount.unit === unit).reduce((s, l) => s + l.amount.minor, 0n);

/** Income and expenses booked in the year, per account, with totals and the result per unit. */
export function incomeStatement(accounts: readonly AccountYear[]): IncomeStatementValue {
  const income = linesOf(accounts, 'INCOME', (a) => a.movement);
  const expenses = linesOf(accounts, 'EXPENSE', (a) => a.movement);
  const units = UNITS.filter((u) => [...income, ...expenses].some((l) => l.amount.unit === u));
  return {
    income,
    expenses,
    totals: units.map((unit) => {
      const i = sumOf(income, unit);
      const e = sumOf(expenses, unit);
      return { unit, income: m(i, unit), expenses: m(e, unit), result: m(i - e, unit) };
    }),
  };
}

/**
 * The balance sheet at the year's end. Income and expense not yet moved to
 * equity by a year-end closing (every year's, up to this one) shows as the
 * result not in equity, so that assets = liabilities + equity + that result.
 */
export function balanceSheet(year: number, accounts: readonly AccountYear[]): BalanceSheetValue {
  const assets = linesOf(accounts, 'ASSET', (a) => a.closingBalance);
  const liabilities = linesOf(accounts, 'LIABILITY', (a) => a.closingBalance);
  const equity = linesOf(accounts, 'EQUITY', (a) => a.closingBalance);
  const units = UNITS.filter((u) => accounts.some((a) => a.account.unit === u && a.closingBalance !== 0n));
  return {
    asOf: `${year}-12-31`,
    assets,
    liabilities,
    equity,
    totals: units.map((unit) => {
      const result = -accounts
        .filter((a) => a.account.unit === unit && (a.account.type === 'INCOME' || a.account.type === 'EXPENSE'))
        .reduce((s, a) => s + a.closingBalance, 0n);
      const [as, ls, es] = [sumOf(assets, unit), sumOf(liabilities, unit), sumOf(equity, unit)];
      return { unit, assets: m(as, unit), liabilities: m(ls, unit), equity: m(es, unit), resultNotInEquity: m(result, unit), balanced: as === ls + es + result };
    }),
  };
}

/** A taakveld row as the graph serves it: with the neighbourhood and year it belongs to, so exported rows carry them. */
export interface TaakveldRowValue extends TaakveldBudgetVsActualValue {
  neighbourhoodId: string;
  year: number;
}
