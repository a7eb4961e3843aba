import type { EntityManager } from 'typeorm';
import {
  computeRanges,
  foldRange,
  leafHash,
  planConsistency,
  planInclusion,
  rootOfFrontier,
  subtreeKey,
  subtreesOf,
  type Hash,
  type RangePlan,
  type Subtree,
} from './merkle';

/**
 * Reading a neighbourhood's log: roots and proofs from the stored full
 * subtrees, one query per level-0 and one per higher-level batch, however
 * large the tree.
 */

export type LeafKind = 'ENTRY' | 'ACCOUNT' | 'BUDGET_REVISION' | 'ACCOUNT_CHANGE' | 'NEIGHBOURHOOD_BUDGET_REVISION';

export interface LogHead {
  origin: string | null;
  size: number;
  root: Hash;
}

export interface LogLeafRow {
  neighbourhoodId: string;
  index: number;
  kind: LeafKind;
  recordId: string;
  recordVersion: number;
  data: string;
}

export async function logHead(db: EntityManager, neighbourhoodId: string): Promise<LogHead | null> {
  const rows: { log_origin: string | null; tree_size: string; tree_frontier: Buffer }[] = await db.query(
    `SELECT log_origin, tree_size, tree_frontier FROM ledger.chain WHERE neighbourhood_id = $1`,
    [neighbourhoodId],
  );
  const [row] = rows;
  return row ? { origin: row.log_origin, size: Number(row.tree_size), root: rootOfFrontier(row.tree_frontier) } : null;
}

/** The stored hashes of the given full subtrees; level 0 is recomputed from the leaves' data. */
async function storedSubtrees(db: EntityManager, neighbourhoodId: string, subtrees: Subtree[]): Promise<Map<string, Hash>> {
  const stored = new Map<string, Hash>();
  const leaves = subtrees.filter((s) => s.level === 0).map((s) => s.index);
  const nodes = subtrees.filter((s) => s.level > 0);
  if (leaves.length > 0) {
    const rows: { leaf_index: string; data: string }[] = await db.query(
      `SELECT leaf_index, data FROM ledger.log_leaf WHERE neighbourhood_id = $1 AND leaf_index = ANY($2::bigint[])`,
      [neighbourhoodId, leaves],
    );
    for (const row of rows) stored.set(subtreeKey({ level: 0, index: Number(row.leaf_index) }), leafHash(row.data));
  }
  if (nodes.length > 0) {
    const rows: { level: number; node_index: string; hash: Buffer }[] = await db.query(
      `SELECT n.level, n.node_index, n.hash
         FROM unnest($2::smallint[], $3::bigint[]) AS wanted (level, node_index)
         JOIN ledger.log_node n ON n.neighbourhood_id = $1 AND n.level = wanted.level AND n.node_index = wanted.node_index`,
      [neighbourhoodId, nodes.map((s) => s.level), nodes.map((s) => s.index)],
    );
    for (const row of rows) stored.set(subtreeKey({ level: row.level, index: Number(row.node_index) }), row.hash);
  }
  return stored;
}

async function rangeHashes(db: EntityManager, neighbourhoodId: string, ranges: RangePlan): Promise<Hash[]> {
  return computeRanges(ranges, await storedSubtrees(db, neighbourhoodId, subtreesOf(ranges)));
}

/** The root of the tree when it had `size` leaves. */
export async function rootAt(db: EntityManager, neighbourhoodId: string, size: number): Promise<Hash> {
  return foldRange(await rangeHashes(db, neighbourhoodId, [[0, size]]));
}

export interface InclusionProofValue {
  leafIndex: number;
  treeSize: number;
  leafHash: Hash;
  rootHash: Hash;
  hashes: Hash[];
}

export async function inclusionProof(db: EntityManager, neighbourhoodId: string, leafIndex: number, treeSize: number): Promise<InclusionProofValue> {
  const plan = planInclusion(leafIndex, treeSize);
  const [leaf, root, ...hashes] = await rangeHashes(db, neighbourhoodId, [[leafIndex, leafIndex + 1], [0, treeSize], ...plan]);
  return { leafIndex, treeSize, leafHash: leaf, rootHash: root, hashes };
}

export interface ConsistencyProofValue {
  fromSize: number;
  toSize: number;
  fromRootHash: Hash;
  toRootHash: Hash;
  hashes: Hash[];
}

export async function consistencyProof(db: EntityManager, neighbourhoodId: string, fromSize: number, toSize: number): Promise<ConsistencyProofValue> {
  const plan = planConsistency(fromSize, toSize);
  const [fromRoot, toRoot, ...hashes] = await rangeHashes(db, neighbourhoodId, [[0, fromSize], [0, toSize], ...plan]);
  return { fromSize, toSize, fromRootHash: fromRoot, toRootHash: toRoot, hashes };
}

export const leafHashOf = (leaf: LogLeafRow): Hash => leafHash(leaf.data);

export async function leaves(db: EntityManager, neighbourhoodId: string, fromIndex: number, count: number): Promise<LogLeafRow[]> {
  const rows: { leaf_index: string; kind: LeafKind; record_id: string; record_version: number; data: string }[] = await db.query(
    `SELECT leaf_index, kind, record_id, record_version, data FROM ledger.log_leaf
      WHERE neighbourhood_id = $1 AND leaf_index >= $2 ORDER BY leaf_index LIMIT $3`,
    [neighbourhoodId, fromIndex, count],
  );
  return rows.map((r) => ({
    neighbourhoodId,
    index: Number(r.leaf_index),
    kind: r.kind,
    recordId: r.record_id,
    recordVersion: r.record_version,
    data: r.data,
  }));
}
