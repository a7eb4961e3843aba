import type { EntityManager } from 'typeorm';
import { rootAt } from './log-store';
import { rootOfFrontier } from './merkle';
import { checkpointSignatureProblem, keyId, readCosignature } from './note';

/**
 * The server's own check of a neighbourhood's log and of the totals it
 * keeps, run inside the chain verification's snapshot. The independent
 * verifier (verifier/) checks the same from what the API publishes; this
 * one can also look at what the API does not publish, such as the stored
 * subtree hashes proofs are made from.
 */

export type DerivedFigure = 'ACCOUNT_BALANCE' | 'ACCOUNT_DAY' | 'PROJECT_DAY' | 'MEMBER_DAY';

export interface DerivedTotalDifferenceValue {
  figure: DerivedFigure;
  accountId: string | null;
  projectId: string | null;
  memberId: string | null;
  day: string | null;
  stored: bigint;
  recomputed: bigint;
}

const MAX_DIFFERENCES = 100;

/** The first thing wrong with the log, in the order a reader would look; null when it checks out. */
export async function logProblem(tx: EntityManager, neighbourhoodId: string): Promise<string | null> {
  const [head]: { tree_size: string; tree_frontier: Buffer; leaves: string; max_index: string | null }[] = await tx.query(
    `SELECT c.tree_size, c.tree_frontier, (SELECT count(*) FROM ledger.log_leaf l WHERE l.neighbourhood_id = c.neighbourhood_id) AS leaves,
            (SELECT max(leaf_index) FROM ledger.log_leaf l WHERE l.neighbourhood_id = c.neighbourhood_id) AS max_index
       FROM ledger.chain c WHERE c.neighbourhood_id = $1`,
    [neighbourhoodId],
  );
  const size = Number(head.tree_size);
  if (Number(head.leaves) !== size || (size > 0 && Number(head.max_index) !== size - 1)) {
    return `the log says it has ${size} leaves; ${head.leaves} are stored, up to index ${head.max_index ?? 'none'}`;
  }

  const entry: { sequence: number }[] = await tx.query(
    `SELECT e.sequence FROM ledger.entry e
       LEFT JOIN ledger.log_leaf l ON l.neighbourhood_id = e.neighbourhood_id AND l.leaf_index = e.leaf_index
      WHERE e.neighbourhood_id = $1
        AND (l.data IS DISTINCT FROM ledger.entry_leaf_data(e.sequence, e.hash) OR l.kind <> 'ENTRY' OR l.record_id <> e.id)
      ORDER BY e.sequence LIMIT 1`,
    [neighbourhoodId],
  );
  if (entry[0]) return `entry ${entry[0].sequence} has no leaf in the log that names its sequence and hash`;
  const unordered: { sequence: number }[] = await tx.query(
    `SELECT sequence FROM (SELECT sequence, leaf_index, lag(leaf_index) OVER (ORDER BY sequence) AS previous
                             FROM ledger.entry WHERE neighbourhood_id = $1) e
      WHERE leaf_index < previous ORDER BY sequence LIMIT 1`,
    [neighbourhoodId],
  );
  if (unordered[0]) return `entry ${unordered[0].sequence} comes before entry ${unordered[0].sequence - 1} in the log`;
  const strayEntryLeaf: { leaf_index: string }[] = await tx.query(
    `SELECT l.leaf_index FROM ledger.log_leaf l LEFT JOIN ledger.entry e ON e.id = l.record_id
      WHERE l.neighbourhood_id = $1 AND l.kind = 'ENTRY' AND (e.id IS NULL OR e.leaf_index <> l.leaf_index) ORDER BY l.leaf_index LIMIT 1`,
    [neighbourhoodId],
  );
  if (strayEntryLeaf[0]) return `leaf ${strayEntryLeaf[0].leaf_index} names an entry the books do not hold there`;

  const account: { code: string }[] = await tx.query(
    `SELECT a.code FROM ledger.account a
       LEFT JOIN ledger.log_leaf l ON l.neighbourhood_id = a.neighbourhood_id AND l.leaf_index = a.leaf_index
      WHERE a.neighbourhood_id = $1 AND (l.data IS DISTINCT FROM ledger.account_leaf_data(a) OR l.kind <> 'ACCOUNT')
      ORDER BY a.code LIMIT 1`,
    [neighbourhoodId],
  );
  if (account[0]) return `account ${account[0].code} is not what its latest version in the log says`;
  const strayAccountLeaf: { leaf_index: string }[] = await tx.query(
    `SELECT l.leaf_index FROM ledger.log_leaf l LEFT JOIN ledger.account a ON a.id = l.record_id
      WHERE l.neighbourhood_id = $1 AND l.kind = 'ACCOUNT' AND (a.id IS NULL OR l.record_version > a.version) ORDER BY l.leaf_index LIMIT 1`,
    [neighbourhoodId],
  );
  if (strayAccountLeaf[0]) return `leaf ${strayAccountLeaf[0].leaf_index} records an account version the books do not hold`;
  // An account's type, unit and project are fixed (account_identity_fixed): a version that changes one rewrites every figure
  // booked on the account before it, and a log that holds such a version was written with that guard switched off.
  const changedIdentity: { leaf_index: string; code: string }[] = await tx.query(
    `SELECT l.leaf_index, l.data::json->>4 AS code FROM ledger.log_leaf l
       JOIN ledger.log_leaf f ON f.neighbourhood_id = l.neighbourhood_id AND f.kind = 'ACCOUNT' AND f.record_id = l.record_id AND f.record_version = 1
      WHERE l.neighbourhood_id = $1 AND l.kind = 'ACCOUNT' AND l.record_version > 1
        AND (l.data::json->>6, l.data::json->>7, l.data::json->>8) IS DISTINCT FROM (f.data::json->>6, f.data::json->>7, f.data::json->>8)
      ORDER BY l.leaf_index LIMIT 1`,
    [neighbourhoodId],
  );
  if (changedIdentity[0]) return `leaf ${changedIdentity[0].leaf_index} changes the type, unit or project of account ${changedIdentity[0].code}, which are fixed`;

  const budget: { budget_id: string; revision: number }[] = await tx.query(
    `SELECT b.id AS budget_id, r.revision FROM ledger.budget b JOIN ledger.budget_revision r ON r.budget_id = b.id
       LEFT JOIN ledger.log_leaf l ON l.neighbourhood_id = b.neighbourhood_id AND l.leaf_index = r.leaf_index
      WHERE b.neighbourhood_id = $1 AND (l.data IS DISTINCT FROM ledger.budget_leaf_data(b, r) OR l.kind <> 'BUDGET_REVISION')
      ORDER BY r.recorded_at LIMIT 1`,
    [neighbourhoodId],
  );
  if (budget[0]) return `revision ${budget[0].revision} of budget ${budget[0].budget_id} is not what its leaf in the log says`;
  const strayBudgetLeaf: { leaf_index: string }[] = await tx.query(
    `SELECT l.leaf_index FROM ledger.log_leaf l LEFT JOIN ledger.budget_revision r ON r.budget_id = l.record_id AND r.revision = l.record_version
      WHERE l.neighbourhood_id = $1 AND l.kind = 'BUDGET_REVISION' AND (r.budget_id IS NULL OR r.leaf_index <> l.leaf_index) ORDER BY l.leaf_index LIMIT 1`,
    [neighbourhoodId],
  );
  if (strayBudgetLeaf[0]) return `leaf ${strayBudgetLeaf[0].leaf_index} records a budget revision the books do not hold there`;
  const neighbourhoodBudget: { year: number; revision: number }[] = await tx.query(
    `SELECT b.year, r.revision FROM ledger.neighbourhood_budget b JOIN ledger.neighbourhood_budget_revision r ON r.budget_id = b.id
       LEFT JOIN ledger.log_leaf l ON l.neighbourhood_id = b.neighbourhood_id AND l.leaf_index = r.leaf_index
      WHERE b.neighbourhood_id = $1 AND (l.data IS DISTINCT FROM ledger.neighbourhood_budget_leaf_data(b, r) OR l.kind <> 'NEIGHBOURHOOD_BUDGET_REVISION')
      ORDER BY r.recorded_at LIMIT 1`,
    [neighbourhoodId],
  );
  if (neighbourhoodBudget[0]) return `revision ${neighbourhoodBudget[0].revision} of the ${neighbourhoodBudget[0].year} budget is not what its leaf in the log says`;
  const strayNeighbourhoodBudgetLeaf: { leaf_index: string }[] = await tx.query(
    `SELECT l.leaf_index FROM ledger.log_leaf l
       LEFT JOIN ledger.neighbourhood_budget_revision r ON r.budget_id = l.record_id AND r.revision = l.record_version
      WHERE l.neighbourhood_id = $1 AND l.kind = 'NEIGHBOURHOOD_BUDGET_REVISION' AND (r.budget_id IS NULL OR r.leaf_index <> l.leaf_index)
      ORDER BY l.leaf_index LIMIT 1`,
    [neighbourhoodId],
  );
  if (strayNeighbourhoodBudgetLeaf[0]) return `leaf ${strayNeighbourhoodBudgetLeaf[0].leaf_index} records a neighbourhood budget revision the books do not hold there`;

  const change: { account_id: string; change: number }[] = await tx.query(
    `SELECT c.account_id, c.change FROM ledger.account_change c
       LEFT JOIN ledger.log_leaf l ON l.neighbourhood_id = c.neighbourhood_id AND l.leaf_index = c.leaf_index
      WHERE c.neighbourhood_id = $1 AND (l.data IS DISTINCT FROM ledger.account_change_leaf_data(c) OR l.kind <> 'ACCOUNT_CHANGE')
      ORDER BY c.leaf_index LIMIT 1`,
    [neighbourhoodId],
  );
  if (change[0]) return `change ${change[0].change} of account ${change[0].account_id} is not what its leaf in the log says`;
  const strayChangeLeaf: { leaf_index: string }[] = await tx.query(
    `SELECT l.leaf_index FROM ledger.log_leaf l LEFT JOIN ledger.account_change c ON c.account_id = l.record_id AND c.change = l.record_version
      WHERE l.neighbourhood_id = $1 AND l.kind = 'ACCOUNT_CHANGE' AND (c.account_id IS NULL OR c.leaf_index <> l.leaf_index) ORDER BY l.leaf_index LIMIT 1`,
    [neighbourhoodId],
  );
  if (strayChangeLeaf[0]) return `leaf ${strayChangeLeaf[0].leaf_index} records an account change the books do not hold there`;

  // Every stored subtree hash is the hash of its two halves: level 1 over the leaves' data, higher levels over the level below.
  const badNode: { level: number; node_index: string }[] = await tx.query(
    `SELECT n.level, n.node_index FROM ledger.log_node n
       JOIN ledger.log_leaf a ON a.neighbourhood_id = n.neighbourhood_id AND a.leaf_index = 2 * n.node_index
       JOIN ledger.log_leaf b ON b.neighbourhood_id = n.neighbourhood_id AND b.leaf_index = 2 * n.node_index + 1
      WHERE n.neighbourhood_id = $1 AND n.level = 1
        AND n.hash <> sha256(decode('01', 'hex') || sha256(decode('00', 'hex') || convert_to(a.data, 'UTF8')) || sha256(decode('00', 'hex') || convert_to(b.data, 'UTF8')))
     UNION ALL
     SELECT n.level, n.node_index FROM ledger.log_node n
       JOIN ledger.log_node a ON a.neighbourhood_id = n.neighbourhood_id AND a.level = n.level - 1 AND a.node_index = 2 * n.node_index
       JOIN ledger.log_node b ON b.neighbourhood_id = n.neighbourhood_id AND b.level = n.level - 1 AND b.node_index = 2 * n.node_index + 1
      WHERE n.neighbourhood_id = $1 AND n.level > 1 AND n.hash <> sha256(decode('01', 'hex') || a.hash || b.hash)
     LIMIT 1`,
    [neighbourhoodId],
  );
  if (badNode[0]) return `the stored hash of subtree ${badNode[0].node_index} at level ${badNode[0].level} is not the hash of its halves`;
  const counts: { level: number; nodes: string }[] = await tx.query(
    `SELECT level, count(*) AS nodes FROM ledger.log_node WHERE neighbourhood_id = $1 GROUP BY level ORDER BY level`,
    [neighbourhoodId],
  );
  for (let level = 1; 2 ** level <= Math.max(size, 1); level++) {
    const expected = Math.floor(size / 2 ** level);
    const stored = Number(counts.find((c) => c.level === level)?.nodes ?? 0);
    if (stored !== expected) return `the tree of ${size} leaves has ${expected} full subtrees at level ${level}; ${stored} are stored`;
  }
  if (counts.some((c) => 2 ** c.level > size)) return `subtrees are stored above the tree's height`;
  if (!rootOfFrontier(head.tree_frontier).equals(await rootAt(tx, neighbourhoodId, size))) {
    return `the head's frontier is not the root of the stored tree at size ${size}`;
  }

  // Every checkpoint the ledger signed is a root of this tree: none was signed over a tree that was rewritten since.
  // And it is signed: a stored note whose signature does not verify is served as it is, and every verifier refuses it.
  const checkpoints: { tree_size: string; root_hash: Buffer; note: string; origin: string }[] = await tx.query(
    `SELECT k.tree_size, k.root_hash, k.note, c.log_origin AS origin FROM ledger.checkpoint k JOIN ledger.chain c USING (neighbourhood_id)
      WHERE k.neighbourhood_id = $1 ORDER BY k.tree_size`,
    [neighbourhoodId],
  );
  const keys = ((await tx.query(`SELECT public_key FROM ledger.signing_key`)) as { public_key: Buffer }[]).map((k) => k.public_key);
  for (const checkpoint of checkpoints) {
    const at = Number(checkpoint.tree_size);
    if (at > size) return `a checkpoint of ${at} leaves was signed, but the tree has only ${size}`;
    if (!(await rootAt(tx, neighbourhoodId, at)).equals(checkpoint.root_hash)) return `the tree at size ${at} is not the one its checkpoint signed`;
    const unsigned = checkpointSignatureProblem(checkpoint.note, checkpoint.origin, keys);
    if (unsigned) return `the checkpoint of size ${at} is not signed by the ledger: ${unsigned}`;
  }
  const cosignatures: { tree_size: string; signature_line: string; name: string; public_key: Buffer; note: string }[] = await tx.query(
    `SELECT s.tree_size, s.signature_line, w.name, w.public_key, k.note FROM ledger.cosignature s
       JOIN ledger.witness w ON w.id = s.witness_id JOIN ledger.checkpoint k ON k.neighbourhood_id = s.neighbourhood_id AND k.tree_size = s.tree_size
      WHERE s.neighbourhood_id = $1 ORDER BY s.tree_size, w.name`,
    [neighbourhoodId],
  );
  for (const c of cosignatures) {
    const text = c.note.slice(0, c.note.indexOf('\n\n') + 1);
    const read = readCosignature(c.signature_line, text, { name: c.name, keyId: keyId(c.name, 0x04, c.public_key), publicKey: c.public_key });
    if (typeof read === 'string') return `the cosignature of ${c.name} on the checkpoint of size ${c.tree_size} does not verify: ${read}`;
  }
  return null;
}

/** Each stored total the API serves, recomputed from the lines; the ones that differ, at most 100. */
export async function derivedTotalDifferences(tx: EntityManager, neighbourhoodId: string): Promise<DerivedTotalDifferenceValue[]> {
  type Row = { account_id: string | null; project_id: string | null; member_id: string | null; day: string | null; stored: string; recomputed: string };
  const lineTotals = `
    SELECT l.account_id, e.project_id, e.member_id, e.booking_date AS day, l.amount_minor, l.unit, a.type
      FROM ledger.line l JOIN ledger.entry e ON e.id = l.entry_id JOIN ledger.account a ON a.id = l.account_id
     WHERE e.neighbourhood_id = $1`;
  const queries: [DerivedFigure, string][] = [
    [
      'ACCOUNT_BALANCE',
      `SELECT a.id AS account_id, NULL::uuid AS project_id, NULL::uuid AS member_id, NULL::text AS day, a.balance_minor::text AS stored,
              coalesce(t.total, 0)::text AS recomputed
         FROM ledger.account a LEFT JOIN (SELECT account_id, sum(amount_minor) AS total FROM (${lineTotals}) x GROUP BY account_id) t ON t.account_id = a.id
        WHERE a.neighbourhood_id = $1 AND a.balance_minor <> coalesce(t.total, 0)`,
    ],
    [
      'ACCOUNT_DAY',
      `SELECT coalesce(d.account_id, t.account_id) AS account_id, NULL::uuid AS project_id, NULL::uuid AS member_id, coalesce(d.day, t.day)::text AS day,
              coalesce(d.net_minor, 0)::text AS stored, coalesce(t.total, 0)::text AS recomputed
         FROM (SELECT d.* FROM ledger.account_day d JOIN ledger.account a ON a.id = d.account_id WHERE a.neighbourhood_id = $1) d
         FULL JOIN (SELECT account_id, day, sum(amount_minor) AS total FROM (${lineTotals}) x GROUP BY account_id, day) t
           ON t.account_id = d.account_id AND t.day = d.day
        WHERE coalesce(d.net_minor, 0) <> coalesce(t.total, 0)`,
    ],
    [
      'PROJECT_DAY',
      `SELECT coalesce(d.account_id, t.account_id) AS account_id, coalesce(d.project_id, t.project_id) AS project_id, NULL::uuid AS member_id,
              coalesce(d.day, t.day)::text AS day, coalesce(d.net_minor, 0)::text AS stored, coalesce(t.total, 0)::text AS recomputed
         FROM (SELECT d.* FROM ledger.project_day d JOIN ledger.account a ON a.id = d.account_id WHERE a.neighbourhood_id = $1) d
         FULL JOIN (SELECT project_id, account_id, day, sum(amount_minor) AS total FROM (${lineTotals}) x WHERE project_id IS NOT NULL
                     GROUP BY project_id, account_id, day) t
           ON t.project_id = d.project_id AND t.account_id = d.account_id AND t.day = d.day
        WHERE coalesce(d.net_minor, 0) <> coalesce(t.total, 0)`,
    ],
    [
      // member_day is kept per member, not per books: it is compared for the members these books name, with the
      // hours of every entry about them.
      'MEMBER_DAY',
      `WITH named AS (SELECT DISTINCT member_id FROM ledger.entry WHERE neighbourhood_id = $1 AND member_id IS NOT NULL)
       SELECT NULL::uuid AS account_id, NULL::uuid AS project_id, coalesce(d.member_id, t.member_id) AS member_id, coalesce(d.day, t.day)::text AS day,
              coalesce(d.hours_minor, 0)::text AS stored, coalesce(t.total, 0)::text AS recomputed
         FROM (SELECT d.* FROM ledger.member_day d JOIN named USING (member_id)) d
         FULL JOIN (SELECT e.member_id, e.booking_date AS day, sum(l.amount_minor) AS total
                      FROM named JOIN ledger.entry e USING (member_id) JOIN ledger.line l ON l.entry_id = e.id JOIN ledger.account a ON a.id = l.account_id
                     WHERE l.unit = 'HOUR' AND a.type = 'EXPENSE' GROUP BY e.member_id, e.booking_date) t
           ON t.member_id = d.member_id AND t.day = d.day
        WHERE coalesce(d.hours_minor, 0) <> coalesce(t.total, 0)`,
    ],
  ];
  const differences: DerivedTotalDifferenceValue[] = [];
  for (const [figure, sql] of queries) {
    const rows: Row[] = await tx.query(`${sql} ORDER BY 1, 2, 3, 4 LIMIT ${MAX_DIFFERENCES}`, [neighbourhoodId]);
    for (const r of rows) {
      differences.push({
        figure,
        accountId: r.account_id,
        projectId: r.project_id,
        memberId: r.member_id,
        day: r.day,
        stored: BigInt(r.stored),
        recomputed: BigInt(r.recomputed),
      });
    }
  }
  return differences.slice(0, MAX_DIFFERENCES);
}

