import type { Pool, PoolClient } from 'pg';
import pino, { type Logger } from 'pino';
import type { DatabasePrivileges } from '../database-privileges';
import { identifier, type SubgraphSchema } from '../database-roles';
import { eventSource, InvalidEvent, type StoredEvent } from './envelope';
import type { SqlRunner } from './outbox';
import type { BatchHandler } from './engine';
import { EventSignatureRefused, parseSigned, type SourceKeys } from './signature';

/*
 * The consuming side. Delivery is at least once and in no particular order
 * (retries, several workers, a relay that published twice), so a consumer
 * keeps, in its own schema and in the transaction of the effect:
 *
 * - an inbox of the event ids it applied (a second delivery is a duplicate,
 *   counted and dropped);
 * - per source and neighbourhood, the sequence it applied up to (locked for
 *   the transaction, so one neighbourhood's events are applied one at a time);
 * - events that arrived before their predecessors, parked until the gap fills.
 *
 * So each event takes effect once, and a neighbourhood's events take effect
 * in the order they were recorded, whatever order they arrive in. A consumer
 * that was down finds its queue where it left it and catches up.
 *
 * Only events their source signed get that far (signature.ts): the batch
 * handler checks each delivery's signature before it looks at the cursor, so
 * a job anyone else wrote into the engine is refused without being applied,
 * parked or counted, and cannot take a real event's place in the stream.
 */

/** Applies one event's effect through `tx`, inside the transaction that records it as applied; `logger` is for what it skips without failing the event. */
export type EventHandler = (tx: SqlRunner, event: StoredEvent, logger: Logger) => Promise<void>;

/** One consumer of one subgraph: which source it follows and what it does with the event types it cares about. */
export interface EventConsumer {
  /** Short and unique within the consuming subgraph; names its queue (`<subgraph>.<name>`). */
  name: string;
  /** The subgraph whose events it follows: all of them arrive, in order; those without a handler only move the cursor. */
  source: SubgraphSchema;
  /** Handlers by full CloudEvents type, e.g. `nl.dbwe.projects.wish.adopted`. */
  handlers: Readonly<Record<string, EventHandler>>;
  /** Applied to every event of the source, after the type's handler (a replica of the whole stream, say). */
  everyEvent?: EventHandler;
}

/** The statements of the migration that gives a consuming subgraph its inbox. */
export function inboxMigrationStatements(subgraph: SubgraphSchema): string[] {
  const s = identifier(subgraph);
  return [
    `CREATE TABLE ${s}.event_inbox (
       consumer text NOT NULL,
       event_id uuid NOT NULL,
       source text NOT NULL,
       neighbourhood_id uuid NOT NULL,
       sequence bigint NOT NULL,
       type text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now(),
       -- Deliveries of this event after the one that applied it, dropped.
       duplicates integer NOT NULL DEFAULT 0,
       CONSTRAINT event_inbox_pkey PRIMARY KEY (consumer, event_id),
       CONSTRAINT event_inbox_sequence_once UNIQUE (consumer, source, neighbourhood_id, sequence)
     )`,
    `CREATE TABLE ${s}.event_cursor (
       consumer text NOT NULL,
       source text NOT NULL,
       neighbourhood_id uuid NOT NULL,
       applied_sequence bigint NOT NULL DEFAULT 0,
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT event_cursor_pkey PRIMARY KEY (consumer, source, neighbourhood_id)
     )`,
    `CREATE TABLE ${s}.event_pending (
       consumer text NOT NULL,
       source text NOT NULL,
       neighbourhood_id uuid NOT NULL,
       sequence bigint NOT NULL,
       event jsonb NOT NULL,
       received_at timestamptz NOT NULL DEFAULT now(),
       duplicates integer NOT NULL DEFAULT 0,
       CONSTRAINT event_pending_pkey PRIMARY KEY (consumer, source, neighbourhood_id, sequence)
     )`,
  ];
}

export function inboxRollbackStatements(subgraph: SubgraphSchema): string[] {
  const s = identifier(subgraph);
  return [`DROP TABLE ${s}.event_pending`, `DROP TABLE ${s}.event_cursor`, `DROP TABLE ${s}.event_inbox`];
}

/** What a consuming subgraph's runtime role may do to its inbox; spread into the module's declaration. */
export const inboxPrivileges = {
  tables: {
    event_inbox: ['SELECT', 'INSERT', { UPDATE: ['duplicates'] }],
    // SELECT … FOR UPDATE of the cursor needs UPDATE, which the cursor's own columns are.
    event_cursor: ['SELECT', 'INSERT', { UPDATE: ['applied_sequence', 'updated_at'] }],
    event_pending: ['SELECT', 'INSERT', 'DELETE', { UPDATE: ['duplicates'] }],
  },
} as const satisfies DatabasePrivileges;

export type Applied = 'applied' | 'duplicate' | 'parked';

const quiet = pino({ level: 'silent' });

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Takes one delivered event: applies it (and any parked successors it lets
 * through) when it is the next of its neighbourhood, parks it when it is
 * early, counts it as a duplicate when it was applied before. All in one
 * transaction on the consumer's own database.
 */
export async function receiveEvent(pool: Pool, subgraph: SubgraphSchema, consumer: EventConsumer, event: StoredEvent, logger: Logger = quiet): Promise<Applied> {
  if (event.source !== eventSource(consumer.source)) throw new InvalidEvent(`event ${event.id} comes from ${event.source}, not from ${eventSource(consumer.source)}`);
  const s = identifier(subgraph);
  const key = [consumer.name, event.source, event.neighbourhoodId];
  return inTransaction(pool, async (tx) => {
    await tx.query(`INSERT INTO ${s}.event_cursor (consumer, source, neighbourhood_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, key);
    const { rows } = await tx.query<{ applied: string }>(
      `SELECT applied_sequence AS applied FROM ${s}.event_cursor WHERE consumer = $1 AND source = $2 AND neighbourhood_id = $3 FOR UPDATE`,
      key,
    );
    const applied = Number(rows[0].applied);
    if (event.sequence <= applied) {
      const counted = await tx.query(`UPDATE ${s}.event_inbox SET duplicates = duplicates + 1 WHERE consumer = $1 AND event_id = $2`, [consumer.name, event.id]);
      // The same position with another id would be two events claiming one place in the stream: not ours to drop silently.
      if (counted.rowCount === 0) throw new InvalidEvent(`event ${event.id} claims position ${event.sequence} of ${event.source} ${event.neighbourhoodId}, applied before under another id`);
      return 'duplicate';
    }
    if (event.sequence > applied + 1) {
      await tx.query(
        `INSERT INTO ${s}.event_pending AS p (consumer, source, neighbourhood_id, sequence, event) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ON CONSTRAINT event_pending_pkey DO UPDATE SET duplicates = p.duplicates + 1`,
        [...key, event.sequence, JSON.stringify(event)],
      );
      return 'parked';
    }
    let next: StoredEvent | null = event;
    let duplicates = 0;
    let position = applied;
    while (next) {
      const handler = consumer.handlers[next.type];
      if (handler) await handler(tx, next, logger);
      if (consumer.everyEvent) await consumer.everyEvent(tx, next, logger);
      await tx.query(
        `INSERT INTO ${s}.event_inbox (consumer, event_id, source, neighbourhood_id, sequence, type, duplicates) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [consumer.name, next.id, next.source, next.neighbourhoodId, next.sequence, next.type, duplicates],
      );
      position = next.sequence;
      const parked = await tx.query<{ event: StoredEvent; duplicates: number }>(
        `DELETE FROM ${s}.event_pending WHERE consumer = $1 AND source = $2 AND neighbourhood_id = $3 AND sequence = $4 RETURNING event, duplicates`,
        [...key, position + 1],
      );
      next = parked.rows[0]?.event ?? null;
      duplicates = parked.rows[0]?.duplicates ?? 0;
    }
    await tx.query(`UPDATE ${s}.event_cursor SET applied_sequence = $4, updated_at = now() WHERE consumer = $1 AND source = $2 AND neighbourhood_id = $3`, [...key, position]);
    return 'applied';
  });
}

/** Logs why deliveries were refused; the refused events themselves are retried, then dead-lettered, never applied. */
export function logRefused(logger: Logger, failed: readonly { id: string; error: Error }[], queue: string): void {
  for (const { id, error } of failed) {
    if (error instanceof EventSignatureRefused) logger.error({ err: error, jobId: id, queue }, 'event refused: its source did not sign it');
    else if (error instanceof InvalidEvent) logger.error({ err: error, jobId: id, queue }, 'undeliverable event');
  }
}

/**
 * The batch handler a consumer's queue runs: events in neighbourhood and
 * sequence order (fewer parked), each in its own transaction; an event that
 * is not one of ours, not signed by its source, or whose effect failed, is
 * reported failed and comes back later, then goes to the dead-letter queue.
 */
export function consumerBatchHandler(
  pool: Pool,
  subgraph: SubgraphSchema,
  consumer: EventConsumer,
  keys: SourceKeys,
  logger: Logger,
  onApplied?: (outcome: Applied, event: StoredEvent) => void,
): BatchHandler {
  return async (jobs) => {
    const failed: { id: string; error: Error }[] = [];
    const parsed: { id: string; event: StoredEvent }[] = [];
    for (const job of jobs) {
      try {
        parsed.push({ id: job.id, event: parseSigned(job.data, keys) });
      } catch (error) {
        failed.push({ id: job.id, error: error as Error });
      }
    }
    parsed.sort((a, b) => (a.event.neighbourhoodId < b.event.neighbourhoodId ? -1 : a.event.neighbourhoodId > b.event.neighbourhoodId ? 1 : a.event.sequence - b.event.sequence));
    for (const { id, event } of parsed) {
      try {
        const outcome = await receiveEvent(pool, subgraph, consumer, event, logger);
        onApplied?.(outcome, event);
      } catch (error) {
        logger.warn({ err: error, eventId: event.id, type: event.type, consumer: consumer.name }, 'event not applied; it will be delivered again');
        failed.push({ id, error: error as Error });
      }
    }
    logRefused(logger, failed, consumer.name);
    return { failed };
  };
}
