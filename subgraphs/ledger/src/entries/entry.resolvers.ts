import { forbidden, isUuid, requireRole, unauthenticated } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { formatMinor } from '../money/money';
import { fail, oneOf } from '../ledger-errors';
import { neighbourhoodIdOf } from '../ids';
import { postEntry, reverseEntry } from './booking';
import { countEntries } from './entry-query';
import { readPostEntry } from './posting-rules';
import { entryReferenceProblem } from '../integrity/reference-checks';

const POST_ENTRY_FAILURES = [
  'BooksNotOpen',
  'InvalidLedgerInput',
  'MalformedAmount',
  'TooFewLines',
  'UnbalancedEntry',
  'MixedUnitsUnbalanced',
  'UnknownAccount',
  'ForeignAccount',
  'UnitMismatch',
  'Overdraft',
  'IdempotencyKeyConflict',
  'ProjectInOtherNeighbourhood',
  'UnknownProject',
  'UnknownMember',
  'MemberInOtherNeighbourhood',
  'MemberErased',
  'CounterpartyDomainMismatch',
  'PeriodClosed',
  'BookingDateBeforeBooks',
  'BookingDateTooFarAhead',
  'AccountClosed',
] as const;

/** A reversal's lines are a booked entry's, so account, unit and balance rules cannot fail for it; its accounts may have closed since. */
const REVERSE_ENTRY_FAILURES = [
  'InvalidLedgerInput',
  'UnknownEntry',
  'AlreadyReversed',
  'ReversalOfReversal',
  'Overdraft',
  'IdempotencyKeyConflict',
  'PeriodClosed',
  'BookingDateBeforeBooks',
  'BookingDateTooFarAhead',
  'AccountClosed',
] as const;

export const entryResolvers: Resolvers = {
  Query: {
    ledgerEntry: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.entry.load(id.toLowerCase()) : null),
  },
  Mutation: {
    async postEntry(_parent, { input }, { viewer, db, services, events }) {
      requireRole(viewer, ['steward'], input.neighbourhoodId, 'post entries in these books');
      const read = readPostEntry({ ...input, neighbourhoodId: neighbourhoodIdOf(input.neighbourhoodId) });
      if ('failure' in read) return oneOf(read.failure, POST_ENTRY_FAILURES);
      const outcome = await postEntry(db, read.request, input.idempotencyKey, viewer.memberId, (request) => entryReferenceProblem(services.references, request), events);
      return outcome.ok ? { __typename: 'PostEntrySuccess', ...outcome.value } : oneOf(outcome.failure, POST_ENTRY_FAILURES);
    },
    async reverseEntry(_parent, { input }, { viewer, db, loaders, events }) {
      if (viewer.memberId === null && viewer.roles.length === 0) throw unauthenticated('Sign in to reverse entries.');
      const original = isUuid(input.entryId) ? await loaders.entry.load(input.entryId.toLowerCase()) : null;
      if (!original) {
        // Entries are public, so saying one does not exist tells a steward nothing they could not read.
        if (!viewer.roles.some((grant) => grant.role === 'steward' || grant.role === 'admin')) {
          throw forbidden('Only a steward may reverse entries.');
        }
        return fail.unknownEntry(input.entryId);
      }
      requireRole(viewer, ['steward'], original.neighbourhoodId, 'reverse entries in these books');
      const outcome = await reverseEntry(
        db,
        original,
        { reason: input.reason, idempotencyKey: input.idempotencyKey, bookingDate: input.bookingDate ?? null },
        viewer.memberId,
        events,
      );
      return outcome.ok
        ? { __typename: 'ReverseEntrySuccess', reversal: outcome.value.entry, replayed: outcome.value.replayed }
        : oneOf(outcome.failure, REVERSE_ENTRY_FAILURES);
    },
  },
  LedgerEntry: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.entry.load(ref.id.toLowerCase()) : null),
    neighbourhood: (e) => ({ id: e.neighbourhoodId }),
    lines: (e, _args, { loaders }) => loaders.linesByEntry.load(e.id),
    project: (e) => (e.projectId ? { id: e.projectId } : null),
    member: (e) => (e.memberId ? { id: e.memberId } : null),
    recordedBy: (e) => (e.recordedBy ? { id: e.recordedBy } : null),
    reverses: (e, _args, { loaders }) => (e.reversesId ? loaders.entry.load(e.reversesId) : null),
    reversedBy: (e, _args, { loaders }) => loaders.reversalOf.load(e.id),
  },
  LedgerEntryConnection: {
    totalCount: (connection, _args, { db }) => countEntries(db, connection.filter),
  },
  LedgerLine: {
    async account(l, _args, { loaders }) {
      const account = await loaders.account.load(l.accountId);
      if (!account) throw new Error(`line ${l.entryId}/${l.position} refers to missing account ${l.accountId}`);
      return account;
    },
    side: (l) => (BigInt(l.amountMinor) > 0n ? 'DEBIT' : 'CREDIT'),
    amount: (l) => ({ minor: BigInt(l.amountMinor), unit: l.unit }),
    counterparty: (l) => (l.counterpartyMemberId || l.counterpartyName ? l : null),
  },
  Counterparty: {
    member: (l) => (l.counterpartyMemberId ? { id: l.counterpartyMemberId } : null),
    domain: (l) => l.counterpartyDomain,
    name: (l) => l.counterpartyName,
  },
  Money: {
    amount: (m) => formatMinor(m.minor, m.unit),
    minorUnits: (m) => m.minor,
    unit: (m) => m.unit,
  },
};
