import { auditOf, isUuid, requireRole } from '@dbwe/platform';
import { requireCallerId, requireMemberWithRole } from '../access';
import { communityError } from '../community-errors';
import type { Resolvers } from '../generated/graphql';
import { loadTheme } from '../themes/theme.resolvers';
import { allocatePoints, closePoll, openPoll } from './poll.commands';
import { listPolls } from './poll.queries';
import { allocationView, tally } from './poll.rules';
import { pollResultsHidden } from '../privacy/small-groups';

export const pollResolvers: Resolvers = {
  Query: {
    poll: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.poll.load(id) : null),
  },
  Mutation: {
    async openPoll(_parent, { input }, context) {
      requireCallerId(context, 'open a poll');
      const neighbourhood = isUuid(input.neighbourhoodId) ? await context.loaders.neighbourhood.load(input.neighbourhoodId) : null;
      if (!neighbourhood) return communityError.neighbourhoodNotFound();
      requireRole(context.viewer, ['steward'], neighbourhood.id, 'open a poll');
      const pointsBudget = input.pointsBudget ?? neighbourhood.pollPointsBudget;
      const audit = auditOf(context.viewer, ['steward'], neighbourhood.id, 'Opened the poll');
      const outcome = await openPoll(context.db, neighbourhood.id, { ...input, pointsBudget }, audit, context.events);
      return outcome.ok ? { __typename: 'OpenPollSuccess', poll: outcome.value } : outcome.error;
    },
    async closePoll(_parent, { pollId }, context) {
      requireCallerId(context, 'close a poll');
      const poll = isUuid(pollId) ? await context.loaders.poll.load(pollId) : null;
      if (!poll) return communityError.pollNotFound();
      requireRole(context.viewer, ['steward'], poll.neighbourhoodId, 'close a poll');
      const audit = auditOf(context.viewer, ['steward'], poll.neighbourhoodId, 'Closed the poll');
      const outcome = await closePoll(context.db, poll.id, audit, context.events);
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
    polls: (n, args, { db }) => listPolls(db, n.id, args),
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
    async results(p, _args, { loaders, services }) {
      if (pollResultsHidden(p, await loaders.participantCount.load(p.id), services.smallGroups) !== null) return [];
      const [links, sums] = await Promise.all([loaders.themeIdsByPoll.load(p.id), loaders.pollSums.load(p.id)]);
      return tally(links.map((l) => l.themeId), sums);
    },
    resultsPublished: async (p, _args, { loaders, services }) => pollResultsHidden(p, await loaders.participantCount.load(p.id), services.smallGroups) === null,
    resultsHidden: async (p, _args, { loaders, services }) => pollResultsHidden(p, await loaders.participantCount.load(p.id), services.smallGroups),
    minimumParticipants: (_p, _args, { services }) => services.smallGroups.minGroupSize,
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
