import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** The git-ignored folder where a local installation keeps its database and secrets. */
export const DATA_DIR = process.env.DBWE_DATA_DIR ?? join(__dirname, '..', '.data');

export interface LocalSecrets {
  JWT_SECRET: string;
  INTERNAL_ASSERTION_SECRET: string;
}

/** Secrets made once per installation, so tokens printed yesterday still work today. */
export function localSecrets(): LocalSecrets {
  const path = join(DATA_DIR, 'secrets.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as LocalSecrets;
  mkdirSync(DATA_DIR, { recursive: true });
  const secrets = {
    JWT_SECRET: randomBytes(32).toString('base64url'),
    INTERNAL_ASSERTION_SECRET: randomBytes(32).toString('base64url'),
  };
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
