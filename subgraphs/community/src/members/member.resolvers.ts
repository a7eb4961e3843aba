import { forbidden, isAdmin } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { isUuid } from '../neighbourhoods/neighbourhood.resolvers';

export const memberResolvers: Resolvers = {
  Query: {
    member: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.member.load(id) : null),
  },
  Member: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.member.load(ref.id) : null),
    async neighbourhood(m, _args, { loaders }) {
      const neighbourhood = await loaders.neighbourhood.load(m.neighbourhoodId);
      if (!neighbourhood) throw new Error(`member ${m.id} refers to missing neighbourhood ${m.neighbourhoodId}`);
      return neighbourhood;
    },
    // The same check runs whether the member was reached by member(id), nested, or through _entities.
    personalData(m, _args, { viewer }) {
      if (viewer.memberId !== m.id && !isAdmin(viewer, m.neighbourhoodId)) {
        throw forbidden('Personal data is visible only to the member and to admins.');
      }
      if (m.fullName === null) return null;
      return { fullName: m.fullName, email: m.email, phone: m.phone, address: m.address };
    },
  },
};
