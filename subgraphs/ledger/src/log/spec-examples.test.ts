import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  appendLeaves,
  rootOfFrontier,
  computeRanges,
  foldRange,
  leafHash,
  nodeHash,
  planConsistency,
  planInclusion,
  rangeSubtrees,
  subtreeKey,
  subtreesOf,
  type Hash,
} from './merkle';
import { checkpointText, parseCosignerKey, readCosignature, signCheckpoint, signingKeyFromSeed, verifierKey } from './note';

/*
 * Every example of docs/ledger-hash.md, reproduced by the ledger's own code:
 * the page is the contract third parties implement, so the two must agree
 * byte for byte. Then the plans against the RFC's recursive definitions for
 * every tree size up to 300 and random larger ones.
 */

const spec = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'ledger-hash.md'), 'utf8');
const LEAVES = [...spec.matchAll(/^\| (\d) \| `(\[.*?\])`/gm)].map((m) => m[2]);
const ORIGIN = 'dbwe.example/books/2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6';
const b64 = (h: Hash) => h.toString('base64');

/** RFC 9162 MTH over leaf hashes, by its recursive definition. */
function mth(hashes: Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  if (hashes.length === 1) return hashes[0];
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return nodeHash(mth(hashes.slice(0, k)), mth(hashes.slice(k)));
}

/** What the database would store for these leaves: every full subtree's hash. */
function storedTree(hashes: Hash[]): Map<string, Hash> {
  const stored = new Map<string, Hash>();
  for (let level = 0; 2 ** level <= hashes.length; level++) {
    const size = 2 ** level;
    for (let index = 0; (index + 1) * size <= hashes.length; index++) {
      stored.set(subtreeKey({ level, index }), mth(hashes.slice(index * size, (index + 1) * size)));
    }
  }
  return stored;
}

const proof = (plan: [number, number][], stored: Map<string, Hash>) => computeRanges(plan, stored).map(b64);
const specLine = (label: string) => {
  const line = spec.split('\n').find((l) => l.startsWith(label));
  if (!line) throw new Error(`the spec has no line starting ${label}`);
  return line.slice(label.length).trim().split(/\s+/);
};

describe('the worked example of docs/ledger-hash.md', () => {
  const hashes = LEAVES.map(leafHash);
  const stored = storedTree(hashes);

  it('has four leaves whose hashes are as printed', () => {
    expect(LEAVES).toHaveLength(4);
    const printed = spec.match(/Leaf hashes:\n\n```\n([\s\S]*?)```/)![1].trim().split('\n').map((l) => l.split(/\s+/)[1]);
    expect(hashes.map(b64)).toEqual(printed);
  });

  it('has the printed root for every size, from the stored subtrees as from the definition', () => {
    const printed = spec.match(/Root hashes by tree size:\n\n```\n([\s\S]*?)```/)![1].trim().split('\n').map((l) => l.split(/\s+/)[1]);
    for (let size = 0; size <= 4; size++) {
      expect(b64(mth(hashes.slice(0, size)))).toBe(printed[size]);
      expect(b64(foldRange(computeRanges([[0, size]], stored)))).toBe(printed[size]);
    }
  });

  it('has the printed proofs', () => {
    expect(proof(planInclusion(3, 4), stored)).toEqual(specLine('inclusion of leaf 3 in size 4:'));
    expect(proof(planInclusion(0, 3), storedTree(hashes.slice(0, 3)))).toEqual(specLine('inclusion of leaf 0 in size 3:'));
    expect(proof(planConsistency(1, 4), stored)).toEqual(specLine('consistency from 1 to 4:'));
    expect(proof(planConsistency(3, 4), stored)).toEqual(specLine('consistency from 3 to 4:'));
    expect(proof(planConsistency(2, 3), storedTree(hashes.slice(0, 3)))).toEqual(specLine('consistency from 2 to 3:'));
  });

  it('signs the printed checkpoint with the printed key, and reads the printed cosignature', () => {
    const seed = createHash('sha256').update('dbwe example log key').digest('base64');
    expect(spec).toContain(seed);
    const key = signingKeyFromSeed(seed);
    expect(spec).toContain(verifierKey(ORIGIN, key.publicKey));
    const body = { origin: ORIGIN, size: 4, rootHash: mth(hashes) };
    const checkpoint = signCheckpoint(body, [key]);
    expect(spec).toContain('```\n' + checkpoint + '```');

    const witnessSeed = createHash('sha256').update('dbwe example witness key').digest('base64');
    const witness = signingKeyFromSeed(witnessSeed);
    const vkey = verifierKey('witness.example/gemeente-arnhem', witness.publicKey, 0x04);
    expect(spec).toContain(vkey);
    const line = spec.split('\n').find((l) => l.startsWith('— witness.example/gemeente-arnhem '))!;
    const cosigner = parseCosignerKey(vkey);
    if (typeof cosigner === 'string') throw new Error(cosigner);
    expect(readCosignature(line, checkpointText(body), cosigner)).toEqual({ timestamp: 1767225600, line: `${line}\n` });
    expect(spec).toContain('```\n' + checkpoint + line + '\n```');
  });
});

describe('a cosignature', () => {
  const witness = signingKeyFromSeed(createHash('sha256').update('dbwe example witness key').digest('base64'));
  const vkey = verifierKey('witness.example/gemeente-arnhem', witness.publicKey, 0x04);
  const cosigner = parseCosignerKey(vkey) as Exclude<ReturnType<typeof parseCosignerKey>, string>;
  const line = spec.split('\n').find((l) => l.startsWith('— witness.example/gemeente-arnhem '))!;
  const text = checkpointText({ origin: ORIGIN, size: 4, rootHash: Buffer.from('P4shkVReiINgEV3oeRkWVFv419qrqG4MflNCmNCOeUw=', 'base64') });

  it('is refused over another checkpoint, under another name, or with a changed byte', () => {
    expect(readCosignature(line, text.replace('\n4\n', '\n5\n'), cosigner)).toMatch(/does not verify/);
    expect(readCosignature(line.replace('gemeente-arnhem', 'krant'), text, cosigner)).toMatch(/not witness.example\/gemeente-arnhem/);
    const bytes = Buffer.from(line.split(' ')[2], 'base64');
    bytes[20] ^= 1;
    expect(readCosignature(`— witness.example/gemeente-arnhem ${bytes.toString('base64')}`, text, cosigner)).toMatch(/does not verify/);
  });

  it('needs a cosigner key (type 0x04), not a note key (type 0x01)', () => {
    expect(parseCosignerKey(verifierKey('witness.example/gemeente-arnhem', witness.publicKey, 0x01))).toMatch(/0x04/);
    expect(parseCosignerKey('witness.example/x+00000000+' + Buffer.concat([Buffer.of(4), witness.publicKey]).toString('base64'))).toMatch(/key ID/);
  });
});

describe('plans of roots and proofs', () => {
  /** Leaf hashes of n made-up leaves. */
  const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`leaf ${i}`));

  /** RFC 9162 PATH and PROOF on the hashes themselves. */
  function pathByDefinition(m: number, d: Hash[]): Hash[] {
    if (d.length === 1) return [];
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return m < k ? [...pathByDefinition(m, d.slice(0, k)), mth(d.slice(k))] : [...pathByDefinition(m - k, d.slice(k)), mth(d.slice(0, k))];
  }
  function subproofByDefinition(m: number, d: Hash[], whole: boolean): Hash[] {
    if (m === d.length) return whole ? [] : [mth(d)];
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return m <= k
      ? [...subproofByDefinition(m, d.slice(0, k), whole), mth(d.slice(k))]
      : [...subproofByDefinition(m - k, d.slice(k), false), mth(d.slice(0, k))];
  }

  it('agree with the definitions for every size up to 64 and every index and prefix', () => {
    for (let n = 1; n <= 64; n++) {
      const d = leaves(n);
      const stored = storedTree(d);
      expect(foldRange(computeRanges([[0, n]], stored))).toEqual(mth(d));
      for (let m = 0; m < n; m++) expect(computeRanges(planInclusion(m, n), stored)).toEqual(pathByDefinition(m, d));
      for (let m = 1; m <= n; m++) expect(computeRanges(planConsistency(m, n), stored)).toEqual(subproofByDefinition(m, d, true));
    }
  });

  it('agree with the definitions for random sizes up to 3,000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.nat(), (n, i, j) => {
        const d = leaves(n);
        const stored = storedTree(d);
        const m = i % n;
        const from = 1 + (j % n);
        expect(computeRanges(planInclusion(m, n), stored)).toEqual(pathByDefinition(m, d));
        expect(computeRanges(planConsistency(from, n), stored)).toEqual(subproofByDefinition(from, d, true));
      }),
      { numRuns: 60 },
    );
  });

  it('ask for O(log² n) stored subtrees at most, never for the history', () => {
    const n = 901_000;
    const needed = subtreesOf([...planConsistency(1000, n), ...planInclusion(0, n), [0, 1000], [0, n]]);
    expect(needed.length).toBeLessThan(100);
    // The whole tree is one full subtree per binary digit of its size.
    const digits = [...n.toString(2)].reverse().flatMap((bit, level) => (bit === '1' ? [level] : [])).reverse();
    expect(rangeSubtrees(0, n).map((s) => s.level)).toEqual(digits);
  });

  it('grow a tree leaf by leaf into the frontier and full subtrees the database keeps', () => {
    const d = leaves(1_300);
    const whole = appendLeaves(0, Buffer.alloc(0), d);
    const stored = storedTree(d);
    expect(whole.nodes).toHaveLength([...stored.keys()].filter((k) => !k.startsWith('0:')).length);
    for (const node of whole.nodes) expect(node.hash).toEqual(stored.get(subtreeKey(node)));
    expect(rootOfFrontier(whole.frontier)).toEqual(mth(d));
    // In two goes, from any size, the same.
    const first = appendLeaves(0, Buffer.alloc(0), d.slice(0, 777));
    const second = appendLeaves(777, first.frontier, d.slice(777));
    expect(second.frontier).toEqual(whole.frontier);
    expect([...first.nodes, ...second.nodes]).toEqual(whole.nodes);
  });

  it('refuse leaves and sizes outside the tree', () => {
    expect(() => planInclusion(4, 4)).toThrow(RangeError);
    expect(() => planInclusion(-1, 4)).toThrow(RangeError);
    expect(() => planConsistency(5, 4)).toThrow(RangeError);
    expect(planConsistency(0, 4)).toEqual([]);
    expect(planConsistency(4, 4)).toEqual([]);
  });
});
