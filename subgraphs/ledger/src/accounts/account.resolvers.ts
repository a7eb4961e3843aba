import { isUuid, requireRole } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { neighbourhoodIdOf } from '../ids';
import { findEntries } from '../entries/entry-query';
import { oneOf } from '../ledger-errors';
import { createAccount } from './account-service';
import { openBooks } from './default-chart';
import { ledgerEvent } from '../events';

const CREATE_ACCOUNT_FAILURES = ['BooksNotOpen', 'InvalidLedgerInput', 'AccountCodeTaken', 'ProjectInOtherNeighbourhood'] as const;

export const accountResolvers: Resolvers = {
  Query: {
    ledgerAccount: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.account.load(id.toLowerCase()) : null),
  },
  Mutation: {
    async openBooks(_parent, { neighbourhoodId }, { viewer, db, services, events }) {
      requireRole(viewer, ['steward'], neighbourhoodId, 'open the books');
      const id = neighbourhoodIdOf(neighbourhoodId);
      const openedNow = await db.transaction(async (tx) => {
        const opened = await openBooks(tx, id, { origin: services.checkpointer.originFor(id), openedBy: viewer.memberId });
        if (opened) await events.record(tx, ledgerEvent.booksOpened(id, new Date()));
        return opened;
      });
      // The empty log gets its first checkpoint at once, so a witness can start from size 0.
      if (openedNow) await services.checkpointer.sign(id);
      return { neighbourhood: { id }, openedNow };
    },
    async createAccount(_parent, { input }, { viewer, db, events }) {
      requireRole(viewer, ['steward'], input.neighbourhoodId, 'add accounts to the books');
      const outcome = await createAccount(db, { ...input, neighbourhoodId: neighbourhoodIdOf(input.neighbourhoodId) }, viewer.memberId, events);
      return outcome.ok ? { __typename: 'CreateAccountSuccess', account: outcome.value } : oneOf(outcome.failure, CREATE_ACCOUNT_FAILURES);
    },
  },
  Account: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.account.load(ref.id.toLowerCase()) : null),
    neighbourhood: (a) => ({ id: a.neighbourhoodId }),
    project: (a) => (a.projectId ? { id: a.projectId } : null),
    versionRecordedBy: (a) => (a.versionRecordedBy ? { id: a.versionRecordedBy } : null),
    async balance(a, { asOf }, { loaders }) {
      const minor = asOf ? await loaders.balanceAsOf.load({ accountId: a.id, asOf }) : BigInt(a.balanceMinor);
      return { minor, unit: a.unit };
    },
    entries: (a, args, { db }) => findEntries(db, { neighbourhoodId: a.neighbourhoodId, accountId: a.id }, args),
  },
};
