import { DEFAULT_CHART } from '../subgraphs/ledger/src/accounts/default-chart';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { stableId } from '@dbwe/platform';
import { withDatabase } from '@dbwe/platform/testing';
import { entryHash, GENESIS_HASH } from '@dbwe/ledger/src/entries/entry-hash';
import { hashable } from '@dbwe/ledger/src/entries/posting';
import { appendLeaves, leafHash } from '@dbwe/ledger/src/log/merkle';
import type { EntryEntity } from '@dbwe/ledger/src/entries/entry.entity';
import type { LineEntity } from '@dbwe/ledger/src/entries/line.entity';
import { main as dbweVerify } from '../verifier/src/cli';
import { startPlatform, type RunningPlatform } from './platform';

/** The demo's Spijkerkwartier log: its chart of accounts (one leaf per account) and the 32 leaves of its entries and budgets. */
const DEMO_LOG_SIZE = DEFAULT_CHART.length + 32;

/*
 * The attacker of issue 15: an operator with superuser access to the
 * ledger's database, who rewrites the Spijkerkwartier demo books behind the
 * services' back (triggers off: `session_replication_role = replica`, a
 * superuser's power). A resident kept a checkpoint, with the independent
 * verifier (verifier/, no code shared with the ledger), before the tamper.
 * Expected: the verifier run against that kept checkpoint afterwards
 * reports every tamper, exit code 1, naming what is wrong and where.
 */
jest.setTimeout(120_000);

const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');
const account = (code: string) => stableId(`account:${SPIJKERKWARTIER}:${code}`);

let platform: RunningPlatform;
let sql: Client;
let dir: string;

beforeEach(async () => {
  platform = await startPlatform();
  const url = (platform.subgraphs.ledger.db.options as { url: string }).url;
  sql = new Client({ connectionString: withDatabase(process.env.DBWE_TEST_SERVER_URL!, new URL(url).pathname.slice(1)) });
  await sql.connect();
  dir = mkdtempSync(join(tmpdir(), 'dbwe-tamper-'));
});

afterEach(async () => {
  await sql.end();
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function verify(...extra: string[]): Promise<{ code: number; verdict: string; out: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await dbweVerify(['check', platform.gatewayUrl, 'spijkerkwartier', ...extra], (l) => out.push(l), (l) => err.push(l));
  return { code, verdict: out.at(-1) ?? err.at(-1) ?? '', out: [...out, ...err] };
}

/** As the operator: every statement with triggers off, in one transaction. */
async function asOperator(work: () => Promise<void>): Promise<void> {
  await sql.query('BEGIN');
  await sql.query('SET LOCAL session_replication_role = replica');
  try {
    await work();
    await sql.query('COMMIT');
  } catch (error) {
    await sql.query('ROLLBACK');
    throw error;
  }
}

const entryId = async (sequence: number): Promise<string> =>
  (await sql.query(`SELECT id FROM ledger.entry WHERE neighbourhood_id = $1 AND sequence = $2`, [SPIJKERKWARTIER, sequence])).rows[0].id;

/** Recomputes hashes from `from` on, rebuilds the whole log from the records, and rewinds the heads: a careful rewrite. */
async function rebuildEverythingFrom(from: number): Promise<void> {
  const entries: EntryEntity[] = (
    await sql.query(
      `SELECT id, neighbourhood_id AS "neighbourhoodId", sequence, booking_date::text AS "bookingDate", recorded_at AS "recordedAt", description,
              project_id AS "projectId", member_id AS "memberId", evidence_url AS "evidenceUrl", recorded_by AS "recordedBy", reverses_id AS "reversesId",
              previous_hash AS "previousHash", hash, leaf_index AS "leafIndex"
         FROM ledger.entry WHERE neighbourhood_id = $1 ORDER BY sequence`,
      [SPIJKERKWARTIER],
    )
  ).rows;
  let previous = GENESIS_HASH;
  for (const entry of entries) {
    if (entry.sequence >= from) {
      const lines: LineEntity[] = (
        await sql.query(
          `SELECT account_id AS "accountId", unit, amount_minor AS "amountMinor", counterparty_member_id AS "counterpartyMemberId",
                  counterparty_domain AS "counterpartyDomain", counterparty_name AS "counterpartyName" FROM ledger.line WHERE entry_id = $1 ORDER BY position`,
          [entry.id],
        )
      ).rows;
      const hash = entryHash(previous, hashable({ ...entry, previousHash: previous }, lines));
      await sql.query(`UPDATE ledger.entry SET previous_hash = $2, hash = $3 WHERE id = $1`, [entry.id, previous, hash]);
      await sql.query(`UPDATE ledger.log_leaf SET data = $3 WHERE neighbourhood_id = $1 AND leaf_index = $2`, [
        SPIJKERKWARTIER,
        entry.leafIndex,
        JSON.stringify(['dbwe-entry-leaf-v1', entry.sequence, hash]),
      ]);
      entry.hash = hash;
    }
    previous = entry.hash;
  }
  const leaves: string[] = (await sql.query(`SELECT data FROM ledger.log_leaf WHERE neighbourhood_id = $1 ORDER BY leaf_index`, [SPIJKERKWARTIER])).rows.map(
    (r) => r.data,
  );
  const grown = appendLeaves(0, Buffer.alloc(0), leaves.map(leafHash));
  await sql.query(`DELETE FROM ledger.log_node WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER]);
  for (const n of grown.nodes) {
    await sql.query(`INSERT INTO ledger.log_node VALUES ($1, $2, $3, $4)`, [SPIJKERKWARTIER, n.level, n.index, n.hash]);
  }
  // The signed checkpoints would give the rewrite away to the ledger's own signer: they go too.
  await sql.query(`DELETE FROM ledger.cosignature WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER]);
  await sql.query(`DELETE FROM ledger.checkpoint WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER]);
  await sql.query(`UPDATE ledger.chain SET last_sequence = $2, last_hash = $3, tree_size = $4, tree_frontier = $5 WHERE neighbourhood_id = $1`, [
    SPIJKERKWARTIER,
    entries.at(-1)!.sequence,
    previous,
    leaves.length,
    grown.frontier,
  ]);
}

describe('the verifier, against a checkpoint kept before an operator rewrote the books', () => {
  const kept = () => join(dir, 'kept.checkpoint');
  const keep = async () => {
    const before = await verify('--save-checkpoint', kept());
    expect(before).toMatchObject({ code: 0 });
    expect(before.verdict).toMatch(/^VALID: dbwe\.test\/books\//);
  };

  test.each([
    [
      "changed a line's amount (and its opposite line, so the entry still balances)",
      async () => {
        const id = await entryId(10);
        await sql.query(`UPDATE ledger.line SET amount_minor = amount_minor + 100 WHERE entry_id = $1 AND position = 0`, [id]);
        await sql.query(`UPDATE ledger.line SET amount_minor = amount_minor - 100 WHERE entry_id = $1 AND position = 1`, [id]);
      },
      /^INVALID: entry hash: entry 10: /,
    ],
    [
      'deleted an entry',
      async () => {
        const id = await entryId(20);
        await sql.query(`DELETE FROM ledger.line WHERE entry_id = $1`, [id]);
        await sql.query(`DELETE FROM ledger.entry WHERE id = $1`, [id]);
      },
      /^INVALID: .*entry 20\b/,
    ],
    [
      'deleted the newest entries and rewound the heads, leaves, subtrees and checkpoints',
      async () => {
        const { rows } = await sql.query(`SELECT last_sequence FROM ledger.chain WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER]);
        const keep = rows[0].last_sequence - 5;
        const cut: string[] = (await sql.query(`SELECT id FROM ledger.entry WHERE neighbourhood_id = $1 AND sequence > $2`, [SPIJKERKWARTIER, keep])).rows.map((r) => r.id);
        const { rows: head } = await sql.query(`SELECT leaf_index, hash FROM ledger.entry WHERE neighbourhood_id = $1 AND sequence = $2`, [SPIJKERKWARTIER, keep]);
        const size = Number(head[0].leaf_index) + 1;
        await sql.query(`DELETE FROM ledger.line WHERE entry_id = ANY($1::uuid[])`, [cut]);
        await sql.query(`DELETE FROM ledger.entry WHERE id = ANY($1::uuid[])`, [cut]);
        await sql.query(`DELETE FROM ledger.log_leaf WHERE neighbourhood_id = $1 AND leaf_index >= $2`, [SPIJKERKWARTIER, size]);
        await sql.query(`DELETE FROM ledger.cosignature WHERE neighbourhood_id = $1 AND tree_size > $2`, [SPIJKERKWARTIER, size]);
        await sql.query(`DELETE FROM ledger.checkpoint WHERE neighbourhood_id = $1 AND tree_size > $2`, [SPIJKERKWARTIER, size]);
        const leaves: string[] = (await sql.query(`SELECT data FROM ledger.log_leaf WHERE neighbourhood_id = $1 ORDER BY leaf_index`, [SPIJKERKWARTIER])).rows.map((r) => r.data);
        const grown = appendLeaves(0, Buffer.alloc(0), leaves.map(leafHash));
        await sql.query(`DELETE FROM ledger.log_node WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER]);
        for (const n of grown.nodes) await sql.query(`INSERT INTO ledger.log_node VALUES ($1, $2, $3, $4)`, [SPIJKERKWARTIER, n.level, n.index, n.hash]);
        await sql.query(`UPDATE ledger.chain SET last_sequence = $2, last_hash = $3, tree_size = $4, tree_frontier = $5 WHERE neighbourhood_id = $1`, [
          SPIJKERKWARTIER,
          keep,
          head[0].hash,
          size,
          grown.frontier,
        ]);
        // Balances as if the cut entries had never been: what a careful operator would also do.
        await sql.query(`UPDATE ledger.account a SET balance_minor = coalesce((SELECT sum(l.amount_minor) FROM ledger.line l WHERE l.account_id = a.id), 0)
                          WHERE a.neighbourhood_id = $1`, [SPIJKERKWARTIER]);
      },
      /^INVALID: truncated: /,
    ],
    [
      'swapped two entries',
      async () => {
        const [a, b] = [await entryId(5), await entryId(6)];
        await sql.query(`UPDATE ledger.entry SET sequence = 1000000 WHERE id = $1`, [a]);
        await sql.query(`UPDATE ledger.entry SET sequence = 5 WHERE id = $1`, [b]);
        await sql.query(`UPDATE ledger.entry SET sequence = 6 WHERE id = $1`, [a]);
      },
      /^INVALID: .*entry 5\b/,
    ],
    [
      'changed an entry and recomputed every later hash, the whole log and its heads, and deleted the checkpoints',
      async () => {
        await sql.query(`UPDATE ledger.entry SET description = 'Niets aan de hand' WHERE id = $1`, [await entryId(12)]);
        await rebuildEverythingFrom(12);
      },
      /^INVALID: rewritten: /,
    ],
    [
      "changed an entry, recomputed everything, deleted the checkpoints and moved the log to another origin, for the ledger to sign under",
      async () => {
        await sql.query(`UPDATE ledger.entry SET description = 'Niets aan de hand' WHERE id = $1`, [await entryId(12)]);
        await rebuildEverythingFrom(12);
        await sql.query(`UPDATE ledger.chain SET log_origin = 'evil.example/books/' || neighbourhood_id WHERE neighbourhood_id = $1`, [SPIJKERKWARTIER]);
      },
      /^INVALID: origin: checkpoint: the kept checkpoint is of the origin dbwe\.test\/books\/[0-9a-f-]+; these books now say evil\.example\/books\/[0-9a-f-]+, and a log's origin never changes$/,
    ],
    [
      "changed an account's type (EXPENSE to ASSET), deciding what counts as spending",
      async () => {
        await sql.query(`UPDATE ledger.account SET type = 'ASSET' WHERE id = $1`, [account('4100')]);
      },
      /^INVALID: account: account 4100: type is served as "ASSET", its latest leaf \(\d+\) says "EXPENSE"$/,
    ],
    [
      "changed an account's type with only its fixed-identity guard off, so that the log records it as a new version and the ledger signs it",
      async () => {
        await sql.query('SET LOCAL session_replication_role = origin');
        await sql.query(`ALTER TABLE ledger.account DISABLE TRIGGER account_check`);
        await sql.query(`UPDATE ledger.account SET type = 'ASSET' WHERE id = $1`, [account('4100')]);
        await sql.query(`ALTER TABLE ledger.account ENABLE TRIGGER account_check`);
        // The ledger signs a fresh checkpoint at most once a second: past that, the verifier's catch-up gets one over the new version.
        await new Promise((resolve) => setTimeout(resolve, 1_100));
      },
      new RegExp(`^INVALID: account leaf: leaf ${DEMO_LOG_SIZE}: version 2 of account 4100 changes its type from "EXPENSE" to "ASSET"; an account's type, unit and project are fixed$`),
    ],
    [
      'forged the bank balance (+€1,000,000)',
      async () => {
        await sql.query(`UPDATE ledger.account SET balance_minor = balance_minor + 100000000 WHERE id = $1`, [account('1000')]);
      },
      /^INVALID: balance: account 1000: served as -?\d+, the lines sum to -?\d+$/,
    ],
    [
      "forged a project's spending (doubled)",
      async () => {
        await sql.query(`UPDATE ledger.project_day SET net_minor = net_minor * 2 WHERE project_id = $1`, [stableId('project:neighbourhood-kitchen')]);
      },
      /^INVALID: .*project .*spent/,
    ],
    [
      "moved a project's spending to another booking date (the same total, the same budget year; SROI inputs are read per date)",
      async () => {
        const kitchen = stableId('project:neighbourhood-kitchen');
        await sql.query(
          `INSERT INTO ledger.project_day (project_id, account_id, day, net_minor)
           SELECT project_id, account_id, '2025-02-20', net_minor FROM ledger.project_day WHERE project_id = $1 AND day = '2025-11-28'
           ON CONFLICT (project_id, day, account_id) DO UPDATE SET net_minor = ledger.project_day.net_minor + EXCLUDED.net_minor`,
          [kitchen],
        );
        await sql.query(`DELETE FROM ledger.project_day WHERE project_id = $1 AND day = '2025-11-28'`, [kitchen]);
      },
      /^INVALID: project expenses by booking date: project [0-9a-f-]+: on 2025-02-20 served as 75130 spent and 0 hours, the lines give 48650 and 0$/,
    ],
    [
      'altered a budget',
      async () => {
        await sql.query(
          `UPDATE ledger.budget_revision SET amount_minor = amount_minor * 10 WHERE budget_id = (SELECT id FROM ledger.budget WHERE project_id = $1 LIMIT 1)`,
          [stableId('project:neighbourhood-kitchen')],
        );
      },
      /^INVALID: budget/,
    ],
  ])('reports that the operator %s', async (_what, tamper, verdict) => {
    await keep();
    await asOperator(tamper);
    // A tamper the log records is signed by the ledger's next fresh checkpoint, at most one a second after keep()'s.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = await verify('--checkpoint', kept());
    expect(after.verdict).toMatch(verdict);
    expect(after.code).toBe(1);
  });

  // The verifier compares every member of the neighbourhood; the server's chainVerification still compares member_day only
  // for the members these books name (member_day is not kept per books), so it does not see this.
  test('reports volunteer hours served for a member whom no entry names (500 hours for a resident who never booked one)', async () => {
    await keep();
    const named = (await sql.query(`SELECT DISTINCT member_id FROM ledger.entry WHERE member_id IS NOT NULL`)).rows.map((r) => r.member_id);
    const member = (await sql.query(`SELECT id FROM community.member WHERE neighbourhood_id = $1 AND NOT (id = ANY($2::uuid[])) ORDER BY id LIMIT 1`, [SPIJKERKWARTIER, named]))
      .rows[0].id;
    await asOperator(async () => {
      await sql.query(`INSERT INTO ledger.member_day VALUES ($1, '2025-05-01', 50000)`, [member]);
    });
    const served = await platform.query<{ member: { volunteerHours: { amount: string } } }>(`{ member(id: "${member}") { volunteerHours { amount } } }`);
    expect(served.body.data?.member.volunteerHours.amount).toBe('500.00');
    const after = await verify('--checkpoint', kept());
    expect(after.verdict).toMatch(/^INVALID: member hours: /);
    expect(after.code).toBe(1);
  });

  /*
   * A finding of the issue-15 review, not fixed here (it needs the API to publish more; see the review notes):
   * figures the graph serves from stored per-day totals whose days it does not list, so that no independent
   * verifier can compare all of them (the server's chainVerification finds this one). `test.failing` passes while
   * the verifier still calls these books valid; when it is fixed, make it an ordinary test.
   */
  test.failing('reports that the operator forged a dated balance between two booking dates (+€1,000,000 on 2 January only)', async () => {
    await keep();
    await asOperator(async () => {
      // 15 January is the first booking date: the pair nets out before it, so no date the verifier asks for shows it.
      await sql.query(`INSERT INTO ledger.account_day VALUES ($1, '2025-01-02', 100000000), ($1, '2025-01-03', -100000000)`, [account('1000')]);
    });
    const served = await platform.query<{ neighbourhood: { trialBalance: { balanced: boolean } } }>(
      `{ neighbourhood(slug: "spijkerkwartier") { trialBalance(asOf: "2025-01-02") { balanced } } }`,
    );
    expect(served.body.data?.neighbourhood.trialBalance.balanced).toBe(false);
    const after = await verify('--checkpoint', kept());
    expect(after.verdict).toMatch(/^INVALID: balance: account 1000: /);
    expect(after.code).toBe(1);
  });

  test('checks everything from the open-data exports too, and finds the same tamper there', async () => {
    await keep();
    const honest = await verify('--checkpoint', kept(), '--export', platform.gatewayUrl);
    expect(honest.verdict).toMatch(/^VALID: /);
    expect(honest.code).toBe(0);
    await asOperator(async () => {
      const id = await entryId(8);
      await sql.query(`UPDATE ledger.line SET amount_minor = amount_minor * 3 WHERE entry_id = $1`, [id]);
    });
    const after = await verify('--checkpoint', kept(), '--export', platform.gatewayUrl);
    expect(after.verdict).toMatch(/^INVALID: entry hash: entry 8: /);
    expect(after.code).toBe(1);
  });

  test('reports a rewrite with --quick, from the kept checkpoint and one consistency proof', async () => {
    await keep();
    await asOperator(async () => {
      await sql.query(`UPDATE ledger.entry SET description = 'Niets aan de hand' WHERE id = $1`, [await entryId(3)]);
      await rebuildEverythingFrom(3);
    });
    const after = await verify('--quick', '--checkpoint', kept());
    expect(after.verdict).toMatch(/^INVALID: rewritten: /);
    expect(after.code).toBe(1);
  });
});

describe('a witness (verifier/ witness) against the real ledger', () => {
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const code = await dbweVerify(args, (l) => out.push(l), (l) => out.push(l));
    return { code, verdict: out.at(-1) ?? '' };
  };

  test('cosigns, runs again when nothing was booked (its first cosignature is kept and served), and cosigns growth', async () => {
    const name = 'witness.example/gemeente-arnhem';
    const vkey = (await cli('witness-key', '--name', name, '--out', join(dir, 'witness.key'))).verdict;
    const admin = await platform.token(stableId('member:Penningmeester Pieter'), [{ role: 'admin', neighbourhood: SPIJKERKWARTIER }]);
    const registered = await platform.query<{ registerWitness: { __typename: string } }>(
      `mutation ($input: RegisterWitnessInput!) { registerWitness(input: $input) { __typename } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, verifierKey: vkey, description: 'Gemeente Arnhem' } },
      { token: admin },
    );
    expect(registered.body.data?.registerWitness.__typename).toBe('RegisterWitnessSuccess');
    const args = ['witness', platform.gatewayUrl, 'spijkerkwartier', '--key', join(dir, 'witness.key'), '--name', name, '--state', join(dir, 'state.json')];
    const first = await cli(...args);
    expect(first).toMatchObject({ code: 0, verdict: expect.stringMatching(new RegExp(`^VALID: cosigned .* at size ${DEMO_LOG_SIZE} as witness\\.example/gemeente-arnhem `)) });

    // A cron run a few seconds later, nothing booked: the ledger keeps the first cosignature of this checkpoint.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await cli(...args)).toMatchObject({ code: 0, verdict: expect.stringMatching(new RegExp(` at size ${DEMO_LOG_SIZE} as `)) });

    const steward = await platform.token(stableId('member:Penningmeester Pieter'), [{ role: 'steward', neighbourhood: SPIJKERKWARTIER }]);
    const posted = await platform.query<{ postEntry: { __typename: string } }>(
      `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`,
      {
        input: {
          neighbourhoodId: SPIJKERKWARTIER,
          idempotencyKey: 'witness-growth',
          bookingDate: '2026-01-15',
          description: 'Kasopname',
          lines: [
            { accountId: account('1100'), side: 'DEBIT', amount: '1.00', unit: 'EUR' },
            { accountId: account('1000'), side: 'CREDIT', amount: '1.00', unit: 'EUR' },
          ],
        },
      },
      { token: steward },
    );
    expect(posted.body.data?.postEntry.__typename).toBe('PostEntrySuccess');
    expect(await cli(...args)).toMatchObject({ code: 0, verdict: expect.stringMatching(new RegExp(` at size ${DEMO_LOG_SIZE + 1} as `)) });
  });
});
