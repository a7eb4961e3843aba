import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** The first failed response, to say what went wrong. */
  firstError: string | null;
  /** Every response's latency in ms, sorted. */
  latencies: Float64Array;
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** The request body of the n-th request of this run. */
  body: (n: number) => string;
  /** True when a response body is a success (HTTP status 200 is checked as well). */
  succeeded: (body: string) => boolean;
  connections: number;
  durationSeconds?: number;
  amount?: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Drives one URL with autocannon on loopback: a fixed number of connections
 * for a duration (or a number of requests). Latencies are taken from every
 * response so any percentile can be read; a response counts as an error
 * unless it has status 200 and a body the operation calls a success.
 */
export async function drive(options: LoadOptions): Promise<LoadResult> {
  let n = 0;
  let errors = 0;
  let firstError: string | null = null;
  const latencies: number[] = [];
  let finished!: (result: autocannon.Result) => void;
  let failed!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  const started = performance.now();
  const instance = autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    pipelining: 1,
    timeout: 30,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: options.body(n++) }),
        onResponse: (status, body) => {
          if (status !== 200 || !options.succeeded(body)) {
            errors++;
            firstError ??= `${status} ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  }, (error, result) => (error ? failed(error) : finished(result)));
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  const result = await done;
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  errors += result.errors + result.timeouts;
  return {
    requests: latencies.length,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    errors,
    firstError,
    latencies: sorted,
  };
}
