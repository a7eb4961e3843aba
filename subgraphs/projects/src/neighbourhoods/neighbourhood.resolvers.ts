import type { Resolvers } from '../generated/graphql';
import { neighbourhoodProjects } from '../projects/project.queries';
import { neighbourhoodBids } from '../bids/bid.queries';
import { isUuid } from '@dbwe/platform';
import { emptyConnection } from '../shared/connections';

export const neighbourhoodResolvers: Resolvers = {
  Neighbourhood: {
    __resolveReference: (ref) => ({ id: ref.id }),
    projects: (n, args, { db }) => (isUuid(n.id) ? neighbourhoodProjects(db, n.id, args) : emptyConnection<never>()),
    rightToChallengeBids: (n, args, { db, viewer }) => (isUuid(n.id) ? neighbourhoodBids(db, viewer, n.id, args) : emptyConnection<never>()),
  },
};
