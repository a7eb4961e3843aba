import { ErrorCode, graphQLError } from '@dbwe/platform';

/**
 * Chain verification reads a whole chain and anyone may ask for it. The gate
 * keeps that from becoming a way to load the books: callers asking about the
 * same neighbourhood at the same time share one walk (each gets the same,
 * freshly computed answer), and at most `limit` neighbourhoods are walked at
 * once per process; beyond that a caller is told to come back, not queued.
 */
export class VerificationGate<T> {
  private readonly running = new Map<string, Promise<T>>();

  constructor(private readonly limit: number) {}

  run(key: string, walk: () => Promise<T>): Promise<T> {
    const shared = this.running.get(key);
    if (shared) return shared;
    if (this.running.size >= this.limit) {
      return Promise.reject(
        graphQLError(ErrorCode.RATE_LIMITED, `The books of ${this.limit} neighbourhoods are being verified right now; ask again in a little while.`),
      );
    }
    const started = walk().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }

  /** Walks in progress, for tests and metrics. */
  get size(): number {
    return this.running.size;
  }
}
