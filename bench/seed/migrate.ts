import { createDataSource, migrate, type SubgraphModule } from '@dbwe/platform';
import { allSubgraphs } from '../../test/subgraphs';

export interface SubgraphUrls {
  community: string;
  projects: string;
  ledger: string;
  impact: string;
}

/** Each subgraph's database: its own URL when set (COMMUNITY_DATABASE_URL, …), else the shared one. */
export function subgraphUrls(databaseUrl: string, env: Record<string, string | undefined> = process.env): SubgraphUrls {
  const pick = (name: string) => env[`${name.toUpperCase()}_DATABASE_URL`] || databaseUrl;
  return { community: pick('community'), projects: pick('projects'), ledger: pick('ledger'), impact: pick('impact') };
}

/** Runs every subgraph's pending migrations, as the subgraphs do at start-up. */
export async function migrateAll(urls: SubgraphUrls): Promise<void> {
  for (const module of allSubgraphs as SubgraphModule<unknown, unknown>[]) {
    const db = createDataSource({ url: urls[module.name], schema: module.name, entities: module.entities, migrations: module.migrations });
    await migrate(db, module.name);
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
