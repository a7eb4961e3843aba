import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Incremental sync reads "changed since" per neighbourhood: index it. */
export class SyncIndexes1764400000000 implements MigrationInterface {
  name = 'SyncIndexes1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX member_neighbourhood_updated ON community.member (neighbourhood_id, updated_at)`);
    await q.query(`CREATE INDEX wish_neighbourhood_updated ON community.wish (neighbourhood_id, updated_at)`);
    await q.query(`CREATE INDEX poll_neighbourhood_updated ON community.poll (neighbourhood_id, updated_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX community.member_neighbourhood_updated, community.wish_neighbourhood_updated, community.poll_neighbourhood_updated`);
  }
}
