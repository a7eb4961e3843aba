import { actingRole, requireRole } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { neighbourhoodIdOf } from '../ids';
import { oneOf } from '../ledger-errors';
import { setProjectBudget } from './budget-service';
import { projectProblem } from '../integrity/reference-checks';

const SET_BUDGET_FAILURES = ['InvalidLedgerInput', 'MalformedAmount', 'BudgetPeriodOverlaps', 'ProjectInOtherNeighbourhood', 'UnknownProject'] as const;

export const budgetResolvers: Resolvers = {
  Mutation: {
    async setProjectBudget(_parent, { input }, { viewer, db, services, events }) {
      requireRole(viewer, ['steward'], input.neighbourhoodId, "set the budgets of this neighbourhood's projects");
      const outcome = await setProjectBudget(
        db,
        { ...input, neighbourhoodId: neighbourhoodIdOf(input.neighbourhoodId), unit: input.unit ?? 'EUR' },
        { actorId: viewer.memberId, role: actingRole(viewer, ['steward'], input.neighbourhoodId), reason: null, public: true },
        (projectId, neighbourhoodId) => projectProblem(services.references, projectId, neighbourhoodId),
        events,
      );
      return outcome.ok ? { __typename: 'SetProjectBudgetSuccess', budget: outcome.value } : oneOf(outcome.failure, SET_BUDGET_FAILURES);
    },
  },
  ProjectBudget: {
    project: (b) => ({ id: b.projectId }),
    amount: (b) => ({ minor: BigInt(b.current.amountMinor), unit: b.unit }),
    revisions: async (b, _args, { loaders }) => (await loaders.revisionsByBudget.load(b.id)).map((r) => ({ ...r, unit: b.unit })),
  },
  BudgetRevision: {
    amount: (r) => ({ minor: BigInt(r.amountMinor), unit: r.unit }),
    recordedBy: (r) => (r.recordedBy ? { id: r.recordedBy } : null),
  },
};
