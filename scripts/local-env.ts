import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { platformRoles } from '../platform/src/database-roles';

/** The git-ignored folder where a local installation keeps its database and secrets. */
export const DATA_DIR = process.env.DBWE_DATA_DIR ?? join(__dirname, '..', '.data');

export interface LocalSecrets {
  JWT_SECRET: string;
  INTERNAL_ASSERTION_SECRET: string;
  /** The ledger's Ed25519 checkpoint key: the base64 of a 32-byte seed. */
  LEDGER_SIGNING_KEY: string;
  /** The password of each database role (dbwe_ledger, dbwe_ledger_owner, …). */
  DATABASE_PASSWORDS: Record<string, string>;
}

const secret = () => randomBytes(32).toString('base64url');

/**
 * Secrets made once per installation, so tokens printed yesterday still work
 * today and checkpoints signed yesterday verify with today's key. A secrets
 * file from before a secret existed gets it added; none is ever replaced.
 */
export function localSecrets(): LocalSecrets {
  const path = join(DATA_DIR, 'secrets.json');
  const stored: Partial<LocalSecrets> = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  const passwords = { ...stored.DATABASE_PASSWORDS };
  for (const role of platformRoles()) passwords[role.name] ??= secret();
  const secrets: LocalSecrets = {
    JWT_SECRET: stored.JWT_SECRET ?? secret(),
    INTERNAL_ASSERTION_SECRET: stored.INTERNAL_ASSERTION_SECRET ?? secret(),
    LEDGER_SIGNING_KEY: stored.LEDGER_SIGNING_KEY ?? randomBytes(32).toString('base64'),
    DATABASE_PASSWORDS: passwords,
  };
  if (JSON.stringify(secrets) !== JSON.stringify(stored)) {
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
