import type { DataSource } from 'typeorm';
import { badInput, isUuid, readPage, toConnection, type PageArgs } from '@dbwe/platform';
import type { WishFilter } from '../generated/graphql';
import { isInstantIdKey } from '../cursor';
import { WishEntity } from './wish.entity';

/** Whose wishes to list: one neighbourhood's or one author's. */
export type WishScope = { neighbourhoodId: string } | { authorId: string };

/** Newest first, ties broken by id, so pages never skip or repeat a wish. */
export async function listWishes(db: DataSource, scope: WishScope, args: PageArgs, filter: WishFilter | null | undefined) {
  const page = readPage(args, isInstantIdKey);
  const query = db.getRepository(WishEntity).createQueryBuilder('w');
  if ('neighbourhoodId' in scope) query.where('w.neighbourhood_id = :scope', { scope: scope.neighbourhoodId });
  else query.where('w.author_id = :scope', { scope: scope.authorId });

  if (filter?.authorDomain) {
    query.andWhere('EXISTS (SELECT 1 FROM community.member m WHERE m.id = w.author_id AND m.domain = :domain)', { domain: filter.authorDomain });
  }
  if (filter?.themeId != null) {
    if (!isUuid(filter.themeId)) throw badInput('themeId is not a theme id.', 'filter.themeId');
    query.andWhere('EXISTS (SELECT 1 FROM community.wish_theme wt WHERE wt.wish_id = w.id AND wt.theme_id = :theme)', { theme: filter.themeId });
  }
  if (filter?.status === 'ADOPTED') {
    throw badInput('Adoption is known to the projects subgraph; filter on OPEN or ARCHIVED and read each wish\'s status.', 'filter.status');
  }
  if (filter?.status === 'OPEN') query.andWhere('w.archived_at IS NULL');
  if (filter?.status === 'ARCHIVED') query.andWhere('w.archived_at IS NOT NULL');
  if (filter?.createdFrom) query.andWhere('w.created_at >= :from', { from: filter.createdFrom });
  if (filter?.createdBefore) query.andWhere('w.created_at < :before', { before: filter.createdBefore });
  if (filter?.updatedSince) query.andWhere('w.updated_at > :since', { since: filter.updatedSince });

  const totalCount = await query.clone().getCount();
  if (page.after) {
    query.andWhere('(w.created_at, w.id) < (:at::timestamptz, :afterId::uuid)', { at: page.after[0], afterId: page.after[1] });
  }
  const rows = await query.orderBy('w.created_at', 'DESC').addOrderBy('w.id', 'DESC').limit(page.limit + 1).getMany();
  return { ...toConnection(rows, page, (w) => [w.createdAt.toISOString(), w.id]), totalCount };
}
