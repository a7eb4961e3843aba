import { badInput, isUuid } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { listWishes } from '../wishes/wish.queries';
import { NeighbourhoodEntity } from './neighbourhood.entity';
import { listMembers } from '../members/member.queries';

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
    members: (n, args, { db }) => listMembers(db, n.id, args),
    wishes: (n, args, { db }) => listWishes(db, { neighbourhoodId: n.id }, args, args.filter),
  },
};
