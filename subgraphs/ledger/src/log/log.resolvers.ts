import { badInput, isNumber, isUuid, readPage, requireRole, toConnection } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { neighbourhoodIdOf } from '../ids';
import { oneOf } from '../ledger-errors';
import { rootOfFrontier } from './merkle';
import { consistencyProof, inclusionProof, leaves, leafHashOf } from './log-store';
import { addCosignature, registerWitness, retireWitness, witnessVerifierKey } from './witnesses';
import { verifierKey } from './note';

/** The log of one neighbourhood's books as of this request. */
export interface TransparencyLogValue {
  neighbourhoodId: string;
  origin: string;
  size: number;
  rootHash: Buffer;
}

const MAX_LEAVES = 1_000;
const REGISTER_WITNESS_FAILURES = ['BooksNotOpen', 'InvalidWitnessKey', 'InvalidLedgerInput', 'WitnessAlreadyRegistered'] as const;
const RETIRE_WITNESS_FAILURES = ['UnknownWitness'] as const;
const ADD_COSIGNATURE_FAILURES = ['BooksNotOpen', 'UnknownCheckpoint', 'InvalidCosignature'] as const;

function sizeArgument(value: number, field: string, max: number, min = 0): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw badInput(`${field} must be between ${min} and ${max}.`, field);
  return value;
}

export const logResolvers: Resolvers = {
  Query: {
    ledgerSigningKeys: (_parent, _args, { loaders }) => loaders.signingKeys.load('all'),
  },
  Mutation: {
    async registerWitness(_parent, { input }, { viewer, db }) {
      requireRole(viewer, ['admin'], input.neighbourhoodId, "register witnesses of the books' log");
      const outcome = await registerWitness(db, { ...input, neighbourhoodId: neighbourhoodIdOf(input.neighbourhoodId) }, viewer.memberId);
      return outcome.ok ? { __typename: 'RegisterWitnessSuccess', witness: outcome.value } : oneOf(outcome.failure, REGISTER_WITNESS_FAILURES);
    },
    async retireWitness(_parent, { neighbourhoodId, witnessId }, { viewer, db }) {
      requireRole(viewer, ['admin'], neighbourhoodId, "retire witnesses of the books' log");
      if (!isUuid(witnessId)) throw badInput('witnessId is not an id this API handed out.', 'witnessId');
      const outcome = await retireWitness(db, neighbourhoodIdOf(neighbourhoodId), witnessId.toLowerCase());
      return outcome.ok ? { __typename: 'RetireWitnessSuccess', witness: outcome.value } : oneOf(outcome.failure, RETIRE_WITNESS_FAILURES);
    },
    async addCosignature(_parent, { input }, { db, services }) {
      const outcome = await addCosignature(db, services.checkpointer, { ...input, neighbourhoodId: neighbourhoodIdOf(input.neighbourhoodId) });
      return outcome.ok ? { __typename: 'AddCosignatureSuccess', ...outcome.value } : oneOf(outcome.failure, ADD_COSIGNATURE_FAILURES);
    },
  },
  TransparencyLog: {
    rootHash: (log) => log.rootHash.toString('base64'),
    verifierKey: (log, _args, { services }) => services.checkpointer.verifierKeyFor(log.origin),
    verifierKeys: async (log, _args, { loaders }) => (await loaders.signingKeys.load('all')).map((k) => verifierKey(log.origin, k.publicKey)),
    checkpoint: (log, { fresh }, { db, services }) =>
      fresh ? services.checkpointer.fresh(log.neighbourhoodId) : services.checkpointer.latest(db.manager, log.neighbourhoodId),
    checkpointAt: (log, { size }, { db, services }) => services.checkpointer.at(db.manager, log.neighbourhoodId, size),
    async checkpoints(log, args, { db, services }) {
      const page = readPage(args, isNumber);
      const rows: { tree_size: string }[] = await db.query(
        `SELECT tree_size FROM ledger.checkpoint WHERE neighbourhood_id = $1 AND ($2::bigint IS NULL OR tree_size < $2) ORDER BY tree_size DESC LIMIT $3`,
        [log.neighbourhoodId, page.after, page.limit + 1],
      );
      const checkpoints = await Promise.all(rows.map((r) => services.checkpointer.at(db.manager, log.neighbourhoodId, Number(r.tree_size))));
      const [{ count }]: { count: string }[] = await db.query(`SELECT count(*) FROM ledger.checkpoint WHERE neighbourhood_id = $1`, [log.neighbourhoodId]);
      return { ...toConnection(checkpoints.filter((c) => c !== null), page, (c) => c.size), totalCount: Number(count) };
    },
    async inclusionProof(log, { leafIndex, treeSize }, { db, services }) {
      const size = treeSize ?? (await services.checkpointer.latest(db.manager, log.neighbourhoodId))?.size ?? log.size;
      sizeArgument(size, 'treeSize', log.size, 1);
      sizeArgument(leafIndex, 'leafIndex', size - 1);
      return inclusionProof(db.manager, log.neighbourhoodId, leafIndex, size);
    },
    async consistencyProof(log, { fromSize, toSize }, { db, services }) {
      const to = toSize ?? (await services.checkpointer.latest(db.manager, log.neighbourhoodId))?.size ?? log.size;
      sizeArgument(to, 'toSize', log.size);
      sizeArgument(fromSize, 'fromSize', to);
      return consistencyProof(db.manager, log.neighbourhoodId, fromSize, to);
    },
    leaves: (log, { fromIndex, first }, { db }) =>
      leaves(db.manager, log.neighbourhoodId, sizeArgument(fromIndex ?? 0, 'fromIndex', Number.MAX_SAFE_INTEGER), sizeArgument(first ?? 100, 'first', MAX_LEAVES)),
    witnesses: (log, _args, { loaders }) => loaders.witnessesByNeighbourhood.load(log.neighbourhoodId),
  },
  LogLeaf: {
    hash: (leaf) => leafHashOf(leaf).toString('base64'),
    entry: (leaf, _args, { loaders }) => (leaf.kind === 'ENTRY' ? loaders.entry.load(leaf.recordId) : null),
    account: (leaf, _args, { loaders }) => (leaf.kind === 'ACCOUNT' || leaf.kind === 'ACCOUNT_CHANGE' ? loaders.account.load(leaf.recordId) : null),
    async accountChange(leaf, _args, { loaders }) {
      if (leaf.kind !== 'ACCOUNT_CHANGE') return null;
      return (await loaders.accountChanges.load(leaf.recordId)).find((c) => c.change === leaf.recordVersion) ?? null;
    },
  },
  Checkpoint: {
    rootHash: (c) => c.rootHash.toString('base64'),
    async note(c, _args, { loaders }) {
      const cosignatures = await loaders.cosignatures.load({ neighbourhoodId: c.neighbourhoodId, size: c.size });
      return c.note + cosignatures.map((s) => s.signatureLine).join('');
    },
    cosignatures: (c, _args, { loaders }) => loaders.cosignatures.load({ neighbourhoodId: c.neighbourhoodId, size: c.size }),
  },
  Cosignature: {
    async witness(s, _args, { loaders }) {
      const witness = await loaders.witness.load(s.witnessId);
      if (!witness) throw new Error(`cosignature of ${s.treeSize} names witness ${s.witnessId}, which is not stored`);
      return witness;
    },
  },
  Witness: {
    verifierKey: (w) => witnessVerifierKey(w),
  },
  InclusionProof: {
    leafHash: (p) => p.leafHash.toString('base64'),
    rootHash: (p) => p.rootHash.toString('base64'),
    hashes: (p) => p.hashes.map((h) => h.toString('base64')),
  },
  ConsistencyProof: {
    fromRootHash: (p) => p.fromRootHash.toString('base64'),
    toRootHash: (p) => p.toRootHash.toString('base64'),
    hashes: (p) => p.hashes.map((h) => h.toString('base64')),
  },
  LedgerSigningKey: {
    publicKey: (k) => k.publicKey.toString('base64'),
  },
};

/** The log as the chain row describes it, or null when the books are not open. */
export function transparencyLogOf(
  chain: { neighbourhoodId: string; logOrigin: string | null; treeSize: number; treeFrontier: Buffer } | null,
  originFor: (neighbourhoodId: string) => string,
): TransparencyLogValue | null {
  if (!chain) return null;
  return {
    neighbourhoodId: chain.neighbourhoodId,
    origin: chain.logOrigin ?? originFor(chain.neighbourhoodId),
    size: chain.treeSize,
    rootHash: rootOfFrontier(chain.treeFrontier),
  };
}
