import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events written in one transaction share their timestamp (a proposal and the
 * wishes it adopts); an insertion sequence keeps them in the order they happened.
 */
export class TimelineOrder1764400000000 implements MigrationInterface {
  name = 'TimelineOrder1764400000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, parent] of [['project_event', 'project_id'], ['bid_event', 'bid_id']]) {
      await q.query(`ALTER TABLE projects.${table} ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`);
      await q.query(`DROP INDEX projects.${table}_by_${parent === 'project_id' ? 'project' : 'bid'}`);
      await q.query(`CREATE INDEX ${table}_by_${parent === 'project_id' ? 'project' : 'bid'} ON projects.${table} (${parent}, at, seq)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, parent] of [['project_event', 'project_id'], ['bid_event', 'bid_id']]) {
      const index = `${table}_by_${parent === 'project_id' ? 'project' : 'bid'}`;
      await q.query(`DROP INDEX projects.${index}`);
      await q.query(`ALTER TABLE projects.${table} DROP COLUMN seq`);
      await q.query(`CREATE INDEX ${index} ON projects.${table} (${parent}, at, id)`);
    }
  }
}
