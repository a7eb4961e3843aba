import { ErrorCode, graphQLError } from '@dbwe/platform';

export interface VerificationGateOptions {
  /** Walks running at once. */
  limit: number;
  /** Walks waiting for a turn; a caller beyond them is refused at once. */
  maxWaiting: number;
  /** How long a walk may wait for its turn; keep it below the gateway's subgraph timeout, so nobody walks for a caller who left. */
  maxWaitMs: number;
}

const refused = (why: string) => graphQLError(ErrorCode.RATE_LIMITED, `${why}; ask again in a little while.`);

/**
 * Chain verification reads a whole chain and anyone may ask for it. The gate
 * keeps that from becoming a way to load the books: callers asking about the
 * same neighbourhood while a walk of it is waiting or running share that walk
 * (its answer is as of when it started, never older than the first caller's
 * request), at most `limit` chains are walked at once, a few more may wait
 * their turn for a while, and everyone else is told to come back.
 */
export class VerificationGate<T> {
  /** Every walk asked for and not finished, waiting or running, by key. */
  private readonly inFlight = new Map<string, Promise<T>>();
  private running = 0;
  private readonly waiting: { start: () => void }[] = [];

  constructor(private readonly options: VerificationGateOptions) {}

  run(key: string, walk: () => Promise<T>): Promise<T> {
    const shared = this.inFlight.get(key);
    if (shared) return shared;
    if (this.running >= this.options.limit && this.waiting.length >= this.options.maxWaiting) {
      return Promise.reject(refused(`${this.running} chain verifications are running and ${this.waiting.length} waiting`));
    }
    const result = this.turn()
      .then(async () => {
        try {
          return await walk();
        } finally {
          this.release();
        }
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, result);
    return result;
  }

  /** Walks running or waiting, for tests and metrics. */
  get size(): number {
    return this.inFlight.size;
  }

  /** Resolves when the walk may start; rejects when it waited too long (it then never starts). */
  private turn(): Promise<void> {
    if (this.running < this.options.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        start: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(refused('Other chain verifications took the time this one could wait'));
      }, this.options.maxWaitMs);
      timer.unref();
      this.waiting.push(waiter);
    });
  }

  /** A finished walk hands its place to the longest waiting one, if any. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.running--;
  }
}
