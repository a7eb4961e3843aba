import type { MigrationInterface, QueryRunner } from 'typeorm';
import { inboxMigrationStatements, inboxRollbackStatements } from '@dbwe/platform';

/**
 * Counterparty data erased with the member (docs/privacy.md, "Bank statement
 * lines"). The ledger gets an inbox for the events it consumes (community's
 * `member.erased`); a line remembers when its counterparty's data was erased,
 * and the database refuses an erased line that still holds any of it. The
 * bank's description may hold a name, so it goes too, and may now be null.
 */
export class BankCounterpartyErasure1770700000000 implements MigrationInterface {
  name = 'BankCounterpartyErasure1770700000000';

  async up(q: QueryRunner): Promise<void> {
    for (const statement of inboxMigrationStatements('ledger')) await q.query(statement);
    await q.query(`
      ALTER TABLE ledger.bank_statement_line
        ALTER COLUMN description DROP NOT NULL,
        ADD COLUMN counterparty_erased_at timestamptz,
        ADD CONSTRAINT bank_line_erased_holds_no_personal_data CHECK (
          counterparty_erased_at IS NULL
          OR (counterparty_iban IS NULL AND counterparty_name IS NULL AND end_to_end_id IS NULL AND description IS NULL)
        )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE ledger.bank_statement_line SET description = '' WHERE description IS NULL`);
    await q.query(`
      ALTER TABLE ledger.bank_statement_line
        DROP CONSTRAINT bank_line_erased_holds_no_personal_data,
        DROP COLUMN counterparty_erased_at,
        ALTER COLUMN description SET NOT NULL`);
    for (const statement of inboxRollbackStatements('ledger')) await q.query(statement);
  }
}
