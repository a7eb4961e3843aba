import PgBoss from 'pg-boss';
// pg-boss's own statements, to recognise the two it sends without waiting for them (below).
import { completeJobs, failJobsById } from 'pg-boss/src/plans';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { SubgraphSchema } from '../database-roles';
import { toStructured } from './envelope';
import type { SignedEvent } from './signature';

/*
 * Delivery runs on pg-boss (docs/events.md says why): a queue per consumer,
 * fed from the source it follows, with retries, back-off and a dead-letter
 * queue. Its tables live in the schema `events` of one database every
 * subgraph reaches (EVENTS_DATABASE_URL), installed and owned by
 * provisioning (database-roles.ts); a runtime role may only move jobs and
 * create the queues named after itself, through the owner's functions.
 */

export const EVENTS_SCHEMA = 'events';

/** What the relay publishes a subgraph's events under; consumers subscribe their queue to it. */
export const sourceTopic = (subgraph: SubgraphSchema): string => `dbwe.${subgraph}`;

/** The queue a consumer of a subgraph reads, and the one its undeliverable events end in. */
export const consumerQueue = (consumer: SubgraphSchema, name: string): string => `${consumer}.${name}`;
export const deadLetterQueue = (queue: string): string => `${queue}.dead`;

export interface DeliveryPolicy {
  /** Deliveries after the first before an event goes to the dead-letter queue. */
  retryLimit: number;
  /** The first retry's delay; each next one doubles it (with jitter). */
  retryDelaySeconds: number;
  /** A delivery not completed within this long (its consumer died) is delivered again. */
  expireInSeconds: number;
}

/** What a consumer does with a batch of delivered events; the ids it returns failed and are delivered again later. */
export type BatchHandler = (jobs: { id: string; data: unknown }[]) => Promise<{ failed: { id: string; error: Error }[] }>;

export class EventEngineNotInstalled extends Error {
  override name = 'EventEngineNotInstalled';
}

/** pg-boss on one database, through a pool the caller owns. */
export class EventEngine {
  /** This process's pg-boss workers, by queue. */
  private readonly workers = new Map<string, string[]>();

  private constructor(
    private readonly boss: PgBoss,
    private readonly pool: Pool,
    /** `busy`: statements and handlers under way; stop() lets them end, so nothing of pg-boss outlives it. */
    private readonly lifecycle: { busy: number },
  ) {}

  static async start(pool: Pool, logger: Logger, options: { maintenanceIntervalSeconds: number; where: string }): Promise<EventEngine> {
    const lifecycle = { busy: 0 };
    // pg-boss 10 marks a worked job completed or failed without awaiting the statement: while the database is away
    // that rejection would be unhandled and end the process. Such a job stays active, expires and is delivered
    // again (at least once, which every consumer and worker is built for).
    const unawaited = new Set([completeJobs(EVENTS_SCHEMA), failJobsById(EVENTS_SCHEMA)]);
    const boss = new PgBoss({
      db: {
        executeSql: async (text: string, values: unknown[]) => {
          lifecycle.busy++;
          try {
            return await pool.query(text, values);
          } catch (error) {
            if (!unawaited.has(text)) throw error;
            logger.warn({ err: error }, 'a job could not be marked done; it is delivered again once it expires');
            // What pg-boss reads of its answer: no job was changed.
            return { rows: [{ count: '0' }] };
          } finally {
            lifecycle.busy--;
          }
        },
      },
      schema: EVENTS_SCHEMA,
      // Provisioning installs and upgrades the engine's tables; a runtime role could not.
      migrate: false,
      // Expiry of deliveries whose consumer died, and archiving; pg-boss lets one process at a time do it.
      supervise: true,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds,
      schedule: false,
    });
    boss.on('error', (error: Error) => logger.warn({ err: error }, 'event engine error'));
    try {
      await boss.start();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/not installed|requires migrations|permission denied/.test(message)) {
        throw new EventEngineNotInstalled(
          `the event engine in ${options.where} is not set up (${message}): run \`npm run db:roles\` for that database (README, "Operations: database roles")`,
        );
      }
      throw error;
    }
    return new EventEngine(boss, pool, lifecycle);
  }

  /** Creates (or keeps current) a consumer's queue and its dead-letter queue, and subscribes it to the topics. */
  async ensureQueue(queue: string, policy: DeliveryPolicy, topics: readonly string[]): Promise<void> {
    const dead = deadLetterQueue(queue);
    const options = (deadLetter: string | null) => ({
      policy: 'standard',
      retryLimit: policy.retryLimit,
      retryDelay: policy.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: policy.expireInSeconds,
      // Completed deliveries are archived by pg-boss after its archive interval; a queued one is kept for 14 days.
      retentionMinutes: 14 * 24 * 60,
      deadLetter,
    });
    await this.retryingDeadlocks(() => this.pool.query(`SELECT ${EVENTS_SCHEMA}.dbwe_ensure_queue($1, $2)`, [dead, JSON.stringify(options(null))]));
    await this.retryingDeadlocks(() => this.pool.query(`SELECT ${EVENTS_SCHEMA}.dbwe_ensure_queue($1, $2)`, [queue, JSON.stringify(options(dead))]));
    for (const topic of topics) await this.retryingDeadlocks(() => this.pool.query(`SELECT ${EVENTS_SCHEMA}.dbwe_subscribe($1, $2)`, [topic, queue]));
  }

  /**
   * Creating a queue adds partitions to pg-boss's job table; two services starting at once can
   * deadlock there, and PostgreSQL then aborts one of them (40P01), which is safe to run again.
   */
  private async retryingDeadlocks<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = (error as { code?: string }).code;
        if ((code !== '40P01' && code !== '40001') || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.floor(Math.random() * 100)));
      }
    }
  }

  /**
   * Hands events to every queue subscribed to their source, in one
   * statement: all of them or, on error, none. A job's id is its event's id,
   * so publishing an event again (a relay that died before it marked it
   * published) adds nothing to a queue that still holds it. pg-boss's own
   * publish() sends to each subscriber separately and drops failures
   * (Promise.allSettled), which at-least-once cannot afford; this reads the
   * same subscription table it reads. Only signed events: consumers refuse
   * any other (signature.ts).
   */
  async publish(events: readonly SignedEvent[], topicOf: (event: SignedEvent) => string): Promise<number> {
    if (events.length === 0) return 0;
    const topics = [...new Set(events.map(topicOf))];
    const { rows } = await this.pool.query<{ event: string; name: string }>(`SELECT event, name FROM ${EVENTS_SCHEMA}.subscription WHERE event = ANY($1)`, [topics]);
    const jobs = events.flatMap((event) => rows.filter((r) => r.event === topicOf(event)).map((r) => ({ id: event.id, name: r.name, data: toStructured(event) })));
    if (jobs.length > 0) await this.boss.insert(jobs);
    return jobs.length;
  }

  /**
   * Delivers the queue's jobs to the handler, `batchSize` at a time; the ones
   * it reports failed are retried with back-off. `afterFailing` learns, for
   * each, when pg-boss will deliver it again (null: it gave up, and the job
   * went to the dead-letter queue). `concurrency` workers of this process
   * fetch and run batches side by side, each waiting only for its own.
   */
  async work(
    queue: string,
    options: { batchSize: number; pollingIntervalSeconds: number; concurrency?: number },
    handler: BatchHandler,
    afterFailing?: (retries: { id: string; nextAttemptAt: Date | null }[]) => Promise<void>,
  ): Promise<void> {
    const ids: string[] = [];
    for (let i = 0; i < (options.concurrency ?? 1); i++) {
      ids.push(
        await this.boss.work<unknown>(queue, { batchSize: options.batchSize, pollingIntervalSeconds: options.pollingIntervalSeconds }, async (jobs) => {
          this.lifecycle.busy++;
          try {
            await this.handle(queue, jobs, handler, afterFailing);
          } finally {
            this.lifecycle.busy--;
          }
        }),
      );
    }
    this.workers.set(queue, [...(this.workers.get(queue) ?? []), ...ids]);
  }

  private async handle(
    queue: string,
    jobs: { id: string; data: unknown }[],
    handler: BatchHandler,
    afterFailing?: (retries: { id: string; nextAttemptAt: Date | null }[]) => Promise<void>,
  ): Promise<void> {
    const { failed } = await handler(jobs.map((j) => ({ id: j.id, data: j.data })));
    // pg-boss completes the batch after this returns; jobs failed first are no longer active and stay failed.
    for (const { id, error } of failed) await this.boss.fail(queue, id, { message: error.message });
    if (afterFailing && failed.length > 0) {
      const { rows } = await this.pool.query<{ id: string; state: string; start_after: Date }>(
        `SELECT id, state, start_after FROM ${EVENTS_SCHEMA}.job WHERE name = $1 AND id = ANY($2::uuid[])`,
        [queue, failed.map((f) => f.id)],
      );
      await afterFailing(rows.map((r) => ({ id: r.id, nextAttemptAt: r.state === 'retry' ? r.start_after : null })));
    }
  }

  /**
   * Adds jobs to one of this subgraph's own queues (work a worker hands on).
   * A job's id is the caller's: sending one again while the queue holds it
   * adds nothing. This process's workers of the queue are woken, so the
   * jobs do not wait for their next poll.
   */
  async send(queue: string, jobs: readonly { id: string; data: unknown }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.boss.insert(jobs.map((j) => ({ id: j.id, name: queue, data: j.data as object })));
    for (const id of this.workers.get(queue) ?? []) this.boss.notifyWorker(id);
  }

  /** Stops fetching, lets deliveries in hand finish (up to the timeout), and stops maintenance. */
  async stop(timeoutMs = 10_000): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: false });
    // pg-boss's workers end their loops once what they were doing ends; its own clean-up looks once a second
    // whether they have. Waiting for them here (bounded) keeps that from outliving the process's use of it.
    // The caller ends the pool next: a handler that reported its job after that would fail on an ended pool.
    for (const until = Date.now() + timeoutMs; this.lifecycle.busy > 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setImmediate(r));
  }
}
