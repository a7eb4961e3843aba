import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The books. The database, not only the code, guards the invariants:
 * balanced entries, immutability, one reversal per entry, no overdraft on
 * protected accounts, lines only on accounts of the entry's neighbourhood.
 */
export class Initial1764100000000 implements MigrationInterface {
  name = 'Initial1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.account (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL,
        code text NOT NULL CHECK (code ~ '^[0-9A-Za-z.-]{1,20}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        type text NOT NULL CHECK (type IN ('ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE')),
        unit text NOT NULL CHECK (unit IN ('EUR', 'HOUR')),
        project_id uuid,
        taakveld text CHECK (taakveld ~ '^[0-9]\\.[0-9]{1,2}(\\.[0-9])?$'),
        no_overdraft boolean NOT NULL DEFAULT false,
        balance_minor bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (neighbourhood_id, code),
        UNIQUE (id, unit),
        CONSTRAINT account_no_overdraft CHECK (
          NOT no_overdraft OR (CASE WHEN type IN ('ASSET', 'EXPENSE') THEN balance_minor ELSE -balance_minor END) >= 0
        )
      )`);
    await q.query(`CREATE INDEX account_project ON ledger.account (project_id) WHERE project_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE ledger.chain (
        neighbourhood_id uuid PRIMARY KEY,
        last_sequence integer NOT NULL DEFAULT 0 CHECK (last_sequence >= 0),
        last_hash text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE ledger.entry (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL REFERENCES ledger.chain (neighbourhood_id),
        sequence integer NOT NULL CHECK (sequence >= 1),
        booking_date date NOT NULL,
        recorded_at timestamptz NOT NULL,
        description text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
        project_id uuid,
        member_id uuid,
        evidence_url text,
        recorded_by uuid,
        reverses_id uuid UNIQUE REFERENCES ledger.entry (id),
        idempotency_key text,
        request_fingerprint text,
        previous_hash text NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        UNIQUE (neighbourhood_id, sequence),
        UNIQUE (neighbourhood_id, idempotency_key)
      )`);
    await q.query(`CREATE INDEX entry_project ON ledger.entry (project_id, sequence) WHERE project_id IS NOT NULL`);
    await q.query(`CREATE INDEX entry_member ON ledger.entry (member_id, sequence) WHERE member_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE ledger.line (
        entry_id uuid NOT NULL REFERENCES ledger.entry (id),
        position smallint NOT NULL CHECK (position >= 0),
        account_id uuid NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
        unit text NOT NULL,
        counterparty_member_id uuid,
        counterparty_name text,
        PRIMARY KEY (entry_id, position),
        FOREIGN KEY (account_id, unit) REFERENCES ledger.account (id, unit)
      )`);
    await q.query(`CREATE INDEX line_account ON ledger.line (account_id, entry_id)`);

    // Every entry has two or more lines and balances per unit, checked at commit.
    await q.query(`
      CREATE FUNCTION ledger.check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        line_count integer;
        bad_unit text;
      BEGIN
        SELECT count(*) INTO line_count FROM ledger.line WHERE entry_id = NEW.id;
        IF line_count < 2 THEN
          RAISE EXCEPTION 'entry % has % line(s); an entry needs at least two', NEW.sequence, line_count
            USING ERRCODE = 'check_violation', CONSTRAINT = 'entry_min_two_lines';
        END IF;
        SELECT unit INTO bad_unit FROM ledger.line WHERE entry_id = NEW.id GROUP BY unit HAVING sum(amount_minor) <> 0 LIMIT 1;
        IF bad_unit IS NOT NULL THEN
          RAISE EXCEPTION 'entry % does not balance in %', NEW.sequence, bad_unit
            USING ERRCODE = 'check_violation', CONSTRAINT = 'entry_balanced_per_unit';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER entry_balanced AFTER INSERT ON ledger.entry
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger.check_entry_balanced()`);

    // Lines move balances and may only touch accounts of their entry's neighbourhood.
    await q.query(`
      CREATE FUNCTION ledger.apply_line() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE ledger.account a SET balance_minor = a.balance_minor + NEW.amount_minor
          FROM ledger.entry e
         WHERE a.id = NEW.account_id AND e.id = NEW.entry_id AND e.neighbourhood_id = a.neighbourhood_id;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'account % is not in the books of this entry''s neighbourhood', NEW.account_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'line_account_in_neighbourhood';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER line_apply AFTER INSERT ON ledger.line FOR EACH ROW EXECUTE FUNCTION ledger.apply_line()`);

    // Booked entries and lines are immutable: corrections are reversal entries.
    await q.query(`
      CREATE FUNCTION ledger.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'booked ledger % rows cannot be changed or deleted; book a reversal instead', TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'ledger_immutable';
      END $$`);
    for (const table of ['entry', 'line']) {
      await q.query(`CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ledger.${table} FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ledger.${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.line, ledger.entry, ledger.chain, ledger.account`);
    await q.query(`DROP FUNCTION ledger.check_entry_balanced, ledger.apply_line, ledger.refuse_change`);
  }
}
