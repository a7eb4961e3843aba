import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764100000000 implements MigrationInterface {
  name = 'Initial1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE impact.analysis (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        neighbourhood_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('FORECAST', 'EVALUATIVE')),
        status text NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED')),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        period_start date NOT NULL,
        period_end date NOT NULL CHECK (period_end >= period_start),
        discount_rate numeric NOT NULL DEFAULT 0.035 CHECK (discount_rate >= 0),
        discount_first_year boolean NOT NULL DEFAULT true,
        in_kind_inputs numeric NOT NULL DEFAULT 0 CHECK (in_kind_inputs >= 0),
        published_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'PUBLISHED') = (published_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX analysis_project_published ON impact.analysis (project_id, published_at DESC)`);
    await q.query(`
      CREATE TABLE impact.outcome (
        id uuid PRIMARY KEY,
        analysis_id uuid NOT NULL REFERENCES impact.analysis (id),
        position smallint NOT NULL,
        stakeholder text NOT NULL,
        description text NOT NULL,
        quantity numeric NOT NULL CHECK (quantity >= 0),
        financial_proxy numeric NOT NULL CHECK (financial_proxy >= 0),
        duration_years smallint NOT NULL CHECK (duration_years BETWEEN 1 AND 50),
        drop_off numeric NOT NULL CHECK (drop_off BETWEEN 0 AND 1),
        deadweight numeric NOT NULL CHECK (deadweight BETWEEN 0 AND 1),
        displacement numeric NOT NULL CHECK (displacement BETWEEN 0 AND 1),
        attribution numeric NOT NULL CHECK (attribution BETWEEN 0 AND 1),
        negative boolean NOT NULL DEFAULT false,
        UNIQUE (analysis_id, position)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE impact.outcome, impact.analysis`);
  }
}
