import { inboxPrivileges, outboxPrivileges, type DatabasePrivileges } from '@dbwe/platform';

/**
 * What the ledger service may do in its schema. It books by inserting and
 * never updates or deletes: not a booked entry or line, not a budget revision,
 * not an account (its type, unit and project are fixed; its balance moves
 * only with lines). The derived rows (balances, day totals, the chain head,
 * which project is in which books) are written by the triggers, which run as
 * the owner (migrations/1764900000000-least-privilege.ts), and read here.
 */
export const databasePrivileges: DatabasePrivileges = {
  tables: {
    account: ['SELECT', 'INSERT'],
    chain: ['SELECT', 'INSERT'],
    entry: ['SELECT', 'INSERT'],
    line: ['SELECT', 'INSERT'],
    budget: ['SELECT', 'INSERT'],
    budget_revision: ['SELECT', 'INSERT'],
    neighbourhood_budget: ['SELECT', 'INSERT'],
    neighbourhood_budget_revision: ['SELECT', 'INSERT'],
    account_day: ['SELECT'],
    project_day: ['SELECT'],
    member_day: ['SELECT'],
    project_books: ['SELECT'],
    // The log is appended by the triggers, as the owner; the service reads it and keeps what it signs and receives.
    log_leaf: ['SELECT'],
    log_node: ['SELECT'],
    checkpoint: ['SELECT', 'INSERT'],
    // Recorded and retired by the start-up step that runs as the owner (registerSigningKeys), never by the service.
    signing_key: ['SELECT'],
    witness: ['SELECT', 'INSERT', { UPDATE: ['retired_at'] }],
    cosignature: ['SELECT', 'INSERT'],
    // Refusals kept for duplicates in flight (entries/key-decision.ts); not facts of the books, so the service prunes them.
    key_refusal: ['SELECT', 'INSERT', 'DELETE'],
    // Closed years are inserted with their closing entries and never changed (an open year has no row).
    financial_years: ['SELECT', 'INSERT'],
    opening_balance: ['SELECT', 'INSERT'],
    // Bank statements (migrations/1770400000000-bank-statements.ts): a steward links and relinks an IBAN; lines change
    // only by being settled, by a steward's note on their counterparty, and by erasure of that counterparty's data.
    bank_account: ['SELECT', 'INSERT', { UPDATE: ['iban', 'linked_by', 'linked_at'] }],
    bank_statement: ['SELECT', 'INSERT'],
    bank_statement_line: [
      'SELECT',
      'INSERT',
      { UPDATE: ['status', 'entry_id', 'counter_account_id', 'settled_by', 'settled_at', 'counterparty_iban', 'counterparty_name', 'counterparty_is_organisation', 'counterparty_member_id',
        'end_to_end_id', 'description', 'counterparty_erased_at'] },
    ],
    bank_statement_item: ['SELECT', 'INSERT'],
    // Renames, re-mappings and closings from a date; appended to the log by their trigger, never changed.
    account_change: ['SELECT', 'INSERT'],
    migrations: [],
    ...outboxPrivileges.tables,
    ...inboxPrivileges.tables,
  },
  // SELECT … FOR UPDATE would need UPDATE privilege; these lock as the owner. assign_log_origins sets missing origins
  // only. The leaf-data functions (pure) let the verification compare the log with the records.
  functions: [
    'lock_chain(uuid)',
    'lock_budget(uuid)',
    'lock_neighbourhood_budget(uuid)',
    'assign_log_origins(text)',
    'entry_leaf_data(integer, text)',
    'account_leaf_data(ledger.account)',
    'budget_leaf_data(ledger.budget, ledger.budget_revision)',
    'neighbourhood_budget_leaf_data(ledger.neighbourhood_budget, ledger.neighbourhood_budget_revision)',
    'account_change_leaf_data(ledger.account_change)',
    'json_text(text)',
    'json_time(timestamp with time zone)',
    ...outboxPrivileges.functions,
  ],
};
