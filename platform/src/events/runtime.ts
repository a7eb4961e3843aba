import { Pool } from 'pg';
import type { Logger } from 'pino';
import { ConfigError, setting } from '../config';
import type { SubgraphSchema } from '../database-roles';
import type { SigningKey } from '../ed25519';
import { consumerBatchHandler, logRefused, type Applied, type EventConsumer } from './consumer';
import { consumerQueue, EventEngine, sourceTopic, type BatchHandler, type DeliveryPolicy } from './engine';
import type { StoredEvent } from './envelope';
import { createRecorder, type EventRecorder } from './outbox';
import { startRelay, type Relay } from './relay';
import { parseSigned, type SignedEvent, type SourceKeys } from './signature';

/**
 * Work done for every event of some sources, at least once and in no
 * particular order, with pg-boss's retries (webhook deliveries): a queue of
 * its own (`<subgraph>.<name>`) subscribed to the sources. Unlike a consumer
 * it keeps no inbox and applies nothing in order; the handler makes a
 * second delivery harmless itself. It sees only events their source signed:
 * the runtime refuses the others before the handler is called.
 *
 * A worker with no sources works only what the subgraph's other workers
 * `send` it: one job per piece of work an event fans out into (a webhook
 * delivery per subscription), each with its own retries and back-off.
 */
export interface EventWorker<TServices = unknown> {
  name: string;
  /** The sources whose events it is given; none for a queue that only the subgraph's workers fill, through `send`. */
  sources: readonly SubgraphSchema[];
  /** Its retries, from the subgraph's own settings; what it does not say comes from the EVENTS_* settings. */
  policy?(services: TServices): Partial<DeliveryPolicy>;
  /**
   * How many jobs this process works at once, each fetched alone by a worker
   * of its own, so one slow job holds up one slot only. Without it, one
   * worker fetches EVENTS_CONSUMER_BATCH_SIZE jobs at a time.
   */
  concurrency?(services: TServices): number;
  /** Builds the handler, once the subgraph's services run; `pool` is the subgraph's own database as its runtime role. */
  start(context: { pool: Pool; services: TServices; logger: Logger; send: WorkerSend }): {
    /**
     * Receives a batch; the ids it returns failed and are delivered again later. For a worker with
     * sources each job's `event` is the event its source signed (the others never reach it); for one
     * without, `event` is null and `data` is what a worker of the subgraph sent.
     */
    handler(jobs: WorkerJob[]): Promise<{ failed: { id: string; error: Error }[] }>;
    /** Learns when pg-boss will try the failed events again (null: never). */
    afterFailing?(retries: { id: string; nextAttemptAt: Date | null }[]): Promise<void>;
  };
}

/** A job as a worker's handler gets it (EventWorker.start). */
export interface WorkerJob {
  id: string;
  data: unknown;
  event: SignedEvent | null;
}

/** Adds jobs to the queue of one of the subgraph's workers (by its name); a job sent again while the queue holds it is not added twice. */
export type WorkerSend = (worker: string, jobs: readonly { id: string; data: unknown }[]) => Promise<void>;

/** What a subgraph module says about its events: the names it records, and what it consumes from whom. */
export interface EventsDeclaration<TServices = unknown> {
  /** Event names (`wish.adopted`) it records; their CloudEvents type is `nl.dbwe.<subgraph>.<name>`. */
  emits: readonly string[];
  consumes?: readonly EventConsumer[];
  workers?: readonly EventWorker<TServices>[];
}

/** The settings of a subgraph's events (README, "Configuration"). */
export const eventSettings = {
  EVENTS_RECORDING: setting.boolean(true),
  EVENTS_RECORDING_OFF_ALLOWED: setting.boolean(false),
  EVENTS_DELIVERY: setting.boolean(true),
  EVENTS_DATABASE_URL: setting.optionalUrl(),
  EVENTS_RELAY_INTERVAL_MS: setting.integer(200, { min: 10, max: 60_000 }),
  EVENTS_RELAY_BATCH_SIZE: setting.integer(500, { min: 1, max: 10_000 }),
  EVENTS_CONSUMER_BATCH_SIZE: setting.integer(50, { min: 1, max: 1000 }),
  EVENTS_CONSUMER_POLL_MS: setting.integer(1000, { min: 500, max: 60_000 }),
  EVENTS_RETRY_LIMIT: setting.integer(10, { min: 0, max: 100 }),
  EVENTS_RETRY_DELAY_SECONDS: setting.integer(2, { min: 1, max: 3600 }),
  EVENTS_DELIVERY_TIMEOUT_SECONDS: setting.integer(60, { min: 1, max: 3600 }),
  EVENTS_MAINTENANCE_INTERVAL_SECONDS: setting.integer(30, { min: 1, max: 3600 }),
} as const;

export interface EventSettings {
  EVENTS_RECORDING: boolean;
  EVENTS_RECORDING_OFF_ALLOWED: boolean;
  EVENTS_DELIVERY: boolean;
  EVENTS_DATABASE_URL: string | undefined;
  EVENTS_RELAY_INTERVAL_MS: number;
  EVENTS_RELAY_BATCH_SIZE: number;
  EVENTS_CONSUMER_BATCH_SIZE: number;
  EVENTS_CONSUMER_POLL_MS: number;
  EVENTS_RETRY_LIMIT: number;
  EVENTS_RETRY_DELAY_SECONDS: number;
  EVENTS_DELIVERY_TIMEOUT_SECONDS: number;
  EVENTS_MAINTENANCE_INTERVAL_SECONDS: number;
}

/** The values the test harness runs with: quick to deliver again after a kill, quick to retry. */
export const eventTestEnv: Record<string, string> = {
  EVENTS_RELAY_INTERVAL_MS: '100',
  EVENTS_CONSUMER_POLL_MS: '500',
  EVENTS_RETRY_DELAY_SECONDS: '1',
  EVENTS_DELIVERY_TIMEOUT_SECONDS: '5',
  EVENTS_MAINTENANCE_INTERVAL_SECONDS: '2',
};

/**
 * Recording off loses every change consumers, caches, webhooks and the BI
 * feed rely on, for good: it exists to measure what recording costs, and
 * production refuses it unless told otherwise.
 */
export function checkEventSettings(config: EventSettings & { NODE_ENV: string }): void {
  if (!config.EVENTS_RECORDING && config.NODE_ENV === 'production' && !config.EVENTS_RECORDING_OFF_ALLOWED) {
    throw new ConfigError(
      'EVENTS_RECORDING=false records no domain events, so consumers, webhooks and the event feed miss every change made meanwhile; ' +
        'it is for benchmark comparisons and refused with NODE_ENV=production unless EVENTS_RECORDING_OFF_ALLOWED=true',
    );
  }
}

export interface RunningEvents {
  recorder: EventRecorder;
  stop(): Promise<void>;
}

/** The keys of a subgraph's events: its own, which its relay signs with, and its sources' public ones, which its consumers check. */
export interface EventKeys {
  /** SERVICE_ASSERTION_PRIVATE_KEY. */
  own: SigningKey | undefined;
  /** <SOURCE>_SERVICE_PUBLIC_KEY of each source. */
  sources: SourceKeys;
}

/**
 * A subgraph that relays events must sign them, and one that follows a
 * source must be able to check that source's signatures: without the key,
 * it would refuse every event, so it does not start.
 */
export function checkEventKeys<TServices>(subgraph: SubgraphSchema, declaration: EventsDeclaration<TServices> | undefined, settings: Pick<EventSettings, 'EVENTS_DELIVERY'>, keys: EventKeys): void {
  if (!settings.EVENTS_DELIVERY || !declaration) return;
  if (declaration.emits.length > 0 && !keys.own) {
    throw new ConfigError(`SERVICE_ASSERTION_PRIVATE_KEY is required: ${subgraph} signs the events it relays with it, and consumers refuse unsigned ones (npm start makes one per subgraph)`);
  }
  const followed = new Set([...(declaration.consumes ?? []).map((c) => c.source), ...(declaration.workers ?? []).flatMap((w) => w.sources)]);
  const missing = [...followed].filter((source) => !keys.sources[source]).map((source) => `${source.toUpperCase()}_SERVICE_PUBLIC_KEY`);
  if (missing.length > 0) {
    throw new ConfigError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required: ${subgraph} follows that source's events and applies only those it signed (npm start passes them)`);
  }
}

export interface StartEventsOptions<TServices = unknown> {
  subgraph: SubgraphSchema;
  declaration: EventsDeclaration<TServices> | undefined;
  /** The subgraph's running services, for its workers. */
  services?: TServices;
  settings: EventSettings;
  /** The subgraph's own database as its runtime role: its outbox and inbox. */
  ownUrl: string;
  keys: EventKeys;
  logger: Logger;
  /** Seen by tests: what became of each delivered event. */
  onApplied?: (outcome: Applied, event: StoredEvent) => void;
}

/** A worker's handler behind the signature check: the jobs whose source did not sign them fail without reaching it. */
function signedOnly(handler: ReturnType<EventWorker['start']>['handler'], keys: SourceKeys, logger: Logger, queue: string): BatchHandler {
  return async (jobs) => {
    const refused: { id: string; error: Error }[] = [];
    const signed: WorkerJob[] = [];
    for (const job of jobs) {
      try {
        signed.push({ ...job, event: parseSigned(job.data, keys) });
      } catch (error) {
        refused.push({ id: job.id, error: error as Error });
      }
    }
    logRefused(logger, refused, queue);
    const { failed } = signed.length > 0 ? await handler(signed) : { failed: [] };
    return { failed: [...refused, ...failed] };
  };
}

function where(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/**
 * A subgraph's events for as long as it runs: the recorder its resolvers
 * use, and (unless EVENTS_DELIVERY=false) its consumers' queues and workers
 * and its relay. Started after migrations, stopped before the database closes.
 */
export async function startEvents<TServices>(options: StartEventsOptions<TServices>): Promise<RunningEvents> {
  const { subgraph, declaration, settings, logger, keys } = options;
  checkEventKeys(subgraph, declaration, settings, keys);
  const recorder = createRecorder(subgraph, declaration?.emits ?? [], settings.EVENTS_RECORDING);
  if (!settings.EVENTS_RECORDING) logger.warn('EVENTS_RECORDING=false: this subgraph records no domain events');
  const emits = (declaration?.emits.length ?? 0) > 0;
  const consumers = declaration?.consumes ?? [];
  const workers = declaration?.workers ?? [];
  if (!settings.EVENTS_DELIVERY || (!emits && consumers.length === 0 && workers.length === 0)) return { recorder, stop: async () => undefined };

  const pools: Pool[] = [];
  const pool = (url: string, name: string) => {
    // Two: relay, consumer transactions and pg-boss's fetches and maintenance take turns; connections are the database's scarcest resource.
    const created = new Pool({ connectionString: url, max: 2, idleTimeoutMillis: 10_000, application_name: `dbwe-${subgraph}-${name}` });
    created.on('error', (error) => logger.warn({ err: error }, 'event connection lost'));
    // A connection checked out but idle between a transaction's statements has no error listener in pg: a database
    // restart would crash the process (database.ts, guardPoolClients). The pool drops the broken connection itself.
    created.on('connect', (client) => client.on('error', (error) => logger.warn({ err: error }, 'event connection lost')));
    pools.push(created);
    return created;
  };
  const own = pool(options.ownUrl, 'events');
  const engineUrl = settings.EVENTS_DATABASE_URL ?? options.ownUrl;
  const enginePool = settings.EVENTS_DATABASE_URL ? pool(engineUrl, 'event-engine') : own;
  let engine: EventEngine;
  try {
    engine = await EventEngine.start(enginePool, logger, { maintenanceIntervalSeconds: settings.EVENTS_MAINTENANCE_INTERVAL_SECONDS, where: where(engineUrl) });
    // Queues first: whatever this process relays finds its own consumers subscribed.
    for (const consumer of consumers) {
      const queue = consumerQueue(subgraph, consumer.name);
      await engine.ensureQueue(
        queue,
        { retryLimit: settings.EVENTS_RETRY_LIMIT, retryDelaySeconds: settings.EVENTS_RETRY_DELAY_SECONDS, expireInSeconds: settings.EVENTS_DELIVERY_TIMEOUT_SECONDS },
        [sourceTopic(consumer.source)],
      );
      await engine.work(
        queue,
        { batchSize: settings.EVENTS_CONSUMER_BATCH_SIZE, pollingIntervalSeconds: settings.EVENTS_CONSUMER_POLL_MS / 1000 },
        consumerBatchHandler(own, subgraph, consumer, keys.sources, logger, options.onApplied),
      );
    }
    // Every worker's queue before any worker runs: a worker may send to another's.
    const queueOf = new Map(workers.map((w) => [w.name, consumerQueue(subgraph, w.name)]));
    for (const worker of workers) {
      const policy = { retryLimit: settings.EVENTS_RETRY_LIMIT, retryDelaySeconds: settings.EVENTS_RETRY_DELAY_SECONDS, expireInSeconds: settings.EVENTS_DELIVERY_TIMEOUT_SECONDS };
      await engine.ensureQueue(queueOf.get(worker.name)!, { ...policy, ...worker.policy?.(options.services as TServices) }, worker.sources.map(sourceTopic));
    }
    const running = engine;
    const send: WorkerSend = async (name, jobs) => {
      const queue = queueOf.get(name);
      if (!queue) throw new Error(`${subgraph} has no event worker named ${name}`);
      await running.send(queue, jobs);
    };
    for (const worker of workers) {
      const started = worker.start({ pool: own, services: options.services as TServices, logger, send });
      const concurrency = worker.concurrency?.(options.services as TServices);
      await engine.work(
        queueOf.get(worker.name)!,
        concurrency === undefined
          ? { batchSize: settings.EVENTS_CONSUMER_BATCH_SIZE, pollingIntervalSeconds: settings.EVENTS_CONSUMER_POLL_MS / 1000 }
          : { batchSize: 1, pollingIntervalSeconds: settings.EVENTS_CONSUMER_POLL_MS / 1000, concurrency },
        worker.sources.length > 0
          ? signedOnly(started.handler.bind(started), keys.sources, logger, queueOf.get(worker.name)!)
          : (jobs) => started.handler(jobs.map((job) => ({ ...job, event: null }))),
        started.afterFailing?.bind(started),
      );
    }
  } catch (error) {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    throw error;
  }
  const relay: Relay | null = emits
    ? startRelay({
        subgraph,
        outboxUrl: options.ownUrl,
        pool: own,
        engine,
        // checkEventKeys made sure an emitting subgraph has its key.
        signingKey: keys.own!,
        logger,
        intervalMs: settings.EVENTS_RELAY_INTERVAL_MS,
        batchSize: settings.EVENTS_RELAY_BATCH_SIZE,
      })
    : null;
  return {
    recorder,
    async stop() {
      await relay?.stop();
      await engine.stop(Math.min(10_000, settings.EVENTS_DELIVERY_TIMEOUT_SECONDS * 1000));
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    },
  };
}
