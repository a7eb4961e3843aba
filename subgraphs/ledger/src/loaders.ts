import type { DataSource } from 'typeorm';
import { In, MoreThan } from 'typeorm';
import DataLoader from 'dataloader';
import { changedSinceLoader, listLoader, rowLoader } from '@dbwe/platform';
import { AccountEntity } from './accounts/account.entity';
import { balancesAsOf } from './accounts/balances';
import { changesOfAccounts } from './accounts/account-change-service';
import { BudgetEntity, BudgetRevisionEntity, type BudgetView } from './budgets/budget.entity';
import { ChainEntity } from './entries/chain.entity';
import { EntryEntity } from './entries/entry.entity';
import { LineEntity } from './entries/line.entity';
import type { SigningKeyRow } from './log/checkpoints';
import { witnessesById, witnessesOf, type CosignatureRow } from './log/witnesses';

/** A project's totals from the books, in minor units. */
export interface ProjectTotals {
  spentEur: bigint;
  receivedEur: bigint;
  hours: bigint;
}

/** What a project's expense lines add up to on one booking date, in minor units. */
export interface ProjectExpenseDay {
  bookingDate: string;
  spentEur: bigint;
  hours: bigint;
}

interface DateRangeKey {
  id: string;
  from: string | null;
  to: string | null;
}

const rangeKey = (key: DateRangeKey) => `${key.id}|${key.from ?? ''}|${key.to ?? ''}`;

/** Loaders for one request; never shared between requests. */
export function createLoaders(db: DataSource) {
  return {
    account: rowLoader((ids: readonly string[]) => db.getRepository(AccountEntity).findBy({ id: In([...ids]) }), (row) => row.id),
    entry: rowLoader((ids: readonly string[]) => db.getRepository(EntryEntity).findBy({ id: In([...ids]) }), (row) => row.id),
    /** The reversal of each entry, if it has one. */
    reversalOf: rowLoader(
      (ids: readonly string[]) => db.getRepository(EntryEntity).findBy({ reversesId: In([...ids]) }),
      (row) => row.reversesId as string,
    ),
    chain: rowLoader(
      (ids: readonly string[]) => db.getRepository(ChainEntity).findBy({ neighbourhoodId: In([...ids]) }),
      (row) => row.neighbourhoodId,
    ),
    accountsByNeighbourhood: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(AccountEntity).find({ where: { neighbourhoodId: In([...ids]) }, order: { code: 'ASC' } }),
      (row) => row.neighbourhoodId,
    ),
    /** Each neighbourhood's accounts whose record or balance changed after a time, by code. */
    accountsChangedSince: changedSinceLoader(
      (ids, since) =>
        db.getRepository(AccountEntity).find({ where: { neighbourhoodId: In(ids), updatedAt: MoreThan(since) }, order: { code: 'ASC' } }),
      (row) => row.neighbourhoodId,
    ),
    /** The year each year-end closing entry closes. */
    closingYearOf: rowLoader(
      async (ids: readonly string[]) =>
        (await db.query(
          `SELECT c.entry_id, f.year FROM ledger.financial_years f CROSS JOIN LATERAL unnest(f.closing_entry_ids) AS c(entry_id)
            WHERE f.closing_entry_ids && $1::uuid[] AND c.entry_id = ANY($1::uuid[])`,
          [[...ids]],
        )) as { entry_id: string; year: number }[],
      (row) => row.entry_id,
    ),
    /** The opening-balance entry among these, if any. */
    openingBalanceOf: rowLoader(
      async (ids: readonly string[]) =>
        (await db.query(`SELECT entry_id FROM ledger.opening_balance WHERE entry_id = ANY($1::uuid[])`, [[...ids]])) as { entry_id: string }[],
      (row) => row.entry_id,
    ),
    /** Each account's changes from an effective date, in change order. */
    accountChanges: new DataLoader(async (ids: readonly string[]) => {
      const changes = await changesOfAccounts(db.manager, ids);
      return ids.map((id) => changes.get(id) ?? []);
    }),
    linesByEntry: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(LineEntity).find({ where: { entryId: In([...ids]) }, order: { position: 'ASC' } }),
      (row) => row.entryId,
    ),
    balanceAsOf: new DataLoader<{ accountId: string; asOf: string }, bigint, string>((keys) => balancesAsOf(db, keys), {
      cacheKeyFn: (key) => `${key.accountId}|${key.asOf}`,
    }),
    /** Spent and received euros and hours spent per project, from the per-day project totals. */
    projectTotals: new DataLoader<string, ProjectTotals>(async (projectIds) => {
      const rows: { project_id: string; type: string; unit: string; total: string }[] = await db.query(
        `SELECT d.project_id, a.type, a.unit, sum(d.net_minor)::text AS total
           FROM ledger.project_day d JOIN ledger.account a ON a.id = d.account_id
          WHERE d.project_id = ANY($1::uuid[]) AND a.type IN ('EXPENSE', 'INCOME')
          GROUP BY d.project_id, a.type, a.unit`,
        [projectIds],
      );
      const totals = new Map(projectIds.map((id) => [id, { spentEur: 0n, receivedEur: 0n, hours: 0n }]));
      for (const row of rows) {
        const t = totals.get(row.project_id)!;
        const total = BigInt(row.total);
        if (row.type === 'EXPENSE' && row.unit === 'EUR') t.spentEur = total;
        if (row.type === 'EXPENSE' && row.unit === 'HOUR') t.hours = total;
        // Income is credited, so its lines sum to a negative amount.
        if (row.type === 'INCOME' && row.unit === 'EUR') t.receivedEur = -total;
      }
      return projectIds.map((id) => totals.get(id)!);
    }),
    /** Each project's expense lines per booking date, in euros and hours, oldest first; only dates with a total. */
    projectExpenseDays: new DataLoader<string, ProjectExpenseDay[]>(async (projectIds) => {
      // One row per project and date, in the order of the primary key's index.
      const rows: { project_id: string; day: string; eur: string; hours: string }[] = await db.query(
        `SELECT d.project_id, d.day::text AS day,
                coalesce(sum(d.net_minor) FILTER (WHERE a.unit = 'EUR'), 0)::text AS eur,
                coalesce(sum(d.net_minor) FILTER (WHERE a.unit = 'HOUR'), 0)::text AS hours
           FROM ledger.project_day d JOIN ledger.account a ON a.id = d.account_id AND a.type = 'EXPENSE'
          WHERE d.project_id = ANY($1::uuid[])
          GROUP BY d.project_id, d.day
          ORDER BY d.project_id, d.day`,
        [projectIds],
      );
      const days = new Map<string, ProjectExpenseDay[]>(projectIds.map((id) => [id, []]));
      for (const row of rows) {
        const day = { bookingDate: row.day, spentEur: BigInt(row.eur), hours: BigInt(row.hours) };
        if (day.spentEur !== 0n || day.hours !== 0n) days.get(row.project_id)!.push(day);
      }
      return projectIds.map((id) => days.get(id)!);
    }),
    budgetsByProject: listLoader(
      async (projectIds: readonly string[]): Promise<BudgetView[]> => {
        const budgets = await db.getRepository(BudgetEntity).find({
          where: { projectId: In([...projectIds]) },
          order: { periodStart: 'ASC', unit: 'ASC' },
        });
        if (budgets.length === 0) return [];
        const current: BudgetRevisionEntity[] = await db
          .getRepository(BudgetRevisionEntity)
          .createQueryBuilder('r')
          .distinctOn(['r.budget_id'])
          .where('r.budget_id IN (:...ids)', { ids: budgets.map((b) => b.id) })
          .orderBy('r.budget_id')
          .addOrderBy('r.revision', 'DESC')
          .getMany();
        const byBudget = new Map(current.map((r) => [r.budgetId, r]));
        return budgets.map((b) => ({ ...b, current: byBudget.get(b.id)! }));
      },
      (row) => row.projectId,
    ),
    revisionsByBudget: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(BudgetRevisionEntity).find({ where: { budgetId: In([...ids]) }, order: { revision: 'ASC' } }),
      (row) => row.budgetId,
    ),
    /** Net spending in each budget's unit booked in its period, on the project's expense accounts. */
    budgetActual: new DataLoader<string, bigint>(async (budgetIds) => {
      const rows: { id: string; actual: string }[] = await db.query(
        `SELECT b.id,
                (SELECT coalesce(sum(d.net_minor), 0) FROM ledger.project_day d JOIN ledger.account a ON a.id = d.account_id
                  WHERE d.project_id = b.project_id AND d.day BETWEEN b.period_start AND b.period_end
                    AND a.type = 'EXPENSE' AND a.unit = b.unit)::text AS actual
           FROM ledger.budget b WHERE b.id = ANY($1::uuid[])`,
        [budgetIds],
      );
      const actual = new Map(rows.map((r) => [r.id, BigInt(r.actual)]));
      return budgetIds.map((id) => actual.get(id) ?? 0n);
    }),
    /** Hours on expense accounts in entries about each member, booked in the range: a range scan over member_day. */
    volunteerHours: new DataLoader<DateRangeKey, bigint, string>(
      async (keys) => {
        const rows: { key: string; total: string }[] = await db.query(
          `SELECT k.key, (SELECT coalesce(sum(d.hours_minor), 0) FROM ledger.member_day d
                           WHERE d.member_id = k.member_id
                             AND d.day >= coalesce(k.from_day, '-infinity'::date)
                             AND d.day <= coalesce(k.to_day, 'infinity'::date))::text AS total
             FROM unnest($1::text[], $2::uuid[], $3::date[], $4::date[]) AS k(key, member_id, from_day, to_day)`,
          [keys.map(rangeKey), keys.map((k) => k.id), keys.map((k) => k.from), keys.map((k) => k.to)],
        );
        const totals = new Map(rows.map((r) => [r.key, BigInt(r.total)]));
        return keys.map((k) => totals.get(rangeKey(k)) ?? 0n);
      },
      { cacheKeyFn: rangeKey },
    ),
    /** Every key the ledger has signed with, newest first; one key, 'all'. */
    signingKeys: new DataLoader<'all', SigningKeyRow[]>(async (keys) => {
      const rows: { public_key: Buffer; first_used_at: Date; retired_at: Date | null }[] = await db.query(
        `SELECT public_key, first_used_at, retired_at FROM ledger.signing_key ORDER BY first_used_at DESC, public_key`,
      );
      const all = rows.map((r) => ({ publicKey: r.public_key, firstUsedAt: r.first_used_at, retiredAt: r.retired_at }));
      return keys.map(() => all);
    }),
    witnessesByNeighbourhood: listLoader((ids: readonly string[]) => witnessesOf(db.manager, ids), (row) => row.neighbourhoodId),
    witness: rowLoader((ids: readonly string[]) => witnessesById(db.manager, ids), (row) => row.id),
    /** The cosignatures of each checkpoint, in the order they arrived. */
    cosignatures: new DataLoader<{ neighbourhoodId: string; size: number }, CosignatureRow[], string>(
      async (keys) => {
        const rows: { neighbourhood_id: string; tree_size: string; witness_id: string; cosigned_at: Date; signature_line: string }[] = await db.query(
          `SELECT c.neighbourhood_id, c.tree_size, c.witness_id, c.cosigned_at, c.signature_line
             FROM unnest($1::uuid[], $2::bigint[]) AS k (neighbourhood_id, tree_size)
             JOIN ledger.cosignature c ON c.neighbourhood_id = k.neighbourhood_id AND c.tree_size = k.tree_size
            ORDER BY c.received_at, c.witness_id`,
          [keys.map((k) => k.neighbourhoodId), keys.map((k) => k.size)],
        );
        const byKey = new Map<string, CosignatureRow[]>(keys.map((k) => [`${k.neighbourhoodId}|${k.size}`, []]));
        for (const r of rows) {
          byKey.get(`${r.neighbourhood_id}|${Number(r.tree_size)}`)?.push({
            neighbourhoodId: r.neighbourhood_id,
            treeSize: Number(r.tree_size),
            witnessId: r.witness_id,
            cosignedAt: r.cosigned_at,
            signatureLine: r.signature_line,
          });
        }
        return keys.map((k) => byKey.get(`${k.neighbourhoodId}|${k.size}`)!);
      },
      { cacheKeyFn: (k) => `${k.neighbourhoodId}|${k.size}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
