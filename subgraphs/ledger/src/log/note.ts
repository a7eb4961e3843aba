import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { publicKeyObject, signingKeyFromSeed, type SigningKey } from '@dbwe/platform';

export { publicKeyObject, signingKeyFromSeed, type SigningKey };

/**
 * Checkpoints and cosignatures as C2SP signed notes (docs/ledger-hash.md,
 * "Checkpoints" and "Cosignatures and witnesses"). No I/O.
 */

/** Signature type bytes of C2SP signed-note: an Ed25519 note signature, an Ed25519 cosignature/v1. */
const ED25519 = 0x01;
const COSIGNATURE_V1 = 0x04;

/** SHA-256(name || 0x0A || type || public key)[:4]. */
export function keyId(name: string, type: number, publicKey: Buffer): Buffer {
  return createHash('sha256').update(`${name}\n`, 'utf8').update(Buffer.of(type)).update(publicKey).digest().subarray(0, 4);
}

/** `<name>+<hex key ID>+<base64(type || public key)>`. */
export function verifierKey(name: string, publicKey: Buffer, type = ED25519): string {
  return `${name}+${keyId(name, type, publicKey).toString('hex')}+${Buffer.concat([Buffer.of(type), publicKey]).toString('base64')}`;
}

/** A key name, or an origin: non-empty, no Unicode spaces, no plus, no control characters. */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\p{Cc}]/u.test(name);
}

export interface CheckpointBody {
  origin: string;
  size: number;
  rootHash: Buffer;
}

/** The note text: three lines, each ending in a newline, no extension lines. */
export function checkpointText(c: CheckpointBody): string {
  return `${c.origin}\n${c.size}\n${c.rootHash.toString('base64')}\n`;
}

/** One signature line per key, the key name being the origin. */
export function signCheckpoint(c: CheckpointBody, keys: SigningKey[]): string {
  const text = checkpointText(c);
  const lines = keys.map((key) => {
    const signature = sign(null, Buffer.from(text, 'utf8'), key.privateKey);
    return `— ${c.origin} ${Buffer.concat([keyId(c.origin, ED25519, key.publicKey), signature]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/**
 * What is wrong with a stored checkpoint's signatures (null when nothing): after its text, each line must be a
 * signature of the origin by one of the given public keys, and there must be one.
 */
export function checkpointSignatureProblem(note: string, origin: string, publicKeys: Buffer[]): string | null {
  const split = note.indexOf('\n\n');
  if (split < 0) return 'it has no signature lines';
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2).split('\n').filter((l) => l !== '');
  if (lines.length === 0) return 'it has no signature lines';
  for (const line of lines) {
    const match = /^— (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    const bytes = match ? Buffer.from(match[2], 'base64') : null;
    if (!match || match[1] !== origin || !bytes || bytes.length !== 4 + 64) return `a signature line is not the log's: ${line}`;
    const key = publicKeys.find((k) => keyId(origin, ED25519, k).equals(bytes.subarray(0, 4)));
    if (!key) return 'a signature line is by a key the ledger never signed with';
    if (!verify(null, Buffer.from(text, 'utf8'), publicKeyObject(key), bytes.subarray(4))) return 'a signature line does not verify';
  }
  return null;
}

/** A witness's Ed25519 cosigner key, read from its vkey. */
export interface CosignerKey {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
}

export function parseCosignerKey(vkey: string): CosignerKey | string {
  // The name has no plus and the key ID is hex; the base64 key may contain plus signs.
  const match = /^([^+]+)\+([^+]*)\+(.*)$/.exec(vkey.trim());
  if (!match) return 'a verifier key has three parts joined by +: name, key ID in hex, base64 key';
  const [, name, idHex, keyBase64] = match;
  if (!isKeyName(name)) return 'the key name must be non-empty, without spaces or +';
  const key = Buffer.from(keyBase64, 'base64');
  if (key.toString('base64') !== keyBase64 || key.length !== 33 || key[0] !== COSIGNATURE_V1) {
    return 'the key must be base64 of the byte 0x04 (an Ed25519 cosignature/v1 key) followed by the 32-byte public key';
  }
  const publicKey = key.subarray(1);
  const id = keyId(name, COSIGNATURE_V1, publicKey);
  if (!/^[0-9a-f]{8}$/.test(idHex) || id.toString('hex') !== idHex) return 'the key ID does not match the name and key';
  return { name, keyId: id, publicKey };
}

export interface Cosignature {
  /** POSIX seconds. */
  timestamp: number;
  line: string;
}

/**
 * Reads a cosignature line of the given witness over the checkpoint's text:
 * `— <name> base64(key ID || u64 timestamp || Ed25519 signature)`, the
 * signature over `cosignature/v1\ntime <t>\n` + text. Returns why not when
 * it is not one.
 */
export function readCosignature(line: string, text: string, key: CosignerKey): Cosignature | string {
  const match = /^— (\S+) ([A-Za-z0-9+/]+={0,2})\n?$/.exec(line);
  if (!match) return 'a signature line is an em dash, a space, the key name, a space and base64';
  const [, name, encoded] = match;
  if (name !== key.name) return `the line is signed as ${name}, not ${key.name}`;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== 4 + 8 + 64) return 'an Ed25519 cosignature is 76 bytes: key ID, timestamp, signature';
  if (!bytes.subarray(0, 4).equals(key.keyId)) return "the key ID is not the witness's";
  const timestamp = bytes.readBigUInt64BE(4);
  if (timestamp >= 2n ** 63n) return 'the timestamp is out of range';
  const message = `cosignature/v1\ntime ${timestamp}\n${text}`;
  if (!verify(null, Buffer.from(message, 'utf8'), publicKeyObject(key.publicKey), bytes.subarray(12))) {
    return "the signature does not verify with the witness's key over this checkpoint";
  }
  return { timestamp: Number(timestamp), line: `— ${name} ${encoded}\n` };
}
