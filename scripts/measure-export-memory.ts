/**
 * Measures the gateway's memory while it streams a large export: starts the
 * platform against an already seeded database (npm run seed -- city), streams
 * one table, and samples the gateway's resident set size as it goes.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/dbwe_bench \
 *     node --import tsx scripts/measure-export-memory.ts wijk-001 ledger_lines csv afterSequence=400000
 *     node --import tsx scripts/measure-export-memory.ts wijk-001 ledger_lines xlsx afterSequence=400000
 *
 * An xlsx is a zip, without lines to count: its figures are per 10 MB received instead of per 100,000 rows.
 *
 * With NODE_OPTIONS=--max-old-space-size=128 every process of the platform gets
 * a 128 MiB heap: an export that held its rows would run out of memory.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [slug = 'wijk-001', table = 'ledger_lines', format = 'csv', query = ''] = process.argv.slice(2);
const port = Number(process.env.PORT ?? 4700);
const root = join(__dirname, '..');

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

function gatewayPid(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (cmd.includes('gateway/src/main.ts') && env.split('\0').includes(`PORT=${port}`)) return Number(entry);
    } catch {
      /* processes come and go while we look */
    }
  }
  throw new Error('gateway process not found');
}

async function main() {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL to a seeded database');
  const platform = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), SUBGRAPH_PORT_BASE: String(port + 10), SEED_DEMO: 'false', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The platform's own output goes to a file, to read if something fails.
  const log = createWriteStream(process.env.PLATFORM_LOG ?? '/tmp/dbwe-measure-platform.log');
  platform.stdout!.pipe(log);
  platform.stderr!.pipe(log);
  await new Promise<void>((resolve, reject) => {
    platform.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('[dbwe] ready') && resolve());
    platform.on('exit', (code) => reject(new Error(`platform exited with ${code}`)));
  });
  try {
    await measure();
  } finally {
    platform.kill('SIGTERM');
    await new Promise((r) => platform.once('exit', r));
  }
}

async function measure() {
  const pid = gatewayPid();
  const before = rssKiB(pid);
  let peak = before;
  const samples: number[] = [];
  let gatewayGone = false;
  const sampler = setInterval(() => {
    try {
      const now = rssKiB(pid);
      samples.push(now);
      peak = Math.max(peak, now);
    } catch {
      gatewayGone = true;
    }
  }, 250);

  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${port}/export/v1/neighbourhoods/${slug}/${table}.${format}${query ? `?${query}` : ''}`);
  if (!response.ok || !response.body) throw new Error(`export answered ${response.status}`);
  let bytes = 0;
  let lines = 0;
  let lastReport = Date.now();
  // RSS as the export goes: one figure per 100,000 rows.
  const progress: { rows: number; rssMiB: number }[] = [];
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const before = bytes;
      bytes += chunk.byteLength;
      if (format === 'xlsx') {
        if (Math.floor(bytes / 10e6) > Math.floor(before / 10e6)) {
          progress.push({ rows: Math.floor(bytes / 10e6) * 10, rssMiB: Math.round(rssKiB(pid) / 1024) });
          console.log(`… ${Math.round(bytes / 1e6)} MB, gateway RSS ${(rssKiB(pid) / 1024).toFixed(0)} MiB`);
        }
        continue;
      }
      for (const byte of chunk) {
        if (byte !== 10) continue;
        lines++;
        if (lines % 100_000 === 0) progress.push({ rows: lines, rssMiB: Math.round(rssKiB(pid) / 1024) });
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        console.log(`… ${lines.toLocaleString('en')} lines, gateway RSS ${(rssKiB(pid) / 1024).toFixed(0)} MiB`);
      }
    }
  } catch (error) {
    clearInterval(sampler);
    const why = gatewayGone ? `the gateway (pid ${pid}) exited` : 'the connection broke';
    throw new Error(`${why} after ${lines.toLocaleString('en')} lines; see the platform's log`, { cause: error });
  }
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1000;
  const quarter = Math.floor(samples.length / 4);
  const heapLimit = /--max-old-space-size=(\d+)/.exec(process.env.NODE_OPTIONS ?? '')?.[1];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(
    JSON.stringify(
      {
        export: `${slug}/${table}.${format}${query ? `?${query}` : ''}`,
        rows: format === 'xlsx' ? 'not counted (a zip)' : lines - (format === 'csv' ? 1 : 0),
        megabytes: Math.round(bytes / 1e5) / 10,
        seconds,
        ...(format === 'xlsx' ? {} : { rowsPerSecond: Math.round((lines - 1) / seconds) }),
        gatewayRssMiB: {
          beforeExport: Math.round(before / 1024),
          peak: Math.round(peak / 1024),
          medianFirstQuarter: Math.round(median(samples.slice(0, quarter)) / 1024),
          medianLastQuarter: Math.round(median(samples.slice(-quarter)) / 1024),
        },
        heapLimit: heapLimit ? `${heapLimit} MiB old space per process` : 'node default',
        ...(format === 'xlsx'
          ? { rssEvery10MB: progress.map((p) => `${p.rows} MB: ${p.rssMiB}`).join(', ') }
          : { rssEvery100kRows: progress.map((p) => `${p.rows / 1000}k: ${p.rssMiB}`).join(', ') }),
      },
      null,
      2,
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
