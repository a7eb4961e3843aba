import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { badInput, isPairKey, readPage, toConnection, type PageArgs } from '@dbwe/platform';
import type { ProjectStatus } from './project-lifecycle';
import { ProjectEntity } from './project.entity';
import { ParticipantEntity } from './participant.entity';
import { isUuid } from '../shared/ids';

export interface ProjectFilter extends PageArgs {
  status?: ProjectStatus | null;
  theme?: string | null;
  plannedFrom?: string | null;
  plannedUntil?: string | null;
  updatedSince?: string | null;
}

/** Newest first, ties by id: the keyset the (neighbourhood_id, created_at, id) indexes serve. */
async function page(query: SelectQueryBuilder<ProjectEntity>, args: PageArgs) {
  const p = readPage(args, isPairKey);
  const totalCount = await query.clone().getCount();
  if (p.after) query.andWhere('(p.created_at, p.id) < (:at::timestamptz, :after::uuid)', { at: p.after[0], after: p.after[1] });
  const rows = await query.orderBy('p.created_at', 'DESC').addOrderBy('p.id', 'DESC').limit(p.limit + 1).getMany();
  return { ...toConnection(rows, p, (row) => [row.createdAt.toISOString(), row.id]), totalCount };
}

export function neighbourhoodProjects(db: DataSource, neighbourhoodId: string, args: ProjectFilter) {
  const query = db.getRepository(ProjectEntity).createQueryBuilder('p').where('p.neighbourhood_id = :nb', { nb: neighbourhoodId });
  if (args.status) query.andWhere('p.status = :status', { status: args.status });
  if (args.theme) {
    if (!isUuid(args.theme)) throw badInput(`"${args.theme}" is not a theme id.`, 'theme');
    query.andWhere('p.theme_ids @> ARRAY[:theme]::uuid[]', { theme: args.theme });
  }
  if (args.plannedFrom && args.plannedUntil && args.plannedUntil < args.plannedFrom) {
    throw badInput('plannedUntil lies before plannedFrom.', 'plannedUntil');
  }
  if (args.plannedFrom) query.andWhere('(p.planned_end IS NULL OR p.planned_end >= :from::date)', { from: args.plannedFrom });
  if (args.plannedUntil) query.andWhere('p.planned_start <= :until::date', { until: args.plannedUntil });
  if (args.updatedSince) query.andWhere('p.updated_at > :since', { since: args.updatedSince });
  return page(query, args);
}

export function memberProjects(db: DataSource, memberId: string, args: PageArgs & { status?: ProjectStatus | null }) {
  const query = db
    .getRepository(ProjectEntity)
    .createQueryBuilder('p')
    .innerJoin(ParticipantEntity, 'pp', 'pp.project_id = p.id')
    .where('pp.member_id = :member', { member: memberId });
  if (args.status) query.andWhere('p.status = :status', { status: args.status });
  return page(query, args);
}
