import { In, type DataSource, type SelectQueryBuilder } from 'typeorm';
import { badInput, isPairKey, isUuid, readPage, toConnection, type Connection, type PageArgs } from '@dbwe/platform';
import type { ProjectStatus } from './project-lifecycle';
import { ProjectEntity } from './project.entity';
import { ParticipantEntity } from './participant.entity';

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

export interface MemberProjectsKey {
  memberId: string;
  status: ProjectStatus | null;
  first: number | null;
  after: string | null;
}

export const memberProjectsKey = (k: MemberProjectsKey) => JSON.stringify([k.memberId, k.status, k.first, k.after]);

/**
 * Member.projects for all members of a request at once. Per distinct page
 * (status, first, after): one statement for every member's page (the same
 * keyset order as `page`, numbered per member), one for their projects and
 * one for their counts, however many members there are.
 */
export async function memberProjectPages(db: DataSource, keys: readonly MemberProjectsKey[]) {
  const groups = new Map<string, MemberProjectsKey[]>();
  for (const key of keys) {
    const group = JSON.stringify([key.status, key.first, key.after]);
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  const pages = new Map<string, Connection<ProjectEntity> & { totalCount: number }>();
  for (const group of groups.values()) {
    const { status, first, after } = group[0];
    const p = readPage({ first, after }, isPairKey);
    const params: unknown[] = [group.map((k) => k.memberId)];
    let where = 'pp.member_id = ANY($1::uuid[])';
    if (status) {
      params.push(status);
      where += ` AND p.status = $${params.length}`;
    }
    const counts: { member_id: string; n: string }[] = await db.query(
      `SELECT pp.member_id, count(*) AS n FROM projects.project p JOIN projects.project_participant pp ON pp.project_id = p.id
        WHERE ${where} GROUP BY pp.member_id`,
      params,
    );
    const pageParams = [...params];
    let pageWhere = where;
    if (p.after) {
      pageParams.push(p.after[0], p.after[1]);
      pageWhere += ` AND (p.created_at, p.id) < ($${pageParams.length - 1}::timestamptz, $${pageParams.length}::uuid)`;
    }
    pageParams.push(p.limit + 1);
    const ranked: { member_id: string; project_id: string }[] = await db.query(
      `SELECT member_id, project_id FROM (
         SELECT pp.member_id, p.id AS project_id, row_number() OVER (PARTITION BY pp.member_id ORDER BY p.created_at DESC, p.id DESC) AS n
           FROM projects.project p JOIN projects.project_participant pp ON pp.project_id = p.id
          WHERE ${pageWhere}) paged
        WHERE n <= $${pageParams.length} ORDER BY member_id, n`,
      pageParams,
    );
    const projects = ranked.length > 0 ? await db.getRepository(ProjectEntity).findBy({ id: In([...new Set(ranked.map((r) => r.project_id))]) }) : [];
    const byId = new Map(projects.map((project) => [project.id, project]));
    const total = new Map(counts.map((c) => [c.member_id, Number(c.n)]));
    for (const key of group) {
      const rows = ranked.filter((r) => r.member_id === key.memberId).map((r) => byId.get(r.project_id)!);
      pages.set(memberProjectsKey(key), {
        ...toConnection(rows, p, (row) => [row.createdAt.toISOString(), row.id]),
        totalCount: total.get(key.memberId) ?? 0,
      });
    }
  }
  return keys.map((key) => pages.get(memberProjectsKey(key))!);
}
