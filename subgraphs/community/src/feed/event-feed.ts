import type { DataSource } from 'typeorm';
import { isPublicEvent, toStructured, type EventConsumer, type SqlRunner, type StoredEvent } from '@dbwe/platform';
import { keepAudit } from '../audit/audit-trail';

/*
 * The BI event feed: community follows every subgraph's events (its own
 * included) and keeps the public ones, per neighbourhood, in the order it
 * applies them. The kit's consumer applies each source's events of a
 * neighbourhood once and in their recorded order; the head row, locked by
 * the insert until the transaction commits, numbers a neighbourhood's feed
 * without gaps, so a reader paging with `after` never skips an event that
 * commits late. Events carry ids and public facts only (docs/events.md), so
 * the feed holds no personal data of anyone, erased or not.
 */

/** Applied by community's consumers to every event they apply. */
export async function keepInFeed(tx: SqlRunner, event: StoredEvent): Promise<void> {
  if (!isPublicEvent(event)) return;
  await tx.query(
    `WITH head AS (
       INSERT INTO community.event_feed_head AS h (neighbourhood_id, last_position) VALUES ($1, 1)
       ON CONFLICT (neighbourhood_id) DO UPDATE SET last_position = h.last_position + 1
       RETURNING last_position
     )
     INSERT INTO community.event_feed (neighbourhood_id, position, event_id, type, event)
     SELECT $1, last_position, $2, $3, $4 FROM head`,
    [event.neighbourhoodId, event.id, event.type, JSON.stringify(toStructured(event))],
  );
}

/** Community's consumers: one per source, each applying every event in order into the feed and the audit trail. */
export function feedConsumers(handlers: Partial<Record<EventConsumer['source'], EventConsumer['handlers']>>): EventConsumer[] {
  return (['community', 'projects', 'ledger', 'impact'] as const).map((source) => ({
    name: `from-${source}`,
    source,
    handlers: handlers[source] ?? {},
    everyEvent: async (tx, event, logger) => {
      await keepInFeed(tx, event);
      await keepAudit(tx, event, logger);
    },
  }));
}

export interface EventPage {
  events: Record<string, unknown>[];
  hasMore: boolean;
  lastEventId: string | null;
}

export const MAX_FEED_PAGE = 1000;

/** A page of a neighbourhood's feed after the event `after` (from the start without it); null when `after` is not one of its events. */
export async function feedPage(db: DataSource, neighbourhoodId: string, after: string | null, first: number): Promise<EventPage | null> {
  let position = 0;
  if (after !== null) {
    const rows: { position: string }[] = await db.query(`SELECT position FROM community.event_feed WHERE neighbourhood_id = $1 AND event_id = $2`, [neighbourhoodId, after]);
    if (rows.length === 0) return null;
    position = Number(rows[0].position);
  }
  const rows: { event: Record<string, unknown>; event_id: string }[] = await db.query(
    `SELECT event, event_id FROM community.event_feed WHERE neighbourhood_id = $1 AND position > $2 ORDER BY position LIMIT $3`,
    [neighbourhoodId, position, first + 1],
  );
  const page = rows.slice(0, first);
  return { events: page.map((r) => r.event), hasMore: rows.length > first, lastEventId: page.at(-1)?.event_id ?? after };
}

/** How many public events the feed holds, over all neighbourhoods: it grows with every change anyone may see. */
export async function feedHead(db: DataSource): Promise<string> {
  const rows: { position: string }[] = await db.query(`SELECT coalesce(sum(last_position), 0)::text AS position FROM community.event_feed_head`);
  return rows[0].position;
}
