import type { DataSource } from 'typeorm';
import { readPage, toConnection, type PageArgs } from '@dbwe/platform';
import type { PollStatus } from '../generated/graphql';
import { isInstantIdKey } from '../cursor';
import { PollEntity } from './poll.entity';

/** A neighbourhood's polls, newest first, ties by id. */
export async function listPolls(db: DataSource, neighbourhoodId: string, args: PageArgs & { status?: PollStatus | null; updatedSince?: string | null }) {
  const page = readPage(args, isInstantIdKey);
  const query = db.getRepository(PollEntity).createQueryBuilder('p').where('p.neighbourhood_id = :id', { id: neighbourhoodId });
  if (args.status === 'OPEN') query.andWhere('p.closed_at IS NULL');
  if (args.status === 'CLOSED') query.andWhere('p.closed_at IS NOT NULL');
  if (args.updatedSince) query.andWhere('p.updated_at > :since', { since: args.updatedSince });
  const totalCount = await query.clone().getCount();
  if (page.after) {
    query.andWhere('(p.opened_at, p.id) < (:at::timestamptz, :afterId::uuid)', { at: page.after[0], afterId: page.after[1] });
  }
  const rows = await query.orderBy('p.opened_at', 'DESC').addOrderBy('p.id', 'DESC').limit(page.limit + 1).getMany();
  return { ...toConnection(rows, page, (p) => [p.openedAt.toISOString(), p.id]), totalCount };
}
