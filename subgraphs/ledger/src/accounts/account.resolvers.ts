import { auditOf, badInput, isAdmin, isUuid, notFound, requireRole } from '@dbwe/platform';
import type { ChartTemplate, Resolvers } from '../generated/graphql';
import { neighbourhoodIdOf } from '../ids';
import { findEntries } from '../entries/entry-query';
import { fail, oneOf } from '../ledger-errors';
import { createAccount } from './account-service';
import { openBooks, type ChartTemplateName } from './default-chart';
import { ledgerEvent } from '../events';
import { neighbourhoodProblem, projectProblem } from '../integrity/reference-checks';
import type { Context } from '../context';
import { todayInTheNetherlands } from '../entries/booking';
import { changeAccount } from './account-change-service';
import { accountStateOn } from './account-changes';
import type { AccountEntity } from './account.entity';

const CHANGE_ACCOUNT_FAILURES = [
  'BooksNotOpen',
  'InvalidLedgerInput',
  'UnknownAccount',
  'PeriodClosed',
  'AccountClosed',
  'AccountChangeOutOfOrder',
  'AccountBalanceNotZero',
  'AccountUsedAfterClosing',
] as const;

/** The account's name, taakveld and closing on a date, from its changes. */
async function stateOn(a: AccountEntity, date: string, { loaders }: Context) {
  return accountStateOn(a, await loaders.accountChanges.load(a.id), date);
}

const CREATE_ACCOUNT_FAILURES = ['BooksNotOpen', 'InvalidLedgerInput', 'AccountCodeTaken', 'ProjectInOtherNeighbourhood', 'UnknownProject'] as const;

/** Opens the books of a neighbourhood the installation serves; the refusal when it serves none with this id. */
/** The schema's ChartTemplate values, by template name: a template without a value fails the type check. */
const TEMPLATE_OF: Record<ChartTemplate, ChartTemplateName> = { DUTCH_WIJKECONOMIE_2026: 'dutch-wijkeconomie-2026' };

async function openNeighbourhoodBooks(neighbourhoodId: string, template: ChartTemplate | null | undefined, { viewer, db, services, events }: Context) {
  requireRole(viewer, ['steward'], neighbourhoodId, 'open the books');
  const id = neighbourhoodIdOf(neighbourhoodId);
  const unknown = await neighbourhoodProblem(services.references, id);
  if (unknown) return oneOf(unknown, ['UnknownNeighbourhood']);
  // Without a template named, the one chosen when the neighbourhood was onboarded (community's Neighbourhood.chartTemplate).
  const chosen = (await services.references.neighbourhood(id))?.chartTemplate as ChartTemplate | undefined;
  const chart = TEMPLATE_OF[template ?? chosen ?? 'DUTCH_WIJKECONOMIE_2026'] ?? TEMPLATE_OF.DUTCH_WIJKECONOMIE_2026;
  const openedNow = await db.transaction(async (tx) => {
    const opened = await openBooks(tx, id, { origin: services.checkpointer.originFor(id), openedBy: viewer.memberId, template: chart });
    if (opened) await events.record(tx, ledgerEvent.booksOpened(id, new Date(), auditOf(viewer, ['steward'], id, 'Opened the books')));
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
    async openBooks(_parent, { neighbourhoodId, template }, context) {
      const opened = await openNeighbourhoodBooks(neighbourhoodId, template, context);
      // This older mutation has no result union to name the refusal in.
      if (opened.__typename !== 'OpenBooksPayload') throw notFound(opened.message);
      return opened;
    },
    openNeighbourhoodBooks: (_parent, { neighbourhoodId, template }, context) => openNeighbourhoodBooks(neighbourhoodId, template, context),
    async createAccount(_parent, { input }, { viewer, db, services, events }) {
      requireRole(viewer, ['steward'], input.neighbourhoodId, 'add accounts to the books');
      const outcome = await createAccount(
        db,
        { ...input, neighbourhoodId: neighbourhoodIdOf(input.neighbourhoodId) },
        viewer.memberId,
        (projectId, neighbourhoodId) => projectProblem(services.references, projectId, neighbourhoodId),
        events,
        auditOf(viewer, ['steward'], neighbourhoodIdOf(input.neighbourhoodId), `Added account ${input.code.trim()}`),
      );
      return outcome.ok ? { __typename: 'CreateAccountSuccess', account: outcome.value } : oneOf(outcome.failure, CREATE_ACCOUNT_FAILURES);
    },
    async changeAccount(_parent, { input }, { viewer, db, loaders, events }) {
      const account = isUuid(input.accountId) ? await loaders.account.load(input.accountId.toLowerCase()) : null;
      if (!account) return oneOf(fail.unknownAccount('accountId', input.accountId), CHANGE_ACCOUNT_FAILURES);
      requireRole(viewer, ['steward'], account.neighbourhoodId, 'change accounts of these books');
      const audit = {
        actorId: viewer.memberId,
        role: isAdmin(viewer, account.neighbourhoodId) ? ('admin' as const) : ('steward' as const),
        reason: input.reason.trim(),
        public: true,
      };
      const outcome = await changeAccount(db, { ...input, accountId: account.id }, audit, events);
      return outcome.ok
        ? { __typename: 'ChangeAccountSuccess', change: outcome.value.change, account: outcome.value.account }
        : oneOf(outcome.failure, CHANGE_ACCOUNT_FAILURES);
    },
  },
  Account: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.account.load(ref.id.toLowerCase()) : null),
    neighbourhood: (a) => ({ id: a.neighbourhoodId }),
    project: (a) => (a.projectId ? { id: a.projectId } : null),
    versionRecordedBy: (a) => (a.versionRecordedBy ? { id: a.versionRecordedBy } : null),
    name: async (a, _args, context) => (await stateOn(a, todayInTheNetherlands(), context)).name,
    taakveld: async (a, _args, context) => (await stateOn(a, todayInTheNetherlands(), context)).taakveld,
    async asOf(a, { date }, context) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw badInput('date is not a date (YYYY-MM-DD).');
      const state = await stateOn(a, date, context);
      return { date, name: state.name, taakveld: state.taakveld, closed: state.closedFrom !== null };
    },
    history: (a, _args, { loaders }) => loaders.accountChanges.load(a.id),
    async closedFrom(a, _args, { loaders }) {
      const changes = await loaders.accountChanges.load(a.id);
      return changes.find((c) => c.closes)?.effectiveFrom ?? null;
    },
    async balance(a, { asOf }, { loaders }) {
      const minor = asOf ? await loaders.balanceAsOf.load({ accountId: a.id, asOf }) : BigInt(a.balanceMinor);
      return { minor, unit: a.unit };
    },
    entries: (a, args, { db }) => findEntries(db, { neighbourhoodId: a.neighbourhoodId, accountId: a.id }, args),
  },
  AccountChange: {
    account: (c, _args, { loaders }) => loaders.account.load(c.accountId).then((a) => a!),
    recordedBy: (c) => (c.recordedBy ? { id: c.recordedBy } : null),
  },
};
