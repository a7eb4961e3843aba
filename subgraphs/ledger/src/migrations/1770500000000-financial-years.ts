import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Financial years (calendar years) and their closing, and a neighbourhood's
 * opening balances.
 *
 * A year is open until a row here says it is closed; open years need no row.
 * The row is written in the transaction that books the year-end closing
 * entries, after them, so those entries are the last the year accepts. From
 * then on the database itself refuses any entry dated in the year (trigger
 * `entry_period_open`), whoever inserts it: corrections are booked in the open
 * year and reference what they correct (a reversal's `reverses_id`). Rows are
 * never updated or deleted: a closed year stays closed.
 *
 * `opening_balance` holds the one entry of each neighbourhood that brought in
 * the balances it started with; its primary key makes "once" a fact of the
 * database, not only of the service.
 */
export class FinancialYears1770500000000 implements MigrationInterface {
  name = 'FinancialYears1770500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.financial_years (
        neighbourhood_id uuid NOT NULL REFERENCES ledger.chain (neighbourhood_id),
        year integer NOT NULL CONSTRAINT financial_year_range CHECK (year BETWEEN 1900 AND 9999),
        status text NOT NULL CONSTRAINT financial_year_status CHECK (status IN ('open', 'closed')),
        closed_at timestamptz,
        closed_by uuid,
        reason text,
        idempotency_key text,
        closing_entry_ids uuid[] NOT NULL DEFAULT '{}',
        CONSTRAINT financial_year_unique PRIMARY KEY (neighbourhood_id, year),
        CONSTRAINT financial_year_closed_when CHECK ((status = 'closed') = (closed_at IS NOT NULL))
      )`);
    await q.query(`CREATE TRIGGER financial_years_immutable BEFORE UPDATE OR DELETE ON ledger.financial_years FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change()`);
    await q.query(`CREATE TRIGGER financial_years_no_truncate BEFORE TRUNCATE ON ledger.financial_years FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change()`);

    await q.query(`
      CREATE FUNCTION ledger.refuse_closed_period() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM ledger.financial_years
                    WHERE neighbourhood_id = NEW.neighbourhood_id AND year = extract(year FROM NEW.booking_date)::integer AND status = 'closed') THEN
          RAISE EXCEPTION 'financial year % of neighbourhood % is closed; book the correction in an open year', extract(year FROM NEW.booking_date), NEW.neighbourhood_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'entry_period_open';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER entry_period_open BEFORE INSERT ON ledger.entry FOR EACH ROW EXECUTE FUNCTION ledger.refuse_closed_period()`);

    await q.query(`
      CREATE TABLE ledger.opening_balance (
        neighbourhood_id uuid NOT NULL CONSTRAINT opening_balance_once PRIMARY KEY REFERENCES ledger.chain (neighbourhood_id),
        entry_id uuid NOT NULL REFERENCES ledger.entry (id),
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE TRIGGER opening_balance_immutable BEFORE UPDATE OR DELETE ON ledger.opening_balance FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.opening_balance`);
    await q.query(`DROP TRIGGER entry_period_open ON ledger.entry`);
    await q.query(`DROP FUNCTION ledger.refuse_closed_period()`);
    await q.query(`DROP TABLE ledger.financial_years`);
  }
}
