import { isUuid, notFound, requireRole } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { neighbourhoodIdOf } from '../ids';
import { findEntries } from '../entries/entry-query';
import { oneOf } from '../ledger-errors';
import { createAccount } from './account-service';
import { openBooks } from './default-chart';
import { ledgerEvent } from '../events';
import { neighbourhoodProblem, projectProblem } from '../integrity/reference-checks';
import type { Context } from '../context';

const CREATE_ACCOUNT_FAILURES = ['BooksNotOpen', 'InvalidLedgerInput', 'AccountCodeTaken', 'ProjectInOtherNeighbourhood', 'UnknownProject'] as const;

/** Opens the books of a neighbourhood the installation serves; the refusal when it serves none with this id. */
async function openNeighbourhoodBooks(neighbourhoodId: string, { viewer, db, services, events }: Context) {
  requireRole(viewer, ['steward'], neighbourhoodId, 'open the books');
  const id = neighbourhoodIdOf(neighbourhoodId);
  const unknown = await neighbourhoodProblem(services.references, id);
  if (unknown) return oneOf(unknown, ['UnknownNeighbourhood']);
  const openedNow = await db.transaction(async (tx) => {
    const opened = await openBooks(tx, id, { origin: services.checkpointer.originFor(id), openedBy: viewer.memberId });
    if (opened) await events.record(tx, ledgerEvent.booksOpened(id, new Date()));
    return opened;
  });
  // The empty log gets its first checkpoint at once, so a witness can start from size 0.
  if (openedNow) await services.checkpointer.sign(id);
  return { __typename: 'OpenBooksPayload' as const, neighbourhood: { id }, openedNow };
}

export const accountResolvers: Resolvers = {
  Query: {
    ledgerAccount: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.account.load(id.toLowerCase()) : null),
  },
  Mutation: {
    async openBooks(_parent, { neighbourhoodId }, context) {
      const opened = await openNeighbourhoodBooks(neighbourhoodId, context);
      // This older mutation has no result union to name the refusal in.
      if (opened.__typename !== 'OpenBooksPayload') throw notFound(opened.message);
      return opened;
    },
    openNeighbourhoodBooks: (_parent, { neighbourhoodId }, context) => openNeighbourhoodBooks(neighbourhoodId, context),
    async createAccount(_parent, { input }, { viewer, db, services, events }) {
      requireRole(viewer, ['steward'], input.neighbourhoodId, 'add accounts to the books');
      const outcome = await createAccount(
        db,
        { ...input, neighbourhoodId: neighbourhoodIdOf(input.neighbourhoodId) },
        viewer.memberId,
        (projectId, neighbourhoodId) => projectProblem(services.references, projectId, neighbourhoodId),
        events,
      );
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
