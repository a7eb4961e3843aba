import type { Resolvers } from '../generated/graphql';
import { isUuid } from '@dbwe/platform';

/** What the books record of a member (owned by the community subgraph). */
export const memberResolvers: Resolvers = {
  Member: {
    __resolveReference: (ref) => (isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null),
    async volunteerHours(m, { from, to }, { loaders }) {
      const minor = await loaders.volunteerHours.load({ id: m.id, from: from ?? null, to: to ?? null });
      return { minor, unit: 'HOUR' };
    },
  },
};
