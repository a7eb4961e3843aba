import { actingAs, createDataSource, migrate, ownerRole, provisionDatabaseRoles, type SubgraphModule } from '@dbwe/platform';
import { allSubgraphs } from '../../test/subgraphs';

export interface SubgraphUrls {
  community: string;
  projects: string;
  ledger: string;
  impact: string;
}

type Name = keyof SubgraphUrls;
const NAMES: Name[] = ['community', 'projects', 'ledger', 'impact'];

/**
 * Each subgraph's database as its administrator (a superuser): the shared
 * URL, or a subgraph's own when set (COMMUNITY_DATABASE_URL, …, here with a
 * superuser's credentials too).
 */
export function subgraphUrls(databaseUrl: string, env: Record<string, string | undefined> = process.env): SubgraphUrls {
  const pick = (name: string) => env[`${name.toUpperCase()}_DATABASE_URL`] || databaseUrl;
  return { community: pick('community'), projects: pick('projects'), ledger: pick('ledger'), impact: pick('impact') };
}

/** The same databases, each as the owner of its subgraph's schema: how the seed writes (it may switch triggers off). */
export function asOwners(urls: SubgraphUrls): SubgraphUrls {
  return Object.fromEntries(NAMES.map((name) => [name, actingAs(urls[name], ownerRole(name))])) as unknown as SubgraphUrls;
}

/**
 * Sets up the roles and schemas in each database (passwords as given, else
 * left as they are), then runs every subgraph's pending migrations as its
 * owner, which grants the runtime roles their privileges, as the subgraphs
 * do at start-up.
 */
export async function migrateAll(urls: SubgraphUrls, passwords?: Record<string, string>): Promise<void> {
  const byDatabase = new Map<string, Name[]>();
  for (const name of NAMES) byDatabase.set(urls[name], [...(byDatabase.get(urls[name]) ?? []), name]);
  for (const [url, subgraphs] of byDatabase) await provisionDatabaseRoles(url, { subgraphs, passwords });
  const owners = asOwners(urls);
  for (const module of allSubgraphs as SubgraphModule<unknown, unknown>[]) {
    const db = createDataSource({ url: owners[module.name], schema: module.name, entities: module.entities, migrations: module.migrations });
    await migrate(db, module.name, module.databasePrivileges);
  }
}

/** The demo data (the Spijkerkwartier), through each subgraph's own seedDemo. */
export async function seedDemo(urls: SubgraphUrls): Promise<void> {
  for (const module of allSubgraphs as SubgraphModule<unknown, unknown>[]) {
    const db = createDataSource({ url: urls[module.name], schema: module.name, entities: module.entities, migrations: module.migrations });
    await db.initialize();
    try {
      await module.seedDemo(db);
    } finally {
      await db.destroy();
    }
  }
}
