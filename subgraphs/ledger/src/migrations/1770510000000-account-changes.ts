import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The chart of accounts over time (docs/periods.md, "The chart of accounts
 * over time"). An account is renamed, re-mapped to another taakveld or closed
 * from an effective date by a row here; the account row itself keeps what it
 * was created as, so a past year is read with the name and taakveld valid
 * then. Each change is a leaf of the neighbourhood's transparency log
 * (`ACCOUNT_CHANGE`, format dbwe-account-change-v1, docs/ledger-hash.md),
 * appended by the trigger as the owner, as account versions and budget
 * revisions are. Rows are never updated or deleted.
 *
 * The trigger also holds the order the service checks: changes of an account
 * are numbered 1, 2, … without gaps, their effective dates never go back, the
 * old values are what the change before left (or the account as created), and
 * nothing follows a closing.
 */
export class AccountChanges1770510000000 implements MigrationInterface {
  name = 'AccountChanges1770510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.account_change (
        account_id uuid NOT NULL REFERENCES ledger.account (id),
        change integer NOT NULL CONSTRAINT account_change_number CHECK (change >= 1),
        neighbourhood_id uuid NOT NULL,
        effective_from date NOT NULL,
        old_name text NOT NULL,
        new_name text NOT NULL CONSTRAINT account_change_name_length CHECK (length(new_name) BETWEEN 1 AND 200),
        old_taakveld text,
        new_taakveld text CONSTRAINT account_change_taakveld_length CHECK (length(new_taakveld) BETWEEN 1 AND 20),
        closes boolean NOT NULL,
        reason text NOT NULL CONSTRAINT account_change_reason_length CHECK (length(reason) BETWEEN 1 AND 500),
        recorded_at timestamptz NOT NULL,
        recorded_by uuid,
        leaf_index bigint,
        CONSTRAINT account_change_pkey PRIMARY KEY (account_id, change),
        CONSTRAINT account_change_changes_something CHECK (closes OR new_name <> old_name OR new_taakveld IS DISTINCT FROM old_taakveld),
        CONSTRAINT account_change_logged CHECK (leaf_index IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX account_change_neighbourhood ON ledger.account_change (neighbourhood_id)`);

    await q.query(`ALTER TABLE ledger.log_leaf DROP CONSTRAINT log_leaf_kind`);
    await q.query(`ALTER TABLE ledger.log_leaf ADD CONSTRAINT log_leaf_kind CHECK (kind IN ('ENTRY', 'ACCOUNT', 'BUDGET_REVISION', 'ACCOUNT_CHANGE'))`);

    await q.query(`
      CREATE FUNCTION ledger.account_change_leaf_data(c ledger.account_change) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
        RETURN '["dbwe-account-change-v1",' || ledger.json_text(c.account_id::text) || ',' || c.change || ',' || ledger.json_text(c.neighbourhood_id::text)
          || ',' || ledger.json_text(c.effective_from::text) || ',' || ledger.json_text(c.old_name) || ',' || ledger.json_text(c.new_name)
          || ',' || ledger.json_text(c.old_taakveld) || ',' || ledger.json_text(c.new_taakveld) || ',' || CASE WHEN c.closes THEN 'true' ELSE 'false' END
          || ',' || ledger.json_text(c.reason) || ',' || ledger.json_time(c.recorded_at) || ',' || ledger.json_text(c.recorded_by::text) || ']'`);

    await q.query(`
      CREATE FUNCTION ledger.log_account_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      DECLARE
        a ledger.account;
        prev ledger.account_change;
        was_taakveld text;
      BEGIN
        SELECT * INTO a FROM ledger.account WHERE id = NEW.account_id;
        IF a.neighbourhood_id <> NEW.neighbourhood_id THEN
          RAISE EXCEPTION 'account % belongs to another neighbourhood', NEW.account_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'account_change_same_books';
        END IF;
        SELECT * INTO prev FROM ledger.account_change WHERE account_id = NEW.account_id ORDER BY change DESC LIMIT 1;
        was_taakveld := CASE WHEN prev.change IS NULL THEN a.taakveld ELSE prev.new_taakveld END;
        IF NEW.change <> coalesce(prev.change, 0) + 1
           OR NEW.effective_from < prev.effective_from
           OR coalesce(prev.closes, false)
           OR NEW.old_name <> coalesce(prev.new_name, a.name)
           OR NEW.old_taakveld IS DISTINCT FROM was_taakveld THEN
          RAISE EXCEPTION 'change % of account % does not follow its changes before', NEW.change, NEW.account_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'account_change_in_order';
        END IF;
        NEW.recorded_at := date_trunc('milliseconds', NEW.recorded_at);
        NEW.leaf_index := ledger.log_append(NEW.neighbourhood_id, 'ACCOUNT_CHANGE', NEW.account_id, NEW.change, ledger.account_change_leaf_data(NEW));
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER account_change_log BEFORE INSERT ON ledger.account_change FOR EACH ROW EXECUTE FUNCTION ledger.log_account_change()`);
    // A closed account takes no line of an entry dated on or after its closing, whoever inserts it (the service checks
    // the same under the chain lock, which changeAccount holds to close). One index probe per line on a small table.
    await q.query(`
      CREATE FUNCTION ledger.refuse_closed_account() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM ledger.account_change c JOIN ledger.entry e ON e.id = NEW.entry_id
                    WHERE c.account_id = NEW.account_id AND c.closes AND c.effective_from <= e.booking_date) THEN
          RAISE EXCEPTION 'account % is closed on the booking date of entry %', NEW.account_id, NEW.entry_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'line_account_open';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER line_account_open BEFORE INSERT ON ledger.line FOR EACH ROW EXECUTE FUNCTION ledger.refuse_closed_account()`);
    await q.query(`CREATE TRIGGER account_change_immutable BEFORE UPDATE OR DELETE ON ledger.account_change FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change()`);
    await q.query(`CREATE TRIGGER account_change_no_truncate BEFORE TRUNCATE ON ledger.account_change FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER line_account_open ON ledger.line`);
    await q.query(`DROP FUNCTION ledger.refuse_closed_account()`);
    await q.query(`DROP TABLE ledger.account_change`);
    await q.query(`DROP FUNCTION ledger.log_account_change()`);
    await q.query(`DROP FUNCTION ledger.account_change_leaf_data(ledger.account_change)`);
    await q.query(`ALTER TABLE ledger.log_leaf DROP CONSTRAINT log_leaf_kind`);
    await q.query(`ALTER TABLE ledger.log_leaf ADD CONSTRAINT log_leaf_kind CHECK (kind IN ('ENTRY', 'ACCOUNT', 'BUDGET_REVISION'))`);
  }
}
