import { actingRole, badInput, isUuid, requireRole } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { neighbourhoodIdOf } from '../ids';
import { oneOf } from '../ledger-errors';
import { annualAccounts, budgetVsActualsOf, yearEndCheckpointSize } from '../annual-accounts/annual-accounts';
import { yearClosed } from '../annual-accounts/taakveld-in-year';
import type { BudgetVsActualsValue } from '../annual-accounts/statements';
import { setNeighbourhoodBudget } from './budget-service';
import { budgetsOf, currentBudget, revisionsOf, type NeighbourhoodBudgetRevisionView } from './neighbourhood-budget';

const SET_NEIGHBOURHOOD_BUDGET_FAILURES = [
  'BooksNotOpen',
  'InvalidLedgerInput',
  'MalformedAmount',
  'InvalidTaakveld',
  'UnknownAccount',
  'ForeignAccount',
  'UnitMismatch',
  'NeighbourhoodBudgetKeyConflict',
] as const;

/** A year argument of a query: a calendar year the books can hold. */
function yearArgument(year: number): number {
  if (!Number.isInteger(year) || year < 1900 || year > 9999) throw badInput('year must be a calendar year from 1900 to 9999.', 'year');
  return year;
}

const linesOf = (r: NeighbourhoodBudgetRevisionView) => r.lines.map((line, position) => ({ ...line, position }));

const taakveldRows = (v: BudgetVsActualsValue, rows: BudgetVsActualsValue['byTaakveld']) =>
  rows.map((row) => ({ ...row, neighbourhoodId: v.neighbourhoodId, year: v.year }));

export const neighbourhoodBudgetResolvers: Resolvers = {
  Mutation: {
    async setNeighbourhoodBudget(_parent, { input }, { viewer, db, events }) {
      const neighbourhoodId = neighbourhoodIdOf(input.neighbourhoodId);
      requireRole(viewer, ['steward'], neighbourhoodId, "set this neighbourhood's budget");
      const outcome = await setNeighbourhoodBudget(
        db,
        { ...input, neighbourhoodId },
        { actorId: viewer.memberId, role: actingRole(viewer, ['steward'], neighbourhoodId), reason: input.reason.trim(), public: true },
        events,
      );
      if (!outcome.ok) return oneOf(outcome.failure, SET_NEIGHBOURHOOD_BUDGET_FAILURES);
      return { __typename: 'SetNeighbourhoodBudgetSuccess', budget: outcome.value.budget, revision: outcome.value.budget.current, replayed: outcome.value.replayed };
    },
  },
  Neighbourhood: {
    budget: (n, { year }, { db }) => currentBudget(db.manager, n.id, yearArgument(year)),
    budgets: (n, _args, { db }) => budgetsOf(db.manager, n.id),
    async budgetVsActuals(n, { year }, { loaders, db }) {
      if (!(await loaders.chain.load(n.id))) return null;
      return budgetVsActualsOf(db, n.id, yearArgument(year));
    },
    annualAccounts: (n, { year }, { db }) => annualAccounts(db, n.id, yearArgument(year)),
  },
  NeighbourhoodBudget: {
    neighbourhood: (b) => ({ id: b.neighbourhoodId }),
    revision: (b) => b.current.revision,
    lines: (b) => linesOf(b.current),
    revisions: (b, _args, { db }) => revisionsOf(db.manager, b.id),
    vsActuals: (b, _args, { db }) => budgetVsActualsOf(db, b.neighbourhoodId, b.year),
  },
  NeighbourhoodBudgetRevision: {
    lines: (r) => linesOf(r),
    recordedBy: (r) => (r.recordedBy ? { id: r.recordedBy } : null),
  },
  NeighbourhoodBudgetLine: {
    account: (l, _args, { loaders }) => (l.accountId ? loaders.account.load(l.accountId) : null),
    amount: (l) => ({ minor: l.minor, unit: l.unit }),
  },
  BudgetVsActuals: {
    byTaakveld: (v) => taakveldRows(v, v.byTaakveld),
    unmapped: (v) => taakveldRows(v, v.unmapped),
  },
  TaakveldBudgetVsActual: {
    neighbourhood: (row) => ({ id: row.neighbourhoodId }),
  },
  AnnualAccounts: {
    neighbourhood: (a) => ({ id: a.neighbourhoodId }),
    closed: (a, _args, { db }) => yearClosed(db.manager, a.neighbourhoodId, a.year),
    lastEntry: (a, _args, { loaders }) => (a.lastEntry ? loaders.entry.load(a.lastEntry.id) : null),
    async yearEndCheckpoint(a, _args, { db, services }) {
      if (!a.lastEntry) return null;
      const size = await yearEndCheckpointSize(db.manager, a.neighbourhoodId, a.lastEntry.leafIndex);
      return size === null ? services.checkpointer.fresh(a.neighbourhoodId) : services.checkpointer.at(db.manager, a.neighbourhoodId, size);
    },
  },
  ProjectVolunteerHours: {
    project: (h) => (h.projectId && isUuid(h.projectId) ? { id: h.projectId } : null),
  },
  AnnualProjectNote: {
    project: (p) => ({ id: p.projectId }),
  },
};

