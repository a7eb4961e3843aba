import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { SubgraphModule } from '@dbwe/platform';
import { runtimeUrlFor, testIdentityEnv } from '@dbwe/platform/testing';
import { eventTestEnv } from '@dbwe/platform/src/events/runtime';
import { freePort } from '../bench/processes';
import { gatewayEnvFor } from './platform';

const root = join(__dirname, '..');

/**
 * How a service process is run: from the TypeScript sources through tsx (npm start), or from the
 * JavaScript `npm run build` wrote to dist/ with plain node, as the production image runs it.
 */
export type Build = 'source' | 'dist';

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function entryArgs(entry: string, build: Build): string[] {
  return build === 'source' ? ['--import', 'tsx', `${entry}.ts`] : [join('dist', `${entry}.js`)];
}

/** Starts one service as its own process and waits for its /health; its output is kept for failures. */
async function launch(name: string, entry: string, build: Build, env: Record<string, string>, port: number, nodeFlags: string[] = []): Promise<ServiceProcess> {
  // The test run's own settings (a DATABASE_URL, OTEL_* of the shell) must not leak into the service.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'DATABASE_URL' && !key.startsWith('OTEL_')));
  const child = spawn(process.execPath, [...nodeFlags, ...entryArgs(entry, build)], {
    cwd: root,
    env: { ...inherited, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env, DBWE_EXIT_WITH_PARENT: 'true' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}/`;
  const service: ServiceProcess = {
    name,
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting:\n${output}`);
    const ok = await fetch(`${url}health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return service;
    if (Date.now() > until) {
      await service.stop();
      throw new Error(`${name} was not up within 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A subgraph process on a test database (cloneTestDatabase's URL) as its runtime role, with its
 * demo data, the test keys and `env` over them. The copy is migrated already, so it does not migrate.
 */
export async function startSubgraphProcess(module: SubgraphModule<unknown, unknown>, databaseUrl: string, build: Build, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  return launch(module.name, `subgraphs/${module.name}/src/main`, build, {
    ...module.services?.testEnv,
    ...eventTestEnv,
    ...testIdentityEnv(module.name),
    [`${module.name.toUpperCase()}_DATABASE_URL`]: runtimeUrlFor(databaseUrl, module.name),
    MIGRATE_ON_START: 'false',
    SEED_DEMO: 'true',
    // Reads only: no graph to ask about erased members.
    ERASED_MEMBER_CHECK: 'off',
    ...env,
  }, port);
}

/** The gateway as its own process in front of the given subgraphs (a name missing from them points at a closed port). */
export async function startGatewayProcess(subgraphs: Record<string, { url: string }>, build: Build, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const closed = `http://127.0.0.1:1/graphql`;
  const urls = Object.fromEntries(['community', 'projects', 'ledger', 'impact'].map((name) => [name, { url: subgraphs[name] ? `${subgraphs[name].url}graphql` : closed }]));
  return launch('gateway', 'gateway/src/main', build, gatewayEnvFor(urls, env), port, ['--max-semi-space-size=64']);
}
