/**
 * A plain reference of RFC 9162 §2.1, written in the test from the RFC's recursive definitions (MTH, PATH, PROOF,
 * SUBPROOF) and nothing else, to make the proofs the verifier must accept. Slow on purpose: no shortcuts.
 */
import { createHash } from 'node:crypto';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
export const leaf = (data: Buffer | string) => sha(Buffer.from([0]), Buffer.from(data));
const node = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);

/** The largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes (the leaf hashing is done by the caller). */
export function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return d[0];
  const k = split(d.length);
  return node(mth(d.slice(0, k)), mth(d.slice(k)));
}

/** PATH(m, D[n]) of §2.1.3.1. */
export function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const k = split(d.length);
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

/** PROOF(m, D[n]) of §2.1.4.1. */
export function proof(m: number, d: Buffer[]): Buffer[] {
  return subproof(m, d, true);
}

function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  const n = d.length;
  if (m === n) return b ? [] : [mth(d)];
  const k = split(n);
  return m <= k ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))] : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

/** n distinct leaf hashes. */
export function leaves(n: number, salt = ''): Buffer[] {
  return Array.from({ length: n }, (_, i) => leaf(`leaf ${salt}${i}`));
}
