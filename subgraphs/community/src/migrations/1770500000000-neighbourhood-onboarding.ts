import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What onboarding a neighbourhood sets (issue 20): the points a priority poll gives each member
 * unless it says otherwise, the chart-of-accounts template its books start from, and who
 * onboarded it. The CBS codes are checked for form and for belonging together: a wijk code
 * `WK` + 6 digits whose first 4 are the municipality's (WK020201 lies in GM0202), buurt codes
 * `BU` + 8 digits that start with the wijk's 6 (or, without a wijk, the municipality's 4). A wijk
 * is one neighbourhood's at most. The codes contain only letters and digits once checked, so the
 * patterns built from them below are plain text.
 */
export class NeighbourhoodOnboarding1770500000000 implements MigrationInterface {
  name = 'NeighbourhoodOnboarding1770500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE community.neighbourhood
        ADD COLUMN poll_points_budget integer NOT NULL DEFAULT 100
          CONSTRAINT neighbourhood_poll_points_budget_range CHECK (poll_points_budget BETWEEN 10 AND 1000),
        ADD COLUMN chart_template text NOT NULL DEFAULT 'dutch-wijkeconomie-2026'
          CONSTRAINT neighbourhood_chart_template_known CHECK (chart_template IN ('dutch-wijkeconomie-2026')),
        ADD COLUMN onboarded_by uuid,
        ADD CONSTRAINT neighbourhood_wijk_in_municipality
          CHECK (cbs_wijk_code IS NULL OR substr(cbs_wijk_code, 3, 4) = substr(municipality_code, 3, 4)),
        ADD CONSTRAINT neighbourhood_buurt_codes_form
          CHECK (array_to_string(cbs_buurt_codes, ',') ~ '^(BU[0-9]{8}(,BU[0-9]{8})*)?$'),
        ADD CONSTRAINT neighbourhood_buurt_codes_in_wijk
          CHECK (array_to_string(cbs_buurt_codes, ',') ~ (
            '^((' || coalesce('BU' || substr(cbs_wijk_code, 3, 6) || '[0-9]{2}', 'BU' || substr(municipality_code, 3, 4) || '[0-9]{4}') || '),?)*$'))`);
    await q.query(`CREATE UNIQUE INDEX neighbourhood_cbs_wijk_code_unique ON community.neighbourhood (cbs_wijk_code) WHERE cbs_wijk_code IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX community.neighbourhood_cbs_wijk_code_unique`);
    await q.query(`
      ALTER TABLE community.neighbourhood
        DROP CONSTRAINT neighbourhood_buurt_codes_in_wijk,
        DROP CONSTRAINT neighbourhood_buurt_codes_form,
        DROP CONSTRAINT neighbourhood_wijk_in_municipality,
        DROP COLUMN onboarded_by,
        DROP COLUMN chart_template,
        DROP COLUMN poll_points_budget`);
  }
}
