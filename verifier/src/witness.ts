/**
 * `dbwe-verify witness` and `witness-key`: a witness keeps the last checkpoint it cosigned, and cosigns a newer
 * one only after checking the log's signature and a consistency proof from the kept one (on its first run: the
 * root recomputed from every leaf). c2sp.org/tlog-cosignature, Ed25519 (`cosignature/v1`).
 */
import { randomBytes } from 'node:crypto';
import { Books } from './books';
import { originProblem, refuseRetiredKey, verifiedCheckpoint } from './check';
import { Graph } from './graph';
import { COSIGNATURE_V1, FormatError, checkCosignature, cosignatureLine, formatVkey, keyId, parseCheckpoint, parseVkey, publicKeyOfSeed } from './note';
import { decodeHash, verifyConsistency } from './tree';
import { CannotCheck, Invalid } from './verdict';

export interface WitnessKey {
  name: string;
  seed: Buffer;
  vkey: string;
}

/**
 * The key file: one line `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x04 || 32-byte seed)>`, the shape of the Go
 * checksum database's signer keys, with the cosignature type byte.
 */
export function formatKeyFile(name: string, seed: Buffer): string {
  const publicKey = publicKeyOfSeed(seed);
  return `PRIVATE+KEY+${name}+${keyId(name, COSIGNATURE_V1, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([COSIGNATURE_V1]), seed]).toString('base64')}\n`;
}

export function parseKeyFile(text: string): WitnessKey {
  const parts = text.trim().split('+');
  if (parts.length < 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new CannotCheck('the key file is not a witness key (PRIVATE+KEY+name+keyid+key)');
  const [, , name, hexId] = parts;
  const key = Buffer.from(parts.slice(4).join('+'), 'base64');
  if (key.length !== 33 || key[0] !== COSIGNATURE_V1) throw new CannotCheck('the key file does not hold a cosignature/v1 Ed25519 key');
  const seed = key.subarray(1);
  const vkey = formatVkey(name, COSIGNATURE_V1, publicKeyOfSeed(seed));
  if (vkey.split('+')[1] !== hexId) throw new CannotCheck('the key ID in the key file does not belong to its key');
  return { name, seed, vkey };
}

export function newWitnessKey(name: string): { file: string; vkey: string } {
  const seed = randomBytes(32);
  try {
    parseVkey(formatVkey(name, COSIGNATURE_V1, publicKeyOfSeed(seed)));
  } catch (error) {
    if (error instanceof FormatError) throw new CannotCheck(`not a usable witness name: ${error.message}`);
    throw error;
  }
  return { file: formatKeyFile(name, seed), vkey: formatVkey(name, COSIGNATURE_V1, publicKeyOfSeed(seed)) };
}

/** What a witness remembers of a log between runs. */
export interface WitnessState {
  origin: string;
  verifierKey: string;
  /** The last checkpoint it cosigned, as the log signed it (without cosignatures). */
  checkpoint: string;
  cosignedAt: number;
}

export interface WitnessOptions {
  graphUrl: string;
  neighbourhood: string;
  key: WitnessKey;
  state: WitnessState | null;
  /** The log's key, pinned; else the one in the state, else the one the graph serves (first run). */
  vkey?: string;
  now: () => number;
}

export async function witness(o: WitnessOptions, say: (line: string) => void): Promise<{ verdict: string; state: WitnessState }> {
  const graph = new Graph(o.graphUrl);
  const log = await graph.log(o.neighbourhood);
  const keyText = o.vkey ?? o.state?.verifierKey ?? log.verifierKey;
  if (!o.vkey && !o.state) say(`log key (fetched from the graph on this first run, kept in the state from now on): ${log.verifierKey}`);
  let vkey;
  try {
    vkey = parseVkey(keyText);
  } catch (error) {
    if (error instanceof FormatError) throw new CannotCheck(`the log key: ${error.message}`);
    throw error;
  }
  if (vkey.name !== log.origin) throw new Invalid('log key', 'checkpoint', `the key is named ${vkey.name}, the log's origin is ${log.origin}`);
  if (o.state && o.state.origin !== log.origin) throw originProblem('state', o.state.origin, log.origin, log.id);
  if (!log.origin.endsWith(`/${log.id}`)) throw new Invalid('origin', 'checkpoint', `the origin ${log.origin} does not end in the neighbourhood's id ${log.id}`);
  const newest = verifiedCheckpoint(log.checkpointNote, [vkey], log.origin, 'newest checkpoint');
  await refuseRetiredKey(graph, vkey);

  if (o.state) {
    const kept = verifiedCheckpoint(o.state.checkpoint, [vkey], log.origin, 'last cosigned checkpoint');
    if (kept.size > newest.size) throw new Invalid('truncated', `leaf ${newest.size}`, `the witness cosigned size ${kept.size}, the newest checkpoint has only ${newest.size}`);
    if (kept.size === 0 || kept.size === newest.size) {
      if (kept.size === newest.size && !kept.rootHash.equals(newest.rootHash)) throw new Invalid('rewritten', `leaves below ${kept.size}`, 'the newest checkpoint has the size of the one cosigned last, and another root');
    } else {
      const hashes = (await graph.consistencyProof(log.id, kept.size, newest.size)).map(decodeHash);
      if (hashes.some((h) => h === null) || !verifyConsistency(kept.size, newest.size, kept.rootHash, newest.rootHash, hashes as Buffer[])) {
        throw new Invalid('rewritten', `leaves below ${kept.size}`, `the tree cosigned last (size ${kept.size}) is not a prefix of the newest (size ${newest.size})`);
      }
    }
    say(`consistent with the checkpoint cosigned last (size ${kept.size})`);
  } else {
    const books = new Books(log.id);
    for await (const leaf of graph.leaves(log.id, 0, newest.size)) books.addLeaf(leaf.index, leaf.data, leaf);
    if (!books.rootAt(newest.size).equals(newest.rootHash)) throw new Invalid('leaves', `leaves below ${newest.size}`, 'the root recomputed from the leaves is not the checkpoint\'s');
    say(`first run: the root of all ${newest.size} leaves recomputed`);
  }

  const time = Math.max(Math.floor(o.now() / 1000), o.state?.cosignedAt ?? 0);
  const line = cosignatureLine(o.key.name, o.key.seed, time, newest.note.text);
  const refusal = await graph.addCosignature(log.id, newest.size, line.slice(0, -1));
  if (refusal) throw new CannotCheck(`the ledger refused the cosignature: ${refusal}`);
  // The ledger keeps one cosignature per witness and checkpoint: when nothing was booked since the last run, it serves the
  // one this witness made then, with an earlier timestamp. Either verifies.
  const served = await graph.checkpointAt(log.id, newest.size);
  const mine = served ? checkCosignature(parseCheckpoint(served).note, parseVkey(o.key.vkey)) : 'absent';
  if (mine === 'absent' || mine === 'bad') {
    throw new CannotCheck(`the ledger accepted the cosignature but does not serve it with the checkpoint of size ${newest.size}`);
  }
  const logOnly = `${newest.note.text}\n${newest.note.signatures.filter((s) => s.name === vkey.name).map((s) => s.line).join('')}`;
  return {
    verdict: `VALID: cosigned ${log.origin} at size ${newest.size} as ${o.key.name} (time ${time})`,
    state: { origin: log.origin, verifierKey: vkey.text, checkpoint: logOnly, cosignedAt: time },
  };
}
