/**
 * The Merkle tree of RFC 9162 §2.1 with SHA-256, and the two proof checks (§2.1.3.2 inclusion, §2.1.4.2
 * consistency), written from the RFC's text. Sizes and indexes are plain numbers: halving is done with
 * arithmetic, not `>>`, which would cut them to 32 bits.
 */
import { createHash } from 'node:crypto';

export type Hash = Buffer;

export function sha256(...parts: (Buffer | string)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export const EMPTY_ROOT: Hash = sha256('');

export function leafHash(data: Buffer | string): Hash {
  return sha256(Buffer.from([0x00]), Buffer.from(data));
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return sha256(Buffer.from([0x01]), left, right);
}

const half = (x: number) => Math.floor(x / 2);
const odd = (x: number) => x % 2 === 1;

/**
 * Builds the root of a growing tree in O(log n) memory: the stack holds the roots of the perfect subtrees that
 * make up the leaves so far (the binary digits of the size), largest first.
 */
export class TreeBuilder {
  private stack: { hash: Hash; leaves: number }[] = [];
  size = 0;

  push(leaf: Hash): void {
    let top = { hash: leaf, leaves: 1 };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].leaves === top.leaves) {
      const left = this.stack.pop()!;
      top = { hash: nodeHash(left.hash, top.hash), leaves: left.leaves * 2 };
    }
    this.stack.push(top);
    this.size++;
  }

  /** MTH of the leaves pushed so far: the subtrees joined from the right, as RFC 9162's split rule gives. */
  root(): Hash {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let hash = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i].hash, hash);
    return hash;
  }
}

export function rootOf(leaves: Hash[]): Hash {
  const tree = new TreeBuilder();
  for (const leaf of leaves) tree.push(leaf);
  return tree.root();
}

/** RFC 9162 §2.1.3.2: is `leaf` the leaf at `index` of the tree of `size` leaves whose root is `root`? */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `first` leaves with root `firstRoot` a prefix of the tree of `second` leaves
 * with root `secondRoot`? For first = second the proof is empty and the roots are equal (docs/ledger-hash.md,
 * "Proofs"); from an empty tree nothing needs proving, so first = 0 is refused here: callers skip that case.
 */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, proof: Hash[]): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first <= 0 || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

function isPowerOfTwo(x: number): boolean {
  while (x > 1 && !odd(x)) x = half(x);
  return x === 1;
}

/** A tree hash from its base64 form (44 characters, padded), or null when it is not one. */
export function decodeHash(text: unknown): Hash | null {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(text)) return null;
  const hash = Buffer.from(text, 'base64');
  return hash.length === 32 && hash.toString('base64') === text ? hash : null;
}
