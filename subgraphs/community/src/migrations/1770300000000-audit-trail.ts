import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail (issue 20): one row per applied event that carries an audit fact, from every
 * subgraph, written by community's consumers in the transaction that applies the event. Rows
 * are never changed: the trail is a copy of what the sources recorded, keyed by the event's id
 * so a redelivered event adds nothing. Read newest first per neighbourhood.
 */
export class AuditTrail1770300000000 implements MigrationInterface {
  name = 'AuditTrail1770300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE community.audit_record (
        event_id uuid CONSTRAINT audit_record_pkey PRIMARY KEY,
        neighbourhood_id uuid NOT NULL,
        source text NOT NULL CHECK (source IN ('community', 'projects', 'ledger', 'impact')),
        type text NOT NULL,
        subject text NOT NULL,
        actor_id uuid,
        role text NOT NULL CHECK (length(role) BETWEEN 1 AND 50),
        reason text CHECK (length(reason) <= 500),
        public boolean NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_record_newest ON community.audit_record (neighbourhood_id, occurred_at DESC, event_id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE community.audit_record`);
  }
}
