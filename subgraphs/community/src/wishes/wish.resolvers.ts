import { forbidden, hasRole, isUuid } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { publishedCount } from '../privacy/small-groups';
import { requireActiveMember, requireCallerId, requireMemberWithRole } from '../access';
import { communityError } from '../community-errors';
import { loadTheme } from '../themes/theme.resolvers';
import { archiveWish, postWish, supportWish, withdrawSupport } from './wish.commands';
import { wishStatus } from './wish.rules';
import type { WishEntity } from './wish.entity';

export const wishResolvers: Resolvers = {
  Query: {
    wish: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.wish.load(id) : null),
  },
  Mutation: {
    async postWish(_parent, { input }, context) {
      requireCallerId(context, 'post a wish');
      if (!isUuid(input.neighbourhoodId) || !(await context.loaders.neighbourhood.load(input.neighbourhoodId))) {
        return communityError.neighbourhoodNotFound();
      }
      const author = await requireMemberWithRole(context, input.neighbourhoodId, ['resident'], 'post a wish');
      const outcome = await postWish(context.db, author, input.neighbourhoodId, input, context.events);
      return outcome.ok ? { __typename: 'PostWishSuccess', wish: outcome.wish } : outcome.error;
    },
    async supportWish(_parent, { wishId }, context) {
      requireCallerId(context, 'support a wish');
      const wish = isUuid(wishId) ? await context.loaders.wish.load(wishId) : null;
      if (!wish) return communityError.wishNotFound();
      const member = await requireMemberWithRole(context, wish.neighbourhoodId, ['resident'], 'support a wish');
      const outcome = await supportWish(context.db, member, wish, context.events, context.services.smallGroups);
      return outcome.ok ? { __typename: 'SupportWishSuccess', wish: outcome.wish } : outcome.error;
    },
    async withdrawSupport(_parent, { wishId }, context) {
      // Withdrawing needs no role: a member who lost theirs may still take their support back.
      const member = await requireActiveMember(context, 'withdraw support');
      const wish = isUuid(wishId) ? await context.loaders.wish.load(wishId) : null;
      if (!wish) return communityError.wishNotFound();
      const outcome = await withdrawSupport(context.db, member, wish, context.events, context.services.smallGroups);
      return outcome.ok ? { __typename: 'WithdrawSupportSuccess', wish: outcome.wish } : outcome.error;
    },
    async archiveWish(_parent, { wishId }, context) {
      requireCallerId(context, 'archive a wish');
      const wish = isUuid(wishId) ? await context.loaders.wish.load(wishId) : null;
      if (!wish) return communityError.wishNotFound();
      if (!hasRole(context.viewer, ['steward'], wish.neighbourhoodId)) {
        const member = await requireActiveMember(context, 'archive a wish');
        if (member.id !== wish.authorId) throw forbidden('Only the author of the wish or a steward of its neighbourhood may archive it.');
      }
      const outcome = await archiveWish(context.db, wish, context.events);
      return outcome.ok ? { __typename: 'ArchiveWishSuccess', wish: outcome.wish } : outcome.error;
    },
  },
  Wish: {
    async __resolveReference(ref, { loaders }) {
      const wish = isUuid(ref.id) ? await loaders.wish.load(ref.id) : null;
      if (!wish) return null;
      // With @requires the gateway sends the wish's projects along; keep them for `status`.
      const projects = (ref as { projects?: WishEntity['projects'] }).projects;
      return projects === undefined ? wish : { ...wish, projects };
    },
    async neighbourhood(w, _args, { loaders }) {
      const neighbourhood = await loaders.neighbourhood.load(w.neighbourhoodId);
      if (!neighbourhood) throw new Error(`wish ${w.id} refers to missing neighbourhood ${w.neighbourhoodId}`);
      return neighbourhood;
    },
    async themes(w, _args, { loaders }) {
      const links = await loaders.themeIdsByWish.load(w.id);
      return Promise.all(links.map((l) => loadTheme(loaders, l.themeId)));
    },
    async author(w, _args, { loaders }) {
      const author = await loaders.member.load(w.authorId);
      if (!author) throw new Error(`wish ${w.id} refers to missing member ${w.authorId}`);
      return author;
    },
    status: (w) => wishStatus(w, w.projects),
    supportCount: async (w, _args, { loaders, services }) => publishedCount(await loaders.supportCount.load(w.id), services.smallGroups) ?? 0,
    supporters: async (w, _args, { loaders, services }) => publishedCount(await loaders.supportCount.load(w.id), services.smallGroups),
    supportedByMe: (w, _args, { viewer, loaders }) =>
      viewer.memberId !== null && isUuid(viewer.memberId) ? loaders.supports.load({ memberId: viewer.memberId, id: w.id }) : false,
  },
};
