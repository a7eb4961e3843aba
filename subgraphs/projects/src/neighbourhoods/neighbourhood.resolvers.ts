import type { Resolvers } from '../generated/graphql';
import { neighbourhoodProjects } from '../projects/project.queries';
import { neighbourhoodBids } from '../bids/bid.queries';
import { isUuid } from '../shared/ids';

const EMPTY = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: 0 };

export const neighbourhoodResolvers: Resolvers = {
  Neighbourhood: {
    __resolveReference: (ref) => ({ id: ref.id }),
    projects: (n, args, { db }) => (isUuid(n.id) ? neighbourhoodProjects(db, n.id, args) : EMPTY),
    rightToChallengeBids: (n, args, { db, viewer }) => (isUuid(n.id) ? neighbourhoodBids(db, viewer, n.id, args) : EMPTY),
  },
};
