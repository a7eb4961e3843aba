import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bank statements in (README, "For treasurers"). An account becomes a bank
 * account by an IBAN a steward links to it; an imported statement keeps the
 * file's balances, and each bank transaction is one line, unique per account
 * by the bank's reference, so an overlapping or repeated file adds no line
 * twice (a statement lists its lines through bank_statement_item). A line is
 * open until it is confirmed (booked as one entry, by the normal posting
 * path) or ignored. Counterparty IBANs and names are personal data: they live
 * only here, never in entries, and can be erased (set to null) per line.
 */
export class BankStatements1770400000000 implements MigrationInterface {
  name = 'BankStatements1770400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.bank_account (
        account_id uuid PRIMARY KEY CONSTRAINT bank_account_account_exists REFERENCES ledger.account (id),
        neighbourhood_id uuid NOT NULL,
        iban text NOT NULL CONSTRAINT bank_account_iban_format CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$'),
        linked_by uuid,
        linked_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bank_account_iban_unique UNIQUE (neighbourhood_id, iban)
      )`);
    await q.query(`
      CREATE TABLE ledger.bank_statement (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL,
        account_id uuid NOT NULL CONSTRAINT bank_statement_account_exists REFERENCES ledger.bank_account (account_id),
        format text NOT NULL CONSTRAINT bank_statement_format CHECK (format IN ('CAMT053', 'MT940')),
        iban text NOT NULL,
        statement_ref text NOT NULL,
        electronic_sequence text,
        opening_minor bigint NOT NULL,
        opening_date date NOT NULL,
        closing_minor bigint NOT NULL,
        closing_date date NOT NULL,
        file_sha256 text NOT NULL,
        idempotency_key text NOT NULL,
        imported_by uuid,
        imported_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bank_statement_identity_unique UNIQUE (account_id, format, statement_ref),
        CONSTRAINT bank_statement_key_unique UNIQUE (neighbourhood_id, idempotency_key)
      )`);
    await q.query(`
      CREATE TABLE ledger.bank_statement_line (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL,
        account_id uuid NOT NULL CONSTRAINT bank_line_account_exists REFERENCES ledger.bank_account (account_id),
        first_statement_id uuid NOT NULL REFERENCES ledger.bank_statement (id),
        bank_ref text NOT NULL,
        end_to_end_id text,
        booking_date date NOT NULL,
        value_date date,
        amount_minor bigint NOT NULL CONSTRAINT bank_line_amount_nonzero CHECK (amount_minor <> 0),
        counterparty_iban text,
        counterparty_name text,
        counterparty_is_organisation boolean NOT NULL DEFAULT false,
        counterparty_member_id uuid,
        description text NOT NULL,
        status text NOT NULL DEFAULT 'OPEN' CONSTRAINT bank_line_status CHECK (status IN ('OPEN', 'CONFIRMED', 'IGNORED')),
        entry_id uuid CONSTRAINT bank_line_entry_exists REFERENCES ledger.entry (id),
        counter_account_id uuid REFERENCES ledger.account (id),
        settled_by uuid,
        settled_at timestamptz,
        CONSTRAINT bank_line_ref_unique UNIQUE (account_id, bank_ref),
        CONSTRAINT bank_line_entry_unique UNIQUE (entry_id),
        CONSTRAINT bank_line_confirmed_has_entry CHECK ((status = 'CONFIRMED') = (entry_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX bank_line_by_iban ON ledger.bank_statement_line (neighbourhood_id, counterparty_iban) WHERE counterparty_iban IS NOT NULL`);
    await q.query(`CREATE INDEX bank_line_by_member ON ledger.bank_statement_line (counterparty_member_id) WHERE counterparty_member_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE ledger.bank_statement_item (
        statement_id uuid NOT NULL REFERENCES ledger.bank_statement (id),
        position integer NOT NULL,
        line_id uuid NOT NULL REFERENCES ledger.bank_statement_line (id),
        PRIMARY KEY (statement_id, position),
        CONSTRAINT bank_item_line_once UNIQUE (statement_id, line_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.bank_statement_item`);
    await q.query(`DROP TABLE ledger.bank_statement_line`);
    await q.query(`DROP TABLE ledger.bank_statement`);
    await q.query(`DROP TABLE ledger.bank_account`);
  }
}
