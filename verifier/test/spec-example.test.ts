/**
 * docs/ledger-hash.md's worked example, reproduced byte for byte by the verifier: the entry hash, every leaf hash,
 * every root, every proof, the vkeys and key IDs, the checkpoint and the cosigned checkpoint. Each expected value
 * is also looked up in the spec's text, so the page and this test cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { canonical } from '../src/canonical';
import { checkCosignature, checkNoteSignature, cosignatureLine, cosignatureMessage, formatVkey, parseCheckpoint, parseVkey, publicKeyOfSeed, signNote } from '../src/note';
import { GENESIS_HASH, entryArray, entryHash, entryLeafData, readLeaf, type Entry } from '../src/records';
import { EMPTY_ROOT, leafHash, rootOf, verifyConsistency, verifyInclusion } from '../src/tree';
import * as reference from './reference';

const spec = readFileSync(join(__dirname, '..', '..', 'docs', 'ledger-hash.md'), 'utf8');
const inSpec = (text: string) => expect(spec).toContain(text);
const b64 = (b: Buffer) => b.toString('base64');

const ORIGIN = 'dbwe.example/books/2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6';
const LEAVES = [
  '["dbwe-account-v1","bbbbbbbb-cccc-5ddd-8eee-ffffffffffff",1,"2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6","1000","Bank","ASSET","EUR",null,null,true,"2025-01-01T09:00:00.000Z","9a8b7c6d-5e4f-5a3b-9c2d-1e0f9a8b7c6d"]',
  '["dbwe-account-v1","11111111-2222-5333-8444-555555555555",1,"2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6","4100","Inkoop buurtkeuken","EXPENSE","EUR","c0ffee00-1234-5abc-8def-0123456789ab","6.3",false,"2025-01-01T09:00:00.000Z","9a8b7c6d-5e4f-5a3b-9c2d-1e0f9a8b7c6d"]',
  '["dbwe-budget-v1","d00dfeed-0000-5000-8000-000000000001",1,"2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6","c0ffee00-1234-5abc-8def-0123456789ab","EUR","2025-01-01","2025-12-31","250000","Begroting buurtkeuken 2025","2025-01-02T10:00:00.000Z","9a8b7c6d-5e4f-5a3b-9c2d-1e0f9a8b7c6d"]',
  '["dbwe-entry-leaf-v1",1,"ba33152f7d3ee756277795d13efbd5427389732166e60762b7603708d1b82f72"]',
];
const LEAF_HASHES = ['Sut/hPcmPan4uRngTTbcN2fcAnLpxbsO8gfAUg7lKbc=', 'rXAVtFMmFD9QtsQzCcHJaTPpVrvH/de2WilVdVsbqZs=', 'iBfE+lxUPaOm0C3hDyLDnbqTiEnfjXYXttMFp8BXlFE=', 'gbqnxBzq3Ekbza8tsTrm6DhxMGaWyoyXSGEbavwSUbA='];
const ROOTS = [
  '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
  'Sut/hPcmPan4uRngTTbcN2fcAnLpxbsO8gfAUg7lKbc=',
  'htVZ0bWJkaCZx4HJnnljCVN4GfCcNSTxhVo30V8HqTI=',
  'gH1V9hQhOm99X3TgGDJ3alT/Ssfloh50uJLLIjv+Ck8=',
  'P4shkVReiINgEV3oeRkWVFv419qrqG4MflNCmNCOeUw=',
];
const LOG_SEED = createHash('sha256').update('dbwe example log key').digest();
const WITNESS_SEED = createHash('sha256').update('dbwe example witness key').digest();
const LOG_VKEY = 'dbwe.example/books/2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6+b09da140+AW3VfmWb7bATB8DMl64mwoY9JgAYgJ7g0Ik3em2MVH4e';
const WITNESS_VKEY = 'witness.example/gemeente-arnhem+1b455c87+BE/pm0OWLc30EQsER3Y2DpAiBlNbyLh4J0+tg/pHoLPi';
const CHECKPOINT = `${ORIGIN}
4
P4shkVReiINgEV3oeRkWVFv419qrqG4MflNCmNCOeUw=

— ${ORIGIN} sJ2hQL8N35AKdPt0UBRfrTQFIHotaihYhTSv+OtpXqI/E8CWS2uJZXmF2zNCaZ9WLzUSRSA1AeOTFwqS4magt5MVmAo=
`;
const COSIGNATURE = '— witness.example/gemeente-arnhem G0VchwAAAABpVbkASH7e3Na2W9qq5Cj9O/QSy1jLmqzL6Mijsr5gWbDP0snVe5WFzf65Y7J3iDK4sTVFHxYO5CQCNmbQfBGXUKTlDA==\n';

const example: Entry = {
  id: '7b1c9a52-3f0e-4d8a-9c61-2b5e8f4a7d10',
  neighbourhoodId: '2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6',
  sequence: 1,
  bookingDate: '2025-02-20',
  recordedAt: '2025-02-20T16:00:00.000Z',
  description: 'Inkoop kookgerei "buurtkeuken" bij Bakkerij De Spijker — €486,50',
  projectId: 'c0ffee00-1234-5abc-8def-0123456789ab',
  memberId: null,
  evidenceUrl: 'https://example.nl/bonnen/2025-0007.pdf',
  recordedById: '9a8b7c6d-5e4f-5a3b-9c2d-1e0f9a8b7c6d',
  reversesId: null,
  lines: [
    { accountId: '11111111-2222-5333-8444-555555555555', unit: 'EUR', minorUnits: '48650', counterpartyMemberId: '66666666-7777-5888-9999-aaaaaaaaaaaa', counterpartyDomain: 'ENTREPRENEUR', counterpartyName: null },
    { accountId: 'bbbbbbbb-cccc-5ddd-8eee-ffffffffffff', unit: 'EUR', minorUnits: '-48650', counterpartyMemberId: null, counterpartyDomain: null, counterpartyName: null },
  ],
  previousHash: GENESIS_HASH,
  hash: '',
  leafIndex: 3,
};

describe('the worked example of docs/ledger-hash.md', () => {
  it('hashes the chain example entry as the spec says', () => {
    const hash = entryHash(GENESIS_HASH, example);
    expect(hash).toBe('ba33152f7d3ee756277795d13efbd5427389732166e60762b7603708d1b82f72');
    inSpec(hash);
    inSpec(canonical(entryArray(example)));
    expect(entryLeafData(1, hash)).toBe(LEAVES[3]);
  });

  it('reads every leaf of the example as its format', () => {
    expect(LEAVES.map((l) => { const r = readLeaf(l); return 'kind' in r ? r.kind : r.problem; })).toEqual(['ACCOUNT', 'ACCOUNT', 'BUDGET_REVISION', 'ENTRY']);
    for (const data of LEAVES) inSpec('`' + data + '`');
  });

  it('gives the leaf hashes and the roots of every size', () => {
    const hashes = LEAVES.map((l) => leafHash(l));
    expect(hashes.map(b64)).toEqual(LEAF_HASHES);
    expect(ROOTS).toEqual([0, 1, 2, 3, 4].map((n) => b64(rootOf(hashes.slice(0, n)))));
    expect(b64(EMPTY_ROOT)).toBe(ROOTS[0]);
    for (const [i, h] of LEAF_HASHES.entries()) inSpec(`${i}  ${h}`);
    for (const [n, r] of ROOTS.entries()) inSpec(`${n}  ${r}`);
  });

  it('checks the spec\'s proofs, which the RFC reference makes the same', () => {
    const hashes = LEAVES.map((l) => leafHash(l));
    const root = (n: number) => Buffer.from(ROOTS[n], 'base64');
    const cases: [string, Buffer[], () => boolean][] = [
      ['inclusion of leaf 3 in size 4:  ', reference.path(3, hashes), () => verifyInclusion(3, 4, hashes[3], reference.path(3, hashes), root(4))],
      ['inclusion of leaf 0 in size 3:  ', reference.path(0, hashes.slice(0, 3)), () => verifyInclusion(0, 3, hashes[0], reference.path(0, hashes.slice(0, 3)), root(3))],
      ['consistency from 1 to 4:        ', reference.proof(1, hashes), () => verifyConsistency(1, 4, root(1), root(4), reference.proof(1, hashes))],
      ['consistency from 3 to 4:        ', reference.proof(3, hashes), () => verifyConsistency(3, 4, root(3), root(4), reference.proof(3, hashes))],
      ['consistency from 2 to 3:        ', reference.proof(2, hashes.slice(0, 3)), () => verifyConsistency(2, 3, root(2), root(3), reference.proof(2, hashes.slice(0, 3)))],
    ];
    for (const [label, proof, verifies] of cases) {
      inSpec(label + proof.map(b64).join('  '));
      expect(verifies()).toBe(true);
    }
  });

  it('derives the log key, its key ID and vkey, and signs the checkpoint byte for byte', () => {
    expect(b64(LOG_SEED)).toBe('2Ro4Wim4yGPTv1Ahl23oq++rYAokXzsD68wu+suhc+A=');
    expect(formatVkey(ORIGIN, 0x01, publicKeyOfSeed(LOG_SEED))).toBe(LOG_VKEY);
    expect(parseVkey(LOG_VKEY).keyId.toString('hex')).toBe('b09da140');
    const text = `${ORIGIN}\n4\n${ROOTS[4]}\n`;
    expect(signNote(text, ORIGIN, LOG_SEED)).toBe(CHECKPOINT);
    const checkpoint = parseCheckpoint(CHECKPOINT);
    expect(checkpoint).toMatchObject({ origin: ORIGIN, size: 4, extensionLines: [] });
    expect(checkNoteSignature(checkpoint.note, parseVkey(LOG_VKEY))).toBe('verified');
    inSpec(LOG_VKEY);
    inSpec(CHECKPOINT);
  });

  it('derives the witness vkey, and cosigns at 1767225600 byte for byte', () => {
    expect(b64(WITNESS_SEED)).toBe('Lv3K80o3GuDQY/k63fiTBSLbf5Te7k8ZH6U2MlR6Fig=');
    expect(formatVkey('witness.example/gemeente-arnhem', 0x04, publicKeyOfSeed(WITNESS_SEED))).toBe(WITNESS_VKEY);
    const text = parseCheckpoint(CHECKPOINT).note.text;
    const message = cosignatureMessage(1767225600, text);
    inSpec(message);
    const line = cosignatureLine('witness.example/gemeente-arnhem', WITNESS_SEED, 1767225600, text);
    expect(line).toBe(COSIGNATURE);
    const cosigned = CHECKPOINT + line;
    inSpec(cosigned);
    const note = parseCheckpoint(cosigned).note;
    expect(checkCosignature(note, parseVkey(WITNESS_VKEY))).toEqual({ time: 1767225600 });
    // The log's signature still verifies with the cosignature after it: a verifier ignores lines of unknown keys.
    expect(checkNoteSignature(note, parseVkey(LOG_VKEY))).toBe('verified');
    inSpec(WITNESS_VKEY);
  });
});
