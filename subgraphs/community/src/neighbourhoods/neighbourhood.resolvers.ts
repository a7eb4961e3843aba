import { badInput, readPage, toConnection } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { isUuid } from '../access';
import { isInstantIdKey } from '../cursor';
import { listWishes } from '../wishes/wish.queries';
import { NeighbourhoodEntity } from './neighbourhood.entity';
import { MemberEntity } from '../members/member.entity';

export const neighbourhoodResolvers: Resolvers = {
  Query: {
    neighbourhoods: (_parent, _args, { db }) => db.getRepository(NeighbourhoodEntity).find({ order: { name: 'ASC', id: 'ASC' } }),
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
      const page = readPage(args, isInstantIdKey);
      const query = db.getRepository(MemberEntity).createQueryBuilder('m').where('m.neighbourhood_id = :id', { id: n.id });
      if (args.domain) query.andWhere('m.domain = :domain', { domain: args.domain });
      if (args.joinedFrom) query.andWhere('m.joined_at >= :from', { from: args.joinedFrom });
      if (args.joinedBefore) query.andWhere('m.joined_at < :before', { before: args.joinedBefore });
      const totalCount = await query.clone().getCount();
      if (page.after) {
        query.andWhere('(m.joined_at, m.id) > (:at::timestamptz, :after::uuid)', { at: page.after[0], after: page.after[1] });
      }
      const rows = await query.orderBy('m.joined_at', 'ASC').addOrderBy('m.id', 'ASC').limit(page.limit + 1).getMany();
      return { ...toConnection(rows, page, (m) => [m.joinedAt.toISOString(), m.id]), totalCount };
    },
    wishes: (n, args, { db }) => listWishes(db, { neighbourhoodId: n.id }, args, args.filter),
  },
};
