import type { LoadResult } from './load';
import { CITY } from './seed/plan';

export type TargetName = 'ours' | 'hive' | 'hive-rust' | 'floor' | 'cached' | 'no-events';

export interface TargetResult extends Omit<LoadResult, 'latencies'> {
  sqlPerRequest: Record<string, number>;
  /** GraphQL requests each subgraph answered per request to the front: the plan's fetches. */
  fetchesPerRequest: Record<string, number>;
  /** Every measured round's throughput and p50, in the order measured; the figures above are the median round's. */
  rounds: { requestsPerSecond: number[]; p50: number[] } | null;
  peakRssMiB: Record<string, number>;
  /** CPU time per request of the front (gateway or floor server) and of each subgraph, in ms. */
  cpuMsPerRequest: Record<string, number>;
  /** Share of the machine's CPU (all cores) busy during the run: near 1 means the run was bound by CPU. */
  machineCpuBusy: number;
  /** Latency with one connection, one request at a time (the targets taking turns in blocks): the front's own cost, without queueing. */
  unloaded: { requests: number; p50: number; p95: number } | null;
}

import type { LogProofResults } from './log-proofs';

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  settings: { durationSeconds: number; warmupSeconds: number; rounds?: number; seed?: number; connections: number; deepHead: number; targets: TargetName[] };
  /** Set when this run loaded the city itself. */
  seed: { loadSeconds: number; analyzeSeconds: number; rows: Record<string, Record<string, number>> } | null;
  /** The last full `npm run seed -- city`, from bench/results/city-load.json. */
  cityLoad: { loadSeconds: number; analyzeSeconds: number; verifySeconds: number | null; at: string } | null;
  operations: {
    name: string;
    title: string;
    kind: 'read' | 'write';
    plan: { fetches: number; rounds: number };
    /** Whether every gateway gave ours's answer to the read (null for writes). */
    sameAnswers?: boolean | null;
    targets: Partial<Record<TargetName, TargetResult>>;
  }[];
  scaleInvariance: { deep: string; fresh: string; p50Ratio: number | null }[];
  /** The independent verifier on the deep neighbourhood's books (bench/log-proofs.ts); null when not measured. */
  logProofs?: LogProofResults | null;
  memory: {
    operation: string;
    requests: number;
    /** Requests in each of the two halves of the run that are compared. */
    windowRequests: number;
    /** The lowest settled RSS (read 10 s after a step of 10,000 requests) in the first half. */
    firstWindowLowMiB: number;
    /** The same in the second half. */
    lastWindowLowMiB: number;
    peakMiB: number;
    /** lastWindowLowMiB / firstWindowLowMiB: the target. */
    ratio: number;
    /** Of the medians sampled under load (every 50 ms) in the last and the first step. */
    medianRatio: number;
    errors: number;
    /** Every 10,000 requests: RSS settled, and low, median and high under load. */
    series: { requests: number; settledMiB: number; lowMiB: number; medianMiB: number; highMiB: number }[];
  } | null;
}

const f0 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(0));
const f1 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));
const f2 = (x: number | null | undefined) => (x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(2));

export function renderMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(`# Benchmark results`, '');
  lines.push(
    `\`${r.command}\` — ${r.startedAt} to ${r.finishedAt}; ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}.`,
    `Production mode (NODE_ENV=production, LOG_LEVEL=warn, no rate limit), one process per gateway and per subgraph, PostgreSQL on the same machine;`,
    `${r.settings.connections} connections (writes: 16), ${r.settings.warmupSeconds} s warm-up of every target before any is measured, then ${r.settings.rounds ?? 1} round(s) of ${r.settings.durationSeconds} s per operation and target, interleaved, the order turning from a random offset (seed ${r.settings.seed ?? '–'}); figures are the median round's, the spread is every round's throughput.`,
    `City data: ${CITY.neighbourhoods} neighbourhoods, ${CITY.members.toLocaleString('en')} members, ${CITY.projects.toLocaleString('en')} projects, ${CITY.entries.toLocaleString('en')} ledger entries at load (${r.settings.deepHead.toLocaleString('en')} in the deepest chain now).`,
    '',
    'Targets: **ours** = gateway/ (Apollo Gateway) with its response cache off, **hive** = Hive Gateway (`@graphql-hive/gateway-runtime`, same supergraph file, same identity assertion, in-flight deduplication off), **hive-rust** = the same Hive Gateway with the Rust query planner (`@graphql-hive/router-runtime` as its `unifiedGraphHandler`), **floor** = the query plan\'s subgraph fetches replayed straight to the subgraphs (bench/floor.ts), **cached** = our gateway as it runs by default, with its response cache for anonymous answers (reads only; the same query again and again, so nearly every answer comes from memory), **no-events** = our gateway in front of a ledger with EVENTS_RECORDING=false (writes only; **ours** records each entry\'s domain event in its transaction and relays it).',
    '',
  );
  if (r.cityLoad) lines.push(`City load (\`npm run seed -- city\`, ${r.cityLoad.at}): ${r.cityLoad.loadSeconds.toFixed(0)} s, VACUUM ANALYZE ${r.cityLoad.analyzeSeconds.toFixed(0)} s${r.cityLoad.verifySeconds !== null ? `, every chain verified in ${r.cityLoad.verifySeconds.toFixed(0)} s` : ''}.`, '');
  if (r.seed) lines.push(`This run loaded the city itself in ${r.seed.loadSeconds.toFixed(0)} s.`, '');

  lines.push('## Throughput and latency', '');
  lines.push('| operation | target | req/s | req/s of each round | p50 ms | p95 ms | p99 ms | errors | p50 ms, 1 connection | machine CPU busy | CPU ms/request (front; community / projects / ledger / impact; PostgreSQL of the bench database; load client) | subgraph fetches/request (community, projects, ledger, impact) | SQL/request (community, projects, ledger, impact) | peak RSS MiB (front; subgraphs) |');
  lines.push('|---|---|--:|---|--:|--:|--:|--:|--:|--:|---|---|---|---|');
  for (const op of r.operations) {
    for (const [target, t] of Object.entries(op.targets)) {
      if (!t) continue;
      const sql = ['community', 'projects', 'ledger', 'impact'].map((s) => f1(t.sqlPerRequest[s])).join(' / ');
      const rss = `${f0(t.peakRssMiB.front)}; ${['community', 'projects', 'ledger', 'impact'].map((s) => f0(t.peakRssMiB[s])).join(' / ')}`;
      const cpu = t.cpuMsPerRequest
        ? `${f1(t.cpuMsPerRequest.front)}; ${['community', 'projects', 'ledger', 'impact'].map((s) => f1(t.cpuMsPerRequest[s])).join(' / ')}; ${f1(t.cpuMsPerRequest.postgres)}; ${f1(t.cpuMsPerRequest.client)}`
        : '–';
      const fetches = t.fetchesPerRequest ? ['community', 'projects', 'ledger', 'impact'].map((s) => f1(t.fetchesPerRequest[s])).join(' / ') : '–';
      const spread = t.rounds ? t.rounds.requestsPerSecond.map(f0).join(', ') : '–';
      lines.push(`| ${op.title} | ${target} | ${f0(t.requestsPerSecond)} | ${spread} | ${f1(t.p50)} | ${f1(t.p95)} | ${f1(t.p99)} | ${t.errors} | ${f2(t.unloaded?.p50)} | ${t.machineCpuBusy === undefined ? '–' : `${Math.round(t.machineCpuBusy * 100)}%`} | ${cpu} | ${fetches} | ${sql} | ${rss} |`);
    }
  }
  if (r.logProofs) {
    const p = r.logProofs;
    const sorted = [...p.verifierMs].sort((a, b) => a - b);
    lines.push(
      '',
      '## Verifiable books',
      '',
      `\`dbwe-verify check --quick\` on ${p.neighbourhood} through our gateway, against the checkpoint kept after its first 1,000 entries (size ${p.keptSize.toLocaleString('en')}), to the newest (size ${p.newestSize.toLocaleString('en')}), with an inclusion proof of entry 1: ${sorted.map((ms) => ms.toFixed(0)).join(', ')} ms over ${sorted.length} runs (median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms).`,
      `The proofs alone, one request at a time: consistency (${p.consistencyHashes} hashes) p50 ${p.consistencyP50Ms.toFixed(1)} ms, inclusion of the oldest entry (${p.inclusionHashes} hashes) p50 ${p.inclusionP50Ms.toFixed(1)} ms. Verdict: \`${p.verdict}\`.`,
    );
  }
  lines.push('', '## Ratios', '');
  lines.push(
    'Gateway overhead is shown twice: at one connection (the latency a gateway adds to a request) and at full load, where',
    'every process shares the same cores, so the ratio of p50s is mostly the ratio of throughputs (the front\'s CPU time per request is in the table above).',
    '',
  );
  lines.push('| operation | plan: fetches (rounds) | same answers | ours/Hive throughput | ours/Hive Rust throughput (target ≥ 1.2 on reads) | Hive p50 / ours p50 | Hive Rust p50 / ours p50 | ours p50 / floor p50, 1 connection (target ≤ 1.25) | ours p50 / floor p50, full load |');
  lines.push('|---|--:|---|--:|--:|--:|--:|--:|--:|');
  for (const op of r.operations) {
    const { ours, hive, floor } = op.targets;
    const rust = op.targets['hive-rust'];
    const same = op.sameAnswers === undefined || op.sameAnswers === null ? '–' : op.sameAnswers ? 'yes' : '**no**';
    const unloaded = ours?.unloaded && floor?.unloaded ? f2(ours.unloaded.p50 / floor.unloaded.p50) : '–';
    lines.push(
      `| ${op.title} | ${op.plan.fetches} (${op.plan.rounds}) | ${same} | ${ours && hive ? f2(ours.requestsPerSecond / hive.requestsPerSecond) : '–'} | ${ours && rust ? f2(ours.requestsPerSecond / rust.requestsPerSecond) : '–'} | ${ours && hive ? f2(hive.p50 / ours.p50) : '–'} | ${ours && rust ? f2(rust.p50 / ours.p50) : '–'} | ${unloaded} | ${ours && floor ? f2(ours.p50 / floor.p50) : '–'} |`,
    );
  }
  const cachedOps = r.operations.filter((op) => op.targets.cached && op.targets.ours);
  if (cachedOps.length > 0) {
    lines.push('', '## Response cache (anonymous reads, our gateway)', '');
    lines.push('Every figure above except the **cached** rows is uncached. Cached: the answer kept for the shortest cache hint in it (ledger 10 s, projects 30 s, community and impact 60 s).', '');
    lines.push('| operation | uncached req/s | cached req/s | uncached p50 ms, 1 connection | cached p50 ms, 1 connection |');
    lines.push('|---|--:|--:|--:|--:|');
    for (const op of cachedOps) {
      const { ours, cached } = op.targets;
      lines.push(`| ${op.title} | ${f0(ours!.requestsPerSecond)} | ${f0(cached!.requestsPerSecond)} | ${f2(ours!.unloaded?.p50)} | ${f2(cached!.unloaded?.p50)} |`);
    }
  }
  if (r.scaleInvariance.length > 0) {
    lines.push('', '## Scale invariance (our gateway, p50 deep / p50 fresh; target ≤ 1.5)', '');
    for (const s of r.scaleInvariance) lines.push(`- ${s.deep} / ${s.fresh}: ${f2(s.p50Ratio)}`);
  }
  const one = r.operations.find((o) => o.name === 'write-one')?.targets.ours;
  const eight = r.operations.find((o) => o.name === 'write-eight')?.targets.ours;
  if (one && eight) {
    lines.push('', '## Writes (our gateway)', '');
    lines.push(`- one neighbourhood, 16 writers: ${f0(one.requestsPerSecond)} entries/s`);
    lines.push(`- eight neighbourhoods at once: ${f0(eight.requestsPerSecond)} entries/s (×${f2(eight.requestsPerSecond / one.requestsPerSecond)}; target ≥ 3)`);
    const busy = (t: TargetResult) => (t.machineCpuBusy === undefined ? '–' : `${Math.round(t.machineCpuBusy * 100)}%`);
    lines.push(
      `- machine CPU busy: ${busy(one)} with one neighbourhood, ${busy(eight)} with eight. Eight neighbourhoods never wait for each other's`,
      `  chain lock; when the eight-neighbourhood run keeps every core busy, the machine's CPU, not the ledger, sets its rate.`,
    );
  }
  const compared = r.operations.filter((op) => op.kind === 'write' && op.targets.ours && op.targets['no-events']);
  if (compared.length > 0) {
    lines.push('', '## Writes with domain events on and off (our gateway, same run)', '');
    lines.push('| operation | events | entries/s | p50 ms | p95 ms | p50 ms, 1 connection | ledger CPU ms/entry | PostgreSQL CPU ms/entry | SQL/entry (ledger) | events on / off, entries/s |');
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const op of compared) {
      const on = op.targets.ours!;
      const off = op.targets['no-events']!;
      for (const [label, t] of [['on', on], ['off', off]] as const) {
        lines.push(
          `| ${op.title} | ${label} | ${f0(t.requestsPerSecond)} | ${f1(t.p50)} | ${f1(t.p95)} | ${f2(t.unloaded?.p50)} | ${f2(t.cpuMsPerRequest?.ledger)} | ${f2(t.cpuMsPerRequest?.postgres)} | ${f1(t.sqlPerRequest.ledger)} | ${label === 'on' ? f2(on.requestsPerSecond / off.requestsPerSecond) : ''} |`,
        );
      }
    }
  }
  if (r.memory) {
    lines.push('', '## Gateway memory', '');
    const m = r.memory;
    lines.push(
      `- ${m.operation}, ${m.requests.toLocaleString('en')} requests: lowest settled RSS ${f1(m.firstWindowLowMiB)} MiB over the first ${m.windowRequests.toLocaleString('en')}, ${f1(m.lastWindowLowMiB)} MiB over the last ${m.windowRequests.toLocaleString('en')} (×${f2(m.ratio)}; target ≤ 1.1), peak ${f1(m.peakMiB)} MiB, ${m.errors} errors`,
      '- Settled: read 10 s after each step of 10,000 requests. Under load RSS swings with the young generation (up to 2 × 64 MiB of',
      '  semi-space), and even settled the old generation saws over 30,000–40,000 light requests until a major collection, so the',
      '  lowest settled readings of the two halves of the run are compared. Sampled under load every 50 ms as well (low–median–high below).',
      `- medians under load, last step over first: ×${f2(m.medianRatio)}`,
      `- RSS MiB every 10,000 requests, settled (under load: low–median–high): ${m.series.map((s) => `${f0(s.settledMiB)} (${f0(s.lowMiB)}–${f0(s.medianMiB)}–${f0(s.highMiB)})`).join(', ')}`,
    );
  }
  return lines.join('\n') + '\n';
}
