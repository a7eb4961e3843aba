import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Incremental sync reads "changed since" per neighbourhood: index it. */
export class SyncIndexes1764500000000 implements MigrationInterface {
  name = 'SyncIndexes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX project_neighbourhood_updated ON projects.project (neighbourhood_id, updated_at)`);
    await q.query(`CREATE INDEX bid_neighbourhood_updated ON projects.bid (neighbourhood_id, updated_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX projects.project_neighbourhood_updated, projects.bid_neighbourhood_updated`);
  }
}
