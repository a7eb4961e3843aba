import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764100000000 implements MigrationInterface {
  name = 'Initial1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projects.project (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL,
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        summary text NOT NULL CHECK (length(summary) <= 5000),
        status text NOT NULL CHECK (status IN ('PROPOSED', 'ACTIVE', 'COMPLETED', 'CANCELLED')),
        coordinator_id uuid,
        planned_start date,
        planned_end date,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT project_dates_in_order CHECK (planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start)
      )`);
    await q.query(`CREATE INDEX project_neighbourhood_created ON projects.project (neighbourhood_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX project_neighbourhood_status_created ON projects.project (neighbourhood_id, status, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projects.project`);
  }
}
