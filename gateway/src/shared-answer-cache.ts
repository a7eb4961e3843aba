import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { Redis } from 'ioredis';

/*
 * The response cache's store in Redis (REDIS_URL, issue 22): every gateway replica keeps and
 * finds the same anonymous answers, and "drop everything" (a mutation through any replica, the
 * public event feed moving) drops them for all. A generation number kept in Redis is part of
 * every answer's key (the plugin's extraCacheKeyData, read once when a request starts): dropping
 * is one INCR, an answer computed under an old generation is written where nobody reads any
 * more, and old generations' answers expire by their TTL.
 *
 * Redis failing never fails a request: a read is a miss, a write is skipped, and while the
 * generation cannot be read no answer is kept or served.
 */

const PREFIX = 'dbwe:answers';
const GENERATION = `${PREFIX}:generation`;
/** The longest any answer is kept, whatever its cache hint: bounds what old generations leave behind. */
const MAX_TTL_SECONDS = 300;

export class SharedAnswerStore implements KeyValueCache<string> {
  constructor(
    private readonly redis: Redis,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The current generation, or null when Redis cannot tell (then nothing is kept or served). */
  async generation(): Promise<number | null> {
    try {
      return Number((await this.redis.get(GENERATION)) ?? '0');
    } catch (error) {
      this.onError(error);
      return null;
    }
  }

  /** Drops every kept answer of every replica. */
  async dropAll(): Promise<void> {
    try {
      await this.redis.incr(GENERATION);
    } catch (error) {
      this.onError(error);
    }
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(`${PREFIX}:${key}`)) ?? undefined;
    } catch (error) {
      this.onError(error);
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const ttl = Math.max(1, Math.min(MAX_TTL_SECONDS, Math.round(options?.ttl ?? MAX_TTL_SECONDS)));
    try {
      await this.redis.set(`${PREFIX}:${key}`, value, 'EX', ttl);
    } catch (error) {
      this.onError(error);
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.redis.del(`${PREFIX}:${key}`)) > 0;
    } catch (error) {
      this.onError(error);
      return false;
    }
  }
}
