import type { ApolloServerPlugin } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';

/**
 * The store behind the response cache, which drops every answer it holds
 * when anything anyone may see changes: at once after every mutation that
 * passes through this gateway (an erasure, a new entry), and whenever the
 * platform's public event feed has grown (a change that travels as an event
 * and takes effect in another subgraph, such as a wish whose `updatedAt`
 * moves when a project adopts it; or a write through another gateway
 * replica). Which kept answers a change touches cannot be told in general:
 * `member(id:)`, `_entities` or a wish's author name no neighbourhood, and an
 * erased member's pseudonym may sit in any answer; so all go, which costs one
 * round of uncached reads (docs/events.md, "The gateway's response cache").
 *
 * A read that began before a drop may finish after it with what was true
 * before; such an answer is not kept (`mayKeep`).
 */
export class PublicAnswerCache {
  readonly store: InMemoryLRUCache;
  private generation = 0;

  constructor(maxBytes: number) {
    this.store = new InMemoryLRUCache({ maxSize: maxBytes });
  }

  /** Taken when a request starts; an answer is kept only if nothing was dropped since. */
  get currentGeneration(): number {
    return this.generation;
  }

  mayKeep(generationAtStart: number): boolean {
    return generationAtStart === this.generation;
  }

  dropAll(): void {
    this.generation++;
    this.store.clear();
  }

  /**
   * Drops everything after any mutation, whatever its outcome: a timed-out
   * write may still have committed, and a needless drop only costs uncached
   * reads.
   */
  plugin<TContext extends object>(): ApolloServerPlugin<TContext> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async ({ operation }) => {
          if (operation?.operation === 'mutation') this.dropAll();
        },
      }),
    };
  }

  /**
   * Reads the feed's head every `intervalMs` and drops everything when it
   * moved. When it cannot be read, changes cannot be seen either: every
   * failed read drops everything, so nothing is kept until it can be again.
   */
  watchFeed(readHead: () => Promise<string>, intervalMs: number, onError: (error: unknown) => void): { stop(): Promise<void> } {
    let last: string | null = null;
    let failing = false;
    let stopped = false;
    let running: Promise<void> = Promise.resolve();
    const tick = async () => {
      try {
        const head = await readHead();
        if (last !== null && head !== last) this.dropAll();
        last = head;
        failing = false;
      } catch (error) {
        last = null;
        this.dropAll();
        if (!failing) onError(error);
        failing = true;
      }
    };
    const timer = setInterval(() => {
      if (stopped) return;
      // One read at a time: a slow one is not overtaken by the next.
      running = running.then(tick);
    }, intervalMs);
    timer.unref();
    return {
      async stop() {
        stopped = true;
        clearInterval(timer);
        await running;
      },
    };
  }
}
