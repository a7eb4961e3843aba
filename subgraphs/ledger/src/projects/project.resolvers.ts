import type { Resolvers } from '../generated/graphql';

export const projectResolvers: Resolvers = {
  Project: {
    __resolveReference: (ref) => ({ id: ref.id }),
    finances: async (p, _args, { loaders }) => ({ projectId: p.id, spentMinor: await loaders.projectSpent.load(p.id) }),
  },
  ProjectFinances: {
    spent: (f) => ({ minor: f.spentMinor, unit: 'EUR' }),
  },
};
