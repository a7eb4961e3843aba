import type { DataSource } from 'typeorm';
import { badInput, isNumber, isUuid, readPage, toConnection, type Connection, type PageArgs } from '@dbwe/platform';
import type { Unit } from '../money/money';
import { EntryEntity } from './entry.entity';

/** Which entries a connection lists; the filters combine. */
export interface EntryFilter {
  neighbourhoodId?: string;
  accountId?: string | null;
  projectId?: string | null;
  memberId?: string | null;
  unit?: Unit | null;
  from?: string | null;
  to?: string | null;
}

/** A page of entries; `totalCount` is only counted when a client asks for it. */
export interface EntryConnectionValue extends Connection<EntryEntity> {
  filter: EntryFilter;
}

export interface EntryPageArgs extends PageArgs {
  afterSequence?: number | null;
}

/**
 * Entries in sequence order, keyset-paged: "sequence > n" on the unique
 * (neighbourhood, sequence) index, so page 1000 costs what page 1 does and
 * a BI tool can pull everything after the last sequence it holds. Every
 * filtered listing stays within one neighbourhood's books (an account and a
 * project belong to one), where the sequence is a total order.
 */
export async function findEntries(db: DataSource, filter: EntryFilter, args: EntryPageArgs): Promise<EntryConnectionValue> {
  const page = readPage(args, isNumber);
  if (args.afterSequence != null && (!Number.isInteger(args.afterSequence) || args.afterSequence < 0)) {
    throw badInput('afterSequence must be a whole number of at least 0.', 'afterSequence');
  }
  const after = Math.max(page.after ?? 0, args.afterSequence ?? 0);
  const query = filtered(db, filter).andWhere('e.sequence > :after', { after }).orderBy('e.sequence', 'ASC').limit(page.limit + 1);
  const rows = await query.getMany();
  return { ...toConnection(rows, { ...page, after: after > 0 ? after : null }, (e) => e.sequence), filter };
}

/** How many entries match the filter; for a neighbourhood's whole chain, its head says so without counting. */
export async function countEntries(db: DataSource, filter: EntryFilter): Promise<number> {
  const { neighbourhoodId, ...rest } = filter;
  if (neighbourhoodId && Object.values(rest).every((value) => value == null)) {
    const rows: { last_sequence: number }[] = await db.query(`SELECT last_sequence FROM ledger.chain WHERE neighbourhood_id = $1`, [neighbourhoodId]);
    return rows[0]?.last_sequence ?? 0;
  }
  return filtered(db, filter).getCount();
}

function filtered(db: DataSource, filter: EntryFilter) {
  for (const [name, value] of Object.entries({ account: filter.accountId, project: filter.projectId, member: filter.memberId })) {
    if (value != null && !isUuid(value)) throw badInput(`${name} is not an id this API handed out.`, name);
  }
  const query = db.getRepository(EntryEntity).createQueryBuilder('e').where('true');
  if (filter.neighbourhoodId) query.andWhere('e.neighbourhood_id = :neighbourhood', { neighbourhood: filter.neighbourhoodId });
  if (filter.projectId) query.andWhere('e.project_id = :project', { project: filter.projectId });
  if (filter.memberId) query.andWhere('e.member_id = :member', { member: filter.memberId });
  if (filter.from) query.andWhere('e.booking_date >= :from', { from: filter.from });
  if (filter.to) query.andWhere('e.booking_date <= :to', { to: filter.to });
  if (filter.accountId) {
    query.andWhere('EXISTS (SELECT 1 FROM ledger.line l WHERE l.entry_id = e.id AND l.account_id = :account)', { account: filter.accountId });
  }
  if (filter.unit) query.andWhere('EXISTS (SELECT 1 FROM ledger.line l WHERE l.entry_id = e.id AND l.unit = :unit)', { unit: filter.unit });
  return query;
}
