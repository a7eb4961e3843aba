import { stableId } from '@dbwe/platform';
import { createTemplateDatabase } from '@dbwe/platform/testing';
import { allSubgraphs } from '../subgraphs';
import { overHttp, postEntry, transfer, verifyChain } from './ledger-api';
import { auditBooks } from './audit';
import { startDedicatedPostgres, type DedicatedPostgres } from './dedicated-postgres';
import { startPlatform, type RunningPlatform } from '../platform';
import { startSubgraphProcess, stopProcess, waitFor, type ServiceProcess } from './processes';

/*
 * Database restart under load (issue 10, item 4). A PostgreSQL server of the
 * test's own serves the four subgraphs and the gateway (in this process) and
 * a ledger subgraph process. Readers and writers keep going through the
 * gateway while the server is stopped and started again. Nothing exits,
 * readiness goes to not-ready and back, and reads and writes succeed again
 * within seconds, with nothing restarted but PostgreSQL.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const RECOVERY_LIMIT_MS = 15_000;

const READ = `{ neighbourhood(slug: "spijkerkwartier") { name accounts { code balance { amount } } projects(first: 5) { edges { node { title finances { spent { amount } } } } } } }`;
const POST = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on PostEntrySuccess { entry { id } } } }`;

interface Sample {
  at: number;
  ok: boolean;
  status: number;
}

describe('platform: PostgreSQL restarted under load', () => {
  let pg: DedicatedPostgres;
  let platform: RunningPlatform;
  let ledgerProcess: ServiceProcess | undefined;
  let databaseUrl: string;

  beforeAll(async () => {
    pg = await startDedicatedPostgres();
    databaseUrl = await createTemplateDatabase(pg.serverUrl, 'dbwe_restart', allSubgraphs);
    platform = await startPlatform({ databaseUrl });
    ledgerProcess = await startSubgraphProcess('ledger', databaseUrl);
  }, 120_000);
  afterAll(async () => {
    await stopProcess(ledgerProcess);
    await platform?.stop().catch(() => undefined);
    await pg?.destroy();
  });

  it('serves again within seconds after the restart, reporting not-ready while the database is away', async () => {
    const steward = await platform.token(stableId('member:Penningmeester Pieter'), [{ role: 'steward', neighbourhood: spijkerkwartier }]);
    const { body } = await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") { accounts { id code } } }`);
    const id = Object.fromEntries(body.data.neighbourhood.accounts.map((a: any) => [a.code, a.id]));

    const reads: Sample[] = [];
    const writes: Sample[] = [];
    const acknowledged: string[] = [];
    const statuses = new Set<number>();
    // What clients were told while the database was away: the error codes, and whether an answer without data said when to come back.
    const codes = new Set<string>();
    let wholeFailures = 0;
    let wholeFailuresWithRetryAfter = 0;
    const note = (status: number, headers: Headers, body: { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] }) => {
      for (const error of body.errors ?? []) codes.add(`${error.extensions?.code}${typeof error.extensions?.retryAfter === 'number' ? ' with retryAfter' : ''}`);
      const data = body.data as Record<string, unknown> | null | undefined;
      if (body.errors?.length && (!data || Object.values(data).every((v) => v === null))) {
        wholeFailures++;
        if (Number(headers.get('retry-after')) > 0) wholeFailuresWithRetryAfter++;
      }
    };
    let running = true;
    let key = 0;
    const reader = async () => {
      while (running) {
        const { status, headers, body } = await platform.query<any>(READ);
        statuses.add(status);
        note(status, headers, body);
        reads.push({ at: Date.now(), ok: status === 200 && !body.errors, status });
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const writer = async () => {
      while (running) {
        const input = transfer(spijkerkwartier, `restart-${key++}`, id['8000'], id['1000'], 500n);
        const { status, headers, body } = await platform.query<any>(POST, { input }, { token: steward });
        statuses.add(status);
        note(status, headers, body);
        const ok = body.data?.postEntry?.__typename === 'PostEntrySuccess';
        if (ok) acknowledged.push(input.idempotencyKey);
        writes.push({ at: Date.now(), ok, status });
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const load = [reader(), reader(), writer(), writer()];

    const gatewayReady = async () => (await fetch(new URL('/ready', platform.gatewayUrl))).status;
    const processReady = async () => (await fetch(`${ledgerProcess!.baseUrl}/ready`)).status;
    try {
      await waitFor('traffic to flow', async () => reads.some((r) => r.ok) && writes.some((w) => w.ok));
      expect(await gatewayReady()).toBe(200);

      const stoppedAt = Date.now();
      await pg.stop();
      await waitFor('the gateway to report not-ready', async () => (await gatewayReady()) === 503, 10_000);
      await waitFor('the ledger process to report not-ready', async () => (await processReady()) === 503, 10_000);
      // Requests keep being answered while the database is away.
      const answeredWhileDown = reads.filter((r) => r.at > stoppedAt).length;
      await new Promise((r) => setTimeout(r, 1000));
      expect(reads.filter((r) => r.at > stoppedAt).length).toBeGreaterThan(answeredWhileDown);

      await pg.start();
      const startedAt = Date.now();
      await waitFor('the gateway to report ready', async () => (await gatewayReady()) === 200, RECOVERY_LIMIT_MS);
      await waitFor('the ledger process to report ready', async () => (await processReady()) === 200, RECOVERY_LIMIT_MS);
      await waitFor('reads and writes to succeed', async () => reads.some((r) => r.ok && r.at > startedAt) && writes.some((w) => w.ok && w.at > startedAt), RECOVERY_LIMIT_MS);
      const readBack = reads.find((r) => r.ok && r.at > startedAt)!.at - startedAt;
      const writeBack = writes.find((w) => w.ok && w.at > startedAt)!.at - startedAt;
      // Once back, it stays back: the last requests all succeed.
      await new Promise((r) => setTimeout(r, 1000));
      running = false;
      await Promise.all(load);
      expect(reads.slice(-5).every((r) => r.ok)).toBe(true);
      expect(writes.slice(-3).every((w) => w.ok)).toBe(true);
      process.stdout.write(
        `database restart: ${reads.length} reads, ${writes.length} writes (${acknowledged.length} acknowledged); ` +
          `reads back ${readBack} ms and writes back ${writeBack} ms after PostgreSQL started; statuses ${[...statuses].sort().join(', ')}\n`,
      );
    } finally {
      running = false;
      await Promise.all(load);
    }

    // An outage is SERVICE_UNAVAILABLE with a time to come back, never an internal error; an answer without data says so in Retry-After.
    process.stdout.write(`database restart: error codes ${[...codes].sort().join(', ')}; ${wholeFailuresWithRetryAfter} of ${wholeFailures} answers without data had Retry-After\n`);
    expect([...codes].filter((c) => c !== 'SERVICE_UNAVAILABLE with retryAfter')).toEqual([]);
    expect(wholeFailuresWithRetryAfter).toBe(wholeFailures);
    // No status above 499 reached a client, and no process ended.
    expect([...statuses].filter((s) => s >= 500)).toEqual([]);
    expect(ledgerProcess!.child.exitCode).toBeNull();
    const post = await postEntry(overHttp(ledgerProcess!.url), transfer(spijkerkwartier, 'after-restart-process', id['8000'], id['1000'], 1n));
    expect(post.__typename).toBe('PostEntrySuccess');

    // Every acknowledged write is in the books, which are whole and verify.
    const audit = await auditBooks(databaseUrl, spijkerkwartier);
    const keys = new Set(audit.entries.map((e) => e.key));
    expect(acknowledged.filter((k) => !keys.has(k))).toEqual([]);
    expect(audit.halfWritten).toEqual([]);
    expect(audit.balanceMismatches).toEqual([]);
    expect(audit.gapless).toBe(true);
    expect((await verifyChain(overHttp(ledgerProcess!.url), spijkerkwartier)).valid).toBe(true);
  });
});
