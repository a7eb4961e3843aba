import type { Resolvers } from '../generated/graphql';

export const accountResolvers: Resolvers = {
  Account: {
    __resolveReference: (ref, { loaders }) => loaders.account.load(ref.id),
    neighbourhood: (a) => ({ id: a.neighbourhoodId }),
    project: (a) => (a.projectId ? { id: a.projectId } : null),
    balance: (a) => ({ minor: BigInt(a.balanceMinor), unit: a.unit }),
  },
  Neighbourhood: {
    __resolveReference: (ref) => ({ id: ref.id }),
    accounts: (n, _args, { loaders }) => loaders.accountsByNeighbourhood.load(n.id),
  },
};
