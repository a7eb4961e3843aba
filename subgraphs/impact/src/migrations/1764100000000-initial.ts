import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The impact map and its evidence. A published analysis is immutable: the
 * triggers at the end refuse any change to a published analysis and to the
 * rows that belong to it (stakeholders, outcomes, in-kind inputs,
 * measurements), whoever sends the SQL. A revision is a new analysis that
 * names the one it supersedes.
 */
export class Initial1764100000000 implements MigrationInterface {
  name = 'Initial1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE impact.analysis (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        neighbourhood_id uuid NOT NULL,
        kind text NOT NULL CONSTRAINT analysis_kind CHECK (kind IN ('FORECAST', 'EVALUATIVE')),
        status text NOT NULL CONSTRAINT analysis_status CHECK (status IN ('DRAFT', 'PUBLISHED')),
        title text NOT NULL CONSTRAINT analysis_title CHECK (length(title) BETWEEN 1 AND 200),
        period_start date NOT NULL,
        period_end date NOT NULL,
        discount_rate numeric NOT NULL DEFAULT 0.035 CONSTRAINT analysis_discount_rate CHECK (discount_rate >= 0),
        discount_first_year boolean NOT NULL DEFAULT true,
        planned_inputs numeric CONSTRAINT analysis_planned_inputs CHECK (planned_inputs >= 0),
        supersedes_id uuid CONSTRAINT analysis_supersedes REFERENCES impact.analysis (id),
        created_by uuid,
        published_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT analysis_period CHECK (period_end >= period_start),
        CONSTRAINT analysis_published_at CHECK ((status = 'PUBLISHED') = (published_at IS NOT NULL)),
        CONSTRAINT analysis_planned_inputs_forecast CHECK (planned_inputs IS NULL OR kind = 'FORECAST'),
        CONSTRAINT analysis_revised_once UNIQUE (supersedes_id)
      )`);
    await q.query(`CREATE INDEX analysis_project ON impact.analysis (project_id, created_at DESC, id)`);
    await q.query(`CREATE INDEX analysis_neighbourhood_published ON impact.analysis (neighbourhood_id) WHERE status = 'PUBLISHED'`);

    await q.query(`
      CREATE TABLE impact.stakeholder (
        analysis_id uuid NOT NULL REFERENCES impact.analysis (id),
        name text NOT NULL CONSTRAINT stakeholder_name CHECK (length(name) BETWEEN 1 AND 120),
        description text NOT NULL,
        position smallint NOT NULL,
        PRIMARY KEY (analysis_id, name)
      )`);

    await q.query(`
      CREATE TABLE impact.outcome (
        id uuid PRIMARY KEY,
        analysis_id uuid NOT NULL REFERENCES impact.analysis (id),
        stakeholder text NOT NULL,
        description text NOT NULL CONSTRAINT outcome_description CHECK (length(description) BETWEEN 1 AND 500),
        indicator text NOT NULL,
        quantity numeric NOT NULL CONSTRAINT outcome_quantity CHECK (quantity >= 0),
        proxy_value numeric NOT NULL CONSTRAINT outcome_proxy_value CHECK (proxy_value >= 0),
        proxy_description text NOT NULL,
        proxy_source text NOT NULL CONSTRAINT outcome_proxy_source CHECK (length(proxy_source) > 0),
        duration_years smallint NOT NULL CONSTRAINT outcome_duration CHECK (duration_years BETWEEN 1 AND 50),
        drop_off numeric NOT NULL CONSTRAINT outcome_drop_off CHECK (drop_off BETWEEN 0 AND 1),
        drop_off_rationale text NOT NULL,
        deadweight numeric NOT NULL CONSTRAINT outcome_deadweight CHECK (deadweight BETWEEN 0 AND 1),
        deadweight_rationale text NOT NULL,
        displacement numeric NOT NULL CONSTRAINT outcome_displacement CHECK (displacement BETWEEN 0 AND 1),
        displacement_rationale text NOT NULL,
        attribution numeric NOT NULL CONSTRAINT outcome_attribution CHECK (attribution BETWEEN 0 AND 1),
        attribution_rationale text NOT NULL,
        negative boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT outcome_stakeholder FOREIGN KEY (analysis_id, stakeholder) REFERENCES impact.stakeholder (analysis_id, name)
      )`);
    await q.query(`CREATE INDEX outcome_analysis ON impact.outcome (analysis_id, created_at, id)`);

    await q.query(`
      CREATE TABLE impact.in_kind_input (
        analysis_id uuid NOT NULL REFERENCES impact.analysis (id),
        position smallint NOT NULL,
        description text NOT NULL CONSTRAINT in_kind_description CHECK (length(description) > 0),
        quantity numeric NOT NULL CONSTRAINT in_kind_quantity CHECK (quantity >= 0),
        unit text NOT NULL,
        rate numeric NOT NULL CONSTRAINT in_kind_rate CHECK (rate >= 0),
        source text NOT NULL CONSTRAINT in_kind_source CHECK (length(source) > 0),
        PRIMARY KEY (analysis_id, position)
      )`);

    await q.query(`
      CREATE TABLE impact.measurement (
        id uuid PRIMARY KEY,
        outcome_id uuid NOT NULL REFERENCES impact.outcome (id) ON DELETE CASCADE,
        measured_on date NOT NULL,
        value numeric NOT NULL,
        source text NOT NULL CONSTRAINT measurement_source CHECK (length(source) > 0),
        note text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX measurement_outcome ON impact.measurement (outcome_id, measured_on, id)`);

    // The bid is owned by the projects subgraph; this table only remembers which forecast supports it.
    await q.query(`
      CREATE TABLE impact.bid_forecast (
        bid_id uuid PRIMARY KEY,
        analysis_id uuid NOT NULL REFERENCES impact.analysis (id),
        linked_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE FUNCTION impact.refuse_published_analysis_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'PUBLISHED' THEN
          RAISE EXCEPTION 'published SROI analysis % is immutable; revise it instead', OLD.id
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'analysis_published_immutable';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER analysis_published_immutable BEFORE UPDATE OR DELETE ON impact.analysis
        FOR EACH ROW EXECUTE FUNCTION impact.refuse_published_analysis_change()`);

    // Rows of an analysis: locking the parent row FOR SHARE orders them against a concurrent publish.
    await q.query(`
      CREATE FUNCTION impact.refuse_published_part_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        row_data jsonb;
        parent uuid;
        parent_status text;
      BEGIN
        IF TG_OP = 'DELETE' THEN row_data := to_jsonb(OLD); ELSE row_data := to_jsonb(NEW); END IF;
        IF TG_TABLE_NAME = 'measurement' THEN
          IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) ->> 'outcome_id') <> (row_data ->> 'outcome_id') THEN
            RAISE EXCEPTION 'a measurement cannot move to another outcome'
              USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'analysis_published_immutable';
          END IF;
          SELECT o.analysis_id INTO parent FROM impact.outcome o WHERE o.id = (row_data ->> 'outcome_id')::uuid;
        ELSE
          parent := (row_data ->> 'analysis_id')::uuid;
          IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) ->> 'analysis_id')::uuid <> parent THEN
            RAISE EXCEPTION 'a row cannot move to another analysis'
              USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'analysis_published_immutable';
          END IF;
        END IF;
        SELECT status INTO parent_status FROM impact.analysis WHERE id = parent FOR SHARE;
        IF parent_status = 'PUBLISHED' THEN
          RAISE EXCEPTION 'published SROI analysis % is immutable; revise it instead', parent
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'analysis_published_immutable';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END $$`);
    for (const table of ['stakeholder', 'outcome', 'in_kind_input', 'measurement']) {
      await q.query(`
        CREATE TRIGGER ${table}_published_immutable BEFORE INSERT OR UPDATE OR DELETE ON impact.${table}
          FOR EACH ROW EXECUTE FUNCTION impact.refuse_published_part_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE impact.bid_forecast, impact.measurement, impact.in_kind_input, impact.outcome, impact.stakeholder, impact.analysis`);
    await q.query(`DROP FUNCTION impact.refuse_published_part_change(), impact.refuse_published_analysis_change()`);
  }
}
