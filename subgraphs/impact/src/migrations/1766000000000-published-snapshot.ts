import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a reviewer needs to reproduce a published result: the rate at which
 * booked volunteer hours count as inputs, which measurements count the
 * quantity, and the result kept as it was at publication with the books'
 * figures it was computed from. The snapshot is written in the publishing
 * transaction while the analysis is still a draft; the immutability trigger
 * of the analysis's parts then refuses any later insert, update or delete.
 */
export class PublishedSnapshot1766000000000 implements MigrationInterface {
  name = 'PublishedSnapshot1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE impact.analysis
        ADD COLUMN volunteer_hour_rate numeric CONSTRAINT analysis_volunteer_hour_rate CHECK (volunteer_hour_rate >= 0),
        ADD COLUMN volunteer_hour_rate_source text,
        ADD CONSTRAINT analysis_volunteer_hour_rate_source CHECK ((volunteer_hour_rate IS NULL) = (volunteer_hour_rate_source IS NULL) AND length(volunteer_hour_rate_source) > 0)`);
    await q.query(`
      ALTER TABLE impact.measurement
        ADD COLUMN measures_quantity boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT measurement_quantity_not_negative CHECK (NOT measures_quantity OR value >= 0)`);
    await q.query(`
      CREATE TABLE impact.published_snapshot (
        analysis_id uuid PRIMARY KEY REFERENCES impact.analysis (id),
        taken_at timestamptz NOT NULL,
        basis text NOT NULL CONSTRAINT published_snapshot_basis CHECK (basis IN ('LEDGER_SPENDING', 'PLANNED_INPUTS')),
        monetary numeric NOT NULL,
        spending_outside_period numeric,
        volunteer_hours numeric,
        declared_in_kind numeric NOT NULL,
        in_kind numeric NOT NULL,
        inputs numeric NOT NULL,
        present_value numeric NOT NULL,
        net_present_value numeric NOT NULL,
        ratio numeric,
        net_ratio numeric,
        payback_months numeric,
        checkpoint_origin text,
        checkpoint_tree_size bigint,
        checkpoint_root_hash text,
        checkpoint_note text,
        CONSTRAINT published_snapshot_books CHECK ((basis = 'LEDGER_SPENDING') = (spending_outside_period IS NOT NULL)),
        CONSTRAINT published_snapshot_checkpoint CHECK (
          (checkpoint_origin IS NULL AND checkpoint_tree_size IS NULL AND checkpoint_root_hash IS NULL AND checkpoint_note IS NULL)
          OR (checkpoint_origin IS NOT NULL AND checkpoint_tree_size >= 0 AND checkpoint_root_hash IS NOT NULL AND checkpoint_note IS NOT NULL))
      )`);
    await q.query(`
      CREATE TRIGGER published_snapshot_published_immutable BEFORE INSERT OR UPDATE OR DELETE ON impact.published_snapshot
        FOR EACH ROW EXECUTE FUNCTION impact.refuse_published_part_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE impact.published_snapshot`);
    await q.query(`ALTER TABLE impact.measurement DROP COLUMN measures_quantity`);
    await q.query(`ALTER TABLE impact.analysis DROP COLUMN volunteer_hour_rate_source, DROP COLUMN volunteer_hour_rate`);
  }
}
