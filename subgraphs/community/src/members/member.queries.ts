import type { DataSource } from 'typeorm';
import { readPage, toConnection, type PageArgs } from '@dbwe/platform';
import type { MemberDomain } from '../generated/graphql';
import { isInstantIdKey } from '../cursor';
import { MemberEntity } from './member.entity';

export interface MemberListArgs extends PageArgs {
  domain?: MemberDomain | null;
  joinedFrom?: string | null;
  joinedBefore?: string | null;
  updatedSince?: string | null;
}

/** A neighbourhood's members, oldest first, ties by id. */
export async function listMembers(db: DataSource, neighbourhoodId: string, args: MemberListArgs) {
  const page = readPage(args, isInstantIdKey);
  const query = db.getRepository(MemberEntity).createQueryBuilder('m').where('m.neighbourhood_id = :id', { id: neighbourhoodId });
  if (args.domain) query.andWhere('m.domain = :domain', { domain: args.domain });
  if (args.joinedFrom) query.andWhere('m.joined_at >= :from', { from: args.joinedFrom });
  if (args.joinedBefore) query.andWhere('m.joined_at < :before', { before: args.joinedBefore });
  if (args.updatedSince) query.andWhere('m.updated_at > :since', { since: args.updatedSince });
  const totalCount = await query.clone().getCount();
  if (page.after) {
    query.andWhere('(m.joined_at, m.id) > (:at::timestamptz, :afterId::uuid)', { at: page.after[0], afterId: page.after[1] });
  }
  const rows = await query.orderBy('m.joined_at', 'ASC').addOrderBy('m.id', 'ASC').limit(page.limit + 1).getMany();
  return { ...toConnection(rows, page, (m) => [m.joinedAt.toISOString(), m.id]), totalCount };
}
