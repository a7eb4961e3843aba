import type { DataSource } from 'typeorm';
import { hasRole, readAuditFact, readPage, toConnection, type Logger, type PageArgs, type SqlRunner, type StoredEvent, type Viewer } from '@dbwe/platform';
import { isInstantIdKey } from '../cursor';

/*
 * The neighbourhood's audit trail: every admin's, steward's and official's
 * action, from whichever subgraph recorded it, as its event's audit fact
 * says (docs/events.md, "Audit facts"). The consumers keep it for every event
 * they apply, public or not, in the applying transaction; a malformed fact is
 * logged and left out, and the event is applied all the same: the trail must
 * never stop a neighbourhood's stream. The neighbourhood's admins read all of
 * it, everyone else the records of public actions.
 */

export interface AuditRecordRow {
  eventId: string;
  neighbourhoodId: string;
  source: string;
  type: string;
  subject: string;
  actorId: string | null;
  role: string;
  reason: string | null;
  public: boolean;
  occurredAt: Date;
}

/** Applied by community's consumers to every event they apply. */
export async function keepAudit(tx: SqlRunner, event: StoredEvent, logger: Logger): Promise<void> {
  const audit = readAuditFact(event.data);
  if (audit === null) return;
  const source = /^\/dbwe\/([a-z]+)$/.exec(event.source)?.[1];
  if (audit === 'malformed' || source === undefined || Number.isNaN(Date.parse(event.time))) {
    logger.warn({ eventId: event.id, type: event.type, source: event.source }, 'event applied without an audit record: its audit fact is malformed');
    return;
  }
  await tx.query(
    `INSERT INTO community.audit_record (event_id, neighbourhood_id, source, type, subject, actor_id, role, reason, public, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT ON CONSTRAINT audit_record_pkey DO NOTHING`,
    [event.id, event.neighbourhoodId, source, event.type, event.subject, audit.actorId, audit.role, audit.reason, audit.public, event.time],
  );
}

/** A neighbourhood's audit records the viewer may see, newest first (ties by event id). */
export async function listAuditTrail(db: DataSource, neighbourhoodId: string, viewer: Viewer, args: PageArgs) {
  const page = readPage(args, isInstantIdKey);
  const everything = hasRole(viewer, ['admin'], neighbourhoodId);
  const where = `neighbourhood_id = $1 AND ($2 OR public)`;
  const [{ count }]: { count: string }[] = await db.query(`SELECT count(*) AS count FROM community.audit_record WHERE ${where}`, [neighbourhoodId, everything]);
  const rows: AuditRecordRow[] = await db.query(
    `SELECT event_id AS "eventId", neighbourhood_id AS "neighbourhoodId", source, type, subject, actor_id AS "actorId", role, reason, public, occurred_at AS "occurredAt"
       FROM community.audit_record
      WHERE ${where} AND ($3::timestamptz IS NULL OR (occurred_at, event_id) < ($3::timestamptz, $4::uuid))
      ORDER BY occurred_at DESC, event_id DESC
      LIMIT $5`,
    [neighbourhoodId, everything, page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit + 1],
  );
  return { ...toConnection(rows, page, (r) => [r.occurredAt.toISOString(), r.eventId]), totalCount: Number(count) };
}
