import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 over a neighbourhood's log
 * (docs/ledger-hash.md, "The tree" and "Proofs"), in terms of the full
 * subtrees the database stores. No I/O: `plan*` functions say which stored
 * subtrees a root or proof needs, `compute*` functions make it from them.
 */

export type Hash = Buffer;

export const EMPTY_ROOT: Hash = createHash('sha256').digest();

export function leafHash(data: string): Hash {
  return createHash('sha256').update(Buffer.of(0)).update(data, 'utf8').digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** A full subtree: the 2^level leaves from index × 2^level. Level 0 is a leaf. */
export interface Subtree {
  level: number;
  index: number;
}

export const subtreeKey = (s: Subtree) => `${s.level}:${s.index}`;

/** The largest power of two smaller than n (n ≥ 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The full subtrees, left to right, that make up the leaves [start, end).
 * Every range a root or proof of RFC 9162 asks for starts at a multiple of
 * the largest power of two not above its length, so it is the run of full
 * subtrees given by the binary digits of its length, largest first.
 */
export function rangeSubtrees(start: number, end: number): Subtree[] {
  const subtrees: Subtree[] = [];
  let at = start;
  for (let level = Math.floor(Math.log2(Math.max(end - start, 1))) + 1; level >= 0; level--) {
    const size = 2 ** level;
    if (at + size <= end) {
      if (at % size !== 0) throw new RangeError(`leaves [${start}, ${end}) are not aligned as RFC 9162 ranges are`);
      subtrees.push({ level, index: at / size });
      at += size;
    }
  }
  return subtrees;
}

/** The hash of a range from the hashes of its full subtrees: the rightmost first, folded leftwards. */
export function foldRange(hashes: Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i], acc);
  return acc;
}

/** A proof as the ranges whose hashes it lists, in the RFC's order. */
export type RangePlan = [start: number, end: number][];

/** RFC 9162 §2.1.3.1 PATH(m, D[start:end]). */
export function planInclusion(leafIndex: number, treeSize: number): RangePlan {
  if (!Number.isInteger(leafIndex) || !Number.isInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) {
    throw new RangeError(`leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  }
  const path = (m: number, start: number, end: number): RangePlan => {
    if (end - start === 1) return [];
    const k = splitPoint(end - start);
    return m < start + k ? [...path(m, start, start + k), [start + k, end]] : [...path(m, start + k, end), [start, start + k]];
  };
  return path(leafIndex, 0, treeSize);
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function planConsistency(fromSize: number, toSize: number): RangePlan {
  if (!Number.isInteger(fromSize) || !Number.isInteger(toSize) || fromSize < 0 || fromSize > toSize) {
    throw new RangeError(`a tree of size ${fromSize} cannot be a prefix of one of size ${toSize}`);
  }
  if (fromSize === 0 || fromSize === toSize) return [];
  const subproof = (m: number, start: number, end: number, whole: boolean): RangePlan => {
    if (m === end - start) return whole ? [] : [[start, end]];
    const k = splitPoint(end - start);
    return m <= k
      ? [...subproof(m, start, start + k, whole), [start + k, end]]
      : [...subproof(m - k, start + k, end, false), [start, start + k]];
  };
  return subproof(fromSize, 0, toSize, true);
}

/** Every full subtree the given ranges are made of, each once. */
export function subtreesOf(ranges: RangePlan): Subtree[] {
  const seen = new Map<string, Subtree>();
  for (const [start, end] of ranges) for (const s of rangeSubtrees(start, end)) seen.set(subtreeKey(s), s);
  return [...seen.values()];
}

/** The hash of each range, from the stored hashes of full subtrees. */
export function computeRanges(ranges: RangePlan, stored: Map<string, Hash>): Hash[] {
  return ranges.map(([start, end]) =>
    foldRange(
      rangeSubtrees(start, end).map((s) => {
        const hash = stored.get(subtreeKey(s));
        if (!hash) throw new Error(`subtree ${subtreeKey(s)} of leaves [${start}, ${end}) is not stored`);
        return hash;
      }),
    ),
  );
}

/** The root of a tree whose frontier (full subtree roots, largest first) is given. */
export function rootOfFrontier(frontier: Buffer): Hash {
  const hashes: Hash[] = [];
  for (let at = 0; at < frontier.length; at += 32) hashes.push(frontier.subarray(at, at + 32));
  return foldRange(hashes);
}

/** A full subtree's hash as the database stores it (levels 1 and up; leaves are kept as data). */
export interface StoredNode extends Subtree {
  hash: Hash;
}

/**
 * Appends leaves to a tree of `size` leaves with the given frontier, as the
 * database's `ledger.log_grow` does one at a time: returns the new frontier
 * and every full subtree the new leaves complete. For bulk loads, which
 * switch the per-row triggers off.
 */
export function appendLeaves(size: number, frontier: Buffer, leafHashes: Hash[]): { frontier: Buffer; nodes: StoredNode[] } {
  const stack: Hash[] = [];
  for (let at = 0; at < frontier.length; at += 32) stack.push(frontier.subarray(at, at + 32));
  const nodes: StoredNode[] = [];
  let n = size;
  for (const leaf of leafHashes) {
    let carry = leaf;
    let index = n;
    let level = 0;
    while (index % 2 === 1) {
      carry = nodeHash(stack.pop()!, carry);
      level++;
      index = (index - 1) / 2;
      nodes.push({ level, index, hash: carry });
    }
    stack.push(carry);
    n++;
  }
  return { frontier: Buffer.concat(stack), nodes };
}

/**
 * RFC 9162 §2.1.4.2: whether `proof` shows that the tree of size m with root
 * `first` is a prefix of the tree of size n with root `second` (0 < m ≤ n).
 * The signer checks what the database gives it with this before it signs.
 */
export function verifyConsistency(m: number, n: number, first: Hash, second: Hash, proof: Hash[]): boolean {
  if (m < 1 || m > n) return false;
  if (m === n) return proof.length === 0 && first.equals(second);
  const path = (m & (m - 1)) === 0 ? [first, ...proof] : proof;
  if (path.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && fr.equals(first) && sr.equals(second);
}
