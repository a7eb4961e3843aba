import { Client } from 'pg';
import type { SubgraphModule } from '../src/subgraph';
import { createDataSource, migrate } from '../src/database';

/** Replaces the database name in a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(serverUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a database and runs every module's migrations into it: the template each test copies. */
export async function createTemplateDatabase(serverUrl: string, name: string, modules: SubgraphModule<unknown, unknown>[]): Promise<string> {
  await admin(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  const url = withDatabase(serverUrl, name);
  for (const module of modules) {
    const db = createDataSource({ url, schema: module.name, entities: module.entities, migrations: module.migrations, poolSize: 1 });
    await migrate(db, module.name);
  }
  return url;
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

let counter = 0;

/**
 * A fresh, migrated database for one test file, copied from the template
 * that global setup made. Returns its URL and a function that drops it.
 */
export async function cloneTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.DBWE_TEST_SERVER_URL;
  const template = process.env.DBWE_TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error('the jest global setup did not run (DBWE_TEST_SERVER_URL is not set)');
  const name = `${template}_w${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}_${++counter}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await admin(serverUrl, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      break;
    } catch (error) {
      // Two workers copying the same template at once can collide briefly.
      if (attempt >= 20 || !String(error).includes('is being accessed by other users')) throw error;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
  return { url: withDatabase(serverUrl, name), drop: () => dropDatabase(serverUrl, name) };
}
