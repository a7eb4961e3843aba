import type { Resolvers } from '../generated/graphql';
import { isUuid } from '../access';
import type { Loaders } from '../loaders';
import type { ThemeEntity } from './theme.entity';

/** A theme some row refers to; the foreign keys guarantee it exists. */
export async function loadTheme(loaders: Loaders, id: string): Promise<ThemeEntity> {
  const theme = await loaders.theme.load(id);
  if (!theme) throw new Error(`missing theme ${id}`);
  return theme;
}

export const themeResolvers: Resolvers = {
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
