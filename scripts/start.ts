/**
 * `npm start`: the whole platform on one machine. Without DATABASE_URL it
 * runs an embedded PostgreSQL with its data in .data/. With that database,
 * or with a superuser's DATABASE_URL, it sets up the database roles (their
 * passwords kept in .data/secrets.json) and starts each subgraph as its
 * runtime role, migrating as its schema's owner; it starts the four
 * subgraphs (each migrates its own schema and loads the demo data once) and
 * then the gateway. A process that dies is started again with back-off while
 * the others keep serving. Ctrl-C or SIGTERM stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { DATA_DIR, localSecrets } from './local-env';
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';
import { GATEWAY_NODE_FLAGS } from '../gateway/src/config';
import { publicKeyOfSeed } from '../platform/src/ed25519';
import { ownerRole, provisionDatabaseRoles, runtimeRole, withCredentials, type SubgraphSchema } from '../platform/src/database-roles';

const root = join(__dirname, '..');
const portBase = Number(process.env.SUBGRAPH_PORT_BASE ?? 4101);
const SUBGRAPHS = (['community', 'projects', 'ledger', 'impact'] as const).map((name, i) => [name, portBase + i] as const);

const say = (line: string) => process.stdout.write(`[dbwe] ${line}\n`);
const children: { name: string; process: ChildProcess; restarts: number }[] = [];
let postgres: RunningPostgres | null = null;
let stopping = false;

async function waitReady(name: string, url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s`);
}

/** Back-off before restarting a process that died: doubling from the first to the last, reset after a steady run. */
const RESTART_BACKOFF_MS = { first: 500, max: 30_000, steadyAfter: 60_000 };

/**
 * Starts a process and keeps it running: one that dies (a crash, kill -9, the
 * OOM killer) is started again after a back-off, while the others go on
 * serving and PostgreSQL stays up, so the gateway answers with the other
 * subgraphs' data meanwhile.
 */
function launch(name: string, entry: string, env: Record<string, string>, nodeFlags: string[] = []): ChildProcess {
  const supervised = { name, process: null as unknown as ChildProcess, restarts: 0 };
  let backoffMs = RESTART_BACKOFF_MS.first;
  const spawnIt = () => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', entry], {
      cwd: root,
      env: { ...process.env, ...env, DBWE_EXIT_WITH_PARENT: 'true' },
      // The pipe closes when this launcher dies, however it dies; the child then shuts down too.
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    const startedAt = Date.now();
    child.on('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt > RESTART_BACKOFF_MS.steadyAfter) backoffMs = RESTART_BACKOFF_MS.first;
      say(`${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); starting it again in ${backoffMs} ms, the rest keep serving`);
      const delay = backoffMs;
      backoffMs = Math.min(backoffMs * 2, RESTART_BACKOFF_MS.max);
      setTimeout(() => {
        if (stopping) return;
        supervised.restarts++;
        supervised.process = spawnIt();
        say(`${name} started again (restart ${supervised.restarts}, pid ${supervised.process.pid})`);
      }, delay).unref();
    });
    return child;
  };
  supervised.process = spawnIt();
  children.push(supervised);
  return supervised.process;
}

async function shutdown(code: number): Promise<never> {
  if (stopping) return new Promise(() => undefined);
  stopping = true;
  say('stopping…');
  // Gateway first so no new work reaches the subgraphs, then the subgraphs together, then the database.
  const stopChild = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 20_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  const gateway = children.filter((c) => c.name === 'gateway');
  const subgraphs = children.filter((c) => c.name !== 'gateway');
  await Promise.all(gateway.map((c) => stopChild(c.process)));
  await Promise.all(subgraphs.map((c) => stopChild(c.process)));
  if (postgres) await postgres.stop().catch((error) => say(`could not stop PostgreSQL cleanly: ${error}`));
  say('stopped');
  process.exit(code);
}

const onSignal = () => void shutdown(0);

/**
 * embedded-postgres registers its own SIGTERM/SIGINT hook that stops the
 * database and exits at once, while subgraphs may still be finishing
 * requests. Only our handler may act on these signals: it stops the database last.
 */
function keepOnlyOurSignalHandlers(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal)) if (listener !== onSignal) process.off(signal, listener);
  }
}

async function main(): Promise<void> {
  // Whoever started us stopped reading (a closed terminal or pipe): shut down instead of crashing.
  process.stdout.on('error', () => void shutdown(1));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (process.env.INTERNAL_ASSERTION_SECRET) {
    say('INTERNAL_ASSERTION_SECRET is no longer read: unset it. npm start keeps the key pairs that replace it in .data/secrets.json (README, "Configuration")');
    return void shutdown(1);
  }
  const secrets = { ...localSecrets(), ...pickDefined(['JWT_SECRET', 'GATEWAY_ASSERTION_PRIVATE_KEY', 'LEDGER_SIGNING_KEY']) };

  const databaseUrl = process.env.DATABASE_URL;
  const perSubgraph = SUBGRAPHS.every(([name]) => process.env[`${name.toUpperCase()}_DATABASE_URL`]);
  let adminUrl: string | null = null;
  if (!databaseUrl && !perSubgraph) {
    const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
    say(`no DATABASE_URL: starting embedded PostgreSQL on port ${port} (data in ${join(DATA_DIR, 'postgres')})`);
    postgres = await startEmbeddedPostgres(join(DATA_DIR, 'postgres'), port, say);
    keepOnlyOurSignalHandlers();
    await ensureDatabase(postgres.url('postgres'), 'dbwe');
    adminUrl = postgres.url('dbwe');
  } else if (databaseUrl && !perSubgraph && (await isSuperuser(databaseUrl))) {
    adminUrl = databaseUrl;
  }

  // Each subgraph runs as its runtime role and migrates as its schema's owner; a URL that is not a superuser's is
  // the operator's own arrangement and passed on as it is.
  const databaseEnv = (name: SubgraphSchema): Record<string, string> => {
    if (!adminUrl) return databaseUrl ? { DATABASE_URL: databaseUrl } : {};
    const as = (role: string) => withCredentials(adminUrl, role, secrets.DATABASE_PASSWORDS[role]);
    const prefix = name.toUpperCase();
    return { [`${prefix}_DATABASE_URL`]: as(runtimeRole(name)), [`${prefix}_MIGRATION_DATABASE_URL`]: as(ownerRole(name)) };
  };
  if (adminUrl) {
    say('setting up the database roles (a runtime and an owner role per subgraph)');
    await provisionDatabaseRoles(adminUrl, { passwords: secrets.DATABASE_PASSWORDS });
  }

  const subgraphUrls = Object.fromEntries(SUBGRAPHS.map(([name, port]) => [`${name.toUpperCase()}_URL`, `http://127.0.0.1:${port}/graphql`]));
  const gatewayPort = process.env.PORT ?? '4000';
  const common: Record<string, string> = {
    // Where the subgraphs read the public graph: the ids a write names and the standing of the member who writes are
    // checked there, and impact reads the books.
    GRAPH_URL: `http://127.0.0.1:${gatewayPort}/`,
    // Subgraphs get only the public half of the gateway's key: none of them can speak for a member.
    GATEWAY_ASSERTION_PUBLIC_KEY: publicKeyOfSeed(secrets.GATEWAY_ASSERTION_PRIVATE_KEY),
    SEED_DEMO: process.env.SEED_DEMO ?? 'true',
  };
  // The public halves of the subgraphs' own keys: the gateway knows their reads of the graph by them, community the
  // events each one signed (the only events it applies), and the ledger community's (it follows member.erased).
  const servicePublicKeys = Object.fromEntries(SUBGRAPHS.map(([name]) => [`${name.toUpperCase()}_SERVICE_PUBLIC_KEY`, publicKeyOfSeed(secrets.SERVICE_ASSERTION_KEYS[name])]));
  await Promise.all(
    SUBGRAPHS.map(async ([name, port]) => {
      // The ledger's signer keeps what it signed next to its key, in the data folder.
      const own: Record<string, string> = {
        // Signs its reads of the graph and the events it records.
        SERVICE_ASSERTION_PRIVATE_KEY: secrets.SERVICE_ASSERTION_KEYS[name],
        ...(name === 'community' ? servicePublicKeys : {}),
        ...(name === 'ledger' ? { COMMUNITY_SERVICE_PUBLIC_KEY: servicePublicKeys.COMMUNITY_SERVICE_PUBLIC_KEY! } : {}),
        ...(name === 'ledger'
          ? { LEDGER_SIGNING_KEY: secrets.LEDGER_SIGNING_KEY, LEDGER_SIGNER_STATE_FILE: process.env.LEDGER_SIGNER_STATE_FILE ?? join(DATA_DIR, 'ledger-signer-state.json') }
          : {}),
      };
      const child = launch(name, `subgraphs/${name}/src/main.ts`, { ...common, ...databaseEnv(name), ...own, PORT: String(port) });
      await waitReady(name, `http://127.0.0.1:${port}/ready`, child);
    }),
  );
  const gateway = launch('gateway', 'gateway/src/main.ts', {
    GATEWAY_ASSERTION_PRIVATE_KEY: secrets.GATEWAY_ASSERTION_PRIVATE_KEY,
    ...servicePublicKeys,
    ...subgraphUrls,
    ...(process.env.JWT_JWKS_URL ? {} : { JWT_SECRET: secrets.JWT_SECRET }),
    PORT: gatewayPort,
  }, GATEWAY_NODE_FLAGS);
  await waitReady('gateway', `http://127.0.0.1:${gatewayPort}/ready`, gateway);
  say(`ready: open http://localhost:${gatewayPort}/explorer to explore the graph (http://localhost:${gatewayPort}/ for the landing page); npm run token -- --help prints tokens`);
}

async function isSuperuser(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    return rows[0]?.rolsuper === true;
  } finally {
    await client.end();
  }
}

function pickDefined(names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => process.env[n]).map((n) => [n, process.env[n]!]));
}

main().catch((error) => {
  say(`could not start: ${error instanceof Error ? error.message : error}`);
  void shutdown(1);
});
