import type { DataSource } from 'typeorm';
import type { MoneyValue, Unit } from '../money/money';
import { UNITS } from '../money/money';
import { AccountEntity } from './account.entity';

/*
 * Balances never add up history. The current balance is account.balance_minor,
 * moved by the line trigger in the posting transaction. A balance at the end
 * of a booking date is the sum of the account's rows in account_day (its net
 * movement per booking day, kept by the same trigger) up to that date: an
 * index range scan over (account_id, day) whose length is the number of days
 * the account moved, however many entries were booked on them.
 */

/** Balances of accounts at the end of a booking date, in the order asked. */
export async function balancesAsOf(db: DataSource, keys: readonly { accountId: string; asOf: string }[]): Promise<bigint[]> {
  const rows: { account_id: string; as_of: string; total: string }[] = await db.query(
    `SELECT k.account_id, k.as_of::text AS as_of,
            (SELECT coalesce(sum(d.net_minor), 0) FROM ledger.account_day d WHERE d.account_id = k.account_id AND d.day <= k.as_of)::text AS total
       FROM unnest($1::uuid[], $2::date[]) AS k(account_id, as_of)`,
    [keys.map((k) => k.accountId), keys.map((k) => k.asOf)],
  );
  return rows.map((r) => BigInt(r.total));
}

export interface TrialBalanceLineValue {
  account: AccountEntity;
  debit: MoneyValue;
  credit: MoneyValue;
}

export interface TrialBalanceValue {
  asOf: string | null;
  lines: TrialBalanceLineValue[];
  totals: { unit: Unit; debit: MoneyValue; credit: MoneyValue }[];
  balanced: boolean;
}

/** A trial balance from accounts and their balances: one column for debit balances, one for credit balances. */
export function buildTrialBalance(asOf: string | null, balances: { account: AccountEntity; balance: bigint }[]): TrialBalanceValue {
  const lines = balances
    .filter((b) => b.balance !== 0n)
    .sort((a, b) => (a.account.code < b.account.code ? -1 : a.account.code > b.account.code ? 1 : 0))
    .map(({ account, balance }) => ({
      account,
      debit: { minor: balance > 0n ? balance : 0n, unit: account.unit },
      credit: { minor: balance < 0n ? -balance : 0n, unit: account.unit },
    }));
  const totals = UNITS.filter((unit) => lines.some((l) => l.account.unit === unit)).map((unit) => {
    const ofUnit = lines.filter((l) => l.account.unit === unit);
    return {
      unit,
      debit: { minor: ofUnit.reduce((sum, l) => sum + l.debit.minor, 0n), unit },
      credit: { minor: ofUnit.reduce((sum, l) => sum + l.credit.minor, 0n), unit },
    };
  });
  return { asOf, lines, totals, balanced: totals.every((t) => t.debit.minor === t.credit.minor) };
}

/** A neighbourhood's trial balance, now (from the accounts) or at the end of a booking date (from the day totals). */
export async function trialBalance(db: DataSource, neighbourhoodId: string, asOf: string | null): Promise<TrialBalanceValue> {
  const accounts = await db.getRepository(AccountEntity).findBy({ neighbourhoodId });
  if (asOf === null) return buildTrialBalance(null, accounts.map((account) => ({ account, balance: BigInt(account.balanceMinor) })));
  const rows: { account_id: string; total: string }[] = await db.query(
    `SELECT d.account_id, sum(d.net_minor)::text AS total
       FROM ledger.account_day d JOIN ledger.account a ON a.id = d.account_id
      WHERE a.neighbourhood_id = $1 AND d.day <= $2
      GROUP BY d.account_id`,
    [neighbourhoodId, asOf],
  );
  const totals = new Map(rows.map((r) => [r.account_id, BigInt(r.total)]));
  return buildTrialBalance(asOf, accounts.map((account) => ({ account, balance: totals.get(account.id) ?? 0n })));
}
