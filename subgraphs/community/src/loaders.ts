import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { listLoader, orderByKeys, rowLoader } from '@dbwe/platform';
import { NeighbourhoodEntity } from './neighbourhoods/neighbourhood.entity';
import { MunicipalityEntity } from './neighbourhoods/municipality.entity';
import { MemberEntity } from './members/member.entity';
import { ThemeEntity } from './themes/theme.entity';
import { WishEntity } from './wishes/wish.entity';
import { PollEntity } from './polls/poll.entity';
import { directoryRoles, type OfficeRole } from './roles/offices';

/** A member's relation to one wish or poll; the key of viewer-specific loaders. */
export interface MemberAnd {
  memberId: string;
  id: string;
}

export interface BallotRow {
  pollId: string;
  memberId: string;
  updatedAt: Date;
  allocations: { themeId: string; points: number }[];
}

const pairKey = (key: MemberAnd) => `${key.memberId}:${key.id}`;

/** Loaders for one request; never shared between requests, so caches cannot leak across viewers. */
export function createLoaders(db: DataSource) {
  const theme = rowLoader((ids: readonly string[]) => db.getRepository(ThemeEntity).findBy({ id: In([...ids]) }), (row) => row.id);
  return {
    neighbourhood: rowLoader(
      (ids: readonly string[]) => db.getRepository(NeighbourhoodEntity).findBy({ id: In([...ids]) }),
      (row) => row.id,
    ),
    municipality: rowLoader((codes: readonly string[]) => db.getRepository(MunicipalityEntity).findBy({ code: In([...codes]) }), (row) => row.code),
    neighbourhoodsByMunicipality: listLoader(
      (codes: readonly string[]) => db.getRepository(NeighbourhoodEntity).find({ where: { municipalityCode: In([...codes]) }, order: { name: 'ASC', id: 'ASC' } }),
      (row) => row.municipalityCode,
    ),
    member: rowLoader((ids: readonly string[]) => db.getRepository(MemberEntity).findBy({ id: In([...ids]) }), (row) => row.id),
    wish: rowLoader((ids: readonly string[]) => db.getRepository(WishEntity).findBy({ id: In([...ids]) }), (row) => row.id),
    poll: rowLoader((ids: readonly string[]) => db.getRepository(PollEntity).findBy({ id: In([...ids]) }), (row) => row.id),
    theme,
    /** The offices each member holds in their own neighbourhood (the directory's roles beyond RESIDENT). */
    directoryRoles: new DataLoader<MemberEntity, OfficeRole[], string>(
      async (members) => {
        const byMember = await directoryRoles(db, members);
        return members.map((m) => byMember.get(m.id) ?? []);
      },
      { cacheKeyFn: (m) => m.id },
    ),
    themesByNeighbourhood: listLoader(
      (ids: readonly string[]) =>
        db.getRepository(ThemeEntity).find({ where: { neighbourhoodId: In([...ids]) }, order: { name: 'ASC', id: 'ASC' } }),
      (row) => row.neighbourhoodId,
    ),
    /** Theme ids of each wish, by theme name, so a wish lists its themes in a stable order. */
    themeIdsByWish: listLoader(
      (ids: readonly string[]) =>
        db.query<{ wishId: string; themeId: string }[]>(
          `SELECT wt.wish_id AS "wishId", wt.theme_id AS "themeId"
             FROM community.wish_theme wt JOIN community.theme t ON t.id = wt.theme_id
            WHERE wt.wish_id = ANY($1::uuid[]) ORDER BY t.name, t.id`,
          [ids],
        ),
      (row) => row.wishId,
    ),
    /** Theme ids of each poll, in the poll's order. */
    themeIdsByPoll: listLoader(
      (ids: readonly string[]) =>
        db.query<{ pollId: string; themeId: string }[]>(
          `SELECT poll_id AS "pollId", theme_id AS "themeId" FROM community.poll_theme
            WHERE poll_id = ANY($1::uuid[]) ORDER BY position`,
          [ids],
        ),
      (row) => row.pollId,
    ),
    supportCount: new DataLoader<string, number>(async (ids) => {
      const rows = await db.query<{ wishId: string; count: number }[]>(
        `SELECT wish_id AS "wishId", count(*)::int AS count FROM community.wish_support
          WHERE wish_id = ANY($1::uuid[]) GROUP BY wish_id`,
        [ids],
      );
      return orderByKeys(ids, rows, (row) => row.wishId).map((row) => row?.count ?? 0);
    }),
    /** Whether a member supports a wish. */
    supports: new DataLoader<MemberAnd, boolean, string>(
      async (keys) => {
        const rows = await db.query<{ memberId: string; wishId: string }[]>(
          `SELECT s.member_id AS "memberId", s.wish_id AS "wishId" FROM community.wish_support s
             JOIN unnest($1::uuid[], $2::uuid[]) AS k(member_id, wish_id) USING (member_id, wish_id)`,
          [keys.map((k) => k.memberId), keys.map((k) => k.id)],
        );
        const found = new Set(rows.map((row) => pairKey({ memberId: row.memberId, id: row.wishId })));
        return keys.map((key) => found.has(pairKey(key)));
      },
      { cacheKeyFn: pairKey },
    ),
    /** Sums of points per poll and theme: the only poll data that is public. */
    pollSums: listLoader(
      (ids: readonly string[]) =>
        db.query<{ pollId: string; themeId: string; points: number }[]>(
          `SELECT poll_id AS "pollId", theme_id AS "themeId", sum(points)::int AS points FROM community.poll_allocation
            WHERE poll_id = ANY($1::uuid[]) GROUP BY poll_id, theme_id`,
          [ids],
        ),
      (row) => row.pollId,
    ),
    participantCount: new DataLoader<string, number>(async (ids) => {
      const rows = await db.query<{ pollId: string; count: number }[]>(
        `SELECT poll_id AS "pollId", count(*)::int AS count FROM community.poll_ballot
          WHERE poll_id = ANY($1::uuid[]) GROUP BY poll_id`,
        [ids],
      );
      return orderByKeys(ids, rows, (row) => row.pollId).map((row) => row?.count ?? 0);
    }),
    /** A member's own ballot in a poll; only ever loaded for the caller themself. */
    ballot: new DataLoader<MemberAnd, BallotRow | null, string>(
      async (keys) => {
        const rows = await db.query<BallotRow[]>(
          `SELECT b.poll_id AS "pollId", b.member_id AS "memberId", b.updated_at AS "updatedAt",
                  coalesce(json_agg(json_build_object('themeId', a.theme_id, 'points', a.points))
                           FILTER (WHERE a.theme_id IS NOT NULL), '[]') AS allocations
             FROM community.poll_ballot b
             JOIN unnest($1::uuid[], $2::uuid[]) AS k(member_id, poll_id) USING (member_id, poll_id)
             LEFT JOIN community.poll_allocation a ON a.ballot_id = b.id
            GROUP BY b.id`,
          [keys.map((k) => k.memberId), keys.map((k) => k.id)],
        );
        return orderByKeys(keys.map(pairKey), rows, (row) => pairKey({ memberId: row.memberId, id: row.pollId }));
      },
      { cacheKeyFn: pairKey },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
