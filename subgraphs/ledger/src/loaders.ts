import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import DataLoader from 'dataloader';
import { listLoader, rowLoader } from '@dbwe/platform';
import { AccountEntity } from './accounts/account.entity';
import { EntryEntity } from './entries/entry.entity';
import { LineEntity } from './entries/line.entity';

export function createLoaders(db: DataSource) {
  return {
    account: rowLoader(
      (ids: readonly string[]) => db.getRepository(AccountEntity).findBy({ id: In([...ids]) }),
      (row) => row.id,
    ),
    entry: rowLoader(
      (ids: readonly string[]) => db.getRepository(EntryEntity).findBy({ id: In([...ids]) }),
      (row) => row.id,
    ),
    accountsByNeighbourhood: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(AccountEntity).find({ where: { neighbourhoodId: In([...ids]) }, order: { code: 'ASC' } }),
      (row) => row.neighbourhoodId,
    ),
    linesByEntry: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(LineEntity).find({ where: { entryId: In([...ids]) }, order: { position: 'ASC' } }),
      (row) => row.entryId,
    ),
    /** Net euros booked on expense accounts by entries of each project. */
    projectSpent: new DataLoader<string, bigint>(async (projectIds) => {
      const rows: { project_id: string; spent: string }[] = await db.query(
        `SELECT e.project_id, sum(l.amount_minor)::text AS spent
           FROM ledger.entry e
           JOIN ledger.line l ON l.entry_id = e.id
           JOIN ledger.account a ON a.id = l.account_id
          WHERE e.project_id = ANY($1::uuid[]) AND a.type = 'EXPENSE' AND l.unit = 'EUR'
          GROUP BY e.project_id`,
        [projectIds],
      );
      const spent = new Map(rows.map((r) => [r.project_id, BigInt(r.spent)]));
      return projectIds.map((id) => spent.get(id) ?? 0n);
    }),
  };
}
