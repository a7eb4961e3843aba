import type { MigrationInterface, QueryRunner } from 'typeorm';
import { inboxMigrationStatements, inboxRollbackStatements } from '@dbwe/platform';

/**
 * The inbox of the events community consumes (docs/events.md), and what it
 * keeps of them: which projects took up which wish, learnt from
 * `nl.dbwe.projects.wish.adopted`.
 */
export class EventInbox1767000000001 implements MigrationInterface {
  name = 'EventInbox1767000000001';

  async up(q: QueryRunner): Promise<void> {
    for (const statement of inboxMigrationStatements('community')) await q.query(statement);
    await q.query(`CREATE TABLE community.wish_adoption (
      wish_id uuid NOT NULL REFERENCES community.wish (id),
      project_id uuid NOT NULL,
      adopted_at timestamptz NOT NULL,
      event_id uuid NOT NULL,
      CONSTRAINT wish_adoption_pkey PRIMARY KEY (wish_id, project_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE community.wish_adoption`);
    for (const statement of inboxRollbackStatements('community')) await q.query(statement);
  }
}
