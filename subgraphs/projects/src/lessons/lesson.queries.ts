import type { DataSource } from 'typeorm';
import { isUuid, readPage, toConnection, type PageArgs } from '@dbwe/platform';
import { LessonEntity } from './lesson.entity';

/** Newest first: [recordedAt, id]. Best match first: [rank, recordedAt, id]. */
type RecentKey = [string, string];
type RankedKey = [number, string, string];
const isRecentKey = (v: unknown): v is RecentKey => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';
const isRankedKey = (v: unknown): v is RankedKey =>
  Array.isArray(v) && v.length === 3 && typeof v[0] === 'number' && typeof v[1] === 'string' && typeof v[2] === 'string';

// Lessons are written in Dutch or English; a query matches either language's word forms.
const QUERY = `(websearch_to_tsquery('dutch', :search) || websearch_to_tsquery('english', :search))`;

export interface LessonSearch extends PageArgs {
  search?: string | null;
  neighbourhoodId?: string | null;
  themeId?: string | null;
  themeSlug?: string | null;
}

export async function searchLessons(db: DataSource, args: LessonSearch) {
  const search = args.search?.trim() || null;
  const query = db.getRepository(LessonEntity).createQueryBuilder('l');
  // An id that is no id matches nothing; the cursor is still checked against the listing it belongs to.
  const none = () => ({ ...(search === null ? toConnection([], readPage(args, isRecentKey), () => null) : toConnection([], readPage(args, isRankedKey), () => null)), totalCount: 0 });
  if (args.neighbourhoodId) {
    if (!isUuid(args.neighbourhoodId)) return none();
    query.andWhere('l.neighbourhood_id = :nb', { nb: args.neighbourhoodId });
  }
  if (args.themeId) {
    if (!isUuid(args.themeId)) return none();
    query.andWhere('EXISTS (SELECT 1 FROM projects.lesson_theme lt WHERE lt.lesson_id = l.id AND lt.theme_id = :themeId)', { themeId: args.themeId });
  }
  // A slug is shared by the neighbourhoods' own themes of that name: the filter that travels across them.
  if (args.themeSlug != null) {
    query.andWhere('EXISTS (SELECT 1 FROM projects.lesson_theme lt WHERE lt.lesson_id = l.id AND lt.theme_slug = :slug)', { slug: args.themeSlug.trim().toLowerCase() });
  }
  if (search === null) {
    const page = readPage(args, isRecentKey);
    const totalCount = await query.clone().getCount();
    if (page.after) query.andWhere('(l.recorded_at, l.id) < (:at::timestamptz, :id::uuid)', { at: page.after[0], id: page.after[1] });
    const rows = await query.orderBy('l.recorded_at', 'DESC').addOrderBy('l.id', 'DESC').limit(page.limit + 1).getMany();
    return { ...toConnection(rows, page, (l) => [l.recordedAt.toISOString(), l.id]), totalCount };
  }

  const page = readPage(args, isRankedKey);
  query.andWhere(`l.search @@ ${QUERY}`, { search });
  const totalCount = await query.clone().getCount();
  query.addSelect(`ts_rank(l.search, ${QUERY})`, 'rank');
  if (page.after) {
    query.andWhere(`(ts_rank(l.search, ${QUERY}), l.recorded_at, l.id) < (:rank::real, :at::timestamptz, :id::uuid)`, {
      rank: page.after[0],
      at: page.after[1],
      id: page.after[2],
    });
  }
  const { entities, raw } = await query.orderBy('rank', 'DESC').addOrderBy('l.recorded_at', 'DESC').addOrderBy('l.id', 'DESC').limit(page.limit + 1).getRawAndEntities();
  const rankOf = new Map(raw.map((r: { l_id: string; rank: number }) => [r.l_id, Number(r.rank)]));
  return { ...toConnection(entities, page, (l) => [rankOf.get(l.id)!, l.recordedAt.toISOString(), l.id]), totalCount };
}
