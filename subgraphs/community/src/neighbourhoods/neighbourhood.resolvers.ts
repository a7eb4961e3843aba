import { badInput, isPairKey, readPage, toConnection } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { NeighbourhoodEntity } from './neighbourhood.entity';
import { MemberEntity } from '../members/member.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

export const neighbourhoodResolvers: Resolvers = {
  Query: {
    neighbourhoods: (_parent, _args, { db }) => db.getRepository(NeighbourhoodEntity).find({ order: { name: 'ASC' } }),
    async neighbourhood(_parent, { id, slug }, { db, loaders }) {
      if ((id == null) === (slug == null)) throw badInput('Give either id or slug.');
      if (id != null) return isUuid(id) ? loaders.neighbourhood.load(id) : null;
      return db.getRepository(NeighbourhoodEntity).findOneBy({ slug: slug! });
    },
  },
  Neighbourhood: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.neighbourhood.load(ref.id) : null),
    municipality: (n) => ({ name: n.municipalityName, cbsCode: n.municipalityCode }),
    async members(n, args, { db }) {
      const page = readPage(args, isPairKey);
      const query = db
        .getRepository(MemberEntity)
        .createQueryBuilder('m')
        .where('m.neighbourhood_id = :id', { id: n.id });
      if (args.domain) query.andWhere('m.domain = :domain', { domain: args.domain });
      const totalCount = await query.clone().getCount();
      if (page.after) {
        query.andWhere('(m.joined_at, m.id) > (:at::timestamptz, :after::uuid)', { at: page.after[0], after: page.after[1] });
      }
      const rows = await query.orderBy('m.joined_at', 'ASC').addOrderBy('m.id', 'ASC').limit(page.limit + 1).getMany();
      return { ...toConnection(rows, page, (m) => [m.joinedAt.toISOString(), m.id]), totalCount };
    },
  },
};
