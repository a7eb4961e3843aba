import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Project themes, wishes, participants, milestones, timeline and lessons;
 * Right to Challenge bids with challengers, assessments and their timeline.
 * Timelines are append-only: the database refuses to change or remove an event.
 */
export class LifecycleAndBids1764200000000 implements MigrationInterface {
  name = 'LifecycleAndBids1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION projects.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is a public record: its rows cannot be changed or removed', TG_TABLE_NAME
          USING ERRCODE = 'integrity_constraint_violation';
      END $$`);

    await q.query(`ALTER TABLE projects.project ADD COLUMN theme_ids uuid[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE projects.project ADD CONSTRAINT project_id_neighbourhood UNIQUE (id, neighbourhood_id)`);
    await q.query(`CREATE INDEX project_theme_ids ON projects.project USING gin (theme_ids)`);
    await q.query(`CREATE INDEX project_planned_period ON projects.project (neighbourhood_id, planned_start, planned_end)`);

    // The wish's neighbourhood as the client read it from the graph; the composite key makes the
    // database itself refuse a wish from another neighbourhood than the project's.
    await q.query(`
      CREATE TABLE projects.project_wish (
        project_id uuid NOT NULL,
        wish_id uuid NOT NULL,
        wish_neighbourhood_id uuid NOT NULL,
        adopted_by uuid NOT NULL,
        adopted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, wish_id),
        CONSTRAINT project_wish_same_neighbourhood FOREIGN KEY (project_id, wish_neighbourhood_id)
          REFERENCES projects.project (id, neighbourhood_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX project_wish_by_wish ON projects.project_wish (wish_id, adopted_at, project_id)`);

    await q.query(`
      CREATE TABLE projects.project_participant (
        project_id uuid NOT NULL REFERENCES projects.project (id) ON DELETE CASCADE,
        member_id uuid NOT NULL,
        role text NOT NULL CHECK (role IN ('COORDINATOR', 'VOLUNTEER', 'PARTNER', 'SUPPLIER', 'ADVISOR')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, member_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX project_one_coordinator ON projects.project_participant (project_id) WHERE role = 'COORDINATOR'`);
    await q.query(`CREATE INDEX project_participant_by_member ON projects.project_participant (member_id, project_id)`);

    await q.query(`
      CREATE TABLE projects.milestone (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL REFERENCES projects.project (id) ON DELETE CASCADE,
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        planned_on date NOT NULL,
        reached_on date,
        reached_note text CHECK (length(reached_note) <= 2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX milestone_by_project ON projects.milestone (project_id, planned_on, id)`);

    await q.query(`
      CREATE TABLE projects.project_event (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL REFERENCES projects.project (id),
        kind text NOT NULL CHECK (kind IN ('PROPOSED', 'STATUS_CHANGED', 'MILESTONE_REACHED', 'WISH_ADOPTED')),
        from_status text,
        to_status text,
        actor_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        reason text,
        milestone_id uuid REFERENCES projects.milestone (id),
        wish_id uuid
      )`);
    await q.query(`CREATE INDEX project_event_by_project ON projects.project_event (project_id, at, id)`);
    await q.query(`CREATE TRIGGER project_event_append_only BEFORE UPDATE OR DELETE ON projects.project_event
      FOR EACH ROW EXECUTE FUNCTION projects.refuse_change()`);

    await q.query(`
      CREATE TABLE projects.lesson (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL REFERENCES projects.project (id) ON DELETE CASCADE,
        neighbourhood_id uuid NOT NULL,
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        what_worked text NOT NULL CHECK (length(what_worked) <= 5000),
        what_did_not_work text NOT NULL CHECK (length(what_did_not_work) <= 5000),
        for_whom text NOT NULL CHECK (length(for_whom) BETWEEN 1 AND 500),
        recorded_by uuid NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('dutch', title), 'A') || setweight(to_tsvector('english', title), 'A') ||
          to_tsvector('dutch', what_worked || ' ' || what_did_not_work || ' ' || for_whom) ||
          to_tsvector('english', what_worked || ' ' || what_did_not_work || ' ' || for_whom)
        ) STORED,
        CONSTRAINT lesson_project_neighbourhood FOREIGN KEY (project_id, neighbourhood_id) REFERENCES projects.project (id, neighbourhood_id)
      )`);
    await q.query(`CREATE INDEX lesson_search ON projects.lesson USING gin (search)`);
    await q.query(`CREATE INDEX lesson_recent ON projects.lesson (recorded_at DESC, id DESC)`);
    await q.query(`CREATE INDEX lesson_by_project ON projects.lesson (project_id, recorded_at DESC, id DESC)`);
    await q.query(`CREATE INDEX lesson_by_neighbourhood ON projects.lesson (neighbourhood_id, recorded_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE projects.bid (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL,
        collective_name text CHECK (length(collective_name) BETWEEN 1 AND 200),
        task text NOT NULL CHECK (length(task) BETWEEN 1 AND 200),
        task_description text NOT NULL CHECK (length(task_description) <= 5000),
        mode text NOT NULL CHECK (mode IN ('TAKE_OVER', 'CO_STEER')),
        current_annual_cost_cents bigint NOT NULL CONSTRAINT bid_current_cost_not_negative CHECK (current_annual_cost_cents >= 0),
        budget_line text NOT NULL CHECK (length(budget_line) BETWEEN 1 AND 200),
        taakveld text CONSTRAINT bid_taakveld_iv3 CHECK (taakveld ~ '^[0-8]\\.[0-9]{1,2}$'),
        proposed_annual_budget_cents bigint NOT NULL CONSTRAINT bid_proposed_budget_not_negative CHECK (proposed_annual_budget_cents >= 0),
        quality_commitments text[] NOT NULL DEFAULT '{}',
        social_added_value text NOT NULL CHECK (length(social_added_value) <= 5000),
        supporter_count integer NOT NULL DEFAULT 0 CHECK (supporter_count >= 0),
        support_evidence text CHECK (length(support_evidence) <= 1000),
        status text NOT NULL CHECK (status IN ('DRAFT', 'SUBMITTED', 'IN_ASSESSMENT', 'HONOURED', 'HONOURED_WITH_CONDITIONS',
          'REJECTED', 'WITHDRAWN', 'AGREEMENT_SIGNED', 'IN_EXECUTION', 'EVALUATED')),
        decision_outcome text CHECK (decision_outcome IN ('HONOURED', 'HONOURED_WITH_CONDITIONS', 'REJECTED')),
        decision_rationale text,
        decision_conditions text,
        decided_by uuid,
        decided_at timestamptz,
        executing_project_id uuid,
        submitted_at timestamptz,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bid_decision_complete CHECK ((decision_outcome IS NULL) = (decided_at IS NULL) AND (decision_outcome IS NULL) = (decision_rationale IS NULL)),
        CONSTRAINT bid_conditions_recorded CHECK (decision_outcome IS DISTINCT FROM 'HONOURED_WITH_CONDITIONS' OR decision_conditions IS NOT NULL),
        CONSTRAINT bid_executing_project_same_neighbourhood FOREIGN KEY (executing_project_id, neighbourhood_id)
          REFERENCES projects.project (id, neighbourhood_id),
        CONSTRAINT bid_one_per_executing_project UNIQUE (executing_project_id)
      )`);
    await q.query(`CREATE INDEX bid_neighbourhood_created ON projects.bid (neighbourhood_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX bid_neighbourhood_status_created ON projects.bid (neighbourhood_id, status, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE projects.bid_challenger (
        bid_id uuid NOT NULL REFERENCES projects.bid (id) ON DELETE CASCADE,
        member_id uuid NOT NULL,
        position smallint NOT NULL,
        PRIMARY KEY (bid_id, member_id)
      )`);
    await q.query(`CREATE INDEX bid_challenger_by_member ON projects.bid_challenger (member_id, bid_id)`);

    await q.query(`
      CREATE TABLE projects.bid_assessment (
        bid_id uuid NOT NULL REFERENCES projects.bid (id) ON DELETE CASCADE,
        criterion text NOT NULL CHECK (criterion IN ('SOCIAL_ADDED_VALUE', 'SUPPORT', 'COST_NOT_ABOVE_CURRENT',
          'EQUAL_OR_BETTER_QUALITY', 'FEASIBILITY', 'NO_PROFIT_MOTIVE', 'CONTINUITY')),
        score smallint NOT NULL CONSTRAINT bid_assessment_score_range CHECK (score BETWEEN 1 AND 5),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
        assessed_by uuid NOT NULL,
        assessed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (bid_id, criterion)
      )`);

    await q.query(`
      CREATE TABLE projects.bid_event (
        id uuid PRIMARY KEY,
        bid_id uuid NOT NULL REFERENCES projects.bid (id),
        action text NOT NULL,
        from_status text,
        to_status text NOT NULL,
        actor_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        rationale text,
        criterion text
      )`);
    await q.query(`CREATE INDEX bid_event_by_bid ON projects.bid_event (bid_id, at, id)`);
    await q.query(`CREATE TRIGGER bid_event_append_only BEFORE UPDATE OR DELETE ON projects.bid_event
      FOR EACH ROW EXECUTE FUNCTION projects.refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projects.bid_event, projects.bid_assessment, projects.bid_challenger, projects.bid`);
    await q.query(`DROP TABLE projects.lesson, projects.project_event, projects.milestone, projects.project_participant, projects.project_wish`);
    await q.query(`ALTER TABLE projects.project DROP CONSTRAINT project_id_neighbourhood, DROP COLUMN theme_ids`);
    await q.query(`DROP FUNCTION projects.refuse_change()`);
  }
}
