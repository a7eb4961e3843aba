import type { SubgraphName } from './config';

/** One subgraph as the last check saw it: its own /ready answer, or why there was none. */
export interface SubgraphStatus {
  ready: boolean;
  /** The subgraph's own status ("ready", "database unreachable"), or "unreachable" / "timed out". */
  status: string;
}

export interface ReadinessReport {
  /** ready: every subgraph; degraded: some, and the gateway answers with their data; unavailable: none. */
  status: 'ready' | 'degraded' | 'unavailable';
  /** What an orchestrator acts on: true while the gateway can answer at all, partial answers included. */
  ready: boolean;
  checkedAt: string;
  subgraphs: Record<SubgraphName, SubgraphStatus>;
}

/**
 * The gateway's readiness. Taking the gateway out of service because one
 * subgraph is down would take the other three's data with it, while the
 * gateway answers partially and names the missing service in each error; so
 * it is ready while any subgraph is. The check asks every subgraph's /ready
 * and is kept for `maxAgeMs`: however often /ready is asked, the subgraphs
 * and their databases are asked at most once per period, and callers
 * arriving during a check share it.
 */
export class Readiness {
  private last: { at: number; report: ReadinessReport } | null = null;
  private running: Promise<ReadinessReport> | null = null;

  constructor(
    private readonly urls: Record<SubgraphName, string>,
    private readonly options: { maxAgeMs: number; timeoutMs: number },
  ) {}

  report(): Promise<ReadinessReport> {
    if (this.last && Date.now() - this.last.at < this.options.maxAgeMs) return Promise.resolve(this.last.report);
    this.running ??= this.check().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async check(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      (Object.entries(this.urls) as [SubgraphName, string][]).map(async ([name, url]) => [name, await this.ask(url)] as const),
    );
    const readyCount = entries.filter(([, s]) => s.ready).length;
    const report: ReadinessReport = {
      status: readyCount === entries.length ? 'ready' : readyCount > 0 ? 'degraded' : 'unavailable',
      ready: readyCount > 0,
      checkedAt: new Date().toISOString(),
      subgraphs: Object.fromEntries(entries) as Record<SubgraphName, SubgraphStatus>,
    };
    this.last = { at: Date.now(), report };
    return report;
  }

  private async ask(url: string): Promise<SubgraphStatus> {
    try {
      const response = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(this.options.timeoutMs) });
      const body = (await response.json().catch(() => ({}))) as { status?: unknown };
      const status = typeof body.status === 'string' ? body.status : response.ok ? 'ready' : `HTTP ${response.status}`;
      return { ready: response.ok, status };
    } catch (error) {
      return { ready: false, status: (error as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable' };
    }
  }
}
