import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Display names are unique per neighbourhood, ignoring case and accents: a second
 * "penningmeester piëter" next to "Penningmeester Pieter" would let anyone pass as someone else.
 * The database decides (a race between two registrations included) through a nondeterministic
 * ICU collation at strength level 1 (base letters only); ICU ships with PostgreSQL, no extension
 * or superuser needed. Erased members all carry the same anonymous label and hold no name, so
 * they are outside the index.
 */
export class UniqueDisplayNames1770100000000 implements MigrationInterface {
  name = 'UniqueDisplayNames1770100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE COLLATION community.display_name_key (provider = icu, locale = 'und-u-ks-level1', deterministic = false)`);
    await q.query(
      `CREATE UNIQUE INDEX member_display_name_unique
         ON community.member (neighbourhood_id, (display_name COLLATE community.display_name_key))
         WHERE erased_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX community.member_display_name_unique`);
    await q.query(`DROP COLLATION community.display_name_key`);
  }
}
