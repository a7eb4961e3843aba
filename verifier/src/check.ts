/**
 * `dbwe-verify check`: every step of docs/ledger-hash.md "What a verifier checks", in its order. Steps 1 and 2
 * (signatures, consistency from the kept checkpoint) take a few requests; steps 3 to 6 read the whole log once,
 * from the graph or from the exports; step 7 checks inclusion of chosen entries by proof.
 */
import { Books } from './books';
import { ExportSource } from './exports';
import { Graph, entryFromApi } from './graph';
import { COSIGNATURE_V1, checkCosignature, checkNoteSignature, parseCheckpoint, parseVkey, FormatError, type Checkpoint, type Vkey } from './note';
import { GENESIS_HASH, entryHash, entryLeafData } from './records';
import { EMPTY_ROOT, decodeHash, leafHash, verifyConsistency, verifyInclusion, type Hash } from './tree';
import { CannotCheck, Invalid } from './verdict';

export interface CheckOptions {
  graphUrl: string;
  neighbourhood: string;
  /** The text of a checkpoint the user kept. */
  keptCheckpoint?: string;
  /** The log's verifier key, pinned by the user. */
  vkey?: string;
  quick: boolean;
  /** Sequences of entries to prove included. */
  entries: number[];
  exportLocation?: string;
  /** Cosigner keys (C2SP vkeys, type 0x04) of witnesses the user trusts. */
  witnesses?: string[];
}

/** How far back `--witness` looks for a checkpoint the witness cosigned. */
export const WITNESS_LOOKBACK = 1000;

export interface CheckResult {
  verdict: string;
  /** The newest checkpoint checked, to keep for next time. */
  checkpointNote: string;
}

/** How often the verifier catches up when entries arrive while it compares the figures. */
const CATCH_UP_ROUNDS = 3;

function proofHashes(hashes: unknown, what: string, where: string): Hash[] {
  if (!Array.isArray(hashes)) throw new Invalid(what, where, 'the proof is not a list of hashes');
  return hashes.map((h, i) => {
    const hash = decodeHash(h);
    if (!hash) throw new Invalid(what, where, `hash ${i} of the proof is not the base64 of 32 bytes`);
    return hash;
  });
}

/** Step 1 (and the kept half of step 2): a checkpoint of this log, signed by its key. */
export function verifiedCheckpoint(note: string, keys: Vkey[], origin: string, what: string): Checkpoint {
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(note);
  } catch (error) {
    if (error instanceof FormatError) throw new Invalid(what, 'checkpoint', error.message);
    throw error;
  }
  if (checkpoint.origin !== origin) throw new Invalid(what, 'checkpoint', `its origin is ${checkpoint.origin}, the log's is ${origin}`);
  if (checkpoint.extensionLines.length > 0) throw new Invalid(what, 'checkpoint', 'it has extension lines, which the specification does not allow');
  const results = keys.map((k) => checkNoteSignature(checkpoint.note, k));
  if (results.includes('bad')) throw new Invalid(what, 'checkpoint', `a signature line of ${origin} does not verify`);
  if (!results.includes('verified')) throw new Invalid(what, 'checkpoint', `no signature by the log key ${keys.map((k) => k.text).join(' or ')}`);
  return checkpoint;
}

/** A retired key may have leaked: the newest checkpoint counts only with a signature of a key still in use. */
export async function refuseRetiredKey(graph: Graph, vkey: Vkey): Promise<void> {
  if ((await graph.retiredKeys()).includes(vkey.publicKey.toString('base64'))) {
    throw new Invalid('log key', 'checkpoint', `the key ${vkey.text} is retired; the ledger no longer signs with it, so a new checkpoint signed by it is not the ledger's`);
  }
}

function readVkey(text: string, what: string): Vkey {
  try {
    return parseVkey(text);
  } catch (error) {
    if (error instanceof FormatError) throw new CannotCheck(`${what}: ${error.message}`);
    throw error;
  }
}

/** Step 2: the tree of `from` is a prefix of the tree of `to`. */
async function checkConsistency(graph: Graph, id: string, from: Checkpoint, to: Checkpoint, what: string): Promise<void> {
  if (from.size > to.size) throw new Invalid('truncated', `leaf ${to.size}`, `the ${what} has ${from.size} leaves, the newest checkpoint only ${to.size}`);
  if (from.size === 0) {
    if (!from.rootHash.equals(EMPTY_ROOT)) throw new Invalid(what, 'checkpoint', 'size 0 with a root that is not the empty tree hash');
    return;
  }
  const hashes = from.size === to.size ? [] : await graph.consistencyProof(id, from.size, to.size);
  const proof = proofHashes(hashes, 'consistency proof', `leaves below ${from.size}`);
  if (!verifyConsistency(from.size, to.size, from.rootHash, to.rootHash, proof)) {
    throw new Invalid('rewritten', `leaves below ${from.size}`, `the tree of the ${what} (size ${from.size}) is not a prefix of the newest (size ${to.size}): the books were changed after it was signed`);
  }
}

/**
 * When the root of the leaves differs from the checkpoint's, finds the first leaf at fault: the prefixes that
 * consistency proofs accept are exactly those made of correct leaves, so a bisection over prefix sizes names it.
 */
async function firstBadLeaf(graph: Graph, id: string, books: Books, checkpoint: Checkpoint): Promise<number> {
  let good = 0;
  let bad = checkpoint.size;
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    let ok = false;
    try {
      const proof = proofHashes(await graph.consistencyProof(id, mid, checkpoint.size), 'consistency proof', `leaf ${mid}`);
      ok = verifyConsistency(mid, checkpoint.size, books.rootAt(mid), checkpoint.rootHash, proof);
    } catch (error) {
      if (!(error instanceof CannotCheck || error instanceof Invalid)) throw error;
    }
    if (ok) good = mid;
    else bad = mid;
  }
  return good;
}

/** Step 3: the root recomputed from the leaves is the checkpoint's. */
async function checkRoot(graph: Graph, id: string, books: Books, checkpoint: Checkpoint): Promise<void> {
  if (books.size !== checkpoint.size) throw new CannotCheck(`read ${books.size} leaves for a checkpoint of size ${checkpoint.size}`);
  if (books.rootAt(checkpoint.size).equals(checkpoint.rootHash)) return;
  const leaf = await firstBadLeaf(graph, id, books, checkpoint);
  throw new Invalid('leaves', `leaf ${leaf}`, `the root recomputed from the ${checkpoint.size} leaves is not the checkpoint's; leaf ${leaf} is the first that does not belong to the signed tree`);
}

/**
 * A witness the user trusts has seen these books: the newest checkpoint carries its valid cosignature, or one of
 * the newest checkpoints does (a fresh one never does yet) and the newest is consistent with it. Without either the
 * user cannot tell these books from a view the witness never saw (its cosignatures deleted, or a split view).
 */
async function checkWitness(graph: Graph, id: string, origin: string, vkey: Vkey, newest: Checkpoint, witness: Vkey): Promise<void> {
  if (witness.type !== COSIGNATURE_V1) throw new CannotCheck(`--witness ${witness.text} is not a witness's cosigner key (type 0x04)`);
  const what = 'witness';
  const cosigned = (checkpoint: Checkpoint, where: string): boolean => {
    const found = checkCosignature(checkpoint.note, witness);
    if (found === 'bad') throw new Invalid(what, where, `a cosignature line of ${witness.name} does not verify`);
    return found !== 'absent';
  };
  if (cosigned(newest, `checkpoint ${newest.size}`)) return;
  for await (const note of graph.checkpointsNewestFirst(id, WITNESS_LOOKBACK)) {
    let candidate: Checkpoint;
    try {
      candidate = parseCheckpoint(note);
    } catch (error) {
      if (error instanceof FormatError) throw new Invalid(what, 'checkpoint', `a checkpoint the graph lists cannot be read: ${error.message}`);
      throw error;
    }
    if (!cosigned(candidate, `checkpoint ${candidate.size}`)) continue;
    // The log's own signature too; perhaps by a key from before a rotation: the log names every key it has signed with.
    const keys = [vkey, ...(await graph.verifierKeys(id)).map((t) => readVkey(t, 'a verifier key the graph serves')).filter((k) => k.name === origin && k.text !== vkey.text)];
    const checkpoint = verifiedCheckpoint(note, keys, origin, `checkpoint cosigned by ${witness.name}`);
    await checkConsistency(graph, id, checkpoint, newest, `checkpoint cosigned by ${witness.name}`);
    return;
  }
  throw new Invalid(
    what,
    `checkpoint ${newest.size}`,
    `neither the newest checkpoint nor any of the ${WITNESS_LOOKBACK} before it carries a valid cosignature of ${witness.name}: no sign that this witness saw these books`,
  );
}

/**
 * The tree the graph serves, read after the newest checkpoint (a tree only grows): never smaller than that
 * checkpoint, nor another tree of its size. The ledger refuses to sign a rewritten tree and serves the checkpoint
 * it signed last instead, so this is where a rewrite after it shows, with --quick too.
 */
async function checkServedTree(graph: Graph, id: string, newest: Checkpoint): Promise<void> {
  const served = await graph.head(id);
  if (served.size < newest.size) {
    throw new Invalid('truncated', `leaf ${served.size}`, `the newest checkpoint has ${newest.size} leaves, the graph serves a tree of only ${served.size}`);
  }
  if (served.size === newest.size && !decodeHash(served.rootHash)?.equals(newest.rootHash)) {
    throw new Invalid('rewritten', `leaves below ${newest.size}`, `the graph serves a tree of ${newest.size} leaves with another root than the newest checkpoint's: the books were changed after it was signed`);
  }
}

/** Step 7 for one entry: its leaf is in the checkpoint's tree, by an inclusion proof. */
async function checkInclusion(graph: Graph, id: string, sequence: number, checkpoint: Checkpoint): Promise<void> {
  const where = `entry ${sequence}`;
  const { entry, previous } = await graph.entryAt(id, sequence);
  if (!entry) throw new CannotCheck(`the graph serves no entry ${sequence}`);
  if (sequence > 1 && !previous) throw new CannotCheck(`the graph serves no entry ${sequence - 1} before entry ${sequence}`);
  const e = entryFromApi(entry, id);
  const previousHash = previous ? previous.hash : GENESIS_HASH;
  if (e.previousHash !== previousHash) throw new Invalid('entry chain', where, `previousHash ${e.previousHash} is not the hash of the entry before (${previousHash})`);
  const recomputed = entryHash(previousHash, e);
  if (recomputed !== e.hash) throw new Invalid('entry hash', where, `served hash ${e.hash}, recomputed from its content ${recomputed}`);
  if (e.leafIndex === null) throw new CannotCheck(`the graph serves no leaf index for entry ${sequence}`);
  if (e.leafIndex >= checkpoint.size) throw new CannotCheck(`entry ${sequence} (leaf ${e.leafIndex}) is newer than the checkpoint of size ${checkpoint.size}; try again`);
  const proof = proofHashes(await graph.inclusionProof(id, e.leafIndex, checkpoint.size), 'inclusion proof', where);
  if (!verifyInclusion(e.leafIndex, checkpoint.size, leafHash(entryLeafData(sequence, e.hash)), proof, checkpoint.rootHash)) {
    throw new Invalid('inclusion', where, `no proof that its leaf ${e.leafIndex} is in the tree of size ${checkpoint.size}`);
  }
}

export async function check(o: CheckOptions, say: (line: string) => void): Promise<CheckResult> {
  const graph = new Graph(o.graphUrl);
  const log = await graph.log(o.neighbourhood);
  const id = log.id;
  if (!o.vkey) say(`log key (fetched from the graph, not pinned; pin it with --vkey): ${log.verifierKey}`);
  else if (o.vkey.trim() !== log.verifierKey) say(`note: the graph now names the log key ${log.verifierKey}`);
  const vkey = readVkey(o.vkey ?? log.verifierKey, o.vkey ? '--vkey' : 'the verifier key the graph serves');
  if (vkey.name !== log.origin) throw new Invalid('log key', 'checkpoint', `the key is named ${vkey.name}, the log's origin is ${log.origin}`);
  if (!log.origin.endsWith(`/${id}`)) throw new Invalid('origin', 'checkpoint', `the origin ${log.origin} does not end in the neighbourhood's id ${id}`);

  let newest = verifiedCheckpoint(log.checkpointNote, [vkey], log.origin, 'newest checkpoint');
  say(`newest checkpoint: size ${newest.size}, root ${newest.rootHash.toString('base64')}, signature verified`);
  await refuseRetiredKey(graph, vkey);
  await checkServedTree(graph, id, newest);

  if (o.keptCheckpoint !== undefined) {
    const keys = [vkey];
    const kept = parseKept(o.keptCheckpoint, log.origin, id);
    if (checkNoteSignature(kept.note, vkey) === 'absent') {
      // Signed before a key rotation: the log names every key it has signed with.
      for (const text of await graph.verifierKeys(id)) {
        const key = readVkey(text, 'a verifier key the graph serves');
        if (key.name === log.origin && !keys.some((k) => k.text === key.text)) keys.push(key);
      }
    }
    const keptCheckpoint = verifiedCheckpoint(o.keptCheckpoint, keys, log.origin, 'kept checkpoint');
    await checkConsistency(graph, id, keptCheckpoint, newest, 'kept checkpoint');
    say(`kept checkpoint: size ${keptCheckpoint.size}, signature verified, consistent with the newest`);
  }

  for (const text of o.witnesses ?? []) await checkWitness(graph, id, log.origin, vkey, newest, readVkey(text, '--witness'));

  if (o.quick) {
    for (const sequence of o.entries) await checkInclusion(graph, id, sequence, newest);
    const included = o.entries.length ? `; entries ${o.entries.join(', ')} included by proof` : '';
    return { verdict: `VALID: ${log.origin} at size ${newest.size}: signatures${o.keptCheckpoint ? ' and consistency' : ''} checked (quick)${included}`, checkpointNote: noteText(newest) };
  }

  const books = new Books(id);
  let checked = newest;
  if (o.exportLocation) {
    const source = ExportSource.open(o.exportLocation, log.slug);
    say(`reading the export at ${source.description}`);
    const leaves = await source.leaves();
    for await (const leaf of leaves.rows) books.addLeaf(leaf.index, leaf.data, leaf);
    if (leaves.size !== null && leaves.size !== books.size) throw new CannotCheck(`log_leaves holds ${books.size} leaves, its Ledger-Checkpoint-Size says ${leaves.size}`);
    const note = (await source.checkpoint(books.size)) ?? (await graph.checkpointAt(id, books.size));
    if (!note) throw new CannotCheck(`no checkpoint of size ${books.size} for the export`);
    const exported = verifiedCheckpoint(note, [vkey], log.origin, 'export checkpoint');
    if (exported.size !== books.size) throw new CannotCheck(`log_leaves holds ${books.size} leaves, its checkpoint says ${exported.size}`);
    await checkRoot(graph, id, books, exported);
    if (exported.size > newest.size) newest = verifiedCheckpoint((await graph.log(id)).checkpointNote, [vkey], log.origin, 'newest checkpoint');
    await checkConsistency(graph, id, exported, newest, 'export checkpoint');
    checked = exported;
    for await (const entry of await source.entries(id)) if (!books.addEntry(entry)) break;
    books.checkEntriesComplete();
    const accounts = await source.accounts();
    const seen = new Set<string>();
    for await (const row of accounts.rows) {
      seen.add(row.id);
      // A row newer than the leaves read is checked against the graph's chart below, after catching up.
      if (row.leafIndex < books.size) books.compareAccount(row, { balance: accounts.size === books.size });
    }
    books.checkAccountsServed(seen);
    const revisions = [];
    for await (const row of await source.budgetRevisions()) if (row.leafIndex < books.size) revisions.push(row);
    books.compareBudgets(revisions);
    say(`export: ${books.size} leaves and ${books.lastSequence} entries checked against the checkpoint of size ${exported.size}`);
  } else {
    for await (const leaf of graph.leaves(id, 0, newest.size)) books.addLeaf(leaf.index, leaf.data, leaf);
    await checkRoot(graph, id, books, newest);
    say(`leaves: ${books.size} read; their root is the checkpoint's`);
    for await (const entry of graph.entries(id, 0)) if (!books.addEntry(entryFromApi(entry, id))) break;
    books.checkEntriesComplete();
    say(`entries: ${books.lastSequence} recomputed and linked, each in its leaf`);
  }

  // Steps 5 and 6 against what the graph serves now; entries may arrive meanwhile, so catch up and compare again.
  const notes: string[] = [];
  let compared = false;
  for (let round = 0; round < CATCH_UP_ROUNDS && !compared; round++) {
    const chart = await graph.accounts(id);
    if (chart.size === checked.size) {
      const dated = await graph.balancesAsOf(id, [...books.bookingDates].sort());
      const projects = await graph.projects([...books.projectIds].sort());
      const members = await graph.memberHours([...books.memberIds].sort());
      // A member whom no entry names has no hours in these books; the graph serves hours for every member.
      for (const [member, hours] of await graph.neighbourhoodMembers(id)) if (!members.has(member)) members.set(member, hours);
      if ((await graph.size(id)) === checked.size) {
        books.compareAccounts(chart.accounts, { balances: true });
        const head = chart.chainHead ?? { sequence: 0, hash: GENESIS_HASH };
        if (head.sequence !== books.lastSequence || head.hash !== books.lastHash) {
          throw new Invalid('chain head', `entry ${Math.min(head.sequence, books.lastSequence) || 1}`, `served as entry ${head.sequence} with hash ${head.hash}; the log ends at entry ${books.lastSequence} with hash ${books.lastHash}`);
        }
        books.compareBalancesAsOf(dated);
        books.compareBudgets(projects.revisions);
        books.compareNeighbourhoodBudgets((await graph.neighbourhoodBudgets(id)).filter((r) => r.leafIndex < checked.size));
        for (const p of projects.projects) books.compareProject(p);
        if (projects.missing.length) notes.push(`${projects.missing.length} project(s) without finances in the graph, not compared: ${projects.missing.join(', ')}`);
        const unserved: string[] = [];
        for (const [member, hours] of members) {
          if (hours === null) unserved.push(member);
          else books.compareMember(member, hours);
        }
        if (unserved.length) notes.push(`${unserved.length} member(s) without volunteer hours in the graph, not compared: ${unserved.join(', ')}`);
        compared = true;
        break;
      }
    }
    const fresh = verifiedCheckpoint((await graph.log(id)).checkpointNote, [vkey], log.origin, 'newest checkpoint');
    await checkConsistency(graph, id, checked, fresh, 'checkpoint checked');
    for await (const leaf of graph.leaves(id, checked.size, fresh.size)) books.addLeaf(leaf.index, leaf.data, leaf);
    await checkRoot(graph, id, books, fresh);
    for await (const entry of graph.entries(id, books.lastSequence)) if (!books.addEntry(entryFromApi(entry, id))) break;
    books.checkEntriesComplete();
    say(`the books grew to size ${fresh.size} while they were checked; caught up`);
    checked = fresh;
  }
  if (!compared) throw new CannotCheck(`the books kept growing while their figures were compared (${CATCH_UP_ROUNDS} rounds); try again`);

  for (const sequence of o.entries) await checkInclusion(graph, id, sequence, checked);
  for (const line of notes) say(`note: ${line}`);
  if (books.unknownLeaves.length) {
    const first = books.unknownLeaves[0];
    throw new CannotCheck(`leaf ${first.index} (and ${books.unknownLeaves.length - 1} more) has the format ${first.format}, which this verifier does not know: the figures it may decide are not checked; use a newer dbwe-verify`);
  }
  const included = o.entries.length ? `; entries ${o.entries.join(', ')} included by proof` : '';
  return {
    verdict: `VALID: ${log.origin} at size ${checked.size}: ${books.size} leaves, ${books.lastSequence} entries, ${books.accounts.size} accounts, ${books.budgets.size} budgets and the derived figures checked${included}`,
    checkpointNote: noteText(checked),
  };
}

function parseKept(text: string, origin: string, neighbourhoodId: string): Checkpoint {
  try {
    const kept = parseCheckpoint(text);
    if (kept.origin !== origin) throw originProblem('kept checkpoint', kept.origin, origin, neighbourhoodId);
    return kept;
  } catch (error) {
    if (error instanceof FormatError) throw new CannotCheck(`the kept checkpoint cannot be read: ${error.message}`);
    throw error;
  }
}

/**
 * A kept checkpoint (or a witness's state) of another log is the user's mistake; one of these same books under
 * another origin means the log's identity changed, which the specification forbids: everything the log signs from
 * then on is a new log, and whatever it rewrote would escape the check.
 */
export function originProblem(what: string, kept: string, now: string, neighbourhoodId: string): CannotCheck | Invalid {
  if (!kept.endsWith(`/${neighbourhoodId}`)) return new CannotCheck(`the ${what} is of the log ${kept}, not of ${now}`);
  return new Invalid('origin', 'checkpoint', `the ${what} is of the origin ${kept}; these books now say ${now}, and a log's origin never changes`);
}

export function noteText(checkpoint: Checkpoint): string {
  return `${checkpoint.note.text}\n${checkpoint.note.signatures.map((s) => s.line).join('')}`;
}
