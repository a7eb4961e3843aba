import { badInput, isUuid } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { feedHead, feedPage, MAX_FEED_PAGE } from './event-feed';

export const feedResolvers: Resolvers = {
  Query: {
    eventFeedHead: async (_parent, _args, { db }) => ({ position: await feedHead(db) }),
  },
  Neighbourhood: {
    async events(n, { after, first }, { db }) {
      const size = first ?? 100;
      if (size < 1 || size > MAX_FEED_PAGE) throw badInput(`first must be between 1 and ${MAX_FEED_PAGE}.`);
      if (after != null && !isUuid(after)) throw badInput('after must be the id of an event of this neighbourhood.');
      const page = await feedPage(db, n.id, after ?? null, size);
      if (!page) throw badInput('after is not the id of an event of this neighbourhood.');
      return page;
    },
  },
};
