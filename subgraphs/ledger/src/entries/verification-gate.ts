import { ErrorCode, graphQLError } from '@dbwe/platform';

/**
 * Chain verification reads a whole chain and anyone may ask for it. The gate
 * keeps that from becoming a way to load the books: callers asking about the
 * same neighbourhood at the same time share one walk (each gets the same,
 * freshly computed answer), at most `limit` chains are walked at once per
 * process while others wait their turn, and when `maxWaiting` are already
 * waiting a caller is told to come back rather than queued.
 */
export class VerificationGate<T> {
  /** Every walk asked for and not finished, waiting or running, by key. */
  private readonly inFlight = new Map<string, Promise<T>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  run(key: string, walk: () => Promise<T>): Promise<T> {
    const shared = this.inFlight.get(key);
    if (shared) return shared;
    if (this.inFlight.size >= this.limit + this.maxWaiting) {
      return Promise.reject(
        graphQLError(ErrorCode.RATE_LIMITED, `${this.inFlight.size} chain verifications are running or waiting; ask again in a little while.`),
      );
    }
    const result = this.turn()
      .then(walk)
      .finally(() => {
        this.inFlight.delete(key);
        this.release();
      });
    this.inFlight.set(key, result);
    return result;
  }

  /** Walks running or waiting, for tests and metrics. */
  get size(): number {
    return this.inFlight.size;
  }

  private turn(): Promise<void> {
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A finished walk hands its place to the longest waiting one, if any. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
