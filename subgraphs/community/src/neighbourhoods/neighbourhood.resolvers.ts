import { badInput, isUuid } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { listWishes } from '../wishes/wish.queries';
import { NeighbourhoodEntity } from './neighbourhood.entity';
import { MunicipalityEntity } from './municipality.entity';
import { chartTemplateEnum } from '../onboarding/onboarding.rules';
import { listMembers } from '../members/member.queries';

export const neighbourhoodResolvers: Resolvers = {
  Query: {
    neighbourhoods: (_parent, _args, { db }) => db.getRepository(NeighbourhoodEntity).find({ order: { name: 'ASC', id: 'ASC' } }),
    async neighbourhood(_parent, { id, slug }, { db, loaders }) {
      if ((id == null) === (slug == null)) throw badInput('Give either id or slug.');
      if (id != null) return isUuid(id) ? loaders.neighbourhood.load(id) : null;
      return db.getRepository(NeighbourhoodEntity).findOneBy({ slug: slug! });
    },
    municipalities: (_parent, _args, { db }) => db.getRepository(MunicipalityEntity).find({ order: { name: 'ASC', code: 'ASC' } }),
    municipality: (_parent, { cbsCode }, { loaders }) => (/^GM[0-9]{4}$/.test(cbsCode) ? loaders.municipality.load(cbsCode) : null),
  },
  Municipality: {
    cbsCode: (m) => m.code,
    registeredAt: (m) => m.createdAt,
    neighbourhoods: (m, _args, { loaders }) => loaders.neighbourhoodsByMunicipality.load(m.code),
  },
  Neighbourhood: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.neighbourhood.load(ref.id) : null),
    async municipality(n, _args, { loaders }) {
      const municipality = await loaders.municipality.load(n.municipalityCode);
      if (!municipality) throw new Error(`neighbourhood ${n.id} refers to missing municipality ${n.municipalityCode}`);
      return municipality;
    },
    chartTemplate: (n) => chartTemplateEnum(n.chartTemplate),
    members: (n, args, { db }) => listMembers(db, n.id, args),
    wishes: (n, args, { db }) => listWishes(db, { neighbourhoodId: n.id }, args, args.filter),
  },
};
