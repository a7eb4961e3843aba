import type { DataSource } from 'typeorm';
import type { Resolvers } from '../generated/graphql';
import { isUuid } from '@dbwe/platform';
import { trialBalance } from '../accounts/balances';
import { findEntries } from '../entries/entry-query';
import { verifyChain, type ChainVerification } from '../entries/chain-verification';
import { VerificationGate } from '../entries/verification-gate';
import { localEconomy } from '../economy/local-economy';
import { transparencyLogOf } from '../log/log.resolvers';

/**
 * Whole-chain walks, one gate per database (a process may serve several, as tests do): shared
 * per neighbourhood, two at once, up to eight more waiting at most 8 s, inside the gateway's
 * default subgraph timeout of 10 s.
 */
const gates = new WeakMap<DataSource, VerificationGate<ChainVerification | null>>();
function verificationGate(db: DataSource): VerificationGate<ChainVerification | null> {
  let gate = gates.get(db);
  if (!gate) gates.set(db, (gate = new VerificationGate({ limit: 2, maxWaiting: 8, maxWaitMs: 8_000 })));
  return gate;
}

/** The books of a neighbourhood: what the ledger adds to the community's Neighbourhood. */
export const neighbourhoodResolvers: Resolvers = {
  DerivedTotalDifference: {
    account: (d, _args, { loaders }) => (d.accountId ? loaders.account.load(d.accountId) : null),
    project: (d) => (d.projectId ? { id: d.projectId } : null),
    member: (d) => (d.memberId ? { id: d.memberId } : null),
  },
  Neighbourhood: {
    __resolveReference: (ref) => (isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null),
    accounts: (n, { updatedSince }, { loaders }) =>
      updatedSince ? loaders.accountsChangedSince.load({ id: n.id, since: updatedSince }) : loaders.accountsByNeighbourhood.load(n.id),
    ledgerEntries: (n, args, { db }) =>
      findEntries(
        db,
        {
          neighbourhoodId: n.id,
          accountId: args.account?.toLowerCase(),
          projectId: args.project?.toLowerCase(),
          memberId: args.member?.toLowerCase(),
          unit: args.unit,
          from: args.from,
          to: args.to,
        },
        args,
      ),
    trialBalance: (n, { asOf }, { db }) => trialBalance(db, n.id, asOf ?? null),
    async chainHead(n, _args, { loaders }) {
      const chain = await loaders.chain.load(n.id);
      return chain ? { sequence: chain.lastSequence, hash: chain.lastHash } : null;
    },
    chainVerification: (n, _args, { db }) => verificationGate(db).run(n.id, () => verifyChain(db, n.id)),
    localEconomy: (n, { from, to }, { db }) => localEconomy(db, n.id, from ?? null, to ?? null),
    transparencyLog: async (n, _args, { loaders, services }) =>
      transparencyLogOf(await loaders.chain.load(n.id), (id) => services.checkpointer.originFor(id)),
  },
};
