import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledger } from '@dbwe/ledger';
import { platformRoles } from '@dbwe/platform';
import { createTemplateDatabase, dropDatabase, migrateAsOwner, startTestSubgraph, TEST_ROLE_PASSWORD, withDatabase } from '@dbwe/platform/testing';
import { allSubgraphs } from '../subgraphs';
import { inProcess, openBooks, postEntry, readBooks, reverseEntry, transfer, verifyChain } from './ledger-api';
import { withClient } from './audit';
import { freePort } from './processes';
import { startCommunityGraph, startPlatform } from '../platform';

/*
 * Restore drill (issue 10, item 8): the backup and restore of
 * docs/backup-restore.md, command for command, on a database with the demo
 * data and more books. After the restore every neighbourhood's chain
 * verifies with the same head, and every table, balance and total is as it was.
 *
 * pg_dump refuses a server newer than itself. The drill runs on the test
 * server when the client tools are new enough (CI: the machine's PostgreSQL);
 * otherwise on a private server of the client tools' own version, started
 * from the machine's PostgreSQL binaries in a temporary folder.
 */

function major(text: string): number {
  return Number(/(\d+)(?:\.\d+)?/.exec(text)![1]);
}

interface DrillServer {
  serverUrl: string;
  bin: string;
  stop(): void;
}

async function drillServer(): Promise<DrillServer> {
  const clientVersion = execFileSync('pg_dump', ['--version'], { encoding: 'utf8' });
  // Debian's pg_dump is a wrapper that picks a version; call the versioned binaries directly.
  const packaged = `/usr/lib/postgresql/${major(clientVersion)}/bin`;
  const bin = existsSync(join(packaged, 'pg_dump')) ? packaged : execFileSync('sh', ['-c', 'dirname "$(command -v pg_dump)"'], { encoding: 'utf8' }).trim();
  const testServer = process.env.DBWE_TEST_SERVER_URL!;
  const serverMajor = await withClient(testServer, async (sql) => Math.floor(Number((await sql.query('SHOW server_version_num')).rows[0].server_version_num) / 10000));
  if (major(clientVersion) >= serverMajor) return { serverUrl: testServer, bin, stop: () => undefined };

  const serverBin = `/usr/lib/postgresql/${major(clientVersion)}/bin`;
  if (!existsSync(join(serverBin, 'initdb'))) throw new Error(`pg_dump ${major(clientVersion)} cannot dump PostgreSQL ${serverMajor}, and there is no ${serverBin}/initdb to run a server it can`);
  const dir = mkdtempSync(join(tmpdir(), 'dbwe-restore-drill-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  // PostgreSQL does not run as root; the packages' postgres user does.
  const asOwner = (command: string[]) => (process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...command] : command);
  const run = (command: string[]) => execFileSync(asOwner(command)[0], asOwner(command).slice(1), { stdio: 'pipe', cwd: dir });
  run([join(serverBin, 'initdb'), '-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C']);
  run([join(serverBin, 'pg_ctl'), '-D', join(dir, 'data'), '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c fsync=off -c listen_addresses=127.0.0.1`, 'start']);
  return {
    serverUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    bin,
    stop() {
      run([join(serverBin, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Row count and checksum of every table of the four schemas, ordered so two copies compare equal. */
async function snapshot(url: string): Promise<Record<string, string>> {
  return withClient(url, async (sql) => {
    const { rows: tables } = await sql.query<{ t: string }>(
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables
        WHERE table_schema IN ('community', 'projects', 'ledger', 'impact') AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const result: Record<string, string> = {};
    for (const { t } of tables) {
      const { rows } = await sql.query<{ f: string }>(`SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS f FROM ${t} x`);
      result[t] = rows[0].f;
    }
    return result;
  });
}

describe('restore drill: pg_dump and pg_restore of the four schemas', () => {
  let server: DrillServer;
  let work: string;
  const names = { source: `dbwe_drill_source_${process.pid}`, target: `dbwe_drill_restored_${process.pid}` };

  beforeAll(async () => {
    server = await drillServer();
    work = mkdtempSync(join(tmpdir(), 'dbwe-backup-'));
  }, 60_000);
  afterAll(async () => {
    for (const name of Object.values(names)) await dropDatabase(server.serverUrl, name).catch(() => undefined);
    server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('restores every neighbourhood with a verifying chain, the same heads and the same totals', async () => {
    // The source: demo data of all four subgraphs, and a second neighbourhood's books with a reversal.
    const sourceUrl = await createTemplateDatabase(server.serverUrl, names.source, allSubgraphs);
    const platform = await startPlatform({ databaseUrl: sourceUrl });
    await platform.stop();
    const graph = await startCommunityGraph(sourceUrl);
    const source = await startTestSubgraph(ledger as never, sourceUrl, { env: { GRAPH_URL: graph.gatewayUrl } });
    const call = inProcess(source);
    const extra = randomUUID();
    await openBooks(call, extra, graph);
    const id = Object.fromEntries((await readBooks(call, extra)).accounts.map((a) => [a.code, a.id]));
    for (let i = 0; i < 20; i++) expect((await postEntry(call, transfer(extra, `drill-${i}`, id['8000'], id['1000'], BigInt(2_147_483_000 + i)))).__typename).toBe('PostEntrySuccess');
    const first = (await postEntry(call, transfer(extra, 'drill-0', id['8000'], id['1000'], 2_147_483_000n))) as { entry: { id: string } };
    expect((await reverseEntry(call, { entryId: first.entry.id, reason: 'Dubbel geboekt', idempotencyKey: 'drill-reversal', bookingDate: '2026-03-03' })).__typename).toBe('ReverseEntrySuccess');
    const neighbourhoods = await withClient(sourceUrl, async (sql) => (await sql.query<{ id: string }>('SELECT neighbourhood_id AS id FROM ledger.chain ORDER BY 1')).rows.map((r) => r.id));
    expect(neighbourhoods.length).toBeGreaterThanOrEqual(2);
    const before = { tables: {} as Record<string, string>, books: {} as Record<string, unknown> };
    for (const n of neighbourhoods) before.books[n] = { verification: await verifyChain(call, n), balances: (await readBooks(call, n)).accounts };
    await source.stop();
    // Once every service is stopped: the ledger's relay marks what it publishes up to the moment it stops,
    // and the community graph consumes events until it stops, so a snapshot taken earlier races both.
    await graph.stop();
    before.tables = await snapshot(sourceUrl);

    // The commands of docs/backup-restore.md.
    const backup = join(work, 'dbwe.dump');
    const tool = (name: string, args: string[]) => execFileSync(join(server.bin, name), args, { stdio: 'pipe', encoding: 'utf8' });
    tool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', '--schema=community', '--schema=projects', '--schema=ledger', '--schema=impact', '--schema=events', `--file=${backup}`, sourceUrl]);
    tool('pg_restore', ['--list', backup]);
    tool('psql', [server.serverUrl, '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${names.target}`]);
    const targetUrl = withDatabase(server.serverUrl, names.target);
    tool('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${targetUrl}`, backup]);
    // The restored schemas belong to whoever restored them: the roles step gives them back to the owner roles.
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/db-roles.ts', '--database', names.target], {
      cwd: join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH, DATABASE_ADMIN_URL: server.serverUrl, ...Object.fromEntries(platformRoles().map((r) => [r.passwordVariable, TEST_ROLE_PASSWORD])) },
      stdio: 'pipe',
    });
    const check = tool('psql', [targetUrl, '-v', 'ON_ERROR_STOP=1', '-At', '-c', 'SELECT unit, sum(amount_minor) FROM ledger.line GROUP BY unit ORDER BY unit']);
    expect(check.trim().split('\n')).toEqual(['EUR|0', 'HOUR|0']);

    // Every table as it was; every neighbourhood's chain verifies with the same head and the same balances.
    expect(await snapshot(targetUrl)).toEqual(before.tables);
    // Started on the restored database, each subgraph's migration step (as its owner) grants its runtime role its privileges.
    for (const module of allSubgraphs) expect((await migrateAsOwner(targetUrl, module)).migrations).toEqual([]);
    const restored = await startTestSubgraph(ledger as never, targetUrl);
    try {
      const after: Record<string, unknown> = {};
      for (const n of neighbourhoods) after[n] = { verification: await verifyChain(inProcess(restored), n), balances: (await readBooks(inProcess(restored), n)).accounts };
      expect(after).toEqual(before.books);
      for (const n of neighbourhoods) expect((after[n] as { verification: { valid: boolean } }).verification.valid).toBe(true);
      // The restored books take new entries: the guards and the chain continue.
      const next = await postEntry(inProcess(restored), transfer(extra, 'after-restore', id['8000'], id['1000'], 100n));
      expect(next).toMatchObject({ __typename: 'PostEntrySuccess', entry: { sequence: 22 } });
    } finally {
      await restored.stop();
    }
    process.stdout.write(`restore drill: ${neighbourhoods.length} neighbourhoods, ${Object.keys(before.tables).length} tables restored identically (pg_dump from ${server.bin})\n`);
  });
});
