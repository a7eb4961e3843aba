import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runtimeUrlFor, testIdentityEnv } from '@dbwe/platform/testing';
import { eventTestEnv } from '@dbwe/platform';
import { allSubgraphs } from '../subgraphs';

/*
 * Services as real child processes, started the way production starts them
 * (`node --import tsx subgraphs/<name>/src/main.ts`), so tests can kill them
 * with real signals.
 */

const ROOT = join(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface ServiceProcess {
  url: string;
  baseUrl: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code and signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

export async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await condition().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * Starts a subgraph process on the database (its administrator's URL, as the
 * test database helpers give it), connected as the subgraph's runtime role,
 * and waits until it answers /ready.
 */
export async function startSubgraphProcess(
  name: 'community' | 'projects' | 'ledger' | 'impact',
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join('subgraphs', name, 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: runtimeUrlFor(databaseUrl, name),
      PORT: String(port),
      HOST: '127.0.0.1',
      ...testIdentityEnv(name),
      LOG_LEVEL: 'warn',
      MIGRATE_ON_START: 'false',
      DATABASE_POOL_SIZE: '8',
      // These tests run a subgraph without a gateway: there is no graph to ask whether a member was erased.
      ERASED_MEMBER_CHECK: 'off',
      ...eventTestEnv,
      // The subgraph's own settings at their test values (the ledger's checkpoint key).
      ...allSubgraphs.find((m) => m.name === name)?.services?.testEnv,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    await waitFor(`${name} on port ${port} to be ready`, async () => {
      if (gone) throw new Error(`${name} exited before it was ready:\n${output}`);
      return (await fetch(`${baseUrl}/ready`)).ok;
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    url: `${baseUrl}/graphql`,
    baseUrl,
    child,
    output: () => output,
    exited,
    kill: (signal) => child.kill(signal),
  };
}

/** Ends a process if it still runs (test clean-up). */
export async function stopProcess(service: ServiceProcess | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.kill('SIGKILL');
  await service.exited;
}
