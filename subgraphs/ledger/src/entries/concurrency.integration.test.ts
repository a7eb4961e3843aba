import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ASSERTION_HEADER, stableId, type Viewer } from '@dbwe/platform';
import { testAssertion } from '@dbwe/platform/testing';
import { POST_ENTRY, startLedger, viewer, type LedgerTest } from '../testing/ledger.fixtures';

/*
 * Many writers at once, over HTTP to the real ledger server. A fresh
 * neighbourhood gets 8 euro accounts: A–D may not go below zero, E–H may.
 * An opening entry gives each 1 000.00 from equity; then 16 writers post
 * 2 000 random transfers among them (some overdraw A–D and must be refused).
 * Afterwards the chain has exactly one entry per acknowledged post, no gaps,
 * no forks, verifies, and every stored balance is the sum of its lines.
 */
jest.setTimeout(180_000);

/** A neighbourhood of the community's demo whose books the test opens itself (the ledger's demo is not loaded). */
const NEIGHBOURHOOD = stableId('neighbourhood:klarendal');
const steward = viewer(['steward'], NEIGHBOURHOOD);
let books: LedgerTest;
const accounts: { id: string; code: string; protected: boolean }[] = [];

/** One GraphQL request over HTTP, as the gateway would send it. */
async function overHttp(query: string, variables: Record<string, unknown>, as: Viewer = steward): Promise<any> {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(books.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [ASSERTION_HEADER]: await testAssertion('ledger', as, body, randomUUID()) },
    body,
  });
  const answer = await response.json();
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data;
}

const post = async (input: Record<string, unknown>) => (await overHttp(POST_ENTRY, { input })).postEntry;

/** Waits until `count` sessions of this database wait for a lock (pg_locks: the service's sessions run as another role). */
async function waitersOnLocks(sql: Client, count: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    // Inside a transaction the activity view is read once and kept; this reads it afresh.
    await sql.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await sql.query(
      `SELECT count(DISTINCT l.pid)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()`,
    );
    if (rows[0].n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${count} sessions came to wait for a lock`);
}

async function sqlQuery(text: string, values: unknown[] = []) {
  const sql = new Client({ connectionString: books.databaseUrl });
  await sql.connect();
  try {
    return await sql.query(text, values);
  } finally {
    await sql.end();
  }
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % below;
  };
}

const transferInput = (key: string, from: string, to: string, amount: string) => ({
  neighbourhoodId: NEIGHBOURHOOD,
  idempotencyKey: key,
  bookingDate: '2026-02-01',
  description: `Overboeking ${amount}`,
  lines: [
    { accountId: to, side: 'DEBIT', amount, unit: 'EUR' },
    { accountId: from, side: 'CREDIT', amount, unit: 'EUR' },
  ],
});

beforeAll(async () => {
  books = await startLedger({ seed: false, listen: true, platform: true });
  await overHttp(`mutation ($id: ID!) { openBooks(neighbourhoodId: $id) { openedNow } }`, { id: NEIGHBOURHOOD });
  for (const [index, code] of ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].entries()) {
    const data = await overHttp(
      `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { ... on CreateAccountSuccess { account { id } } } }`,
      { input: { neighbourhoodId: NEIGHBOURHOOD, code: `2${index}00`, name: `Rekening ${code}`, type: 'ASSET', unit: 'EUR', noOverdraft: index < 4 } },
    );
    accounts.push({ id: data.createAccount.account.id, code: `2${index}00`, protected: index < 4 });
  }
  const equity = stableId(`account:${NEIGHBOURHOOD}:0500`);
  const opening = await post({
    neighbourhoodId: NEIGHBOURHOOD,
    idempotencyKey: 'opening',
    bookingDate: '2026-01-01',
    description: 'Beginbalans',
    lines: [
      ...accounts.map((a) => ({ accountId: a.id, side: 'DEBIT', amount: '1000.00', unit: 'EUR' })),
      { accountId: equity, side: 'CREDIT', amount: '8000.00', unit: 'EUR' },
    ],
  });
  expect(opening.__typename).toBe('PostEntrySuccess');
});
afterAll(() => books.teardown());

describe('16 writers posting 2 000 transfers among 8 accounts of one neighbourhood', () => {
  const WRITERS = 16;
  const TRANSFERS = 2000;
  const outcomes: { writer: number; typename: string; replayed?: boolean; entryId?: string }[] = [];

  beforeAll(async () => {
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const next = random(writer + 1);
        for (let i = 0; i < TRANSFERS / WRITERS; i++) {
          const from = accounts[next(8)];
          let to = accounts[next(8)];
          if (to === from) to = accounts[(accounts.indexOf(from) + 1) % 8];
          const amount = `${1 + next(400)}.${String(next(100)).padStart(2, '0')}`;
          const input = transferInput(`w${writer}-${i}`, from.id, to.id, amount);
          const result = await post(input);
          outcomes.push({ writer, typename: result.__typename, replayed: result.replayed, entryId: result.entry?.id });
          // Every tenth booked post is sent again, as a client would after a lost response. (A refused
          // post wrote nothing, not even its key, so sending it again may succeed once balances moved.)
          if (i % 10 === 0 && result.entry) {
            expect(await post(input)).toMatchObject({ __typename: 'PostEntrySuccess', replayed: true, entry: { id: result.entry.id } });
          }
        }
      }),
    );
  });

  it('acknowledges every post as booked or refused for overdraft, nothing else', () => {
    expect(outcomes).toHaveLength(TRANSFERS);
    const kinds = new Set(outcomes.map((o) => o.typename));
    expect([...kinds].sort()).toEqual(['Overdraft', 'PostEntrySuccess']);
    expect(outcomes.filter((o) => o.typename === 'Overdraft').length).toBeGreaterThan(0);
  });

  it('has exactly one entry per acknowledged post, in a chain without gaps or forks', async () => {
    const acknowledged = outcomes.filter((o) => o.typename === 'PostEntrySuccess' && !o.replayed);
    expect(new Set(acknowledged.map((o) => o.entryId)).size).toBe(acknowledged.length);
    const rows: { sequence: number; previous_hash: string; hash: string }[] = await books.db.query(
      `SELECT sequence, previous_hash, hash FROM ledger.entry WHERE neighbourhood_id = $1 ORDER BY sequence`,
      [NEIGHBOURHOOD],
    );
    // The opening entry plus one per acknowledged transfer.
    expect(rows).toHaveLength(acknowledged.length + 1);
    expect(rows.map((r) => r.sequence)).toEqual(rows.map((_, i) => i + 1));
    rows.forEach((row, i) => expect(row.previous_hash).toBe(i === 0 ? '0'.repeat(64) : rows[i - 1].hash));
    const [chain] = await books.db.query(`SELECT last_sequence, last_hash FROM ledger.chain WHERE neighbourhood_id = $1`, [NEIGHBOURHOOD]);
    expect(chain).toEqual({ last_sequence: rows.length, last_hash: rows.at(-1)!.hash });
  });

  it('verifies the whole chain', async () => {
    const data = await overHttp(
      `query ($id: ID!) { _entities(representations: [{ __typename: "Neighbourhood", id: $id }]) { ... on Neighbourhood { chainVerification { valid entriesChecked firstBadSequence } } } }`,
      { id: NEIGHBOURHOOD },
    );
    const acknowledged = outcomes.filter((o) => o.typename === 'PostEntrySuccess' && !o.replayed).length;
    expect(data._entities[0].chainVerification).toEqual({ valid: true, entriesChecked: acknowledged + 1, firstBadSequence: null });
  });

  it('keeps every stored balance equal to its lines, and no protected account below zero', async () => {
    const rows: { id: string; no_overdraft: boolean; stored: string; recomputed: string; by_day: string }[] = await books.db.query(
      `SELECT a.id, a.no_overdraft, a.balance_minor::text AS stored,
              (SELECT coalesce(sum(l.amount_minor), 0) FROM ledger.line l WHERE l.account_id = a.id)::text AS recomputed,
              (SELECT coalesce(sum(d.net_minor), 0) FROM ledger.account_day d WHERE d.account_id = a.id)::text AS by_day
         FROM ledger.account a WHERE a.neighbourhood_id = $1`,
      [NEIGHBOURHOOD],
    );
    for (const row of rows) {
      expect(row.stored).toBe(row.recomputed);
      expect(row.by_day).toBe(row.recomputed);
      if (row.no_overdraft) expect(BigInt(row.stored)).toBeGreaterThanOrEqual(0n);
    }
    const total = rows.filter((r) => accounts.some((a) => a.id === r.id)).reduce((sum, r) => sum + BigInt(r.stored), 0n);
    expect(total).toBe(800_000n);
  });
});

describe('one idempotency key sent 50 times at once', () => {
  it('books exactly one entry and returns it to every sender', async () => {
    const before = await books.count('entry');
    const input = transferInput('fifty-at-once', accounts[4].id, accounts[5].id, '1.00');
    const results = await Promise.all(Array.from({ length: 50 }, () => post(input)));
    expect(await books.count('entry')).toBe(before + 1);
    expect(results.every((r) => r.__typename === 'PostEntrySuccess')).toBe(true);
    expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('answers retries with the first entry even when a second booking would overdraw', async () => {
    // A protected account holds 100.00; the request takes 60.00. Booked twice it would overdraw, but the
    // copies are retries of one request: each gets the entry, none an Overdraft.
    const created = await overHttp(
      `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { ... on CreateAccountSuccess { account { id } } } }`,
      { input: { neighbourhoodId: NEIGHBOURHOOD, code: '2900', name: 'Potje', type: 'ASSET', unit: 'EUR', noOverdraft: true } },
    );
    const pot = created.createAccount.account.id;
    expect((await post(transferInput('fill-pot', accounts[4].id, pot, '100.00'))).__typename).toBe('PostEntrySuccess');
    const input = transferInput('empty-pot', pot, accounts[5].id, '60.00');
    const results = await Promise.all(Array.from({ length: 20 }, () => post(input)));
    expect(results.map((r) => r.__typename)).toEqual(Array(20).fill('PostEntrySuccess'));
    expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
  });

  it('answers a duplicate with the first one\'s refusal, though money arrived before the duplicate was judged', async () => {
    // A protected pot holds 10.00 and the request takes 50.00: refused. A deposit of 100.00 is queued behind the first
    // copy and before the second, so the second, judged on its own, would be booked. It was in flight when the first
    // was refused, so it is the same request: both get the Overdraft, nothing is booked with the key, and the key stays
    // free for a request sent afterwards (issue 17).
    const created = await overHttp(
      `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { ... on CreateAccountSuccess { account { id } } } }`,
      { input: { neighbourhoodId: NEIGHBOURHOOD, code: '2910', name: 'Spaarpot', type: 'ASSET', unit: 'EUR', noOverdraft: true } },
    );
    const pot = created.createAccount.account.id;
    expect((await post(transferInput('fill-spaarpot', accounts[4].id, pot, '10.00'))).__typename).toBe('PostEntrySuccess');
    const input = transferInput('raid-spaarpot', pot, accounts[5].id, '50.00');

    const holder = new Client({ connectionString: books.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM ledger.lock_chain($1)', [NEIGHBOURHOOD]);
      const first = post(input);
      await waitersOnLocks(holder, 1);
      const deposit = post(transferInput('deposit-spaarpot', accounts[4].id, pot, '100.00'));
      await waitersOnLocks(holder, 2);
      const second = post(input);
      await waitersOnLocks(holder, 3);
      await holder.query('COMMIT');
      const [a, b, c] = await Promise.all([first, second, deposit]);
      expect([a.__typename, b.__typename, c.__typename]).toEqual(['Overdraft', 'Overdraft', 'PostEntrySuccess']);
      expect(b).toEqual(a);
    } finally {
      await holder.end();
    }
    const { rows } = await sqlQuery(`SELECT count(*)::int AS n FROM ledger.entry WHERE idempotency_key = 'raid-spaarpot'`);
    expect(rows[0].n).toBe(0);
    const later = await post(input);
    expect(later).toMatchObject({ __typename: 'PostEntrySuccess', replayed: false });
  });

  it('books one entry and refuses the others when the content differs', async () => {
    const before = await books.count('entry');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(transferInput('fifty-different', accounts[4].id, accounts[5].id, `${i + 1}.00`))),
    );
    expect(await books.count('entry')).toBe(before + 1);
    expect(results.filter((r) => r.__typename === 'PostEntrySuccess')).toHaveLength(1);
    expect(results.filter((r) => r.__typename === 'IdempotencyKeyConflict')).toHaveLength(49);
  });
});
