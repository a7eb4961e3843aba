import type { Resolvers } from '../generated/graphql';
import { isUuid } from '@dbwe/platform';
import { findEntries } from '../entries/entry-query';

/** A project's finances: what the ledger adds to the projects subgraph's Project. */
export const projectResolvers: Resolvers = {
  Project: {
    __resolveReference: (ref) => (isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null),
    finances: (p) => ({ projectId: p.id }),
  },
  ProjectFinances: {
    spent: async (f, _args, { loaders }) => ({ minor: (await loaders.projectTotals.load(f.projectId)).spentEur, unit: 'EUR' }),
    received: async (f, _args, { loaders }) => ({ minor: (await loaders.projectTotals.load(f.projectId)).receivedEur, unit: 'EUR' }),
    async balance(f, _args, { loaders }) {
      const totals = await loaders.projectTotals.load(f.projectId);
      return { minor: totals.receivedEur - totals.spentEur, unit: 'EUR' };
    },
    volunteerHours: async (f, _args, { loaders }) => ({ minor: (await loaders.projectTotals.load(f.projectId)).hours, unit: 'HOUR' }),
    async expensesByBookingDate(f, _args, { loaders }) {
      const days = await loaders.projectExpenseDays.load(f.projectId);
      return {
        bookingDates: days.map((d) => d.bookingDate),
        spentMinorUnits: days.map((d) => d.spentEur),
        volunteerHoursMinorUnits: days.map((d) => d.hours),
      };
    },
    async budget(f, _args, { loaders }) {
      const budgets = (await loaders.budgetsByProject.load(f.projectId)).filter((b) => b.unit === 'EUR');
      if (budgets.length === 0) return null;
      return { minor: budgets.reduce((sum, b) => sum + BigInt(b.current.amountMinor), 0n), unit: 'EUR' };
    },
    budgets: (f, _args, { loaders }) => loaders.budgetsByProject.load(f.projectId),
    async budgetAgainstActuals(f, _args, { loaders }) {
      const budgets = await loaders.budgetsByProject.load(f.projectId);
      return Promise.all(
        budgets.map(async (budget) => {
          const budgeted = BigInt(budget.current.amountMinor);
          const actual = await loaders.budgetActual.load(budget.id);
          return {
            budget,
            budgeted: { minor: budgeted, unit: budget.unit },
            actual: { minor: actual, unit: budget.unit },
            remaining: { minor: budgeted - actual, unit: budget.unit },
            overBudget: actual > budgeted,
          };
        }),
      );
    },
    entries: (f, args, { db }) => findEntries(db, { projectId: f.projectId }, args),
  },
};
