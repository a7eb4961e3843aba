import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Client } from 'pg';
import { stableId } from '@dbwe/platform';
import { KLARENDAL, SPIJKERKWARTIER, account, anonymous, demoProjectId, startLedger, steward, transfer, viewer, type LedgerTest } from '../testing/ledger.fixtures';
import { addNeighbourhood } from '../../../../test/people';
import { ledgerServices } from './services';
import { EMPTY_ROOT, appendLeaves, leafHash, nodeHash, rootOfFrontier } from './merkle';
import { keyId, signingKeyFromSeed } from './note';
import { Checkpointer, LogIsInconsistent } from './checkpoints';
import { SignerState } from './signer-state';
import { entryHash } from '../entries/entry-hash';
import { DEFAULT_CHART } from '../accounts/default-chart';
import { hashable } from '../entries/posting';

/*
 * The demo books as a transparency log (docs/ledger-hash.md). Expected: per
 * neighbourhood one leaf per account (the 16 of the default chart), budget
 * revision and entry, in the order they were recorded; checkpoints signed
 * with the ledger's key in the C2SP note format; proofs that recompute to
 * the signed roots; witnesses registered by an admin whose cosignatures are
 * kept next to the checkpoint. And the server's own verification names what
 * an operator changed behind the triggers' back.
 */
let books: LedgerTest;
let sql: Client;
beforeAll(async () => {
  books = await startLedger({ platform: true });
  sql = await books.sql();
});
afterAll(() => books.teardown());

const admin = viewer(['admin']);
const LOG = `origin size rootHash verifierKey verifierKeys checkpoint(fresh: true) { origin size rootHash note signedAt }`;
const log = async (fields = LOG, neighbourhood = SPIJKERKWARTIER) =>
  (await books.ok(`query ($id: ID!) { _entities(representations: [{ __typename: "Neighbourhood", id: $id }]) { ... on Neighbourhood { transparencyLog { ${fields} } } } }`, { id: neighbourhood }))
    ._entities[0].transparencyLog;

const b64 = (b: Buffer) => b.toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64');

/** RFC 9162 MTH by its definition, over leaf hashes. */
function mth(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  if (hashes.length === 1) return hashes[0];
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return nodeHash(mth(hashes.slice(0, k)), mth(hashes.slice(k)));
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to. */
function rootFromInclusion(index: number, size: number, leaf: Buffer, path: Buffer[]): Buffer | null {
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) ((fn >>= 1), (sn >>= 1));
    } else r = nodeHash(r, p);
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : null;
}

/** RFC 9162 §2.1.4.2: whether a consistency proof links the two roots. */
function consistent(m: number, n: number, first: Buffer, second: Buffer, proof: Buffer[]): boolean {
  if (m === n) return proof.length === 0 && first.equals(second);
  let path = proof;
  if ((m & (m - 1)) === 0) path = [first, ...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) ((fn >>= 1), (sn >>= 1));
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) ((fn >>= 1), (sn >>= 1));
    } else sr = nodeHash(sr, c);
    fn >>= 1;
    sn >>= 1;
  }
  return fr.equals(first) && sr.equals(second) && sn === 0;
}

async function allLeaves(neighbourhood = SPIJKERKWARTIER): Promise<{ index: number; kind: string; data: string; hash: string }[]> {
  const leaves: { index: number; kind: string; data: string; hash: string }[] = [];
  for (;;) {
    const page = (await log(`leaves(fromIndex: ${leaves.length}, first: 1000) { index kind data hash }`, neighbourhood)).leaves;
    leaves.push(...page);
    if (page.length < 1000) return leaves;
  }
}

describe('the log of the demo books', () => {
  it('has a leaf per account, budget revision and entry, accounts first, entries in sequence order', async () => {
    const leaves = await allLeaves();
    const { size } = await log('size');
    expect(leaves).toHaveLength(size);
    expect(leaves.map((l) => l.index)).toEqual([...leaves.keys()]);
    const kinds = leaves.map((l) => l.kind);
    expect(kinds.slice(0, 16)).toEqual(Array(16).fill('ACCOUNT'));
    const entries = (await books.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood {
      ledgerEntries(first: 100) { totalCount edges { node { sequence hash leafIndex } } } } } }`))._entities[0].ledgerEntries;
    expect(kinds.filter((k) => k === 'ENTRY')).toHaveLength(entries.totalCount);
    expect(kinds.filter((k) => k === 'BUDGET_REVISION').length).toBeGreaterThan(0);
    for (const { node } of entries.edges) {
      expect(leaves[node.leafIndex].data).toBe(JSON.stringify(['dbwe-entry-leaf-v1', node.sequence, node.hash]));
    }
    const sequences = leaves.filter((l) => l.kind === 'ENTRY').map((l) => JSON.parse(l.data)[1]);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    for (const leaf of leaves) expect(leaf.hash).toBe(b64(leafHash(leaf.data)));
  });

  it("serves each account's fields exactly as its latest version in the log says", async () => {
    const leaves = await allLeaves();
    const accounts = (await books.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood {
      accounts { id version leafIndex code name type unit taakveld noOverdraft versionRecordedAt project { id } neighbourhood { id } } } } }`))._entities[0].accounts;
    expect(accounts).toHaveLength(DEFAULT_CHART.length);
    for (const a of accounts) {
      const data = JSON.parse(leaves[a.leafIndex].data);
      expect(data.slice(0, 12)).toEqual([
        'dbwe-account-v1', a.id, a.version, a.neighbourhood.id, a.code, a.name, a.type, a.unit, a.project?.id ?? null, a.taakveld, a.noOverdraft, a.versionRecordedAt,
      ]);
      expect(a.version).toBe(1);
    }
  });

  it('has a root, recomputed from all leaves, equal to the one it serves and signs', async () => {
    const { rootHash, size, checkpoint } = await log();
    const leaves = await allLeaves();
    expect(b64(mth(leaves.map((l) => leafHash(l.data))))).toBe(rootHash);
    expect(checkpoint).toMatchObject({ size, rootHash });
  });

  it('stores exactly the subtrees, and the frontier, that growing the tree in code gives (as bulk loads do)', async () => {
    const leaves = await allLeaves();
    const grown = appendLeaves(0, Buffer.alloc(0), leaves.map((l) => leafHash(l.data)));
    const { rows } = await sql.query(`SELECT level, node_index, hash FROM ledger.log_node WHERE neighbourhood_id = $1 ORDER BY level, node_index`, [SPIJKERKWARTIER]);
    const byKey = (n: { level: number; index: number; hash: Buffer }) => `${n.level}:${n.index}:${n.hash.toString('hex')}`;
    expect(rows.map((r) => byKey({ level: r.level, index: Number(r.node_index), hash: r.hash })).sort()).toEqual(grown.nodes.map(byKey).sort());
    const { rows: head } = await sql.query(`SELECT tree_frontier FROM ledger.chain WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER]);
    expect(head[0].tree_frontier.equals(grown.frontier)).toBe(true);
  });
});

describe('checkpoints', () => {
  it('are C2SP signed notes with the ledger key, whose verifier key the log publishes', async () => {
    const { origin, verifierKey, verifierKeys, checkpoint } = await log();
    expect(origin).toBe(`dbwe.test/books/${SPIJKERKWARTIER}`);
    const [name, keyIdHex, keyBase64] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(verifierKey)!.slice(1);
    expect(name).toBe(origin);
    const key = unb64(keyBase64);
    expect(key[0]).toBe(0x01);
    const publicKey = key.subarray(1);
    expect(createHash('sha256').update(`${name}\n`).update(Buffer.of(1)).update(publicKey).digest().subarray(0, 4).toString('hex')).toBe(keyIdHex);
    expect(verifierKeys).toEqual([verifierKey]);

    const [text, signatures] = checkpoint.note.split('\n\n');
    expect(text + '\n').toBe(`${origin}\n${checkpoint.size}\n${checkpoint.rootHash}\n`);
    const [line] = signatures.trim().split('\n');
    const [, signer, signature] = /^— (\S+) (\S+)$/.exec(line)!;
    expect(signer).toBe(origin);
    const bytes = unb64(signature);
    expect(bytes.subarray(0, 4).toString('hex')).toBe(keyIdHex);
    const spki = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]), format: 'der', type: 'spki' });
    expect(verify(null, Buffer.from(text + '\n'), spki, bytes.subarray(4))).toBe(true);
  });

  it('are signed fresh for a grown tree at most once a second, and kept', async () => {
    const before = (await log()).checkpoint;
    expect((await books.post(transfer(account('1000'), account('4900'), '1.00'))).__typename).toBe('PostEntrySuccess');
    await new Promise((r) => setTimeout(r, 1_100));
    const after = (await log()).checkpoint;
    expect(after.size).toBe(before.size + 1);
    const kept = await log(`checkpointAt(size: ${before.size}) { size rootHash note } checkpoints(first: 100) { totalCount edges { node { size } } }`);
    expect(kept.checkpointAt).toMatchObject({ size: before.size, rootHash: before.rootHash, note: before.note });
    expect(kept.checkpoints.edges.map((e: { node: { size: number } }) => e.node.size).slice(0, 2)).toEqual([after.size, before.size]);
  });

  it('are signed by the background signer while the tree grows', async () => {
    const { checkpointer } = books.server.contextFor(anonymous).services;
    await books.post(transfer(account('1000'), account('4900'), '1.00'));
    const { size } = await log('size');
    // Due means: grown, and the newest checkpoint older than the interval; the test interval is 60 s, so ask with 0.
    const due = await new (checkpointer.constructor as typeof import('./checkpoints').Checkpointer)(
      books.db,
      { originPrefix: 'dbwe.test/books', keys: [checkpointer.currentKey], intervalSeconds: 0, state: checkpointer.state },
      books.server.contextFor(anonymous).logger,
    ).signDue();
    expect(due).toBeGreaterThanOrEqual(1);
    expect((await log('checkpoint { size }')).checkpoint.size).toBe(size);
  });

  it("go on being signed for every log when one cannot be: books opened by the service's role without an origin", async () => {
    const other = await startLedger();
    try {
      const { checkpointer: running } = other.server.contextFor(anonymous).services;
      // Due at once (the test interval is 60 s): a signer like the running one, with an interval of 0.
      const checkpointer = new (running.constructor as typeof import('./checkpoints').Checkpointer)(
        other.db,
        { originPrefix: 'dbwe.test/books', keys: [running.currentKey], intervalSeconds: 0, state: running.state },
        other.server.contextFor(anonymous).logger,
      );
      // The running signer's first round (at start-up) over first, so that only this signer signs what follows.
      for (const until = Date.now() + 30_000; !(await running.latest(other.db.manager, SPIJKERKWARTIER)) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
      await other.db.query(`INSERT INTO ledger.chain (neighbourhood_id, last_sequence, last_hash) VALUES ('00000000-0000-4000-8000-000000000042', 0, repeat('0', 64))`);
      await other.post(transfer(account('1000'), account('4900'), '1.00'));
      await checkpointer.signDue();
      const [head] = await other.db.query(`SELECT tree_size::int AS size FROM ledger.chain WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER]);
      expect((await checkpointer.latest(other.db.manager, SPIJKERKWARTIER))?.size).toBe(head.size);
    } finally {
      await other.teardown();
    }
  });
});

describe('proofs', () => {
  it('prove every leaf is in the signed tree, by RFC 9162', async () => {
    const { checkpoint } = await log();
    const leaves = await allLeaves();
    for (const leaf of leaves.slice(0, checkpoint.size)) {
      const proof = (await log(`inclusionProof(leafIndex: ${leaf.index}) { leafIndex treeSize leafHash rootHash hashes }`)).inclusionProof;
      expect(proof).toMatchObject({ leafIndex: leaf.index, treeSize: checkpoint.size, leafHash: leaf.hash, rootHash: checkpoint.rootHash });
      expect(b64(rootFromInclusion(leaf.index, checkpoint.size, unb64(leaf.hash), proof.hashes.map(unb64))!)).toBe(checkpoint.rootHash);
    }
  });

  it('prove an earlier checkpoint is a prefix of the newest, from every earlier size', async () => {
    const old = (await log()).checkpoint;
    for (let i = 0; i < 3; i++) await books.post(transfer(account('1000'), account('4900'), '0.50'));
    await new Promise((r) => setTimeout(r, 1_100));
    const now = (await log()).checkpoint;
    for (let from = 1; from <= now.size; from++) {
      const proof = (await log(`consistencyProof(fromSize: ${from}) { fromSize toSize fromRootHash toRootHash hashes }`)).consistencyProof;
      expect(proof.toSize).toBe(now.size);
      expect(consistent(from, now.size, unb64(proof.fromRootHash), unb64(proof.toRootHash), proof.hashes.map(unb64))).toBe(true);
      if (from === old.size) expect(proof.fromRootHash).toBe(old.rootHash);
    }
  });

  it('are refused with a clear error for sizes the tree never had', async () => {
    const { size } = await log('size');
    const ask = (fields: string) =>
      books.execute(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { transparencyLog { ${fields} } } } }`);
    for (const fields of [
      `inclusionProof(leafIndex: ${size}, treeSize: ${size}) { rootHash }`,
      `inclusionProof(leafIndex: 0, treeSize: ${size + 1}) { rootHash }`,
      `consistencyProof(fromSize: ${size + 1}, toSize: ${size}) { hashes }`,
      `consistencyProof(fromSize: -1) { hashes }`,
      `leaves(first: 1001) { index }`,
    ]) {
      const { errors } = await ask(fields);
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('the chart of accounts and budgets in the log', () => {
  it('appends a version of an account when it is created or its record changes, never when its balance moves', async () => {
    const created = (await books.ok(
      `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { ... on CreateAccountSuccess { account { id version leafIndex versionRecordedAt } } } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, code: '4300', name: 'Buurtfeest "Zomer" \\ 2026 \u0001 \u2028 🎉', type: 'EXPENSE', unit: 'EUR', taakveld: '5.3' } },
      steward,
    )).createAccount.account;
    expect(created.version).toBe(1);
    const leaf = (await log(`leaves(fromIndex: ${created.leafIndex}, first: 1) { kind data }`)).leaves[0];
    expect(leaf.kind).toBe('ACCOUNT');
    expect(leaf.data).toBe(
      JSON.stringify(['dbwe-account-v1', created.id, 1, SPIJKERKWARTIER, '4300', 'Buurtfeest "Zomer" \\ 2026 \u0001 \u2028 🎉', 'EXPENSE', 'EUR', null, '5.3', false, created.versionRecordedAt, steward.memberId]),
    );
    const sizeBefore = (await log('size')).size;
    await books.post(transfer(account('1000'), created.id, '2.00'));
    expect((await log('size')).size).toBe(sizeBefore + 1);
    // An operator renames it in SQL: the database logs the change as version 2, recorded by nobody.
    await sql.query(`UPDATE ledger.account SET name = 'Buurtfeest' WHERE id = $1`, [created.id]);
    const renamed = (await books.ok(`{ ledgerAccount(id: "${created.id}") { version leafIndex versionRecordedAt } }`)).ledgerAccount;
    expect(renamed.version).toBe(2);
    const data = JSON.parse((await log(`leaves(fromIndex: ${renamed.leafIndex}, first: 1) { data }`)).leaves[0].data);
    expect(data.slice(0, 6)).toEqual(['dbwe-account-v1', created.id, 2, SPIJKERKWARTIER, '4300', 'Buurtfeest']);
    expect(data[12]).toBeNull();
  });

  it('appends each budget revision', async () => {
    const project = demoProjectId('repair-cafe');
    const result = (await books.ok(
      `mutation ($input: SetProjectBudgetInput!) { setProjectBudget(input: $input) { ... on SetProjectBudgetSuccess { budget { id revisions { revision leafIndex recordedAt amount { minorUnits } reason } } } } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, projectId: project, periodStart: '2025-03-01', periodEnd: '2025-12-31', amount: '650.00', reason: 'Meer reparateurs' } },
      steward,
    )).setProjectBudget.budget;
    const latest = result.revisions.at(-1);
    const leaf = (await log(`leaves(fromIndex: ${latest.leafIndex}, first: 1) { kind data }`)).leaves[0];
    expect(leaf.kind).toBe('BUDGET_REVISION');
    expect(JSON.parse(leaf.data)).toEqual([
      'dbwe-budget-v1', result.id, latest.revision, SPIJKERKWARTIER, project, 'EUR', '2025-03-01', '2025-12-31', '65000', 'Meer reparateurs', latest.recordedAt, steward.memberId,
    ]);
  });
});

describe('witnesses', () => {
  const witnessKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), createHash('sha256').update('test witness').digest()]),
    format: 'der',
    type: 'pkcs8',
  });
  const witnessPublic = createPublicKey(witnessKey).export({ format: 'der', type: 'spki' }).subarray(12);
  const name = 'witness.test/gemeente-arnhem';
  const keyId = createHash('sha256').update(`${name}\n`).update(Buffer.of(4)).update(witnessPublic).digest().subarray(0, 4);
  const vkey = `${name}+${keyId.toString('hex')}+${b64(Buffer.concat([Buffer.of(4), witnessPublic]))}`;
  const cosign = (text: string, time: number, key = witnessKey) => {
    const timestamp = Buffer.alloc(8);
    timestamp.writeBigUInt64BE(BigInt(time));
    const signature = sign(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`), key);
    return `— ${name} ${b64(Buffer.concat([keyId, timestamp, signature]))}`;
  };
  const REGISTER = `mutation ($input: RegisterWitnessInput!) { registerWitness(input: $input) { __typename
    ... on RegisterWitnessSuccess { witness { id name verifierKey description } } ... on LedgerError { code message } } }`;
  const ADD = `mutation ($input: AddCosignatureInput!) { addCosignature(input: $input) { __typename
    ... on AddCosignatureSuccess { checkpoint { size note } cosignature { witness { name } cosignedAt signatureLine } } ... on LedgerError { code message } } }`;

  it('are registered by the neighbourhood admin only, and listed with the log', async () => {
    const input = { neighbourhoodId: SPIJKERKWARTIER, verifierKey: vkey, description: 'Gemeente Arnhem, afdeling Financiën' };
    const asSteward = await books.execute(REGISTER, { input }, steward);
    expect(asSteward.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asKlarendalAdmin = await books.execute(REGISTER, { input }, viewer(['admin'], KLARENDAL));
    expect(asKlarendalAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const registered = (await books.ok(REGISTER, { input }, admin)).registerWitness;
    expect(registered).toMatchObject({ __typename: 'RegisterWitnessSuccess', witness: { name, verifierKey: vkey } });
    expect((await books.ok(REGISTER, { input }, admin)).registerWitness.code).toBe('WITNESS_ALREADY_REGISTERED');
    const noteKey = vkey.replace(/\+[^+]+$/, `+${b64(Buffer.concat([Buffer.of(1), witnessPublic]))}`);
    expect((await books.ok(REGISTER, { input: { ...input, verifierKey: noteKey } }, admin)).registerWitness.code).toBe('INVALID_WITNESS_KEY');
    // A witness named as the log: its cosignature lines would read as the log's own signature lines.
    const origin = (await log('origin')).origin;
    const asTheLog = `${origin}+${createHash('sha256').update(`${origin}\n`).update(Buffer.of(4)).update(witnessPublic).digest().subarray(0, 4).toString('hex')}+${b64(Buffer.concat([Buffer.of(4), witnessPublic]))}`;
    expect((await books.ok(REGISTER, { input: { ...input, verifierKey: asTheLog } }, admin)).registerWitness).toMatchObject({
      code: 'INVALID_WITNESS_KEY',
      message: "The witness key is not accepted: a witness is named as itself, not as the log's origin.",
    });
    expect((await log('witnesses { name verifierKey retiredAt }')).witnesses).toEqual([{ name, verifierKey: vkey, retiredAt: null }]);
  });

  it("keep a witness's cosignature of a checkpoint and serve it in the checkpoint's note; refuse anything else", async () => {
    const { checkpoint } = await log();
    const text = checkpoint.note.split('\n\n')[0] + '\n';
    const now = Math.floor(Date.now() / 1000);
    const line = cosign(text, now);
    const added = (await books.ok(ADD, { input: { neighbourhoodId: SPIJKERKWARTIER, treeSize: checkpoint.size, signatureLine: line } })).addCosignature;
    expect(added).toMatchObject({ __typename: 'AddCosignatureSuccess', cosignature: { witness: { name }, signatureLine: `${line}\n` } });
    expect(added.checkpoint.note).toBe(`${checkpoint.note}${line}\n`);
    expect((await log(`checkpointAt(size: ${checkpoint.size}) { note cosignatures { witness { name } cosignedAt } }`)).checkpointAt).toEqual({
      note: `${checkpoint.note}${line}\n`,
      cosignatures: [{ witness: { name }, cosignedAt: new Date(now * 1000).toISOString() }],
    });

    const refused = async (input: Record<string, unknown>) =>
      (await books.ok(ADD, { input: { neighbourhoodId: SPIJKERKWARTIER, treeSize: checkpoint.size, signatureLine: line, ...input } })).addCosignature.code;
    expect(await refused({ treeSize: checkpoint.size + 1000 })).toBe('UNKNOWN_CHECKPOINT');
    expect(await refused({ signatureLine: cosign(text.replace(/\n(\d+)\n/, '\n999\n'), now) })).toBe('INVALID_COSIGNATURE');
    expect(await refused({ signatureLine: cosign(text, now + 3600) })).toBe('INVALID_COSIGNATURE');
    expect(await refused({ signatureLine: line.replace(name, 'witness.test/krant') })).toBe('INVALID_COSIGNATURE');
    const stranger = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]), format: 'der', type: 'pkcs8' });
    expect(await refused({ signatureLine: cosign(text, now, stranger) })).toBe('INVALID_COSIGNATURE');
    expect(await refused({ neighbourhoodId: KLARENDAL })).not.toBe(undefined);
  });

  it('once retired, can no longer cosign', async () => {
    const [witness] = (await log('witnesses { id }')).witnesses;
    const retire = `mutation { retireWitness(neighbourhoodId: "${SPIJKERKWARTIER}", witnessId: "${witness.id}") { __typename ... on RetireWitnessSuccess { witness { retiredAt } } } }`;
    expect((await books.execute(retire, {}, steward)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await books.ok(retire, {}, admin)).retireWitness.witness.retiredAt).not.toBeNull();
    const { checkpoint } = await log();
    const line = cosign(checkpoint.note.split('\n\n')[0] + '\n', Math.floor(Date.now() / 1000));
    expect((await books.ok(ADD, { input: { neighbourhoodId: SPIJKERKWARTIER, treeSize: checkpoint.size, signatureLine: line } })).addCosignature.code).toBe('INVALID_COSIGNATURE');
  });
});

describe('the server-side verification and the signer, after an operator rewrote the database', () => {
  const VERIFY = `chainVerification { valid logValid logProblem derivedTotalsValid derivedTotalDifferences { figure account { code } day stored recomputed } }`;
  const verification = async (neighbourhood = SPIJKERKWARTIER) =>
    (await books.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${neighbourhood}" }]) { ... on Neighbourhood { ${VERIFY} } } }`))._entities[0]
      .chainVerification;

  it('finds nothing wrong with the books as the ledger kept them', async () => {
    expect(await verification()).toEqual({ valid: true, logValid: true, logProblem: null, derivedTotalsValid: true, derivedTotalDifferences: [] });
  });

  it("names a forged balance and a forged project day total, and an account whose type was changed behind the log's back", async () => {
    const other = await startLedger();
    try {
      const raw = await other.sql();
      await raw.query(`ALTER TABLE ledger.account DISABLE TRIGGER USER`);
      await raw.query(`UPDATE ledger.account SET balance_minor = balance_minor + 100000000 WHERE id = $1`, [account('1000')]);
      await raw.query(`UPDATE ledger.account SET type = 'ASSET' WHERE id = $1`, [account('4100')]);
      await raw.query(`ALTER TABLE ledger.account ENABLE TRIGGER USER`);
      await raw.query(`ALTER TABLE ledger.project_day DISABLE TRIGGER USER`);
      await raw.query(`UPDATE ledger.project_day SET net_minor = net_minor * 2 WHERE project_id = $1`, [demoProjectId('neighbourhood-kitchen')]);
      await raw.query(`ALTER TABLE ledger.project_day ENABLE TRIGGER USER`);
      const found = (await other.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { ${VERIFY} } } }`))
        ._entities[0].chainVerification;
      expect(found).toMatchObject({ valid: false, logValid: false, logProblem: 'account 4100 is not what its latest version in the log says', derivedTotalsValid: false });
      const figures = found.derivedTotalDifferences.map((d: { figure: string; account: { code: string } | null }) => `${d.figure} ${d.account?.code}`);
      expect(figures).toContain('ACCOUNT_BALANCE 1000');
      expect(figures).toContain('PROJECT_DAY 4200');
      const balance = found.derivedTotalDifferences.find((d: { figure: string }) => d.figure === 'ACCOUNT_BALANCE');
      expect(BigInt(balance.stored) - BigInt(balance.recomputed)).toBe(100000000n);
    } finally {
      await other.teardown();
    }
  });

  it("names an account whose type was changed with only its fixed-identity guard off: the change is in the log, and still not allowed", async () => {
    const other = await startLedger();
    try {
      const raw = await other.sql();
      await raw.query(`ALTER TABLE ledger.account DISABLE TRIGGER account_check`);
      await raw.query(`UPDATE ledger.account SET type = 'ASSET' WHERE id = $1`, [account('4100')]);
      await raw.query(`ALTER TABLE ledger.account ENABLE TRIGGER account_check`);
      const [{ leaf }] = (await raw.query(`SELECT leaf_index AS leaf FROM ledger.account WHERE id = $1`, [account('4100')])).rows;
      const found = (await other.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { ${VERIFY} } } }`))
        ._entities[0].chainVerification;
      expect(found).toMatchObject({ valid: false, logValid: false, logProblem: `leaf ${leaf} changes the type, unit or project of account 4100, which are fixed` });
    } finally {
      await other.teardown();
    }
  });

  it("names a cosignature and a checkpoint whose signatures do not verify, which the service's role could store and every verifier refuses", async () => {
    const other = await startLedger();
    try {
      const { checkpointer } = other.server.contextFor(anonymous).services;
      const found = async () =>
        (await other.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { ${VERIFY} } } }`))._entities[0]
          .chainVerification;
      const name = 'witness.test/krant';
      const witnessKey = Buffer.alloc(32, 9);
      const witnessId = keyId(name, 0x04, witnessKey);
      await other.ok(
        `mutation ($input: RegisterWitnessInput!) { registerWitness(input: $input) { __typename } }`,
        { input: { neighbourhoodId: SPIJKERKWARTIER, verifierKey: `${name}+${witnessId.toString('hex')}+${b64(Buffer.concat([Buffer.of(4), witnessKey]))}`, description: 'De Gelderlander' } },
        admin,
      );
      const signed = await checkpointer.sign(SPIJKERKWARTIER);
      const [{ id }] = await other.db.query(`SELECT id FROM ledger.witness WHERE name = $1`, [name]);
      // As the service's role: a line of the witness's name and key ID, time 0 and a signature of zeros.
      await other.db.query(`INSERT INTO ledger.cosignature VALUES ($1, $2, $3, to_timestamp(0), $4, now())`, [
        SPIJKERKWARTIER,
        signed.size,
        id,
        `— ${name} ${b64(Buffer.concat([witnessId, Buffer.alloc(72)]))}\n`,
      ]);
      expect(await found()).toMatchObject({
        valid: false,
        logProblem: `the cosignature of ${name} on the checkpoint of size ${signed.size} does not verify: the signature does not verify with the witness's key over this checkpoint`,
      });

      // A checkpoint of the size the tree has now, stored before the signer got to it: the right text, a signature of zeros.
      await other.post(transfer(account('1000'), account('4900'), '1.00'));
      const [head] = await other.db.query(`SELECT log_origin, tree_size, tree_frontier FROM ledger.chain WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER]);
      const root = rootOfFrontier(head.tree_frontier);
      const logKeyId = keyId(head.log_origin, 0x01, signingKeyFromSeed(ledgerServices.testEnv.LEDGER_SIGNING_KEY).publicKey);
      await other.db.query(`INSERT INTO ledger.checkpoint VALUES ($1, $2, $3, $4, now())`, [
        SPIJKERKWARTIER,
        head.tree_size,
        root,
        `${head.log_origin}\n${head.tree_size}\n${b64(root)}\n\n— ${head.log_origin} ${b64(Buffer.concat([logKeyId, Buffer.alloc(64)]))}\n`,
      ]);
      expect(await found()).toMatchObject({ valid: false, logProblem: `the checkpoint of size ${head.tree_size} is not signed by the ledger: a signature line does not verify` });
    } finally {
      await other.teardown();
    }
  });

  it('names an entry that does not balance, booked with the balance check off: hashed, logged and signed, still not books', async () => {
    const other = await startLedger();
    try {
      const raw = await other.sql();
      const [head] = (await raw.query(`SELECT last_sequence, last_hash FROM ledger.chain WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER])).rows;
      const entry = {
        id: '00000000-0000-4000-8000-00000000abcd',
        neighbourhoodId: SPIJKERKWARTIER,
        sequence: head.last_sequence + 1,
        bookingDate: '2026-01-20',
        recordedAt: new Date('2026-01-20T10:00:00.000Z'),
        description: 'Geld uit het niets',
        projectId: null,
        memberId: null,
        evidenceUrl: null,
        recordedBy: null,
        reversesId: null,
      };
      // Two debits and no credit: a million euros in the bank and in purchases, out of nothing.
      const lines = [account('1000'), account('4100')].map((accountId, position) => ({
        entryId: entry.id,
        position,
        accountId,
        unit: 'EUR',
        amountMinor: '100000000',
        counterpartyMemberId: null,
        counterpartyDomain: null,
        counterpartyName: null,
      }));
      const hash = entryHash(head.last_hash, hashable(entry as never, lines as never));
      await raw.query('BEGIN');
      await raw.query(`ALTER TABLE ledger.entry DISABLE TRIGGER entry_balanced`);
      await raw.query(
        `INSERT INTO ledger.entry (id, neighbourhood_id, sequence, booking_date, recorded_at, description, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [entry.id, SPIJKERKWARTIER, entry.sequence, entry.bookingDate, entry.recordedAt, entry.description, head.last_hash, hash],
      );
      for (const l of lines) {
        await raw.query(`INSERT INTO ledger.line (entry_id, position, account_id, amount_minor, unit) VALUES ($1, $2, $3, $4, $5)`, [l.entryId, l.position, l.accountId, l.amountMinor, l.unit]);
      }
      await raw.query(`ALTER TABLE ledger.entry ENABLE TRIGGER entry_balanced`);
      await raw.query('COMMIT');
      const found = (await other.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { ${VERIFY} } } }`))
        ._entities[0].chainVerification;
      expect(found).toMatchObject({ valid: false, logValid: true, derivedTotalsValid: true });
      expect((await other.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { chainVerification { firstBadSequence problem } } } }`))._entities[0].chainVerification).toEqual({
        firstBadSequence: entry.sequence,
        problem: `entry ${entry.sequence} does not balance in EUR (off by 200000000)`,
      });
    } finally {
      await other.teardown();
    }
  });

  it("refuses to sign under another origin than the one its checkpoints were signed as", async () => {
    const other = await startLedger();
    try {
      const { checkpointer } = other.server.contextFor(anonymous).services;
      const raw = await other.sql();
      await checkpointer.sign(SPIJKERKWARTIER);
      await raw.query(`UPDATE ledger.chain SET log_origin = 'evil.example/books/' || neighbourhood_id WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER]);
      await other.post(transfer(account('1000'), account('4900'), '1.00'));
      await expect(checkpointer.sign(SPIJKERKWARTIER)).rejects.toThrow(
        new LogIsInconsistent(`the books' log origin is now evil.example/books/${SPIJKERKWARTIER}; their checkpoints were signed as dbwe.test/books/${SPIJKERKWARTIER}, and an origin never changes`),
      );
    } finally {
      await other.teardown();
    }
  });

  it('refuses to sign over a tree whose stored hashes were rewritten, and says why', async () => {
    const other = await startLedger();
    try {
      const { checkpointer } = other.server.contextFor(anonymous).services;
      const raw = await other.sql();
      await checkpointer.sign(SPIJKERKWARTIER);
      await raw.query(`ALTER TABLE ledger.log_node DISABLE TRIGGER USER`);
      // The largest full subtree of the signed tree: its root is folded from it, so the signed root no longer recomputes.
      const [{ level }] = (await raw.query(`SELECT max(level) AS level FROM ledger.log_node WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER])).rows;
      await raw.query(`UPDATE ledger.log_node SET hash = sha256(hash) WHERE neighbourhood_id = $1 AND level = $2 AND node_index = 0`, [SPIJKERKWARTIER, level]);
      await raw.query(`ALTER TABLE ledger.log_node ENABLE TRIGGER USER`);
      await other.post(transfer(account('1000'), account('4900'), '1.00'));
      await expect(checkpointer.sign(SPIJKERKWARTIER)).rejects.toBeInstanceOf(LogIsInconsistent);
      const found = (await other.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { ${VERIFY} } } }`))
        ._entities[0].chainVerification;
      expect(found.logProblem).toBe(`the stored hash of subtree 0 at level ${level} is not the hash of its halves`);
    } finally {
      await other.teardown();
    }
  });
});

describe('the signer, after an operator deleted the checkpoints it signed', () => {
  /*
   * An operator who rewrites the tree and first deletes the newest checkpoints leaves the database nothing to
   * compare with. Expected: the signer remembers what it signed in its state file (LEDGER_SIGNER_STATE_FILE), outside
   * the tables the operator can write, and refuses to sign a tree that does not extend it, with an error in the log;
   * the ledger keeps serving, and a restart on the same state file refuses too.
   */
  it('never signs a tree that contradicts a checkpoint it signed, even when the rows of that checkpoint were deleted', async () => {
    const other = await startLedger();
    try {
      const { checkpointer } = other.server.contextFor(anonymous).services;
      const raw = await other.sql();
      const before = await checkpointer.sign(SPIJKERKWARTIER);
      await other.post(transfer(account('1000'), account('4900'), '1.00'));
      const signed = await checkpointer.sign(SPIJKERKWARTIER);
      expect(signed.size).toBe(before.size + 1);

      // The operator cuts the newest entry, its leaf and subtrees and the checkpoints over it, and rewinds both heads.
      await raw.query('BEGIN');
      await raw.query('SET LOCAL session_replication_role = replica');
      const [cut] = (await raw.query(`SELECT id FROM ledger.entry WHERE neighbourhood_id = $1 ORDER BY sequence DESC LIMIT 1`, [SPIJKERKWARTIER])).rows;
      const [head] = (await raw.query(`SELECT sequence, hash FROM ledger.entry WHERE neighbourhood_id = $1 ORDER BY sequence DESC OFFSET 1 LIMIT 1`, [SPIJKERKWARTIER])).rows;
      await raw.query(`DELETE FROM ledger.checkpoint WHERE neighbourhood_id = $1 AND tree_size > $2`, [SPIJKERKWARTIER, before.size]);
      await raw.query(`DELETE FROM ledger.line WHERE entry_id = $1`, [cut.id]);
      await raw.query(`DELETE FROM ledger.entry WHERE id = $1`, [cut.id]);
      await raw.query(`DELETE FROM ledger.log_leaf WHERE neighbourhood_id = $1 AND leaf_index >= $2`, [SPIJKERKWARTIER, before.size]);
      await raw.query(`DELETE FROM ledger.log_node WHERE neighbourhood_id = $1 AND (node_index + 1) * (1::bigint << level) > $2`, [SPIJKERKWARTIER, before.size]);
      const leaves = (await raw.query(`SELECT data FROM ledger.log_leaf WHERE neighbourhood_id = $1 ORDER BY leaf_index`, [SPIJKERKWARTIER])).rows.map((r) => r.data);
      await raw.query(`UPDATE ledger.chain SET last_sequence = $2, last_hash = $3, tree_size = $4, tree_frontier = $5 WHERE neighbourhood_id = $1`, [
        SPIJKERKWARTIER,
        head.sequence,
        head.hash,
        leaves.length,
        appendLeaves(0, Buffer.alloc(0), leaves.map(leafHash)).frontier,
      ]);
      await raw.query(`UPDATE ledger.account a SET balance_minor = coalesce((SELECT sum(l.amount_minor) FROM ledger.line l WHERE l.account_id = a.id), 0) WHERE a.neighbourhood_id = $1`, [
        SPIJKERKWARTIER,
      ]);
      await raw.query('COMMIT');
      // Another entry where the cut one was: the tree of the same size now has another root.
      await other.post(transfer(account('1000'), account('4900'), '2.00'));
      await expect(checkpointer.sign(SPIJKERKWARTIER)).rejects.toThrow(
        new LogIsInconsistent(`the stored tree of ${signed.size} leaves does not extend the tree of ${signed.size} leaves this ledger signed`),
      );
      // And the fork grows: still no signature, and the newest checkpoint stays the one the operator left.
      await other.post(transfer(account('1000'), account('4900'), '3.00'));
      await expect(checkpointer.sign(SPIJKERKWARTIER)).rejects.toBeInstanceOf(LogIsInconsistent);
      expect((await checkpointer.latest(other.db.manager, SPIJKERKWARTIER))?.size).toBe(before.size);
      // The remembered tree is on disk: what the ledger signed last.
      const file = JSON.parse(readFileSync(checkpointer.state.path, 'utf8'));
      expect(file.logs[`dbwe.test/books/${SPIJKERKWARTIER}`]).toEqual({ size: signed.size, rootHash: signed.rootHash.toString('base64'), note: signed.note, signedAt: expect.any(String) });
      // The ledger keeps serving: the log as it is, with the newest checkpoint the operator left.
      const served = (await other.ok(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { transparencyLog { size checkpoint { size } } } } }`))
        ._entities[0].transparencyLog;
      expect(served).toEqual({ size: before.size + 2, checkpoint: { size: before.size } });
      // Asked for a fresh one, it serves the checkpoint it signed last, whose row the operator deleted: whoever kept
      // an earlier one finds that the stored tree does not extend it.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await checkpointer.fresh(SPIJKERKWARTIER).catch((error: Error) => error)).toMatchObject({ size: signed.size, note: signed.note });
      // A signer started anew on the same state file, as after a restart, refuses as well.
      const restarted = new Checkpointer(
        other.db,
        { originPrefix: 'dbwe.test/books', keys: [checkpointer.currentKey], intervalSeconds: 60, state: await SignerState.open(checkpointer.state.path) },
        other.server.contextFor(anonymous).logger,
      );
      await expect(restarted.sign(SPIJKERKWARTIER)).rejects.toBeInstanceOf(LogIsInconsistent);
    } finally {
      await other.teardown();
    }
  });
});

describe('books opened after the ledger started', () => {
  it('get their origin and a first checkpoint, over the opening chart of accounts, at once', async () => {
    const fresh = await addNeighbourhood(books.platform!, 'log-fresh');
    await books.ok(`mutation { openBooks(neighbourhoodId: "${fresh}") { openedNow } }`, {}, viewer(['steward'], fresh));
    const opened = await log(`origin size rootHash checkpoint { size rootHash note }`, fresh);
    expect(opened).toMatchObject({ origin: `dbwe.test/books/${fresh}`, size: DEFAULT_CHART.length, checkpoint: { size: DEFAULT_CHART.length } });
    expect(opened.checkpoint.note.startsWith(`dbwe.test/books/${fresh}\n${DEFAULT_CHART.length}\n`)).toBe(true);
    expect(ledgerServices.testEnv.LEDGER_LOG_ORIGIN).toBe('dbwe.test/books');
  });
});
