import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an account last changed, for incremental sync ("accounts changed
 * since"). A balance moves with every line posted to the account, so the
 * column is kept by a trigger on the account row itself: the line trigger's
 * balance update, a rename and any other change all pass through it.
 */
export class AccountUpdatedAt1764300000000 implements MigrationInterface {
  name = 'AccountUpdatedAt1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger.account ADD COLUMN updated_at timestamptz`);
    // Existing books: the account last changed when it was opened or when the latest entry with a line on it was
    // recorded. One aggregate over all lines, not a query per account, so millions of lines take seconds.
    await q.query(`
      UPDATE ledger.account a
         SET updated_at = greatest(a.created_at, moved.last_recorded_at)
        FROM (SELECT l.account_id, max(e.recorded_at) AS last_recorded_at
                FROM ledger.line l JOIN ledger.entry e ON e.id = l.entry_id
               GROUP BY l.account_id) moved
       WHERE moved.account_id = a.id`);
    await q.query(`UPDATE ledger.account SET updated_at = created_at WHERE updated_at IS NULL`);
    await q.query(`ALTER TABLE ledger.account ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL`);

    // now() is the start of the changing transaction, the same instant for every line of one entry.
    // NEW IS DISTINCT FROM OLD compares column by column: every column of ledger.account needs an
    // equality operator (a json or point column added later would make every update fail).
    await q.query(`
      CREATE FUNCTION ledger.touch_account() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW IS DISTINCT FROM OLD THEN
          NEW.updated_at := now();
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER account_touch BEFORE UPDATE ON ledger.account FOR EACH ROW EXECUTE FUNCTION ledger.touch_account()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER account_touch ON ledger.account`);
    await q.query(`DROP FUNCTION ledger.touch_account()`);
    await q.query(`ALTER TABLE ledger.account DROP COLUMN updated_at`);
  }
}
