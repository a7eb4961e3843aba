import type { DataSource } from 'typeorm';
import { isAdmin, isPairKey, readPage, toConnection, type PageArgs, type Viewer } from '@dbwe/platform';
import type { BidStatus } from './bid-lifecycle';
import { BidEntity } from './bid.entity';

/** A neighbourhood's bids, newest first; drafts only for their own challengers (and admins). */
export async function neighbourhoodBids(db: DataSource, viewer: Viewer, neighbourhoodId: string, args: PageArgs & { status?: BidStatus | null; updatedSince?: string | null }) {
  const p = readPage(args, isPairKey);
  const query = db.getRepository(BidEntity).createQueryBuilder('b').where('b.neighbourhood_id = :nb', { nb: neighbourhoodId });
  if (args.status) query.andWhere('b.status = :status', { status: args.status });
  if (args.updatedSince) query.andWhere('b.updated_at > :since', { since: args.updatedSince });
  if (!isAdmin(viewer, neighbourhoodId)) {
    query.andWhere(
      '(b.submitted_at IS NOT NULL OR EXISTS (SELECT 1 FROM projects.bid_challenger c WHERE c.bid_id = b.id AND c.member_id = :viewer::uuid))',
      { viewer: viewer.memberId },
    );
  }
  const totalCount = await query.clone().getCount();
  if (p.after) query.andWhere('(b.created_at, b.id) < (:at::timestamptz, :after::uuid)', { at: p.after[0], after: p.after[1] });
  const rows = await query.orderBy('b.created_at', 'DESC').addOrderBy('b.id', 'DESC').limit(p.limit + 1).getMany();
  return { ...toConnection(rows, p, (row) => [row.createdAt.toISOString(), row.id]), totalCount };
}
