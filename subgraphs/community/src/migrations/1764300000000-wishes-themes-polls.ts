import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Member roles and erasure, themes, wishes with their supports, and priority
 * polls. Supports and poll ballots hold a nullable member id: erasure sets it
 * to null, which keeps them as anonymous counts.
 */
export class WishesThemesPolls1764300000000 implements MigrationInterface {
  name = 'WishesThemesPolls1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE community.member
        ADD COLUMN roles text[] NOT NULL DEFAULT '{RESIDENT}'
          CONSTRAINT member_roles_known CHECK (roles <@ ARRAY['RESIDENT', 'STEWARD', 'OFFICIAL', 'ADMIN']::text[]),
        ADD COLUMN erased_at timestamptz,
        ADD CONSTRAINT member_erased_holds_no_personal_data CHECK (
          erased_at IS NULL OR (full_name IS NULL AND email IS NULL AND phone IS NULL AND address IS NULL)
        )`);
    await q.query(`ALTER TABLE community.member ADD CONSTRAINT member_neighbourhood_id_unique UNIQUE (neighbourhood_id, id)`);
    await q.query(`CREATE INDEX member_updated ON community.member (updated_at, id)`);
    await q.query(`CREATE INDEX neighbourhood_updated ON community.neighbourhood (updated_at, id)`);

    await q.query(`
      CREATE TABLE community.theme (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL REFERENCES community.neighbourhood (id),
        slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
        description text CHECK (length(description) <= 1000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT theme_slug_unique UNIQUE (neighbourhood_id, slug),
        CONSTRAINT theme_neighbourhood_id_unique UNIQUE (neighbourhood_id, id)
      )`);
    await q.query(`CREATE INDEX theme_updated ON community.theme (updated_at, id)`);

    await q.query(`
      CREATE TABLE community.wish (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL REFERENCES community.neighbourhood (id),
        author_id uuid NOT NULL,
        title text NOT NULL CONSTRAINT wish_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 120),
        description text NOT NULL CONSTRAINT wish_description_length CHECK (length(description) <= 4000),
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT wish_author_in_neighbourhood FOREIGN KEY (neighbourhood_id, author_id) REFERENCES community.member (neighbourhood_id, id),
        CONSTRAINT wish_neighbourhood_id_unique UNIQUE (neighbourhood_id, id)
      )`);
    await q.query(`CREATE INDEX wish_neighbourhood_created ON community.wish (neighbourhood_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX wish_author_created ON community.wish (author_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX wish_updated ON community.wish (updated_at, id)`);

    // The composite keys keep a wish's themes inside the wish's own neighbourhood.
    await q.query(`
      CREATE TABLE community.wish_theme (
        neighbourhood_id uuid NOT NULL,
        wish_id uuid NOT NULL,
        theme_id uuid NOT NULL,
        PRIMARY KEY (wish_id, theme_id),
        FOREIGN KEY (neighbourhood_id, wish_id) REFERENCES community.wish (neighbourhood_id, id) ON DELETE CASCADE,
        FOREIGN KEY (neighbourhood_id, theme_id) REFERENCES community.theme (neighbourhood_id, id)
      )`);
    await q.query(`CREATE INDEX wish_theme_theme ON community.wish_theme (theme_id, wish_id)`);

    await q.query(`
      CREATE TABLE community.wish_support (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        wish_id uuid NOT NULL REFERENCES community.wish (id) ON DELETE CASCADE,
        member_id uuid REFERENCES community.member (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT wish_support_once_per_member UNIQUE (wish_id, member_id)
      )`);
    await q.query(`CREATE INDEX wish_support_member ON community.wish_support (member_id) WHERE member_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE community.poll (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL REFERENCES community.neighbourhood (id),
        title text NOT NULL CONSTRAINT poll_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 120),
        description text CONSTRAINT poll_description_length CHECK (length(description) <= 4000),
        points_budget integer NOT NULL CONSTRAINT poll_points_budget_range CHECK (points_budget BETWEEN 1 AND 1000),
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT poll_closed_after_opened CHECK (closed_at IS NULL OR closed_at >= opened_at),
        CONSTRAINT poll_neighbourhood_id_unique UNIQUE (neighbourhood_id, id)
      )`);
    await q.query(`CREATE INDEX poll_neighbourhood_opened ON community.poll (neighbourhood_id, opened_at DESC, id DESC)`);
    await q.query(`CREATE INDEX poll_updated ON community.poll (updated_at, id)`);

    await q.query(`
      CREATE TABLE community.poll_theme (
        neighbourhood_id uuid NOT NULL,
        poll_id uuid NOT NULL,
        theme_id uuid NOT NULL,
        position integer NOT NULL,
        PRIMARY KEY (poll_id, theme_id),
        CONSTRAINT poll_theme_position_unique UNIQUE (poll_id, position),
        FOREIGN KEY (neighbourhood_id, poll_id) REFERENCES community.poll (neighbourhood_id, id) ON DELETE CASCADE,
        FOREIGN KEY (neighbourhood_id, theme_id) REFERENCES community.theme (neighbourhood_id, id)
      )`);

    // One ballot per member and poll; who cast it is forgotten on erasure (member_id becomes null).
    await q.query(`
      CREATE TABLE community.poll_ballot (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        poll_id uuid NOT NULL REFERENCES community.poll (id) ON DELETE CASCADE,
        member_id uuid REFERENCES community.member (id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT poll_ballot_once_per_member UNIQUE (poll_id, member_id)
      )`);
    await q.query(`CREATE INDEX poll_ballot_member ON community.poll_ballot (member_id) WHERE member_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE community.poll_allocation (
        ballot_id bigint NOT NULL REFERENCES community.poll_ballot (id) ON DELETE CASCADE,
        poll_id uuid NOT NULL,
        theme_id uuid NOT NULL,
        points integer NOT NULL CONSTRAINT poll_allocation_points_not_negative CHECK (points >= 0),
        PRIMARY KEY (ballot_id, theme_id),
        FOREIGN KEY (poll_id, theme_id) REFERENCES community.poll_theme (poll_id, theme_id)
      )`);
    await q.query(`CREATE INDEX poll_allocation_poll ON community.poll_allocation (poll_id, theme_id)`);

    // The database refuses a ballot over budget or a change to a closed poll, whatever the application does.
    // Row triggers run after the whole statement, so the sum covers every row a statement inserts.
    await q.query(`
      CREATE FUNCTION community.poll_allocation_check() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        budget integer;
        closed timestamptz;
        total bigint;
      BEGIN
        SELECT p.points_budget, p.closed_at INTO budget, closed FROM community.poll p WHERE p.id = NEW.poll_id;
        IF closed IS NOT NULL THEN
          RAISE EXCEPTION 'poll % is closed', NEW.poll_id USING ERRCODE = 'check_violation', CONSTRAINT = 'poll_allocation_poll_open';
        END IF;
        SELECT coalesce(sum(a.points), 0) INTO total FROM community.poll_allocation a WHERE a.ballot_id = NEW.ballot_id;
        IF total > budget THEN
          RAISE EXCEPTION 'ballot % gives % points, budget is %', NEW.ballot_id, total, budget
            USING ERRCODE = 'check_violation', CONSTRAINT = 'poll_allocation_within_budget';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER poll_allocation_check
        AFTER INSERT OR UPDATE ON community.poll_allocation
        FOR EACH ROW EXECUTE FUNCTION community.poll_allocation_check()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE community.poll_allocation`);
    await q.query(`DROP FUNCTION community.poll_allocation_check()`);
    await q.query(`DROP TABLE community.poll_ballot`);
    await q.query(`DROP TABLE community.poll_theme`);
    await q.query(`DROP TABLE community.poll`);
    await q.query(`DROP TABLE community.wish_support`);
    await q.query(`DROP TABLE community.wish_theme`);
    await q.query(`DROP TABLE community.wish`);
    await q.query(`DROP TABLE community.theme`);
    await q.query(`DROP INDEX community.neighbourhood_updated`);
    await q.query(`DROP INDEX community.member_updated`);
    await q.query(`
      ALTER TABLE community.member
        DROP CONSTRAINT member_neighbourhood_id_unique,
        DROP CONSTRAINT member_erased_holds_no_personal_data,
        DROP COLUMN erased_at,
        DROP COLUMN roles`);
  }
}
