import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@dbwe/platform';
import { EMPTY_ROOT, leafHash, nodeHash, splitPoint, verifyConsistency, type Hash } from './merkle';
import { SignerState } from './signer-state';

/** RFC 9162 §2.1.1 MTH, by its definition. */
function mth(leaves: Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** RFC 9162 §2.1.4.1 SUBPROOF, by its definition. */
function subproof(m: number, leaves: Hash[], whole: boolean): Hash[] {
  const n = leaves.length;
  if (m === n) return whole ? [] : [mth(leaves)];
  const k = splitPoint(n);
  return m <= k ? [...subproof(m, leaves.slice(0, k), whole), mth(leaves.slice(k))] : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

describe('verifyConsistency, the check the signer makes before it signs (RFC 9162 §2.1.4.2)', () => {
  const leaves = Array.from({ length: 40 }, (_, i) => leafHash(`["leaf",${i}]`));

  it('accepts the proof of every prefix of every tree up to 40 leaves, and refuses it against another root or size', () => {
    for (let n = 1; n <= leaves.length; n++) {
      const second = mth(leaves.slice(0, n));
      for (let m = 1; m <= n; m++) {
        const first = mth(leaves.slice(0, m));
        const proof = subproof(m, leaves.slice(0, n), true);
        expect(verifyConsistency(m, n, first, second, proof)).toBe(true);
        expect(verifyConsistency(m, n, nodeHash(first, first), second, proof)).toBe(false);
        expect(verifyConsistency(m, n, first, nodeHash(second, second), proof)).toBe(false);
        if (proof.length > 0) expect(verifyConsistency(m, n, first, second, [...proof.slice(0, -1), nodeHash(proof[0], proof[0])])).toBe(false);
      }
    }
    expect(verifyConsistency(0, 3, EMPTY_ROOT, mth(leaves.slice(0, 3)), [])).toBe(false);
    expect(verifyConsistency(4, 3, mth(leaves.slice(0, 4)), mth(leaves.slice(0, 3)), [])).toBe(false);
  });

  it('refuses a tree of the same size with another root: the fork an operator would ask the signer to sign', () => {
    const forked = [...leaves.slice(0, 6), leafHash('["forged"]')];
    expect(verifyConsistency(7, 8, mth(leaves.slice(0, 7)), mth([...forked, leaves[7]]), subproof(7, [...forked, leaves[7]], true))).toBe(false);
  });
});

describe('the signer state file (LEDGER_SIGNER_STATE_FILE)', () => {
  const folder = () => mkdtempSync(join(tmpdir(), 'dbwe-signer-state-test-'));
  const root = leafHash('["root"]');
  const signedAt = new Date('2026-01-20T10:00:00.000Z');
  const note = 'dbwe.test/books/x\n7\n' + root.toString('base64') + '\n\n— dbwe.test/books/x AAAA\n';

  it('starts empty where there is none, creating its folder, and keeps what it remembers across a restart', async () => {
    const path = join(folder(), 'nested', 'state.json');
    const state = await SignerState.open(path);
    expect(state.existed).toBe(false);
    expect(state.get('dbwe.test/books/x')).toBeNull();
    await state.remember('dbwe.test/books/x', { size: 7, rootHash: root, note, signedAt });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ format: 'dbwe-ledger-signer-state-v1', logs: { 'dbwe.test/books/x': { size: 7, rootHash: root.toString('base64'), note, signedAt: '2026-01-20T10:00:00.000Z' } } });
    // Written through a temporary file that is renamed: nothing else is left in the folder.
    expect(readdirSync(join(path, '..'))).toEqual(['state.json']);
    const reopened = await SignerState.open(path);
    expect(reopened.existed).toBe(true);
    expect(reopened.get('dbwe.test/books/x')).toEqual({ size: 7, rootHash: root, note, signedAt });
  });

  it('never goes back to a smaller tree', async () => {
    const path = join(folder(), 'state.json');
    const state = await SignerState.open(path);
    await state.remember('o', { size: 9, rootHash: root, note, signedAt });
    await expect(state.remember('o', { size: 8, rootHash: root, note, signedAt })).rejects.toThrow('the signer state of o would go back from size 9 to 8');
    expect((await SignerState.open(path)).get('o')?.size).toBe(9);
  });

  it('stops the start-up on a file that is not a signer state, naming the setting', async () => {
    const path = join(folder(), 'state.json');
    for (const text of ['not json', '{"format":"other","logs":{}}', '{"format":"dbwe-ledger-signer-state-v1","logs":{"o":{"size":0,"rootHash":""}}}']) {
      writeFileSync(path, text);
      await expect(SignerState.open(path)).rejects.toThrow(
        new ConfigError(`LEDGER_SIGNER_STATE_FILE: ${path} is not a ledger signer state (dbwe-ledger-signer-state-v1); restore it from a backup, never delete or edit it`),
      );
    }
    expect(existsSync(path)).toBe(true);
  });
});
