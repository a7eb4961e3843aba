/**
 * C2SP signed notes (https://c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and Ed25519
 * cosignatures (c2sp.org/tlog-cosignature, `cosignature/v1`), with node:crypto's Ed25519.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { decodeHash, sha256, type Hash } from './tree';

/** Signature types of the signed-note spec that this verifier knows. */
export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;

export interface Vkey {
  name: string;
  keyId: Buffer;
  type: number;
  publicKey: Buffer;
  text: string;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** What follows the key ID: the signature (log), or the timestamp and the signature (cosignature). */
  body: Buffer;
  line: string;
}

export interface SignedNote {
  /** The signed text, with its final newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Hash;
  extensionLines: string[];
  note: SignedNote;
}

export class FormatError extends Error {
  override name = 'FormatError';
}

/** Key names are non-empty and hold no Unicode space and no plus. */
function validKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name);
}

function strictBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

export function keyId(name: string, type: number, publicKey: Buffer): Buffer {
  return sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a, type]), publicKey).subarray(0, 4);
}

export function formatVkey(name: string, type: number, publicKey: Buffer): string {
  return `${name}+${keyId(name, type, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`;
}

export function parseVkey(text: string): Vkey {
  const parts = text.trim().split('+');
  // The base64 part may itself hold plus signs: name and key ID are the first two fields.
  if (parts.length < 3) throw new FormatError(`not a verifier key (name+keyid+key): ${text}`);
  const [name, hexId] = parts;
  const key = strictBase64(parts.slice(2).join('+'));
  if (!validKeyName(name)) throw new FormatError(`bad key name in verifier key: ${name}`);
  if (!/^[0-9a-f]{8}$/.test(hexId)) throw new FormatError(`bad key ID in verifier key: ${hexId}`);
  if (!key || key.length !== 33) throw new FormatError('the key of a verifier key must be base64 of a type byte and 32 bytes');
  const type = key[0];
  if (type !== ED25519 && type !== COSIGNATURE_V1) throw new FormatError(`unsupported signature type 0x${type.toString(16)} in verifier key`);
  const publicKey = key.subarray(1);
  if (!keyId(name, type, publicKey).equals(Buffer.from(hexId, 'hex'))) throw new FormatError(`the key ID ${hexId} does not belong to the key in the verifier key`);
  return { name, keyId: Buffer.from(hexId, 'hex'), type, publicKey, text: text.trim() };
}

/** Splits a signed note into its text and signature lines (signed-note, "Format"). */
export function parseNote(note: string): SignedNote {
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new FormatError('the note holds control characters other than newline');
  if (!note.endsWith('\n')) throw new FormatError('the note does not end with a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new FormatError('the note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const signatures = lines.map((line) => {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!match || !validKeyName(match[1])) throw new FormatError(`not a signature line: ${line}`);
    const bytes = strictBase64(match[2]);
    if (!bytes || bytes.length < 5) throw new FormatError(`bad signature encoding on the line of ${match[1]}`);
    return { name: match[1], keyId: bytes.subarray(0, 4), body: bytes.subarray(4), line: line + '\n' };
  });
  return { text, signatures };
}

function ed25519PublicKey(raw: Buffer): KeyObject {
  // SubjectPublicKeyInfo for Ed25519 (RFC 8410): a fixed 12-byte header, then the 32-byte key.
  return createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
}

function ed25519PrivateKey(seed: Buffer): KeyObject {
  // PKCS #8 for Ed25519 (RFC 8410): a fixed 16-byte header, then the 32-byte seed.
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
}

export function publicKeyOfSeed(seed: Buffer): Buffer {
  return createPublicKey(ed25519PrivateKey(seed)).export({ format: 'der', type: 'spki' }).subarray(-32);
}

export function ed25519Sign(seed: Buffer, message: Buffer | string): Buffer {
  return sign(null, Buffer.from(message), ed25519PrivateKey(seed));
}

export function ed25519Verify(publicKey: Buffer, message: Buffer | string, signature: Buffer): boolean {
  if (signature.length !== 64) return false;
  return verify(null, Buffer.from(message), ed25519PublicKey(publicKey), signature);
}

/** The signature lines that claim to be by this key: same name and same key ID (others are ignored, as the spec says). */
function linesOf(note: SignedNote, vkey: Vkey): NoteSignature[] {
  return note.signatures.filter((s) => s.name === vkey.name && s.keyId.equals(vkey.keyId));
}

/**
 * Checks the note's signature by an Ed25519 (type 0x01) key: 'verified', 'absent' (no line of that key), or 'bad'
 * (a line of that key does not verify: the whole note is refused, as the spec recommends).
 */
export function checkNoteSignature(note: SignedNote, vkey: Vkey): 'verified' | 'absent' | 'bad' {
  if (vkey.type !== ED25519) throw new FormatError(`${vkey.name} is not an Ed25519 note key`);
  const lines = linesOf(note, vkey);
  if (lines.length === 0) return 'absent';
  return lines.every((s) => ed25519Verify(vkey.publicKey, note.text, s.body)) ? 'verified' : 'bad';
}

export function signNote(text: string, name: string, seed: Buffer): string {
  const id = keyId(name, ED25519, publicKeyOfSeed(seed));
  return `${text}\n\u2014 ${name} ${Buffer.concat([id, ed25519Sign(seed, text)]).toString('base64')}\n`;
}

/** Reads a checkpoint from a signed note (tlog-checkpoint, "Note text"). */
export function parseCheckpoint(noteText: string): Checkpoint {
  const note = parseNote(noteText);
  const lines = note.text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new FormatError('a checkpoint has at least three lines');
  const [origin, sizeLine, rootLine, ...extensionLines] = lines;
  if (origin === '') throw new FormatError('the checkpoint has an empty origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) throw new FormatError(`bad tree size line: ${sizeLine}`);
  const rootHash = decodeHash(rootLine);
  if (!rootHash) throw new FormatError(`bad root hash line: ${rootLine}`);
  if (extensionLines.some((l) => l === '')) throw new FormatError('a checkpoint extension line is empty');
  return { origin, size: Number(sizeLine), rootHash, extensionLines, note };
}

export function cosignatureMessage(time: number, checkpointText: string): string {
  return `cosignature/v1\ntime ${time}\n${checkpointText}`;
}

/** The signature line a witness adds (tlog-cosignature, Ed25519): key ID, 8-byte big-endian time, signature. */
export function cosignatureLine(name: string, seed: Buffer, time: number, checkpointText: string): string {
  if (!Number.isSafeInteger(time) || time < 0) throw new FormatError(`bad cosignature time: ${time}`);
  const id = keyId(name, COSIGNATURE_V1, publicKeyOfSeed(seed));
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(time));
  const signature = ed25519Sign(seed, cosignatureMessage(time, checkpointText));
  return `\u2014 ${name} ${Buffer.concat([id, stamp, signature]).toString('base64')}\n`;
}

/** The cosignature of a witness on a note: its time when it verifies, 'absent', or 'bad'. */
export function checkCosignature(note: SignedNote, witness: Vkey): { time: number } | 'absent' | 'bad' {
  if (witness.type !== COSIGNATURE_V1) throw new FormatError(`${witness.name} is not a cosignature/v1 key`);
  const lines = linesOf(note, witness);
  if (lines.length === 0) return 'absent';
  let time = -1;
  for (const s of lines) {
    if (s.body.length !== 72) return 'bad';
    const stamp = s.body.readBigUInt64BE(0);
    if (stamp > BigInt(Number.MAX_SAFE_INTEGER)) return 'bad';
    if (!ed25519Verify(witness.publicKey, cosignatureMessage(Number(stamp), note.text), s.body.subarray(8))) return 'bad';
    time = Math.max(time, Number(stamp));
  }
  return { time };
}

/** Reads the time of a cosignature line without checking it (for showing what a note carries). */
export function cosignatureTime(signature: NoteSignature): number | null {
  return signature.body.length === 72 ? Number(signature.body.readBigUInt64BE(0)) : null;
}
