import { isUuid, requireRole } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { requireCallerId } from '../access';
import { communityError } from '../community-errors';
import type { Loaders } from '../loaders';
import type { ThemeEntity } from './theme.entity';
import { addTheme } from './theme.commands';

/** A theme some row refers to; the foreign keys guarantee it exists. */
export async function loadTheme(loaders: Loaders, id: string): Promise<ThemeEntity> {
  const theme = await loaders.theme.load(id);
  if (!theme) throw new Error(`missing theme ${id}`);
  return theme;
}

export const themeResolvers: Resolvers = {
  Mutation: {
    async addTheme(_parent, { input }, context) {
      requireCallerId(context, 'add a theme');
      if (!isUuid(input.neighbourhoodId) || !(await context.loaders.neighbourhood.load(input.neighbourhoodId))) {
        return communityError.neighbourhoodNotFound();
      }
      requireRole(context.viewer, ['steward'], input.neighbourhoodId, 'add a theme');
      const outcome = await addTheme(context.db, input.neighbourhoodId, input, context.events);
      return outcome.ok ? { __typename: 'AddThemeSuccess', theme: outcome.theme } : outcome.error;
    },
  },
  Neighbourhood: {
    themes: (n, _args, { loaders }) => loaders.themesByNeighbourhood.load(n.id),
  },
  Theme: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.theme.load(ref.id) : null),
    async neighbourhood(t, _args, { loaders }) {
      const neighbourhood = await loaders.neighbourhood.load(t.neighbourhoodId);
      if (!neighbourhood) throw new Error(`theme ${t.id} refers to missing neighbourhood ${t.neighbourhoodId}`);
      return neighbourhood;
    },
  },
};
