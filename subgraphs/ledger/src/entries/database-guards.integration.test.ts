import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { KLARENDAL, SPIJKERKWARTIER, account, demoProjectId, refusedBy, startLedger, type LedgerTest } from '../testing/ledger.fixtures';

/*
 * The database is the last guard of the books: these statements bypass the
 * subgraph and talk SQL to PostgreSQL as the superuser, the way a buggy
 * script or a careless operator would. On the demo books (Spijkerkwartier:
 * a year of entries, bank 1000 protected against overdraft; Klarendal: open
 * and empty), every one of them must be refused, naming the rule.
 */
let books: LedgerTest;
let sql: Client;
beforeAll(async () => {
  books = await startLedger();
  sql = await books.sql();
});
afterAll(() => books.teardown());

interface RawEntry {
  neighbourhood?: string;
  sequence?: number;
  previousHash?: string;
  reverses?: string | null;
  project?: string | null;
  recordedAt?: string;
  /** [account id, unit, minor units] */
  lines: [string, string, number][];
}

/** Inserts an entry that continues the chain (unless told otherwise) and its lines, in one transaction. */
async function insertRaw(entry: RawEntry): Promise<string> {
  const neighbourhood = entry.neighbourhood ?? SPIJKERKWARTIER;
  const id = randomUUID();
  await sql.query('BEGIN');
  try {
    const { rows } = await sql.query('SELECT last_sequence, last_hash FROM ledger.chain WHERE neighbourhood_id = $1 FOR UPDATE', [neighbourhood]);
    await sql.query(
      `INSERT INTO ledger.entry (id, neighbourhood_id, sequence, booking_date, recorded_at, description, reverses_id, project_id, previous_hash, hash)
       VALUES ($1, $2, $3, '2026-01-10', $4, 'raw SQL', $5, $6, $7, $8)`,
      [
        id,
        neighbourhood,
        entry.sequence ?? rows[0].last_sequence + 1,
        entry.recordedAt ?? '2026-01-10T10:00:00.000Z',
        entry.reverses ?? null,
        entry.project ?? null,
        entry.previousHash ?? rows[0].last_hash,
        'f'.repeat(64),
      ],
    );
    for (const [position, [accountId, unit, minor]] of entry.lines.entries()) {
      await sql.query('INSERT INTO ledger.line (entry_id, position, account_id, amount_minor, unit) VALUES ($1, $2, $3, $4, $5)', [id, position, accountId, minor, unit]);
    }
    await sql.query('COMMIT');
    return id;
  } catch (error) {
    await sql.query('ROLLBACK');
    throw error;
  }
}

async function entryId(description: string): Promise<string> {
  const { rows } = await sql.query('SELECT id FROM ledger.entry WHERE description = $1', [description]);
  return rows[0].id;
}

describe('booked entries are immutable', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of entries and lines', async () => {
    expect(await refusedBy(sql.query(`UPDATE ledger.entry SET description = 'rewritten' WHERE sequence = 3`))).toBe('ledger_immutable');
    expect(await refusedBy(sql.query(`UPDATE ledger.line SET amount_minor = amount_minor + 1`))).toBe('ledger_immutable');
    expect(await refusedBy(sql.query(`DELETE FROM ledger.line WHERE position = 1`))).toBe('ledger_immutable');
    expect(await refusedBy(sql.query(`DELETE FROM ledger.entry WHERE sequence = (SELECT max(sequence) FROM ledger.entry)`))).toBe('ledger_immutable');
    expect(await refusedBy(sql.query(`TRUNCATE ledger.line`))).toBe('ledger_immutable');
    expect(await refusedBy(sql.query(`TRUNCATE ledger.entry CASCADE`))).toBe('ledger_immutable');
    expect(await books.count('entry')).toBe(24);
  });

  it('refuses setting a balance by hand or changing what an account is', async () => {
    expect(await refusedBy(sql.query(`UPDATE ledger.account SET balance_minor = 0 WHERE id = $1`, [account('1000')]))).toBe('account_balance_from_lines');
    expect(await refusedBy(sql.query(`UPDATE ledger.account SET unit = 'HOUR' WHERE id = $1`, [account('4100')]))).toBe('account_identity_fixed');
    expect(await refusedBy(sql.query(`UPDATE ledger.account SET neighbourhood_id = $2 WHERE id = $1`, [account('4100'), KLARENDAL]))).toBe('account_identity_fixed');
    expect(await refusedBy(sql.query(`UPDATE ledger.account_day SET net_minor = 0`))).toBe('ledger_derived');
    expect(await refusedBy(sql.query(`INSERT INTO ledger.account_day VALUES ($1, '2026-01-01', 5)`, [account('1000')]))).toBe('ledger_derived');
  });
});

describe('every entry has two or more lines and balances per unit, at commit', () => {
  it('refuses an unbalanced entry when the transaction commits, not before', async () => {
    const before = await books.count('entry');
    // The inserts themselves succeed; the deferred constraint trigger refuses the COMMIT.
    expect(await refusedBy(insertRaw({ lines: [[account('4900'), 'EUR', 1000], [account('1000'), 'EUR', -999]] }))).toBe('entry_balanced_per_unit');
    expect(await books.count('entry')).toBe(before);
  });

  it('refuses a one-line entry', async () => {
    expect(await refusedBy(insertRaw({ lines: [[account('4900'), 'EUR', 1000]] }))).toBe('entry_min_two_lines');
    expect(await refusedBy(insertRaw({ lines: [] }))).toBe('entry_min_two_lines');
  });

  it('refuses mixed units that only balance across units', async () => {
    expect(await refusedBy(insertRaw({ lines: [[account('4900'), 'EUR', 1000], [account('9800'), 'HOUR', -1000]] }))).toBe('entry_balanced_per_unit');
  });

  it('refuses a line whose unit is not its account unit, and a zero line', async () => {
    expect(await refusedBy(insertRaw({ lines: [[account('4900'), 'HOUR', 1000], [account('9800'), 'HOUR', -1000]] }))).toBe('line_account_exists');
    expect(await refusedBy(insertRaw({ lines: [[account('4900'), 'EUR', 0], [account('1000'), 'EUR', 0]] }))).toBe('line_amount_not_zero');
  });

  it('accepts a balanced entry in two units, and moves balances and day totals with it', async () => {
    const [{ balance_minor: before }] = (await sql.query('SELECT balance_minor FROM ledger.account WHERE id = $1', [account('4900')])).rows;
    await insertRaw({
      lines: [
        [account('4900'), 'EUR', 1000],
        [account('1000'), 'EUR', -1000],
        [account('9100'), 'HOUR', 150],
        [account('9800'), 'HOUR', -150],
      ],
    });
    const [{ balance_minor: after }] = (await sql.query('SELECT balance_minor FROM ledger.account WHERE id = $1', [account('4900')])).rows;
    expect(BigInt(after) - BigInt(before)).toBe(1000n);
    const { rows } = await sql.query(`SELECT net_minor FROM ledger.account_day WHERE account_id = $1 AND day = '2026-01-10'`, [account('4900')]);
    expect(rows).toEqual([{ net_minor: '1000' }]);
  });
});

describe('the chain cannot fork or skip', () => {
  it('refuses a sequence that is not the next one, a repeated one, and a wrong previous hash', async () => {
    const [{ last_sequence }] = (await sql.query('SELECT last_sequence FROM ledger.chain WHERE neighbourhood_id = $1', [SPIJKERKWARTIER])).rows;
    const lines: RawEntry['lines'] = [[account('4900'), 'EUR', 100], [account('1000'), 'EUR', -100]];
    expect(await refusedBy(insertRaw({ sequence: last_sequence + 2, lines }))).toBe('entry_continues_chain');
    expect(await refusedBy(insertRaw({ sequence: last_sequence, lines }))).toBe('entry_continues_chain');
    expect(await refusedBy(insertRaw({ previousHash: '0'.repeat(64), lines }))).toBe('entry_continues_chain');
  });

  it('keeps recordedAt to the millisecond the hash covers', async () => {
    const lines: RawEntry['lines'] = [[account('4900'), 'EUR', 100], [account('1000'), 'EUR', -100]];
    expect(await refusedBy(insertRaw({ recordedAt: '2026-01-10T10:00:00.000123Z', lines }))).toBe('entry_recorded_at_ms');
  });
});

describe('reversals', () => {
  it('refuses a second reversal of an entry', async () => {
    const duplicate = await entryId('Plantgoed Lindenplein (dubbel geboekt)');
    const lines: RawEntry['lines'] = [[account('4100'), 'EUR', -412500], [account('1000'), 'EUR', 412500]];
    expect(await refusedBy(insertRaw({ reverses: duplicate, project: demoProjectId('park-greenery'), lines }))).toBe('entry_reversed_once');
  });

  it('refuses a reversal of a reversal', async () => {
    const correction = await entryId('Correctie: plantgoed Lindenplein was dubbel geboekt');
    const lines: RawEntry['lines'] = [[account('4100'), 'EUR', 412500], [account('1000'), 'EUR', -412500]];
    expect(await refusedBy(insertRaw({ reverses: correction, project: demoProjectId('park-greenery'), lines }))).toBe('entry_no_reversal_of_reversal');
  });

  it('refuses a "reversal" that does not mirror the entry it reverses', async () => {
    const rent = await entryId('Huur aanhanger groenafval');
    const lines: RawEntry['lines'] = [[account('4100'), 'EUR', -100], [account('1000'), 'EUR', 100]];
    expect(await refusedBy(insertRaw({ reverses: rent, project: demoProjectId('park-greenery'), lines }))).toBe('entry_reversal_mirrors');
  });
});

describe('accounts and neighbourhoods', () => {
  it('refuses taking a no-overdraft account below zero', async () => {
    const [{ balance_minor }] = (await sql.query('SELECT balance_minor FROM ledger.account WHERE id = $1', [account('1000')])).rows;
    const tooMuch = Number(balance_minor) + 1;
    expect(await refusedBy(insertRaw({ lines: [[account('4900'), 'EUR', tooMuch], [account('1000'), 'EUR', -tooMuch]] }))).toBe('account_no_overdraft');
  });

  it('judges no-overdraft on the balance after the whole entry, at commit', async () => {
    // Klarendal's empty books: the bank (protected) is credited 10.00 for cash (protected), then debited
    // 25.00 from the municipal budget. Halfway it is at -10.00; at commit at 15.00, which is allowed.
    await insertRaw({
      neighbourhood: KLARENDAL,
      lines: [
        [account('1000', KLARENDAL), 'EUR', -1000],
        [account('1100', KLARENDAL), 'EUR', 1000],
        [account('1000', KLARENDAL), 'EUR', 2500],
        [account('8000', KLARENDAL), 'EUR', -2500],
      ],
    });
    const { rows } = await sql.query('SELECT balance_minor FROM ledger.account WHERE id = $1', [account('1000', KLARENDAL)]);
    expect(rows).toEqual([{ balance_minor: '1500' }]);
  });

  it("refuses a line on another neighbourhood's account", async () => {
    expect(await refusedBy(insertRaw({ lines: [[account('4900'), 'EUR', 100], [account('1300', KLARENDAL), 'EUR', -100]] }))).toBe('line_account_in_neighbourhood');
  });

  it("keeps a project's money in one neighbourhood's books", async () => {
    const lines: RawEntry['lines'] = [[account('4900', KLARENDAL), 'EUR', 100], [account('1300', KLARENDAL), 'EUR', -100]];
    expect(await refusedBy(insertRaw({ neighbourhood: KLARENDAL, project: demoProjectId('park-greenery'), lines }))).toBe('project_in_one_neighbourhood');
  });
});

describe('budgets', () => {
  it('keeps every revision: they cannot be changed or removed', async () => {
    expect(await refusedBy(sql.query(`UPDATE ledger.budget_revision SET amount_minor = 1`))).toBe('ledger_immutable');
    expect(await refusedBy(sql.query(`DELETE FROM ledger.budget_revision`))).toBe('ledger_immutable');
    expect(await refusedBy(sql.query(`UPDATE ledger.budget SET period_end = '2030-01-01'`))).toBe('ledger_immutable');
  });

  it('refuses overlapping periods for one project and unit, and gaps in revision numbers', async () => {
    const insertBudget = (start: string, end: string) =>
      sql.query(`INSERT INTO ledger.budget VALUES ($1, $2, $3, 'EUR', $4, $5, now())`, [randomUUID(), SPIJKERKWARTIER, demoProjectId('park-greenery'), start, end]);
    expect(await refusedBy(insertBudget('2026-03-01', '2026-06-30'))).toBe('budget_periods_do_not_overlap');
    const { rows } = await sql.query(`SELECT budget_id FROM ledger.budget_revision WHERE revision = 2`);
    expect(await refusedBy(sql.query(`INSERT INTO ledger.budget_revision VALUES ($1, 5, 100, 'skip', NULL, now())`, [rows[0].budget_id]))).toBe('budget_revision_next');
  });
});
