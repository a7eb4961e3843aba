import { randomUUID } from 'node:crypto';
import type { DatabasePrivileges } from '../database-privileges';
import { identifier, type SubgraphSchema } from '../database-roles';
import { checkEventName, eventSource, eventType, toCloudEvent, type DomainEvent } from './envelope';

/*
 * The transactional outbox: a subgraph records what happened in its own
 * schema, in the transaction that makes the change, so an event exists if
 * and only if the change committed. The relay (relay.ts) hands committed rows
 * to the delivery engine afterwards.
 *
 * The gapless per-neighbourhood sequence is a counter row, not a PostgreSQL
 * SEQUENCE: a rolled-back transaction takes its number back with it. The row
 * lock it takes orders the event-recording transactions of one neighbourhood
 * of one subgraph, which is what "the order a consumer applies them in"
 * means. A trigger that runs as the schema's owner assigns it, so the
 * runtime role only ever inserts events (the ledger's role may do no more),
 * and marks them published through a function that also runs as the owner.
 */

/** Anything that runs SQL inside the caller's transaction: a TypeORM EntityManager or QueryRunner, a pg client. */
export interface SqlRunner {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** The statements of the migration that adds the outbox to a subgraph's schema. */
export function outboxMigrationStatements(subgraph: SubgraphSchema): string[] {
  const s = identifier(subgraph);
  return [
    `CREATE TABLE ${s}.event_sequence (
       neighbourhood_id uuid PRIMARY KEY,
       last_sequence bigint NOT NULL CONSTRAINT event_sequence_positive CHECK (last_sequence > 0)
     )`,
    `CREATE TABLE ${s}.event_outbox (
       id uuid PRIMARY KEY,
       position bigint GENERATED ALWAYS AS IDENTITY,
       neighbourhood_id uuid NOT NULL,
       sequence bigint NOT NULL,
       type text NOT NULL,
       subject text NOT NULL,
       time timestamptz NOT NULL,
       data jsonb NOT NULL,
       published_at timestamptz,
       CONSTRAINT event_outbox_sequence_unique UNIQUE (neighbourhood_id, sequence),
       CONSTRAINT event_outbox_data_object CHECK (jsonb_typeof(data) = 'object')
     )`,
    // The relay reads only what it has not published yet.
    `CREATE INDEX event_outbox_unpublished ON ${s}.event_outbox (position) WHERE published_at IS NULL`,
    `CREATE FUNCTION ${s}.assign_event_sequence() RETURNS trigger LANGUAGE plpgsql
       SECURITY DEFINER SET search_path = ${s}, pg_temp AS $$
     BEGIN
       INSERT INTO ${s}.event_sequence AS c (neighbourhood_id, last_sequence) VALUES (NEW.neighbourhood_id, 1)
         ON CONFLICT (neighbourhood_id) DO UPDATE SET last_sequence = c.last_sequence + 1
         RETURNING c.last_sequence INTO NEW.sequence;
       NEW.published_at := NULL;
       RETURN NEW;
     END $$`,
    `CREATE TRIGGER event_outbox_sequence BEFORE INSERT ON ${s}.event_outbox FOR EACH ROW EXECUTE FUNCTION ${s}.assign_event_sequence()`,
    // Recorded events are facts: nobody rewrites them, the owner included (short of dropping the trigger).
    `CREATE FUNCTION ${s}.event_outbox_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'recorded events are not deleted' USING ERRCODE = '55000'; END IF;
       IF (NEW.id, NEW.neighbourhood_id, NEW.sequence, NEW.type, NEW.subject, NEW.time, NEW.data)
          IS DISTINCT FROM (OLD.id, OLD.neighbourhood_id, OLD.sequence, OLD.type, OLD.subject, OLD.time, OLD.data) THEN
         RAISE EXCEPTION 'recorded events are not changed; only published_at is set' USING ERRCODE = '55000';
       END IF;
       RETURN NEW;
     END $$`,
    `CREATE TRIGGER event_outbox_immutable BEFORE UPDATE OR DELETE ON ${s}.event_outbox FOR EACH ROW EXECUTE FUNCTION ${s}.event_outbox_immutable()`,
    `CREATE FUNCTION ${s}.mark_events_published(ids uuid[]) RETURNS integer LANGUAGE sql
       SECURITY DEFINER SET search_path = ${s}, pg_temp AS $$
       WITH marked AS (UPDATE ${s}.event_outbox SET published_at = now() WHERE id = ANY(ids) AND published_at IS NULL RETURNING 1)
       SELECT count(*)::integer FROM marked
     $$`,
  ];
}

export function outboxRollbackStatements(subgraph: SubgraphSchema): string[] {
  const s = identifier(subgraph);
  return [
    `DROP TABLE ${s}.event_outbox`,
    `DROP TABLE ${s}.event_sequence`,
    `DROP FUNCTION ${s}.assign_event_sequence()`,
    `DROP FUNCTION ${s}.event_outbox_immutable()`,
    `DROP FUNCTION ${s}.mark_events_published(uuid[])`,
  ];
}

/** What every subgraph's runtime role may do to its outbox; spread into the module's declaration. */
export const outboxPrivileges = {
  tables: {
    event_outbox: ['SELECT', 'INSERT'],
    // Written by the trigger, as the owner; the service may read how far each neighbourhood got.
    event_sequence: ['SELECT'],
  },
  functions: ['mark_events_published(uuid[])'],
} as const satisfies DatabasePrivileges;

/** Records a subgraph's domain events in the transaction of the change. */
export interface EventRecorder {
  /** False when EVENTS_RECORDING=false (benchmark comparisons only): record() then writes nothing. */
  readonly recording: boolean;
  /** Adds the events to the outbox through `tx`; they exist once, and only if, the transaction commits. */
  record(tx: SqlRunner, ...events: DomainEvent[]): Promise<void>;
}

/**
 * The recorder of one subgraph. It refuses a name the module did not
 * declare (a programming error, so the change fails rather than travel
 * unannounced) and an envelope the cloudevents package finds invalid.
 */
export function createRecorder(subgraph: SubgraphSchema, emits: readonly string[], recording: boolean): EventRecorder {
  const declared = new Set(emits.map(checkEventName));
  const s = identifier(subgraph);
  const source = eventSource(subgraph);
  // No NOTIFY for the relay: PostgreSQL serialises the commits of every notifying transaction of the
  // cluster on one lock, which writers of different neighbourhoods would queue behind. The relay polls.
  const insert = `INSERT INTO ${s}.event_outbox (id, neighbourhood_id, sequence, type, subject, time, data)
      SELECT id, neighbourhood_id, 0, type, subject, time, data
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
             AS e(id, neighbourhood_id, type, subject, time, data)`;
  return {
    recording,
    async record(tx, ...events) {
      if (!recording || events.length === 0) return;
      const time = new Date().toISOString();
      // One neighbourhood's counter row after another, always in the same order, so two writers cannot deadlock on them.
      const rows = [...events]
        .sort((a, b) => (a.neighbourhoodId < b.neighbourhoodId ? -1 : a.neighbourhoodId > b.neighbourhoodId ? 1 : 0))
        .map((event) => {
          if (!declared.has(event.name)) throw new Error(`${subgraph} records "${event.name}", which its module does not declare in events.emits`);
          const stored = { id: randomUUID(), source, type: eventType(subgraph, event.name), subject: event.subject, time, neighbourhoodId: event.neighbourhoodId, sequence: 1, data: event.data };
          // The sequence is the database's to assign; the envelope is checked now, with a stand-in.
          toCloudEvent(stored);
          return stored;
        });
      await tx.query(insert, [
        rows.map((r) => r.id),
        rows.map((r) => r.neighbourhoodId),
        rows.map((r) => r.type),
        rows.map((r) => r.subject),
        rows.map((r) => r.time),
        rows.map((r) => JSON.stringify(r.data)),
      ]);
    },
  };
}

/** A recorder that records nothing, for code paths that build a server without events (the posting-rate bench). */
export const notRecording: EventRecorder = { recording: false, record: async () => undefined };
