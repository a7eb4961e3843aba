import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { stableId } from '@dbwe/platform';
import { issueLocalToken } from '../../gateway/src/identity';
import { startDedicatedPostgres, type DedicatedPostgres } from './dedicated-postgres';
import { transfer } from './ledger-api';
import { freePortBlock } from '../../bench/processes';
import { waitFor } from './processes';

/*
 * The fault test of issue 17, under `npm start` as a user runs it (with a
 * DATABASE_URL of a PostgreSQL server of the test's own, so the test can
 * restart it). Eight writers post transfers through the gateway, each with
 * its own idempotency key, retrying a key until it is answered, as a careful
 * client does; readers read community and projects data. The ledger process
 * is killed with -9 (npm start's supervisor starts it again), then
 * PostgreSQL is restarted. Afterwards every acknowledged post is in the
 * books exactly once, and the figures are printed: acknowledged, found and
 * duplicated entries, and the seconds during which reads of the other
 * subgraphs failed (the target is 0 for the ledger kill; a restart of the
 * database all subgraphs share stops their reads too, and is counted apart).
 */
const root = join(__dirname, '..', '..');
const WRITERS = 8;
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const READ_OTHERS = `{ neighbourhood(slug: "spijkerkwartier") { name members(first: 3) { totalCount } projects(first: 3) { edges { node { title status } } } } }`;
const POST = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on PostEntrySuccess { replayed entry { id } } } }`;

/** The pid of the process whose command line runs `entry` and whose parent is `parent`. */
function childRunning(parent: number, entry: string): number | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const ppid = Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (ppid === parent && cmdline.includes(entry)) return Number(name);
    } catch {
      // The process ended while we looked.
    }
  }
  return null;
}

describe('npm start under faults: ledger killed with -9, PostgreSQL restarted', () => {
  let pg: DedicatedPostgres;
  let start: ChildProcess;
  let output = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'dbwe-start-faults-'));
  chmodSync(dataDir, 0o755);
  let gatewayUrl: string;
  let ledgerPort: number;

  beforeAll(async () => {
    pg = await startDedicatedPostgres();
    // Four subgraph ports and the gateway's, all below the ephemeral range.
    const base = await freePortBlock(5);
    const port = base + 4;
    ledgerPort = base + 2;
    gatewayUrl = `http://127.0.0.1:${port}/`;
    start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: pg.serverUrl, DBWE_DATA_DIR: dataDir, PORT: String(port), SUBGRAPH_PORT_BASE: String(base), LOG_LEVEL: 'warn',
        // The test's readers and writers share one address; the limit is not what is tested here.
        RATE_LIMIT_PER_MINUTE: '0' },
    });
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('[dbwe] ready')) resolve();
      };
      start.stdout!.on('data', onData);
      start.stderr!.on('data', onData);
      start.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    await ready;
  }, 240_000);
  afterAll(async () => {
    if (start && start.exitCode === null) {
      await new Promise<void>((resolve) => {
        start.once('exit', () => resolve());
        start.kill('SIGTERM');
      });
    }
    await pg?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged post exactly once and the other subgraphs reading while the ledger is killed and restarted', async () => {
    const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { JWT_SECRET: string };
    const token = await issueLocalToken(secrets.JWT_SECRET, { memberId: stableId('member:Penningmeester Pieter'), roles: [{ role: 'steward', neighbourhood: spijkerkwartier }] });
    const graph = async (query: string, variables?: Record<string, unknown>, auth = false) => {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        // Fresh answers only: the gateway's cache of public answers would hide an outage from the readers.
        headers: { 'content-type': 'application/json', 'cache-control': 'no-cache', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(15_000),
      });
      return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
    };
    const accounts = (await graph(`{ neighbourhood(slug: "spijkerkwartier") { accounts { id code } } }`)).data.neighbourhood.accounts;
    const id = Object.fromEntries(accounts.map((a: { id: string; code: string }) => [a.code, a.id]));

    let running = true;
    const acknowledged = new Map<string, string>();
    let attempts = 0;
    const writer = async (w: number) => {
      for (let n = 0; running; n++) {
        const input = transfer(spijkerkwartier, `fault-${w}-${n}`, id['8000'], id['1000'], 100n);
        // A careful client: the same key again until the post is answered, however long the outage.
        while (true) {
          attempts++;
          const answer = await graph(POST, { input }, true).catch(() => null);
          const result = answer?.data?.postEntry;
          if (result?.__typename === 'PostEntrySuccess') {
            acknowledged.set(input.idempotencyKey, result.entry.id);
            break;
          }
          if (result) throw new Error(`post ${input.idempotencyKey} was refused: ${JSON.stringify(result)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    const reads: { at: number; ok: boolean }[] = [];
    const failedReads: string[] = [];
    const reader = async () => {
      while (running) {
        const answer = await graph(READ_OTHERS).catch(() => null);
        const ok = !!answer?.data?.neighbourhood?.name && !answer.errors;
        if (!ok && failedReads.length < 3) failedReads.push(JSON.stringify(answer).slice(0, 400));
        reads.push({ at: Date.now(), ok });
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    /** Seconds during which reads failed between `from` and `to`: from each failed read to the next good one. */
    const failedSeconds = (from: number, to: number) => {
      let total = 0;
      let failingSince: number | null = null;
      for (const read of reads.filter((r) => r.at >= from && r.at <= to)) {
        if (!read.ok && failingSince === null) failingSince = read.at;
        if (read.ok && failingSince !== null) {
          total += read.at - failingSince;
          failingSince = null;
        }
      }
      if (failingSince !== null) total += to - failingSince;
      return total / 1000;
    };
    const ledgerReady = async () => (await fetch(`http://127.0.0.1:${ledgerPort}/ready`).then((r) => r.ok, () => false));

    const load = [...Array.from({ length: WRITERS }, (_, w) => writer(w)), reader(), reader()];
    let killWindow: [number, number];
    let restartWindow: [number, number];
    try {
      await waitFor('posts to be acknowledged', async () => acknowledged.size >= 20, 60_000);

      const ledgerPid = childRunning(start.pid!, 'subgraphs/ledger/src/main.ts');
      expect(ledgerPid).not.toBeNull();
      const killedAt = Date.now();
      process.kill(ledgerPid!, 'SIGKILL');
      await waitFor('the supervisor to start the ledger again', async () => {
        const pid = childRunning(start.pid!, 'subgraphs/ledger/src/main.ts');
        return pid !== null && pid !== ledgerPid && (await ledgerReady());
      }, 90_000, 200);
      const before = acknowledged.size;
      await waitFor('posts to be acknowledged after the ledger came back', async () => acknowledged.size >= before + 20, 60_000);
      killWindow = [killedAt, Date.now()];

      const stoppedAt = Date.now();
      await pg.stop();
      await new Promise((r) => setTimeout(r, 2000));
      await pg.start();
      const afterRestart = acknowledged.size;
      await waitFor('posts to be acknowledged after PostgreSQL came back', async () => acknowledged.size >= afterRestart + 20, 90_000);
      restartWindow = [stoppedAt, Date.now()];
    } finally {
      running = false;
      await Promise.all(load);
    }

    // Every acknowledged post is in the books once, with the entry id it was answered with; no key twice.
    const sql = new Client({ connectionString: pg.serverUrl });
    await sql.connect();
    let found: Map<string, string[]>;
    try {
      const { rows } = await sql.query<{ key: string; id: string }>(
        `SELECT idempotency_key AS key, id FROM ledger.entry WHERE neighbourhood_id = $1 AND idempotency_key LIKE 'fault-%'`,
        [spijkerkwartier],
      );
      found = new Map();
      for (const row of rows) found.set(row.key, [...(found.get(row.key) ?? []), row.id]);
    } finally {
      await sql.end();
    }
    const missing = [...acknowledged.keys()].filter((k) => !found.has(k));
    const duplicated = [...found.values()].filter((ids) => ids.length > 1).length;
    const mismatched = [...acknowledged].filter(([k, entryId]) => found.get(k)?.[0] !== entryId);
    const figures = {
      acknowledged: acknowledged.size,
      found: [...acknowledged.keys()].filter((k) => found.has(k)).length,
      duplicated,
      attempts,
      readsOfOthersFailedSecondsDuringLedgerKill: failedSeconds(...killWindow!),
      readsOfOthersFailedSecondsDuringDatabaseRestart: failedSeconds(...restartWindow!),
      restarts: (output.match(/ledger started again/g) ?? []).length,
    };
    process.stdout.write(`npm start faults: ${JSON.stringify(figures)}\n`);
    if (failedReads.length > 0) process.stdout.write(`first failed reads of the other subgraphs: ${failedReads.join('\n')}\n`);

    expect(missing).toEqual([]);
    expect(mismatched).toEqual([]);
    expect(duplicated).toBe(0);
    expect(figures.restarts).toBeGreaterThanOrEqual(1);
    expect(figures.readsOfOthersFailedSecondsDuringLedgerKill).toBe(0);
    // npm start itself and the other subgraphs never stopped.
    expect(start.exitCode).toBeNull();
    expect(output).not.toMatch(/(community|projects|impact|gateway) stopped unexpectedly/);
  });
});
