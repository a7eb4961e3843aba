import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** The git-ignored folder where a local installation keeps its database and secrets. */
export const DATA_DIR = process.env.DBWE_DATA_DIR ?? join(__dirname, '..', '.data');

export interface LocalSecrets {
  JWT_SECRET: string;
  INTERNAL_ASSERTION_SECRET: string;
  /** The ledger's Ed25519 checkpoint key: the base64 of a 32-byte seed. */
  LEDGER_SIGNING_KEY: string;
}

const MAKERS: Record<keyof LocalSecrets, () => string> = {
  JWT_SECRET: () => randomBytes(32).toString('base64url'),
  INTERNAL_ASSERTION_SECRET: () => randomBytes(32).toString('base64url'),
  LEDGER_SIGNING_KEY: () => randomBytes(32).toString('base64'),
};

/**
 * Secrets made once per installation, so tokens printed yesterday still work
 * today and checkpoints signed yesterday verify with today's key. A secret a
 * newer version needs is added to an existing file; none is ever replaced.
 */
export function localSecrets(): LocalSecrets {
  const path = join(DATA_DIR, 'secrets.json');
  const kept = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalSecrets>) : {};
  const missing = (Object.keys(MAKERS) as (keyof LocalSecrets)[]).filter((name) => !kept[name]);
  if (missing.length === 0) return kept as LocalSecrets;
  const secrets = { ...kept, ...Object.fromEntries(missing.map((name) => [name, MAKERS[name]()])) } as LocalSecrets;
  mkdirSync(DATA_DIR, { recursive: true });
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
