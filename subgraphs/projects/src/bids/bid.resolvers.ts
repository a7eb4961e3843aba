import type { Context } from '../context';
import type { Resolvers } from '../generated/graphql';
import { isUuid } from '@dbwe/platform';
import { euros } from '../shared/money';
import { byTypename } from '../shared/results';
import { canSeeBid } from './bid.access';
import type { BidEntity } from './bid.entity';
import * as commands from './bid.commands';

/** A bid by id, or null when there is none or it is a draft the viewer may not see. */
async function visibleBid(id: string, { viewer, loaders }: Context): Promise<BidEntity | null> {
  const bid = isUuid(id) ? await loaders.bid.load(id) : null;
  if (!bid || bid.submittedAt !== null) return bid;
  const challengers = await loaders.challengersByBid.load(bid.id);
  return canSeeBid(viewer, bid, challengers.map((c) => c.memberId)) ? bid : null;
}

export const bidResolvers: Resolvers = {
  Query: {
    rightToChallengeBid: (_parent, { id }, context) => visibleBid(id, context),
  },
  Mutation: {
    draftRightToChallengeBid: (_parent, { input }, context) => commands.draftBid(context, input),
    updateRightToChallengeBid: (_parent, { input }, context) => commands.updateBid(context, input),
    submitRightToChallengeBid: (_parent, { input }, context) => commands.stepBid(context, 'SUBMIT', input),
    withdrawRightToChallengeBid: (_parent, { input }, context) => commands.stepBid(context, 'WITHDRAW', input),
    startBidAssessment: (_parent, { input }, context) => commands.stepBid(context, 'START_ASSESSMENT', input),
    assessBidCriterion: (_parent, { input }, context) => commands.assessCriterion(context, input),
    decideRightToChallengeBid: (_parent, { input }, context) => commands.decideBid(context, input),
    signBidAgreement: (_parent, { input }, context) => commands.stepBid(context, 'SIGN_AGREEMENT', input),
    startBidExecution: (_parent, { input }, context) => commands.startExecution(context, input),
    evaluateRightToChallengeBid: (_parent, { input }, context) => commands.stepBid(context, 'EVALUATE', input),
  },
  RightToChallengeBid: {
    __resolveReference: (ref, context) => visibleBid(ref.id, context),
    neighbourhood: (b) => ({ id: b.neighbourhoodId }),
    challengers: async (b, _args, { loaders }) => (await loaders.challengersByBid.load(b.id)).map((c) => ({ id: c.memberId })),
    bidChallengers: (b, _args, { loaders }) => loaders.challengersByBid.load(b.id),
    currentAnnualCost: (b) => euros(b.currentAnnualCostCents),
    proposedAnnualBudget: (b) => euros(b.proposedAnnualBudgetCents),
    expectedAnnualSavings: (b) => euros(b.currentAnnualCostCents - b.proposedAnnualBudgetCents),
    assessments: (b, _args, { loaders }) => loaders.assessmentsByBid.load(b.id),
    decision: (b) => (b.decisionOutcome ? b : null),
    executingProject: (b, _args, { loaders }) => (b.executingProjectId ? loaders.project.load(b.executingProjectId) : null),
    timeline: (b, _args, { loaders }) => loaders.eventsByBid.load(b.id),
  },
  BidChallenger: {
    member: (c) => ({ id: c.memberId }),
    // The drafter is inserted first (draftBid); positions count from 0.
    drafter: (c) => c.position === 0,
  },
  BidAssessment: {
    assessedBy: (a) => ({ id: a.assessedBy }),
  },
  BidDecision: {
    outcome: (b) => b.decisionOutcome!,
    rationale: (b) => b.decisionRationale!,
    conditions: (b) => b.decisionConditions,
    decidedBy: (b) => ({ id: b.decidedBy! }),
    decidedAt: (b) => b.decidedAt!,
  },
  BidEvent: {
    actor: (e) => ({ id: e.actorId }),
  },
  DraftBidResult: byTypename,
  UpdateBidResult: byTypename,
  BidStepResult: byTypename,
  StartBidExecutionResult: byTypename,
};
