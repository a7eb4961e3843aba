import { isAdmin, isUuid, requireRole, type Viewer } from '@dbwe/platform';
import { In } from 'typeorm';
import type { Resolvers } from '../generated/graphql';
import { EntryEntity } from '../entries/entry.entity';
import { todayInTheNetherlands } from '../entries/booking';
import type { Audit } from '../events';
import { neighbourhoodIdOf } from '../ids';
import { oneOf } from '../ledger-errors';
import { closeFinancialYear } from './closing';
import { postOpeningBalances } from './opening-balances';
import { yearOf } from './period-rules';
import { financialYearRows, periodFacts, type FinancialYearRow } from './period-store';

const CLOSE_YEAR_FAILURES = [
  'AccountClosed',
  'BooksNotOpen',
  'InvalidLedgerInput',
  'YearNotOver',
  'YearOutsideBooks',
  'YearAlreadyClosed',
  'PreviousYearOpen',
  'YearUnbalanced',
  'NoEquityAccount',
] as const;

const OPENING_BALANCES_FAILURES = [
  'BooksNotOpen',
  'InvalidLedgerInput',
  'MalformedAmount',
  'TooFewLines',
  'UnknownAccount',
  'ForeignAccount',
  'IdempotencyKeyConflict',
  'PeriodClosed',
  'BookingDateTooFarAhead',
  'NoEquityAccount',
  'OpeningBalancesPosted',
  'OpeningBalancesNotFirst',
  'AccountClosed',
] as const;

function auditOf(viewer: Viewer, neighbourhoodId: string, reason: string): Audit {
  return { actorId: viewer.memberId, role: isAdmin(viewer, neighbourhoodId) ? 'admin' : 'steward', reason: reason.trim(), public: true };
}

const openYear = (neighbourhoodId: string, year: number): FinancialYearRow => ({
  neighbourhoodId,
  year,
  status: 'open',
  closedAt: null,
  closedBy: null,
  reason: null,
  idempotencyKey: null,
  closingEntryIds: [],
});

/** The years from the books' first to the current one (or the last closed, if later), closed ones as stored. */
async function yearsOf(db: Parameters<typeof periodFacts>[0], neighbourhoodId: string): Promise<FinancialYearRow[] | null> {
  const facts = await periodFacts(db, neighbourhoodId);
  if (facts.firstYear === null) return [];
  const closed = new Map((await financialYearRows(db, neighbourhoodId)).map((row) => [row.year, row]));
  const last = Math.max(yearOf(todayInTheNetherlands()), ...closed.keys(), facts.firstYear);
  const years: FinancialYearRow[] = [];
  for (let year = facts.firstYear; year <= last; year++) years.push(closed.get(year) ?? openYear(neighbourhoodId, year));
  return years;
}

export const periodResolvers: Resolvers = {
  Mutation: {
    async closeFinancialYear(_parent, { input }, { viewer, db, events }) {
      requireRole(viewer, ['steward'], input.neighbourhoodId, 'close a financial year');
      const neighbourhoodId = neighbourhoodIdOf(input.neighbourhoodId);
      const outcome = await closeFinancialYear(db, { ...input, neighbourhoodId }, auditOf(viewer, neighbourhoodId, input.reason), events);
      return outcome.ok
        ? { __typename: 'CloseFinancialYearSuccess', financialYear: outcome.value.year, replayed: outcome.value.replayed }
        : oneOf(outcome.failure, CLOSE_YEAR_FAILURES);
    },
    async postOpeningBalances(_parent, { input }, { viewer, db, events }) {
      requireRole(viewer, ['steward'], input.neighbourhoodId, 'post the opening balances');
      const neighbourhoodId = neighbourhoodIdOf(input.neighbourhoodId);
      const outcome = await postOpeningBalances(db, { ...input, neighbourhoodId }, auditOf(viewer, neighbourhoodId, input.reason), events);
      return outcome.ok ? { __typename: 'PostOpeningBalancesSuccess', ...outcome.value } : oneOf(outcome.failure, OPENING_BALANCES_FAILURES);
    },
  },
  Neighbourhood: {
    financialYears: (n, _args, { db }) => (isUuid(n.id) ? yearsOf(db.manager, n.id.toLowerCase()) : null),
    async financialYear(n, { year }, { db }) {
      const years = isUuid(n.id) ? await yearsOf(db.manager, n.id.toLowerCase()) : null;
      return years?.find((y) => y.year === year) ?? null;
    },
  },
  FinancialYear: {
    status: (y) => (y.status === 'closed' ? 'CLOSED' : 'OPEN'),
    closedBy: (y) => (y.closedBy ? { id: y.closedBy } : null),
    closingEntries: (y, _args, { db }) =>
      y.closingEntryIds.length ? db.getRepository(EntryEntity).find({ where: { id: In(y.closingEntryIds) }, order: { sequence: 'ASC' } }) : [],
  },
  LedgerEntry: {
    closesYear: async (e, _args, { loaders }) => (await loaders.closingYearOf.load(e.id))?.year ?? null,
    openingBalances: async (e, _args, { loaders }) => (await loaders.openingBalanceOf.load(e.id)) !== null,
  },
};
