import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A project's totals and its budget against actuals sum project_day rows
 * (loaders.ts: projectTotals, budgetActual). With net_minor in the primary
 * key's index those sums are index-only scans: for a project of the benchmark
 * city's deep neighbourhood, 7,717 rows had been read from 5,077 heap pages
 * (bench/FINDINGS.md, 3). The key itself does not change, so the line
 * trigger's upsert keeps working.
 */
export class ProjectDayCovering1764600000000 implements MigrationInterface {
  name = 'ProjectDayCovering1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ledger.project_day
        DROP CONSTRAINT project_day_pkey,
        ADD CONSTRAINT project_day_pkey PRIMARY KEY (project_id, day, account_id) INCLUDE (net_minor)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ledger.project_day
        DROP CONSTRAINT project_day_pkey,
        ADD CONSTRAINT project_day_pkey PRIMARY KEY (project_id, day, account_id)`);
  }
}
