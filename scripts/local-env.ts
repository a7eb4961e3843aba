import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { platformRoles } from '../platform/src/database-roles';
import { SUBGRAPH_NAMES, type SubgraphName } from '../platform/src/identity';

/** The git-ignored folder where a local installation keeps its database and secrets. */
export const DATA_DIR = process.env.DBWE_DATA_DIR ?? join(__dirname, '..', '.data');

export interface LocalSecrets {
  JWT_SECRET: string;
  /** The seed of the gateway's Ed25519 assertion key; the subgraphs get only its public half. */
  GATEWAY_ASSERTION_PRIVATE_KEY: string;
  /** Each subgraph's own Ed25519 seed, for its requests to the graph; the gateway gets their public halves. */
  SERVICE_ASSERTION_KEYS: Record<SubgraphName, string>;
  /** The ledger's Ed25519 checkpoint key: the base64 of a 32-byte seed. */
  LEDGER_SIGNING_KEY: string;
  /** The password of each database role (dbwe_ledger, dbwe_ledger_owner, …). */
  DATABASE_PASSWORDS: Record<string, string>;
}

const secret = () => randomBytes(32).toString('base64url');
const seed = () => randomBytes(32).toString('base64');

/**
 * Secrets made once per installation, so tokens printed yesterday still work
 * today and checkpoints signed yesterday verify with today's key. A secrets
 * file from before a secret existed gets it added; none is ever replaced.
 */
export function localSecrets(): LocalSecrets {
  const path = join(DATA_DIR, 'secrets.json');
  // INTERNAL_ASSERTION_SECRET, kept by installations from before the key pairs, is retired: left out, so it is gone.
  const { INTERNAL_ASSERTION_SECRET: _retired, ...stored }: Partial<LocalSecrets> & { INTERNAL_ASSERTION_SECRET?: string } = existsSync(path)
    ? JSON.parse(readFileSync(path, 'utf8'))
    : {};
  const passwords = { ...stored.DATABASE_PASSWORDS };
  for (const role of platformRoles()) passwords[role.name] ??= secret();
  const secrets: LocalSecrets = {
    JWT_SECRET: stored.JWT_SECRET ?? secret(),
    GATEWAY_ASSERTION_PRIVATE_KEY: stored.GATEWAY_ASSERTION_PRIVATE_KEY ?? seed(),
    SERVICE_ASSERTION_KEYS: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, stored.SERVICE_ASSERTION_KEYS?.[name] ?? seed()])) as Record<SubgraphName, string>,
    LEDGER_SIGNING_KEY: stored.LEDGER_SIGNING_KEY ?? randomBytes(32).toString('base64'),
    DATABASE_PASSWORDS: passwords,
  };
  if (JSON.stringify(secrets) !== JSON.stringify(stored) || _retired !== undefined) {
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
