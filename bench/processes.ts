import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

const root = join(__dirname, '..');

export interface Service {
  name: string;
  url: string;
  process: ChildProcess;
  /** A subgraph's metrics listener (METRICS_PORT), apart from its url. */
  metricsUrl?: string;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive ports nobody listens on, chosen below the
 * kernel's ephemeral range (ip_local_port_range): a port inside that range
 * can be taken at any moment as the local end of some outgoing connection
 * (to PostgreSQL, say), and a server told to listen on it then fails with
 * EADDRINUSE.
 */
export async function freePortBlock(count: number): Promise<number> {
  let ephemeralStart = 32768;
  try {
    ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralStart;
  } catch {
    // Not Linux: keep the usual default.
  }
  const low = 20000;
  const high = Math.max(low + 1000, ephemeralStart) - count;
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = low + Math.floor(Math.random() * (high - low));
    let free = true;
    for (let port = base; port < base + count && free; port++) free = await canListen(port);
    if (free) return base;
  }
  throw new Error(`no block of ${count} free ports found between ${low} and ${high}`);
}

/** Starts `node --import tsx <entry>` with the given environment; its output goes to ours, prefixed. */
export function launch(name: string, entry: string, env: Record<string, string>, url: string, nodeFlags: string[] = []): Service {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, ...env, DBWE_EXIT_WITH_PARENT: 'true' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  child.stdout!.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  return { name, url, process: child };
}

/** Waits until a GET (or, with a body, a POST) answers 200. */
export async function waitReady(service: Service, url: string, body?: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (service.process.exitCode !== null) throw new Error(`${service.name} exited with code ${service.process.exitCode} while starting`);
    const ok = await fetch(url, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body,
      signal: AbortSignal.timeout(2000),
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${service.name} was not ready within ${timeoutMs / 1000} s`);
}

export async function stop(service: Service): Promise<void> {
  const child = service.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resident set size now and its peak since start, in MiB, from /proc. */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) in parentheses; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}
/**
 * CPU time so far of the PostgreSQL processes that serve the benchmark, in ms by pid:
 * `postgresCpuMsBetween` turns two readings into the time spent between them. Only the pids
 * given count (the backends connected to the benchmark's database: `benchBackends`), so other
 * databases on a shared server, and other servers on the machine, are not counted.
 */
export function postgresCpuMs(pids: ReadonlySet<number>): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND);
    } catch {
      // The process ended while we looked.
    }
  }
  return byPid;
}

/**
 * The server processes working for one database: its client backends (the subgraphs' pools) and
 * the autovacuum workers on it, from pg_stat_activity. Shared background processes (checkpointer,
 * WAL writer) are left out: on a shared server they work for every database.
 */
export async function benchBackends(serverUrl: string, database: string): Promise<Set<number>> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return new Set(rows.map((r) => r.pid));
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL's CPU time between two readings: what each process still running used since the first,
 * and all of a process started in between. A process that exited in between takes its time with it
 * (an undercount, small: the subgraphs' pools keep their connections open through a run).
 */
export function postgresCpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** The machine's CPU time so far (all cores, in clock ticks): busy and total. */
export function machineCpu(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  // idle and iowait are the 4th and 5th fields.
  return { busy: total - cpu[3] - cpu[4], total };
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Samples the RSS of some processes every interval; `stop()` returns each one's highest sample. */
export function sampleMemory(services: Service[], intervalMs = 200): { stop(): Record<string, number> } {
  const peak: Record<string, number> = {};
  const take = () => {
    for (const s of services) {
      if (s.process.pid === undefined) continue;
      peak[s.name] = Math.max(peak[s.name] ?? 0, memoryOf(s.process.pid).rssMiB);
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/** A subgraph's counters so far, from its metrics listener: SQL statements sent and GraphQL requests answered (fetches). */
export async function subgraphCounters(subgraph: Service): Promise<{ sql: number; fetches: number }> {
  if (!subgraph.metricsUrl) throw new Error(`${subgraph.name} was started without a metrics listener`);
  const text = await (await fetch(subgraph.metricsUrl)).text();
  const match = /^dbwe_sql_statements_total\{[^}]*\}\s+(\d+)/m.exec(text);
  if (!match) throw new Error(`no dbwe_sql_statements_total at ${subgraph.metricsUrl}`);
  let fetches = 0;
  for (const line of text.matchAll(/^dbwe_subgraph_requests_total\{[^}]*\}\s+(\d+)/gm)) fetches += Number(line[1]);
  return { sql: Number(match[1]), fetches };
}
