import type { ApolloServerPlugin } from '@apollo/server';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { SharedAnswerStore } from './shared-answer-cache';

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
  readonly store: KeyValueCache<string>;
  private generation = 0;

  /** In this process's memory, or in Redis for every replica (`shared`, shared-answer-cache.ts). */
  constructor(
    maxBytes: number,
    private readonly shared: SharedAnswerStore | null = null,
  ) {
    this.store = shared ?? new InMemoryLRUCache({ maxSize: maxBytes });
  }

  /**
   * Taken when a request starts, and part of its answer's key: an answer is kept only under the
   * generation it was computed in, so nothing read before a drop is served after it. Null when
   * the shared generation cannot be read: then nothing is kept or served.
   */
  async generationAtStart(): Promise<number | null> {
    return this.shared ? this.shared.generation() : this.generation;
  }

  /** Whether an answer computed under this generation may be kept. */
  mayKeep(generationAtStart: number | null | undefined): boolean {
    if (generationAtStart === null || generationAtStart === undefined) return false;
    // In memory the store was cleared at the drop, so an older answer must not go back in; in Redis it goes under its own, dead, generation.
    return this.shared ? true : generationAtStart === this.generation;
  }

  /** Whether answers can be served for a request that started under this generation. */
  mayServe(generationAtStart: number | null | undefined): boolean {
    return generationAtStart !== null && generationAtStart !== undefined;
  }

  async dropAll(): Promise<void> {
    this.generation++;
    if (this.shared) await this.shared.dropAll();
    else (this.store as InMemoryLRUCache).clear();
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
          if (operation?.operation === 'mutation') await this.dropAll();
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
        if (last !== null && head !== last) await this.dropAll();
        last = head;
        failing = false;
      } catch (error) {
        last = null;
        await this.dropAll();
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
