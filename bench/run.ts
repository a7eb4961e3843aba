/**
 * `npm run bench`: the platform in production mode against the seeded city,
 * side by side with Hive Gateway and the direct-fetch floor, driven on
 * loopback with autocannon. Results go to bench/results/latest.{json,md}.
 *
 *   npm run bench -- [--duration 10] [--warmup 2] [--rounds 3] [--seed N] [--connections 16] [--soak 100000] [--soak-op balance-fresh]
 *                    [--only dashboard,project] [--targets ours,hive,hive-rust,floor,cached] [--scale 1] [--database dbwe_bench] [--out bench/results]
 *
 * Fairness: every target is warmed on an operation before any is measured; then each target is
 * measured `--rounds` times, the rounds interleaved and the order of the targets turning from an
 * offset drawn from `--seed` (printed, so a run can be repeated); a target's figures are those of
 * its median round, with every round's throughput and p50 kept as the spread. Before any load,
 * every gateway's answer to each read is compared with ours.
 *
 * Writes through our gateway are measured twice: as it runs (domain events
 * recorded in each posting's transaction, the relay handing them on) and
 * as **no-events**, the same gateway in front of a second ledger process
 * with EVENTS_RECORDING=false, so the cost of recording is in the same run.
 *
 * Database: `dbwe_bench` (or --database) on DATABASE_URL's server (created, migrated and
 * seeded with the city when it is not there yet), or an embedded PostgreSQL
 * in .data/bench-postgres when DATABASE_URL is not set.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { issueLocalToken } from '@dbwe/gateway/src/identity';
import { GATEWAY_NODE_FLAGS, SUBGRAPH_NAMES, type SubgraphName } from '@dbwe/gateway/src/config';
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from '../scripts/embedded-postgres';
import { loadCity, cityLoaded } from './seed/city';
import { BENCH_LEDGER_SIGNING_KEY, BENCH_LOG_ORIGIN } from './seed/plan';
import { asOwners, migrateAll, subgraphUrls } from './seed/migrate';
import { newEd25519KeyPair, ownerRole, platformRoles, runtimeRole, withCredentials } from '@dbwe/platform';
import { drive, percentile, type LoadResult } from './load';
import { DEEP, SCALE_PAIRS, operations, type Operation } from './operations';
import { benchBackends, cpuMsOf, freePort, machineCpu, launch, memoryOf, postgresCpuMs, postgresCpuMsBetween, sampleMemory, stop, subgraphCounters, waitReady, type Service } from './processes';
import { planShape, recordFloorPlans } from './plans';
import { measureLogProofs } from './log-proofs';
import { renderMarkdown, type BenchResults, type TargetName, type TargetResult } from './report';

const root = join(__dirname, '..');
const say = (line: string) => process.stdout.write(`[bench] ${line}\n`);
const TARGETS: TargetName[] = ['ours', 'hive', 'hive-rust', 'floor', 'cached'];
/** The fronts that are gateways: their answers must be the same, byte for byte after parsing. */
const GATEWAYS: TargetName[] = ['ours', 'hive', 'hive-rust', 'cached'];
/** Our gateway in front of a ledger that records no domain events: writes only, next to `ours`. */
const NO_EVENTS: TargetName = 'no-events';
/** The one-connection pass: rounds of a block of requests per target, the targets taking turns. */
const UNLOADED_ROUNDS = 10;
const UNLOADED_BLOCK = 100;
/** The memory soak reads RSS this long after each step of 10,000 requests, once V8 has settled. */
const SOAK_SETTLE_MS = 10_000;
/** Background work in 300 ms that counts as quiet: no request of a run is still being answered. */
const QUIET_SQL = 12;
const QUIET_FETCHES = 6;

/**
 * The bench database (dbwe_bench unless --database names another), set up as
 * an installation is: the platform's roles (with passwords made for this
 * run), each schema owned by its owner role, loaded as the owners. The
 * subgraphs run as their runtime roles.
 */
async function database(scale: number, name: string): Promise<{ urls: Record<SubgraphName, { runtime: string; owner: string }>; serverUrl: string; postgres: RunningPostgres | null; seeded: BenchResults['seed'] }> {
  let postgres: RunningPostgres | null = null;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54339);
    say(`no DATABASE_URL: embedded PostgreSQL on port ${port} (data in .data/bench-postgres)`);
    postgres = await startEmbeddedPostgres(join(root, '.data', 'bench-postgres'), port, say);
    serverUrl = postgres.url('postgres');
  }
  await ensureDatabase(serverUrl, name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const urls = subgraphUrls(url.toString(), {});
  const passwords = Object.fromEntries(platformRoles().map((role) => [role.name, randomBytes(24).toString('base64url')]));
  await migrateAll(urls, passwords);
  let seeded: BenchResults['seed'] = null;
  const present = await cityLoaded(asOwners(urls));
  if (present.length === 0) {
    say(`loading the city (scale ${scale}) into ${name}…`);
    const load = await loadCity(asOwners(urls), { scale, verify: false, log: say });
    say(`city loaded in ${load.loadSeconds.toFixed(1)} s`);
    seeded = { loadSeconds: load.loadSeconds, analyzeSeconds: load.analyzeSeconds, rows: load.rows };
  } else if (present.length < 4) {
    throw new Error(`${name} holds the city only in ${present.join(', ')}; drop the database and run again`);
  }
  const as = (role: string) => withCredentials(url.toString(), role, passwords[role]);
  const roles = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, { runtime: as(runtimeRole(name)), owner: as(ownerRole(name)) }]));
  return { urls: roles as Record<SubgraphName, { runtime: string; owner: string }>, serverUrl, postgres, seeded };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '3' },
      seed: { type: 'string' },
      connections: { type: 'string', default: '16' },
      soak: { type: 'string', default: '100000' },
      'soak-op': { type: 'string', default: 'balance-fresh' },
      only: { type: 'string' },
      targets: { type: 'string', default: TARGETS.join(',') },
      scale: { type: 'string', default: '1' },
      // On a machine others share, a database of one's own: the city is seeded into it when it is not there.
      database: { type: 'string', default: 'dbwe_bench' },
      out: { type: 'string', default: join(__dirname, 'results') },
    },
  });
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  const soak = Number(values.soak);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number of at least 1');
  const seed = values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a whole number');
  say(`order seed ${seed} (--seed ${seed} repeats this run's order of targets)`);
  const nextRandom = mulberry32(seed);
  const targets = values.targets!.split(',') as TargetName[];
  const started = new Date();
  const run = started.getTime().toString(36);

  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(values.database!)) throw new Error('--database must be a plain PostgreSQL database name');
  const db = await database(Number(values.scale), values.database!);
  const services: Service[] = [];
  try {
    const jwtSecret = randomBytes(32).toString('base64url');
    // As deployed: the gateway alone holds its assertion key; each subgraph has its own key for its reads of the graph.
    const gatewayKey = newEd25519KeyPair();
    const serviceKeys = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, newEd25519KeyPair()])) as Record<SubgraphName, { seed: string; publicKey: string }>;
    const production = { NODE_ENV: 'production', LOG_LEVEL: 'warn' };
    const servicePublicKeys = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_SERVICE_PUBLIC_KEY`, serviceKeys[name].publicKey]));
    const gatewayIdentity = { GATEWAY_ASSERTION_PRIVATE_KEY: gatewayKey.seed, ...servicePublicKeys };
    // Community applies only the events their source signed: it checks them with the sources' public keys.
    const subgraphIdentity = (name: SubgraphName) => ({
      GATEWAY_ASSERTION_PUBLIC_KEY: gatewayKey.publicKey,
      SERVICE_ASSERTION_PRIVATE_KEY: serviceKeys[name].seed,
      ...(name === 'community' ? servicePublicKeys : {}),
    });

    const subgraphs = {} as Record<SubgraphName, Service>;
    // The subgraphs check the ids a write names in the public graph: through our gateway, whichever front is measured.
    const oursPort = await freePort();
    const graph = { GRAPH_URL: `http://127.0.0.1:${oursPort}/` };
    for (const name of SUBGRAPH_NAMES) {
      const port = await freePort();
      const database = { DATABASE_URL: db.urls[name].runtime, MIGRATION_DATABASE_URL: db.urls[name].owner };
      // The ledger signs with the key the seed signed the city's checkpoints with.
      const own: Record<string, string> =
        name === 'ledger'
          ? { LEDGER_SIGNING_KEY: BENCH_LEDGER_SIGNING_KEY, LEDGER_LOG_ORIGIN: BENCH_LOG_ORIGIN, LEDGER_SIGNER_STATE_FILE: join(tmpdir(), `dbwe-bench-${process.pid}`, 'ledger-signer-state.json') }
          : {};
      const metricsPort = await freePort();
      subgraphs[name] = launch(name, `subgraphs/${name}/src/main.ts`, { ...production, ...subgraphIdentity(name), ...database, ...own, ...graph, PORT: String(port), METRICS_PORT: String(metricsPort), SEED_DEMO: 'false' }, `http://127.0.0.1:${port}/graphql`);
      subgraphs[name].metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      services.push(subgraphs[name]);
    }
    await Promise.all(SUBGRAPH_NAMES.map((name) => waitReady(subgraphs[name], new URL('/ready', subgraphs[name].url).toString())));
    const subgraphEnv = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_URL`, subgraphs[name].url]));
    // Several gateways run side by side (their metrics listeners take any free port), loaded from this one address.
    const gatewayEnv = { ...production, ...gatewayIdentity, ...subgraphEnv, JWT_SECRET: jwtSecret, RATE_LIMIT_PER_MINUTE: '0', METRICS_PORT: '0', MAX_CONNECTIONS_PER_ADDRESS: '0' };

    // The same ledger, recording no events and relaying nothing, for the comparison of writes with events on and off.
    let ledgerNoEvents: Service | null = null;
    if (targets.includes('ours')) {
      const port = await freePort();
      const metricsPort = await freePort();
      const database = { DATABASE_URL: db.urls.ledger.runtime, MIGRATION_DATABASE_URL: db.urls.ledger.owner };
      const off = { EVENTS_RECORDING: 'false', EVENTS_RECORDING_OFF_ALLOWED: 'true', EVENTS_DELIVERY: 'false' };
      ledgerNoEvents = launch('ledger-no-events', 'subgraphs/ledger/src/main.ts', {
        ...production,
        ...subgraphIdentity('ledger'),
        ...database,
        ...off,
        // It asks the same public graph as the other ledger whether a writer was erased.
        ...graph,
        LEDGER_SIGNING_KEY: BENCH_LEDGER_SIGNING_KEY,
        LEDGER_LOG_ORIGIN: BENCH_LOG_ORIGIN,
        LEDGER_SIGNER_STATE_FILE: join(tmpdir(), `dbwe-bench-${process.pid}`, 'ledger-no-events-signer-state.json'),
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        SEED_DEMO: 'false',
      }, `http://127.0.0.1:${port}/graphql`);
      ledgerNoEvents.metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      services.push(ledgerNoEvents);
      await waitReady(ledgerNoEvents, new URL('/ready', ledgerNoEvents.url).toString());
    }
    /** The subgraph processes a target's requests reach. */
    const subgraphsOf = (target: TargetName): Record<SubgraphName, Service> => (target === NO_EVENTS && ledgerNoEvents ? { ...subgraphs, ledger: ledgerNoEvents } : subgraphs);

    const fronts = {} as Record<TargetName, Service>;
    // Every front runs with the Node.js flags our gateway runs with in production.
    // Ours without its response cache: the comparisons with Hive and the floor are of uncached work.
    fronts.ours = launch('gateway', 'gateway/src/main.ts', { ...gatewayEnv, RESPONSE_CACHE: 'false', PORT: String(oursPort) }, `http://127.0.0.1:${oursPort}/`, GATEWAY_NODE_FLAGS);
    if (targets.includes('cached')) {
      const cachedPort = await freePort();
      fronts.cached = launch('gateway-cached', 'gateway/src/main.ts', { ...gatewayEnv, RESPONSE_CACHE: 'true', PORT: String(cachedPort) }, `http://127.0.0.1:${cachedPort}/`, GATEWAY_NODE_FLAGS);
      services.push(fronts.cached);
      await waitReady(fronts.cached, new URL('/ready', fronts.cached.url).toString());
    }
    if (ledgerNoEvents) {
      const port = await freePort();
      fronts[NO_EVENTS] = launch('gateway-no-events', 'gateway/src/main.ts', { ...gatewayEnv, LEDGER_URL: ledgerNoEvents.url, RESPONSE_CACHE: 'false', PORT: String(port) }, `http://127.0.0.1:${port}/`, GATEWAY_NODE_FLAGS);
      services.push(fronts[NO_EVENTS]);
      await waitReady(fronts[NO_EVENTS], new URL('/ready', fronts[NO_EVENTS].url).toString());
    }
    services.push(fronts.ours);
    for (const [target, planner] of [['hive', 'js'], ['hive-rust', 'rust']] as const) {
      if (!targets.includes(target)) continue;
      const port = await freePort();
      fronts[target] = launch(target, 'bench/hive-gateway.ts', { ...gatewayEnv, HIVE_PLANNER: planner, PORT: String(port) }, `http://127.0.0.1:${port}/graphql`, GATEWAY_NODE_FLAGS);
      services.push(fronts[target]);
    }
    await waitReady(fronts.ours, new URL('/ready', fronts.ours.url).toString());
    for (const target of ['hive', 'hive-rust'] as const) if (fronts[target]) await waitReady(fronts[target], fronts[target].url, JSON.stringify({ query: '{ __typename }' }));

    const head = await fetch(fronts.ours.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ neighbourhood(slug: "${DEEP}") { chainHead { sequence } } }` }),
    }).then((r) => r.json() as Promise<{ data?: { neighbourhood: { chainHead: { sequence: number } } | null } }>);
    const deepHead = head.data?.neighbourhood?.chainHead.sequence;
    if (!deepHead) throw new Error(`the city is not in the graph: ${JSON.stringify(head)}`);
    const ops = operations(deepHead, run).filter((op) => !values.only || values.only.split(',').includes(op.name));

    say('recording the floor: each operation once through our gateway, its fetches assigned to its query plan');
    const supergraphPath = join(root, 'schema', 'supergraph.graphql');
    const plans = await recordFloorPlans(ops, {
      supergraphPath,
      jwtSecret,
      gatewayIdentity,
      subgraphs: Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, subgraphs[n].url])) as Record<SubgraphName, string>,
    });
    const plansFile = join(tmpdir(), `dbwe-bench-plans-${process.pid}.json`);
    writeFileSync(plansFile, JSON.stringify(plans));
    const floorPort = await freePort();
    fronts.floor = launch('floor', 'bench/floor.ts', { ...production, GATEWAY_ASSERTION_PRIVATE_KEY: gatewayKey.seed, ...subgraphEnv, FLOOR_PLANS: plansFile, PORT: String(floorPort) }, `http://127.0.0.1:${floorPort}/`, GATEWAY_NODE_FLAGS);
    services.push(fronts.floor);
    if (ops.length > 0) await waitReady(fronts.floor, `${fronts.floor.url}${ops[0].name}`, '{}');

    // The verifiable books first, on a quiet machine: the verifier's wait, which a resident would notice.
    let logProofs: BenchResults['logProofs'] = null;
    if (targets.includes('ours') && (!values.only || values.only.split(',').includes('log-proofs'))) {
      logProofs = await measureLogProofs(fronts.ours.url, DEEP);
      say(`log proofs: dbwe-verify --quick from size ${logProofs.keptSize} to ${logProofs.newestSize} in ${logProofs.verifierMs.map((ms) => ms.toFixed(0)).join(', ')} ms; consistency p50 ${logProofs.consistencyP50Ms.toFixed(1)} ms, inclusion p50 ${logProofs.inclusionP50Ms.toFixed(1)} ms`);
    }

    const results: BenchResults['operations'] = [];
    for (const [index, op] of ops.entries()) {
      const token = op.viewer ? await issueLocalToken(jwtSecret, op.viewer) : null;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const plan = plans.find((p) => p.name === op.name)!;
      const entry: BenchResults['operations'][number] = { name: op.name, title: op.title, kind: op.kind, plan: planShape(plan.root), targets: {} };
      // Each target's writes get their own idempotency keys.
      // Writes are never cached: the cached gateway only reads.
      const opTargets = op.kind === 'write' ? [...targets.filter((t) => t !== 'cached'), ...(fronts[NO_EVENTS] ? [NO_EVENTS] : [])] : targets;
      const counters = new Map(opTargets.map((target, i) => [target, i * 100_000_000]));
      const load = (target: TargetName, options: { durationSeconds?: number; amount?: number; connections?: number }) =>
        drive({
          url: target === 'floor' ? `${fronts.floor.url}${op.name}` : fronts[target].url,
          headers,
          connections: options.connections ?? op.connections ?? connections,
          body: () => {
            const n = counters.get(target)!;
            counters.set(target, n + 1);
            return JSON.stringify({ query: op.query, variables: op.variables(n) });
          },
          succeeded: op.kind === 'write' ? (body) => body.includes('PostEntrySuccess') : (body) => !body.includes('"errors"'),
          ...options,
        });
      /** One measured run of a target on this operation, with the CPU, SQL, fetches and memory it cost. */
      const measure = async (target: TargetName): Promise<TargetResult> => {
        const reached = subgraphsOf(target);
        const countersBefore = await settled(() => Promise.all(SUBGRAPH_NAMES.map((s) => subgraphCounters(reached[s]))));
        const measured = [fronts[target], ...SUBGRAPH_NAMES.map((s) => reached[s])];
        const memory = sampleMemory(measured);
        // The fronts and subgraphs, then the benchmark database's PostgreSQL backends and this process, the load client.
        const backends = await benchBackends(db.serverUrl, values.database!);
        const cpuNow = () => [...measured.map((s) => cpuMsOf(s.process.pid!)), cpuMsOf(process.pid)];
        const cpuBefore = cpuNow();
        const postgresBefore = postgresCpuMs(backends);
        const machineBefore = machineCpu();
        const result = await load(target, { durationSeconds: duration });
        const machineAfter = machineCpu();
        const cpuAfter = cpuNow();
        const postgresMs = postgresCpuMsBetween(postgresBefore, postgresCpuMs(new Set([...backends, ...(await benchBackends(db.serverUrl, values.database!))])));
        const peaks = memory.stop();
        const countersAfter = await Promise.all(SUBGRAPH_NAMES.map((s) => subgraphCounters(reached[s])));
        const perRequest = (n: number) => n / Math.max(1, result.requests);
        const cpuMsPerRequest = Object.fromEntries([
          ...['front', ...SUBGRAPH_NAMES, 'client'].map((name, i) => [name, perRequest(cpuAfter[i] - cpuBefore[i])]),
          ['postgres', perRequest(postgresMs)],
        ]);
        const { latencies: _latencies, ...figures } = result;
        return {
          ...figures,
          cpuMsPerRequest,
          machineCpuBusy: (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total),
          unloaded: null,
          sqlPerRequest: Object.fromEntries(SUBGRAPH_NAMES.map((s, i) => [s, perRequest(countersAfter[i].sql - countersBefore[i].sql)])),
          fetchesPerRequest: Object.fromEntries(SUBGRAPH_NAMES.map((s, i) => [s, perRequest(countersAfter[i].fetches - countersBefore[i].fetches)])),
          peakRssMiB: { front: peaks[fronts[target].name], ...Object.fromEntries(SUBGRAPH_NAMES.map((s) => [s, peaks[reached[s].name]])) },
          rounds: null,
        };
      };
      // The same answer from every gateway, before any load (reads: writes answer with new ids).
      if (op.kind === 'read') entry.sameAnswers = await compareAnswers(op, headers, opTargets.filter((t) => GATEWAYS.includes(t)).map((t) => [t, fronts[t].url] as const));
      // Every target warms up before any is measured, so no target meets the coldest caches.
      if (warmup > 0) for (const target of opTargets) await load(target, { durationSeconds: warmup });
      // Rounds interleaved, the order turning from a random offset: no target always goes first or follows the same neighbour.
      const offset = Math.floor(nextRandom() * opTargets.length);
      const measuredRounds = new Map(opTargets.map((target) => [target, [] as TargetResult[]]));
      for (let round = 0; round < rounds; round++) {
        const order = opTargets.map((_, i) => opTargets[(i + offset + round) % opTargets.length]);
        for (const target of order) {
          const figures = await measure(target);
          measuredRounds.get(target)!.push(figures);
          say(`${op.name} via ${target}, round ${round + 1}/${rounds}: ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50.toFixed(1)} ms, ${figures.errors} errors; front ${figures.cpuMsPerRequest.front.toFixed(2)} ms CPU/request`);
          if (figures.errors > 0) say(`  first error: ${figures.firstError}`);
        }
      }
      for (const [target, all] of measuredRounds) entry.targets[target] = medianRound(all);

      // One request at a time: what a front adds to a request's latency, without queueing behind others.
      // The targets take turns in blocks, so a slow spell of the machine (a checkpoint, autovacuum,
      // another process) falls on all of them rather than on whichever ran at that moment.
      await settled(() => Promise.all(SUBGRAPH_NAMES.map((s) => subgraphCounters(subgraphs[s]))));
      const singles = new Map(opTargets.map((target) => [target, [] as number[]]));
      for (let round = 0; round < UNLOADED_ROUNDS; round++) {
        for (const [i] of opTargets.entries()) {
          const target = opTargets[(i + round) % opTargets.length];
          const block = await load(target, { amount: UNLOADED_BLOCK, connections: 1 });
          singles.get(target)!.push(...block.latencies);
        }
      }
      for (const target of opTargets) {
        const sorted = Float64Array.from(singles.get(target)!).sort();
        const unloaded = { requests: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
        entry.targets[target]!.unloaded = unloaded;
        say(`${op.name} via ${target}, one connection: p50 ${unloaded.p50.toFixed(2)} ms, p95 ${unloaded.p95.toFixed(2)} ms over ${unloaded.requests} requests`);
      }
      results.push(entry);
    }

    // Written after the operations and again after the memory soak, so a long soak cannot lose them.
    const cityLoad = join(__dirname, 'results', 'city-load.json');
    const save = (memory: BenchResults['memory']): string => {
      const record: BenchResults = {
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
        settings: { durationSeconds: duration, warmupSeconds: warmup, rounds, seed, connections, deepHead, targets },
        seed: db.seeded,
        cityLoad: existsSync(cityLoad) ? JSON.parse(readFileSync(cityLoad, 'utf8')) : null,
        operations: results,
        logProofs,
        scaleInvariance: SCALE_PAIRS.filter(([d, f]) => results.some((r) => r.name === d) && results.some((r) => r.name === f)).map(([deep, fresh]) => {
          const d = results.find((r) => r.name === deep)!.targets.ours;
          const f = results.find((r) => r.name === fresh)!.targets.ours;
          return { deep, fresh, p50Ratio: d && f ? d.p50 / f.p50 : null };
        }),
        memory,
      };
      mkdirSync(values.out!, { recursive: true });
      writeFileSync(join(values.out!, 'latest.json'), JSON.stringify(record, null, 2) + '\n');
      const markdown = renderMarkdown(record);
      writeFileSync(join(values.out!, 'latest.md'), markdown);
      return markdown;
    };
    save(null);

    let memory: BenchResults['memory'] = null;
    if (soak > 0 && targets.includes('ours')) {
      // A light read by default, so 100,000 requests fit in the run; --soak-op picks another.
      const op = operations(deepHead, run).find((o) => o.name === values['soak-op']);
      if (!op || op.kind !== 'read') throw new Error(`--soak-op must name a read operation, not ${values['soak-op']}`);
      say(`memory: ${soak.toLocaleString('en')} requests of ${op.name} through our gateway`);
      const body = () => JSON.stringify({ query: op.query, variables: op.variables(0) });
      const pid = fronts.ours.process.pid!;
      const send = async (amount: number) =>
        (await drive({ url: fronts.ours.url, headers: {}, connections, body, succeeded: (x) => !x.includes('"errors"'), amount })).errors;
      // RSS swings with the young generation: up to its 2 × 64 MiB semi-spaces of garbage are touched
      // between collections, and V8 hands the pages back only when it sees the allocation rate drop.
      // One reading under load lands anywhere on that sawtooth. So each step of 10,000 requests is
      // sampled every 50 ms (low, median, high) and read once more after 10 s without requests (settled).
      // A leak lifts the settled readings step after step.
      const step = async (amount: number) => {
        const samples: number[] = [];
        const timer = setInterval(() => samples.push(memoryOf(pid).rssMiB), 50);
        const errors = await send(amount);
        clearInterval(timer);
        await new Promise((r) => setTimeout(r, SOAK_SETTLE_MS));
        const sorted = Float64Array.from(samples).sort();
        return {
          errors,
          rss: { settledMiB: memoryOf(pid).rssMiB, lowMiB: sorted[0], medianMiB: percentile(sorted, 50), highMiB: sorted[sorted.length - 1] },
        };
      };
      const first = Math.min(10_000, soak);
      const firstStep = await step(first);
      const series = [{ requests: first, ...firstStep.rss }];
      let errors = firstStep.errors;
      for (let done = first; done < soak; ) {
        const amount = Math.min(10_000, soak - done);
        const next = await step(amount);
        done += amount;
        errors += next.errors;
        series.push({ requests: done, ...next.rss });
      }
      // Even settled, the old generation saws up and down over 30,000–40,000 light requests (garbage
      // promoted until a major collection), so the first and the second half of the run are compared
      // by their lowest reading: each half holds at least one whole cycle, and a leak lifts the second.
      const window = Math.floor(series.length / 2) || 1;
      const lowest = (steps: typeof series) => Math.min(...steps.map((s) => s.settledMiB));
      const early = lowest(series.slice(0, window));
      const late = lowest(series.slice(-window));
      const start = series[0];
      const end = series[series.length - 1];
      memory = {
        operation: op.name,
        requests: soak,
        windowRequests: series[window - 1].requests,
        firstWindowLowMiB: early,
        lastWindowLowMiB: late,
        peakMiB: memoryOf(pid).peakMiB,
        ratio: late / early,
        medianRatio: end.medianMiB / start.medianMiB,
        errors,
        series,
      };
      say(`memory: lowest settled RSS ${early.toFixed(1)} MiB in the first ${window} steps, ${late.toFixed(1)} MiB in the last ${window} (×${memory.ratio.toFixed(3)}; medians under load, last step over first ×${memory.medianRatio.toFixed(3)})`);
    }

    const markdown = save(memory);
    process.stdout.write(`\n${markdown}\n`);
  } finally {
    for (const s of services.reverse()) await stop(s);
    if (db.postgres) await db.postgres.stop();
  }
}

/**
 * Requests cut off when a run ends keep the subgraphs and PostgreSQL busy
 * for a while; the next run starts when the subgraphs are back to their
 * background work: at most a few statements and fetches in 300 ms (the event
 * relays and every gateway's look at the event feed's head never stop).
 */
async function settled(read: () => Promise<{ sql: number; fetches: number }[]>, timeoutMs = 30_000): Promise<{ sql: number; fetches: number }[]> {
  const until = Date.now() + timeoutMs;
  const total = (counters: { sql: number; fetches: number }[]) => counters.reduce((sum, c) => ({ sql: sum.sql + c.sql, fetches: sum.fetches + c.fetches }), { sql: 0, fetches: 0 });
  let last = total(await read());
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    const counters = await read();
    const now = total(counters);
    if ((now.sql - last.sql <= QUIET_SQL && now.fetches - last.fetches <= QUIET_FETCHES) || Date.now() > until) return counters;
    last = now;
  }
}

/** A small seeded generator (mulberry32): the same seed gives the same order of targets. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The round with the median throughput stands for the target; every round's throughput and p50 are kept as the spread. */
function medianRound(all: TargetResult[]): TargetResult {
  const sorted = [...all].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...median, rounds: { requestsPerSecond: all.map((r) => r.requestsPerSecond), p50: all.map((r) => r.p50) } };
}

/**
 * Sends one read to every gateway and compares the answers with ours, parsed (key order and
 * white space aside). A difference is named in the output and in the results; it does not stop the run.
 */
async function compareAnswers(op: Operation, headers: Record<string, string>, gateways: (readonly [TargetName, string])[]): Promise<boolean> {
  const body = JSON.stringify({ query: op.query, variables: op.variables(0) });
  const answers = await Promise.all(
    gateways.map(async ([target, url]) => [target, canonicalJson(await (await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })).json())] as const),
  );
  const [reference, expected] = answers[0];
  let same = true;
  for (const [target, answer] of answers.slice(1)) {
    if (answer === expected) continue;
    same = false;
    const at = [...answer].findIndex((c, i) => c !== expected[i]);
    say(`${op.name}: ${target} answers differently from ${reference} at character ${at}: …${answer.slice(Math.max(0, at - 60), at + 60)}… vs …${expected.slice(Math.max(0, at - 60), at + 60)}…`);
  }
  if (same) say(`${op.name}: the same answer from ${answers.map(([t]) => t).join(', ')}`);
  return same;
}

/** JSON with object keys sorted at every level, so answers compare by content. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

main().then(
  () => process.exit(0),
  (error) => {
    say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    process.exit(1);
  },
);
