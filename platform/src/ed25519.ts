import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { ConfigError, type Setting } from './config';

/**
 * Ed25519 keys in the one form every setting gives them: the base64 of the
 * 32-byte seed (a private key) or of the raw 32-byte public key. The ledger
 * signs its checkpoints with such a key, the gateway its identity
 * assertions, and each subgraph its own-service requests to the graph and its events.
 */

/** PKCS #8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SPKI DER prefix of an Ed25519 public key; the 32-byte key follows. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface SigningKey {
  privateKey: KeyObject;
  /** The raw 32-byte public key. */
  publicKey: Buffer;
}

function exactly32Bytes(base64: string, what: string): Buffer {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== base64.replace(/\s/g, '')) throw new RangeError(`${what} is the base64 of 32 bytes`);
  return bytes;
}

/** An Ed25519 key from its 32-byte seed, given in base64. */
export function signingKeyFromSeed(seedBase64: string): SigningKey {
  const seed = exactly32Bytes(seedBase64, 'an Ed25519 signing key');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
  return { privateKey, publicKey: Buffer.from(publicKey) };
}

export function publicKeyObject(publicKey: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

/** A new key pair as settings take it: `{ seed, publicKey }`, both base64. */
export function newEd25519KeyPair(): { seed: string; publicKey: string } {
  const seed = randomBytes(32).toString('base64');
  return { seed, publicKey: signingKeyFromSeed(seed).publicKey.toString('base64') };
}

/** The public key (base64) that goes with a seed (base64). */
export function publicKeyOfSeed(seedBase64: string): string {
  return signingKeyFromSeed(seedBase64).publicKey.toString('base64');
}

function keySetting<T>(required: boolean, kind: 'seed' | 'public key', parse: (value: string) => T, hint: string): Setting<T | undefined> {
  const form = kind === 'seed' ? 'the base64 of a 32-byte Ed25519 seed' : 'the base64 of a 32-byte Ed25519 public key';
  return {
    read(env, name) {
      const value = env[name]?.trim();
      if (!value) {
        if (required) throw new ConfigError(`${name} is required but not set (${form}${hint ? `; ${hint}` : ''})`);
        return undefined;
      }
      try {
        return parse(value);
      } catch {
        throw new ConfigError(`${name} must be ${form}`);
      }
    },
  };
}

export const ed25519Setting = {
  /** A private key, given as its seed. */
  seed(hint = ''): Setting<SigningKey> {
    return keySetting(true, 'seed', signingKeyFromSeed, hint) as Setting<SigningKey>;
  },
  optionalSeed(hint = ''): Setting<SigningKey | undefined> {
    return keySetting(false, 'seed', signingKeyFromSeed, hint);
  },
  publicKey(hint = ''): Setting<KeyObject> {
    return keySetting(true, 'public key', (value) => publicKeyObject(exactly32Bytes(value, 'an Ed25519 public key')), hint) as Setting<KeyObject>;
  },
  optionalPublicKey(hint = ''): Setting<KeyObject | undefined> {
    return keySetting(false, 'public key', (value) => publicKeyObject(exactly32Bytes(value, 'an Ed25519 public key')), hint);
  },
};
