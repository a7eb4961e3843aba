/**
 * Property tests: for random tree sizes (1 to a few thousand, most not powers of two), random leaf indexes and
 * random size pairs, the proofs the RFC 9162 reference (./reference.ts) makes verify with the verifier, the
 * verifier's streaming root equals the reference MTH, and every tampered proof is refused: a changed hash, a
 * wrong size, a wrong index, a hash removed or added.
 */
import fc from 'fast-check';
import { canonicalString } from '../src/canonical';
import { rootOf, verifyConsistency, verifyInclusion } from '../src/tree';
import * as reference from './reference';

// One tree of the largest size, sliced for smaller ones: a prefix of the leaves is the tree of that size.
const ALL = reference.leaves(3000);
const roots = new Map<number, Buffer>();
const root = (n: number) => roots.get(n) ?? roots.set(n, reference.mth(ALL.slice(0, n))).get(n)!;

const size = fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 3000 }), fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 1023, 1024, 1025, 2048, 2049));
const flip = (hash: Buffer, bit: number) => {
  const copy = Buffer.from(hash);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
};

describe('the tree against the RFC 9162 reference', () => {
  it('computes MTH the same way, for every size', () => {
    fc.assert(fc.property(size, (n) => rootOf(ALL.slice(0, n)).equals(root(n))), { numRuns: 200 });
  });
});

describe('inclusion proofs (RFC 9162 §2.1.3)', () => {
  const leafInTree = size.chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 })));

  it('accepts every PATH the reference makes', () => {
    fc.assert(fc.property(leafInTree, ([n, m]) => verifyInclusion(m, n, ALL[m], reference.path(m, ALL.slice(0, n)), root(n))), { numRuns: 300 });
  });

  it('refuses a proof with a changed hash', () => {
    fc.assert(
      fc.property(leafInTree, fc.nat(), fc.integer({ min: 0, max: 255 }), ([n, m], at, bit) => {
        const proof = reference.path(m, ALL.slice(0, n));
        fc.pre(proof.length > 0);
        const i = at % proof.length;
        proof[i] = flip(proof[i], bit);
        return !verifyInclusion(m, n, ALL[m], proof, root(n));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a proof checked for another leaf, index, size or root, or with a hash removed or added', () => {
    fc.assert(
      fc.property(leafInTree, fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 2999 }), ([n, m], otherSize, otherIndex) => {
        const proof = reference.path(m, ALL.slice(0, n));
        const refused: boolean[] = [
          !verifyInclusion(m, n, ALL[(m + 1) % 3000], proof, root(n)),
          !verifyInclusion(m, n, ALL[m], proof, flip(root(n), 0)),
          !verifyInclusion(m, n, ALL[m], [...proof, ALL[0]], root(n)),
        ];
        if (proof.length > 0) refused.push(!verifyInclusion(m, n, ALL[m], proof.slice(0, -1), root(n)));
        if (otherIndex !== m && otherIndex < n) refused.push(!verifyInclusion(otherIndex, n, ALL[m], proof, root(n)));
        // A wrong size is claimed with that size's own root, as a checkpoint of that size would sign it: the
        // hashes alone do not fix the size (for leaf 0, sizes 513 and 1023 combine alike), the signed pair does.
        if (otherSize !== n) refused.push(!verifyInclusion(m, otherSize, ALL[m], proof, root(otherSize)));
        return refused.every(Boolean);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses indexes outside the tree', () => {
    expect(verifyInclusion(4, 4, ALL[4], reference.path(3, ALL.slice(0, 4)), root(4))).toBe(false);
    expect(verifyInclusion(-1, 4, ALL[0], [], root(4))).toBe(false);
  });
});

describe('consistency proofs (RFC 9162 §2.1.4)', () => {
  const sizePair = size.chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n)));

  it('accepts every PROOF the reference makes, m = n included', () => {
    fc.assert(fc.property(sizePair, ([m, n]) => verifyConsistency(m, n, root(m), root(n), reference.proof(m, ALL.slice(0, n)))), { numRuns: 300 });
  });

  it('refuses a proof with a changed hash', () => {
    fc.assert(
      fc.property(sizePair, fc.nat(), fc.integer({ min: 0, max: 255 }), ([m, n], at, bit) => {
        const proof = reference.proof(m, ALL.slice(0, n));
        fc.pre(proof.length > 0);
        const i = at % proof.length;
        proof[i] = flip(proof[i], bit);
        return !verifyConsistency(m, n, root(m), root(n), proof);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a proof checked with other sizes or roots, or with a hash removed or added', () => {
    fc.assert(
      fc.property(sizePair, fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), ([m, n], otherFirst, otherSecond) => {
        const proof = reference.proof(m, ALL.slice(0, n));
        const refused: boolean[] = [
          !verifyConsistency(m, n, flip(root(m), 3), root(n), proof),
          !verifyConsistency(m, n, root(m), flip(root(n), 3), proof),
          !verifyConsistency(m, n, root(m), root(n), [...proof, ALL[0]]),
        ];
        if (proof.length > 0) refused.push(!verifyConsistency(m, n, root(m), root(n), proof.slice(0, -1)));
        // Wrong sizes come with their own roots, as signed checkpoints of those sizes would carry them.
        if (otherFirst !== m && otherFirst <= n) refused.push(!verifyConsistency(otherFirst, n, root(otherFirst), root(n), proof));
        if (otherSecond !== n && otherSecond >= m) refused.push(!verifyConsistency(m, otherSecond, root(m), root(otherSecond), proof));
        return refused.every(Boolean);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a shorter tree claimed to extend a longer one, and a rewritten prefix', () => {
    expect(verifyConsistency(5, 3, root(5), root(3), reference.proof(3, ALL.slice(0, 5)))).toBe(false);
    const rewritten = [...ALL.slice(0, 10)];
    rewritten[2] = reference.leaf('rewritten');
    expect(verifyConsistency(5, 10, root(5), reference.mth(rewritten), reference.proof(5, rewritten))).toBe(false);
  });
});

describe('the canonical serialisation', () => {
  it('writes every well-formed string as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        // Lone surrogates never reach a hash: the ledger refuses them (docs/ledger-hash.md, "Serialisation").
        fc.pre(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s));
        return canonicalString(s) === JSON.stringify(s);
      }),
      { numRuns: 2000 },
    );
    for (let c = 0; c < 0x80; c++) expect(canonicalString(String.fromCharCode(c))).toBe(JSON.stringify(String.fromCharCode(c)));
    expect(canonicalString('€ \u2028 / é')).toBe('"€ \u2028 / é"');
  });
});
