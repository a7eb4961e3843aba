import { readPage, requireRole, toConnection } from '@dbwe/platform';
import { isUuid, requireCallerId, requireMemberWithRole } from '../access';
import { communityError } from '../community-errors';
import { isInstantIdKey } from '../cursor';
import type { Resolvers } from '../generated/graphql';
import { loadTheme } from '../themes/theme.resolvers';
import { neighbourhoodExists } from '../wishes/wish.commands';
import { PollEntity } from './poll.entity';
import { allocatePoints, closePoll, openPoll } from './poll.commands';
import { allocationView, tally } from './poll.rules';

export const pollResolvers: Resolvers = {
  Query: {
    poll: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.poll.load(id) : null),
  },
  Mutation: {
    async openPoll(_parent, { input }, context) {
      requireCallerId(context, 'open a poll');
      if (!isUuid(input.neighbourhoodId) || !(await neighbourhoodExists(context.db, input.neighbourhoodId))) {
        return communityError.neighbourhoodNotFound();
      }
      requireRole(context.viewer, ['steward'], input.neighbourhoodId, 'open a poll');
      const outcome = await openPoll(context.db, input.neighbourhoodId, input);
      return outcome.ok ? { __typename: 'OpenPollSuccess', poll: outcome.value } : outcome.error;
    },
    async closePoll(_parent, { pollId }, context) {
      requireCallerId(context, 'close a poll');
      const poll = isUuid(pollId) ? await context.loaders.poll.load(pollId) : null;
      if (!poll) return communityError.pollNotFound();
      requireRole(context.viewer, ['steward'], poll.neighbourhoodId, 'close a poll');
      const outcome = await closePoll(context.db, poll.id);
      return outcome.ok ? { __typename: 'ClosePollSuccess', poll: outcome.value } : outcome.error;
    },
    async allocatePoints(_parent, { input }, context) {
      requireCallerId(context, 'divide points');
      const poll = isUuid(input.pollId) ? await context.loaders.poll.load(input.pollId) : null;
      if (!poll) return communityError.pollNotFound();
      const member = await requireMemberWithRole(context, poll.neighbourhoodId, ['resident'], 'divide points');
      const outcome = await allocatePoints(context.db, member.id, poll.id, input.allocations);
      return outcome.ok ? { __typename: 'AllocatePointsSuccess', ...outcome.value } : outcome.error;
    },
  },
  Neighbourhood: {
    async polls(n, args, { db }) {
      const page = readPage(args, isInstantIdKey);
      const query = db.getRepository(PollEntity).createQueryBuilder('p').where('p.neighbourhood_id = :id', { id: n.id });
      if (args.status === 'OPEN') query.andWhere('p.closed_at IS NULL');
      if (args.status === 'CLOSED') query.andWhere('p.closed_at IS NOT NULL');
      const totalCount = await query.clone().getCount();
      if (page.after) {
        query.andWhere('(p.opened_at, p.id) < (:at::timestamptz, :afterId::uuid)', { at: page.after[0], afterId: page.after[1] });
      }
      const rows = await query.orderBy('p.opened_at', 'DESC').addOrderBy('p.id', 'DESC').limit(page.limit + 1).getMany();
      return { ...toConnection(rows, page, (p) => [p.openedAt.toISOString(), p.id]), totalCount };
    },
  },
  Poll: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.poll.load(ref.id) : null),
    async neighbourhood(p, _args, { loaders }) {
      const neighbourhood = await loaders.neighbourhood.load(p.neighbourhoodId);
      if (!neighbourhood) throw new Error(`poll ${p.id} refers to missing neighbourhood ${p.neighbourhoodId}`);
      return neighbourhood;
    },
    async themes(p, _args, { loaders }) {
      const links = await loaders.themeIdsByPoll.load(p.id);
      return Promise.all(links.map((l) => loadTheme(loaders, l.themeId)));
    },
    status: (p) => (p.closedAt === null ? 'OPEN' : 'CLOSED'),
    async results(p, _args, { loaders }) {
      const [links, sums] = await Promise.all([loaders.themeIdsByPoll.load(p.id), loaders.pollSums.load(p.id)]);
      return tally(links.map((l) => l.themeId), sums);
    },
    participantCount: (p, _args, { loaders }) => loaders.participantCount.load(p.id),
    // Keyed by the caller's own id: there is no argument that could name anyone else.
    async myAllocation(p, _args, { viewer, loaders }) {
      if (viewer.memberId === null || !isUuid(viewer.memberId)) return null;
      const [ballot, links] = await Promise.all([
        loaders.ballot.load({ memberId: viewer.memberId, id: p.id }),
        loaders.themeIdsByPoll.load(p.id),
      ]);
      return ballot ? allocationView(links.map((l) => l.themeId), ballot) : null;
    },
  },
  PollThemeResult: {
    theme: (r, _args, { loaders }) => loadTheme(loaders, r.themeId),
  },
  ThemePoints: {
    theme: (r, _args, { loaders }) => loadTheme(loaders, r.themeId),
  },
};
