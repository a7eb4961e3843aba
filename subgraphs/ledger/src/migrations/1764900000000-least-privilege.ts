import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger service runs as a role that inserts entries, lines, accounts and
 * budgets and writes nothing else (database-privileges.ts): no derived row,
 * no UPDATE or DELETE anywhere. The triggers that keep the derived rows (the
 * chain head, balances, day totals, a project's books) therefore run as the
 * schema's owner, with a search_path of their own so that nobody can slip a
 * look-alike table or function in front of ours. `pin_project`, which they
 * call, is left as it is: the runtime role may not execute it directly.
 *
 * Posting locks the chain head and setting a budget locks the budget; a
 * `SELECT … FOR UPDATE` needs UPDATE privilege on the table, which the
 * service must not hold, so it locks through these functions, which run as
 * the owner and lock nothing else.
 */
const OWNER_RUN_TRIGGERS = ['apply_line()', 'link_entry()', 'check_account()', 'check_budget()'];

export class LeastPrivilege1764900000000 implements MigrationInterface {
  name = 'LeastPrivilege1764900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const fn of OWNER_RUN_TRIGGERS) {
      await q.query(`ALTER FUNCTION ledger.${fn} SECURITY DEFINER SET search_path = ledger, pg_temp`);
    }
    await q.query(`
      CREATE FUNCTION ledger.lock_chain(neighbourhood uuid) RETURNS SETOF ledger.chain
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      BEGIN
        RETURN QUERY SELECT * FROM ledger.chain WHERE neighbourhood_id = lock_chain.neighbourhood FOR UPDATE;
      END $$`);
    await q.query(`
      CREATE FUNCTION ledger.lock_budget(budget uuid) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      BEGIN
        PERFORM FROM ledger.budget WHERE id = lock_budget.budget FOR UPDATE;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ledger.lock_budget(uuid), ledger.lock_chain(uuid)`);
    for (const fn of OWNER_RUN_TRIGGERS) {
      await q.query(`ALTER FUNCTION ledger.${fn} SECURITY INVOKER RESET search_path`);
    }
  }
}
