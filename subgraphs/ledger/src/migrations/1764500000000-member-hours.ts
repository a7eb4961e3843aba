import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Volunteer hours per member and booking day, kept by the line trigger like
 * account_day and project_day. `Member.volunteerHours` summed every hour line
 * of every entry about the member, so its cost grew with the books' age (1.7 s
 * for 100 members on the benchmark's deepest neighbourhood, bench/FINDINGS.md);
 * now it is an index-only range scan over the days the member volunteered.
 * Counted: lines in hours on expense accounts of entries about the member
 * (entry.member_id), reversals included, as before.
 */
export class MemberHours1764500000000 implements MigrationInterface {
  name = 'MemberHours1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.member_day (
        member_id uuid NOT NULL,
        day date NOT NULL,
        hours_minor bigint NOT NULL,
        CONSTRAINT member_day_pkey PRIMARY KEY (member_id, day) INCLUDE (hours_minor)
      )`);
    await q.query(`
      INSERT INTO ledger.member_day (member_id, day, hours_minor)
      SELECT e.member_id, e.booking_date, sum(l.amount_minor)
        FROM ledger.entry e JOIN ledger.line l ON l.entry_id = e.id JOIN ledger.account a ON a.id = l.account_id
       WHERE e.member_id IS NOT NULL AND a.type = 'EXPENSE' AND l.unit = 'HOUR'
       GROUP BY e.member_id, e.booking_date`);
    await q.query(`CREATE TRIGGER member_day_derived BEFORE INSERT OR UPDATE OR DELETE ON ledger.member_day FOR EACH ROW EXECUTE FUNCTION ledger.refuse_direct_write()`);
    await q.query(`CREATE TRIGGER member_day_no_truncate BEFORE TRUNCATE ON ledger.member_day FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change()`);
    await q.query(applyLine(true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(applyLine(false));
    await q.query(`DROP TABLE ledger.member_day`);
  }
}

/** The line trigger's function (first written in 1764200000000-books), with or without the member's hours. */
function applyLine(withMemberHours: boolean): string {
  return `
    CREATE OR REPLACE FUNCTION ledger.apply_line() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      e record;
      account_type text;
    BEGIN
      SELECT neighbourhood_id, booking_date, project_id, member_id INTO e FROM ledger.entry WHERE id = NEW.entry_id;
      UPDATE ledger.account SET balance_minor = balance_minor + NEW.amount_minor
       WHERE id = NEW.account_id AND neighbourhood_id = e.neighbourhood_id
      RETURNING type INTO account_type;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'account % is not in the books of this entry''s neighbourhood', NEW.account_id
          USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'line_account_in_neighbourhood';
      END IF;
      INSERT INTO ledger.account_day AS d (account_id, day, net_minor) VALUES (NEW.account_id, e.booking_date, NEW.amount_minor)
        ON CONFLICT (account_id, day) DO UPDATE SET net_minor = d.net_minor + EXCLUDED.net_minor;
      IF e.project_id IS NOT NULL THEN
        INSERT INTO ledger.project_day AS d (project_id, account_id, day, net_minor)
          VALUES (e.project_id, NEW.account_id, e.booking_date, NEW.amount_minor)
          ON CONFLICT (project_id, day, account_id) DO UPDATE SET net_minor = d.net_minor + EXCLUDED.net_minor;
      END IF;
      ${
        withMemberHours
          ? `IF e.member_id IS NOT NULL AND NEW.unit = 'HOUR' AND account_type = 'EXPENSE' THEN
        INSERT INTO ledger.member_day AS d (member_id, day, hours_minor) VALUES (e.member_id, e.booking_date, NEW.amount_minor)
          ON CONFLICT (member_id, day) DO UPDATE SET hours_minor = d.hours_minor + EXCLUDED.hours_minor;
      END IF;`
          : ''
      }
      RETURN NULL;
    END $$`;
}
