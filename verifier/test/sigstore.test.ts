/**
 * Cross-check against sigstore's maintained implementation (@sigstore/verify): its RFC 6962 inclusion check
 * (dist/tlog/merkle, which the package's missing `exports` map lets us import) and its checkpoint signature check
 * (dist/tlog/checkpoint), on proofs from the RFC reference and checkpoints this verifier signs.
 */
import { createHash, createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { verifyMerkleInclusion } from '@sigstore/verify/dist/tlog/merkle';
import { verifyCheckpoint } from '@sigstore/verify/dist/tlog/checkpoint';
import { checkNoteSignature, keyId, parseNote, parseVkey, publicKeyOfSeed, signNote, formatVkey } from '../src/note';
import { leafHash, rootOf, verifyInclusion } from '../src/tree';
import * as reference from './reference';

const DATA = Array.from({ length: 1500 }, (_, i) => Buffer.from(`["dbwe-entry-leaf-v1",${i + 1},"${createHash('sha256').update(String(i)).digest('hex')}"]`));
const HASHES = DATA.map((d) => leafHash(d));

function sigstoreAccepts(index: number, size: number, data: Buffer, proof: Buffer[], root: Buffer): boolean {
  try {
    verifyMerkleInclusion(
      { inclusionProof: { logIndex: String(index), hashes: proof }, canonicalizedBody: data } as never,
      { logSize: BigInt(size), logHash: root } as never,
    );
    return true;
  } catch {
    return false;
  }
}

describe('inclusion proofs against @sigstore/verify', () => {
  const leafInTree = fc.integer({ min: 1, max: 1500 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 })));

  it('agrees with the verifier on reference proofs and on tampered ones', () => {
    fc.assert(
      fc.property(leafInTree, fc.boolean(), fc.nat(), ([n, m], tamper, at) => {
        const proof = reference.path(m, HASHES.slice(0, n));
        const root = rootOf(HASHES.slice(0, n));
        if (tamper && proof.length > 0) proof[at % proof.length] = reference.leaf('tampered');
        const ours = verifyInclusion(m, n, leafHash(DATA[m]), proof, root);
        const theirs = sigstoreAccepts(m, n, DATA[m], proof, root);
        return ours === theirs && ours === !(tamper && proof.length > 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('checkpoint signatures against @sigstore/verify', () => {
  const seed = createHash('sha256').update('sigstore cross-check log key').digest();
  const origin = 'dbwe.example/books/2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6';
  const publicKey = publicKeyOfSeed(seed);
  const tlog = {
    logID: keyId(origin, 0x01, publicKey),
    baseURL: origin,
    publicKey: createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]), format: 'der', type: 'spki' }),
  };
  const sigstoreAcceptsNote = (envelope: string) => {
    try {
      verifyCheckpoint({ inclusionProof: { checkpoint: { envelope } } } as never, [tlog] as never);
      return true;
    } catch {
      return false;
    }
  };

  it('accepts the checkpoints this verifier signs, and both refuse a changed one', () => {
    for (const size of [1, 7, 1024, 1500]) {
      const note = signNote(`${origin}\n${size}\n${rootOf(HASHES.slice(0, size)).toString('base64')}\n`, origin, seed);
      expect(sigstoreAcceptsNote(note)).toBe(true);
      expect(checkNoteSignature(parseNote(note), parseVkey(formatVkey(origin, 0x01, publicKey)))).toBe('verified');
      const changed = note.replace(`\n${size}\n`, `\n${size + 1}\n`);
      expect(sigstoreAcceptsNote(changed)).toBe(false);
      expect(checkNoteSignature(parseNote(changed), parseVkey(formatVkey(origin, 0x01, publicKey)))).toBe('bad');
    }
  });
});
