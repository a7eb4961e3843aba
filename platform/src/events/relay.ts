import { Client, type Pool } from 'pg';
import type { Logger } from 'pino';
import { identifier, type SubgraphSchema } from '../database-roles';
import type { SigningKey } from '../ed25519';
import { eventSource, type EventData } from './envelope';
import { sourceTopic, type EventEngine } from './engine';
import { signEvent, type SignedEvent } from './signature';

/*
 * The relay moves committed outbox rows to the engine. Of several replicas
 * of a subgraph only one relays at a time: the one holding a session
 * advisory lock on its own connection, which PostgreSQL releases when that
 * connection ends (a replica killed with -9 included), so another takes
 * over. The active relay publishes, then marks the rows published; if it
 * dies in between they are published again, and the engine keeps one job
 * per event id (engine.ts), so nothing is delivered twice beyond what
 * at-least-once allows. It polls (a NOTIFY on every recording commit would
 * serialise writers, see outbox.ts), so a busy subgraph publishes in batches.
 * It signs every event with the subgraph's own key as it hands it over
 * (signature.ts): consumers apply nothing their source did not sign.
 */

export interface RelayOptions {
  subgraph: SubgraphSchema;
  /** The subgraph's own database (its outbox), as its runtime role. */
  outboxUrl: string;
  /** Connections for reading the outbox. */
  pool: Pool;
  engine: EventEngine;
  /** The subgraph's own key (SERVICE_ASSERTION_PRIVATE_KEY): its events are signed with it. */
  signingKey: SigningKey;
  logger: Logger;
  intervalMs: number;
  batchSize: number;
}

export interface Relay {
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  neighbourhood_id: string;
  sequence: string;
  type: string;
  subject: string;
  time: Date;
  data: EventData;
}

export function startRelay(options: RelayOptions): Relay {
  const { subgraph, pool, engine, logger } = options;
  const s = identifier(subgraph);
  const source = eventSource(subgraph);
  const topic = sourceTopic(subgraph);
  let stopped = false;
  let wake: (() => void) | null = null;
  let lockHolder: Client | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  /** Publishes what is unpublished, a batch at a time; returns how many events it published. */
  async function drain(): Promise<number> {
    let total = 0;
    while (!stopped) {
      const { rows } = await pool.query<OutboxRow>(
        `SELECT id, neighbourhood_id, sequence, type, subject, time, data FROM ${s}.event_outbox
          WHERE published_at IS NULL ORDER BY position LIMIT $1`,
        [options.batchSize],
      );
      if (rows.length === 0) return total;
      const events: SignedEvent[] = rows.map((r) =>
        signEvent(
          {
            id: r.id,
            source,
            type: r.type,
            subject: r.subject,
            time: r.time.toISOString(),
            neighbourhoodId: r.neighbourhood_id,
            sequence: Number(r.sequence),
            data: r.data,
          },
          options.signingKey,
        ),
      );
      await engine.publish(events, () => topic);
      await pool.query(`SELECT ${s}.mark_events_published($1::uuid[])`, [events.map((e) => e.id)]);
      total += events.length;
      if (rows.length < options.batchSize) return total;
    }
    return total;
  }

  /** Connects and tries for the relay lock; true when this replica is the active relay. */
  async function becomeActive(): Promise<boolean> {
    if (!lockHolder) {
      const client = new Client({ connectionString: options.outboxUrl, application_name: `dbwe-${subgraph}-relay` });
      client.on('error', (error) => logger.warn({ err: error }, 'event relay connection lost'));
      client.on('end', () => {
        if (lockHolder === client) lockHolder = null;
      });
      await client.connect();
      lockHolder = client;
    }
    const { rows } = await lockHolder.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [`dbwe:event-relay:${subgraph}`]);
    return rows[0].locked;
  }

  const running = (async () => {
    let active = false;
    let failures = 0;
    while (!stopped) {
      try {
        if (!active || !lockHolder) active = await becomeActive();
        if (active) await drain();
        failures = 0;
        // A standby asks for the lock again now and then.
        await sleep(active ? options.intervalMs : Math.max(options.intervalMs, 1000));
      } catch (error) {
        if (stopped) break;
        failures++;
        logger.warn({ err: error, failures }, 'event relay failed; retrying');
        active = false;
        const old = lockHolder as Client | null;
        lockHolder = null;
        if (old) await old.end().catch(() => undefined);
        await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
      // The loop may have replaced or dropped the connection meanwhile; end whichever is there now.
      const last = lockHolder as Client | null;
      lockHolder = null;
      if (last) await last.end().catch(() => undefined);
    },
  };
}
