import type { ClientBase } from 'pg';
import { stableId } from '@dbwe/platform';
import { DEFAULT_CHART, defaultAccountId } from '@dbwe/ledger/src/accounts/default-chart';
import { GENESIS_HASH, entryHash } from '@dbwe/ledger/src/entries/entry-hash';
import { hashable } from '@dbwe/ledger/src/entries/posting';
import type { EntryEntity } from '@dbwe/ledger/src/entries/entry.entity';
import type { LineEntity } from '@dbwe/ledger/src/entries/line.entity';
import { appendLeaves, leafHash, rootOfFrontier } from '@dbwe/ledger/src/log/merkle';
import { signCheckpoint, signingKeyFromSeed } from '@dbwe/ledger/src/log/note';
import { copyRows, type Cell } from './copy';
import { Random } from './random';
import {
  BENCH_LEDGER_SIGNING_KEY,
  BENCH_LOG_ORIGIN,
  CITY_EPOCH,
  DAY_MS,
  STEWARD,
  isoDate,
  memberDomain,
  memberId,
  projectId,
  type CityPlan,
  type NeighbourhoodPlan,
} from './plan';

/**
 * The books are loaded in one transaction. The triggers that derive state
 * row by row (the chain head and the log per entry, balances and day totals
 * per line) and the per-entry balance check at commit are switched off
 * inside it; the loader computes the same state set-based from the lines
 * (and the log's leaves and subtrees with the ledger's own tree code),
 * checks every rule those triggers enforce over the whole load, and switches
 * them back on before COMMIT, so no other session ever sees them off and
 * nothing that breaks a rule can commit. The immutability triggers are never
 * touched. Accounts and budget revisions are few and go in with their
 * triggers on, so the database itself logs them.
 */
const DERIVING_TRIGGERS: [table: string, trigger: string][] = [
  ['ledger.entry', 'entry_link'],
  ['ledger.entry', 'entry_balanced'],
  ['ledger.line', 'line_apply'],
  ['ledger.account', 'account_check'],
  ['ledger.account', 'account_touch'],
  ['ledger.account_day', 'account_day_derived'],
  ['ledger.project_day', 'project_day_derived'],
  ['ledger.member_day', 'member_day_derived'],
];

const ENTRY_COLUMNS = [
  'id', 'neighbourhood_id', 'sequence', 'booking_date', 'recorded_at', 'description', 'project_id', 'member_id', 'evidence_url', 'recorded_by',
  'reverses_id', 'idempotency_key', 'request_fingerprint', 'previous_hash', 'hash', 'leaf_index',
];
const LEAF_COLUMNS = ['neighbourhood_id', 'leaf_index', 'kind', 'record_id', 'record_version', 'data'];
const NODE_COLUMNS = ['neighbourhood_id', 'level', 'node_index', 'hash'];
/** The deep neighbourhood also gets a checkpoint after this many entries, for the consistency benchmark. */
export const EARLY_CHECKPOINT_ENTRIES = 1_000;
const LINE_COLUMNS = ['entry_id', 'position', 'account_id', 'amount_minor', 'unit', 'counterparty_member_id', 'counterparty_domain', 'counterparty_name'];

/** Entries are written this many at a time (entries, then their lines). */
const BATCH = 25_000;
/** The books' history spans this many days from the city's epoch. */
const HISTORY_DAYS = 2_500;

type Entry = Omit<EntryEntity, 'hash'> & { hash: string };

/** A neighbourhood's log while its entries are appended: size, frontier, the checkpoints to sign. */
interface LogState {
  id: string;
  size: number;
  frontier: Buffer;
  checkpoints: { size: number; root: Buffer }[];
}

export async function loadLedger(client: ClientBase, plan: CityPlan): Promise<Record<string, number>> {
  const nbs = plan.neighbourhoods;
  const ids = nbs.map((nb) => nb.id);
  const opened = new Date(CITY_EPOCH - DAY_MS);
  const counts: Record<string, number> = {};
  // The set-based derivations and checks aggregate millions of lines; let them hash in memory.
  await client.query(`SET LOCAL work_mem = '256MB'`);

  counts.chains = await copyRows(client, 'ledger.chain', ['neighbourhood_id', 'last_sequence', 'last_hash'], nbs.map((nb) => [nb.id, 0, GENESIS_HASH]));
  counts.accounts = await copyRows(
    client,
    'ledger.account',
    ['id', 'neighbourhood_id', 'code', 'name', 'type', 'unit', 'project_id', 'taakveld', 'no_overdraft', 'balance_minor', 'created_at'],
    nbs.flatMap((nb) =>
      DEFAULT_CHART.map(([code, name, type, unit, noOverdraft, taakveld]): Cell[] => [
        defaultAccountId(nb.id, code), nb.id, code, name, type, unit, null, taakveld, noOverdraft, 0, opened,
      ]),
    ),
  );
  counts.budgets = await loadBudgets(client, nbs);

  for (const [table, trigger] of DERIVING_TRIGGERS) await client.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);

  // The logs so far: the accounts and budget revisions the triggers appended.
  const { rows: logRows } = await client.query<{ neighbourhood_id: string; tree_size: string; tree_frontier: Buffer }>(
    `SELECT neighbourhood_id, tree_size, tree_frontier FROM ledger.chain WHERE neighbourhood_id = ANY($1::uuid[])`,
    [ids],
  );
  const logs = new Map<string, LogState>(
    logRows.map((r) => [r.neighbourhood_id, { id: r.neighbourhood_id, size: Number(r.tree_size), frontier: r.tree_frontier, checkpoints: [] }]),
  );

  const heads: { id: string; sequence: number; hash: string }[] = [];
  let entries: Cell[][] = [];
  let lines: Cell[][] = [];
  let leaves: Cell[][] = [];
  let nodes: Cell[][] = [];
  counts.entries = 0;
  counts.lines = 0;
  counts.leaves = 0;
  counts.nodes = 0;
  const flush = async () => {
    counts.entries += await copyRows(client, 'ledger.entry', ENTRY_COLUMNS, entries);
    counts.lines += await copyRows(client, 'ledger.line', LINE_COLUMNS, lines);
    counts.leaves += await copyRows(client, 'ledger.log_leaf', LEAF_COLUMNS, leaves);
    counts.nodes += await copyRows(client, 'ledger.log_node', NODE_COLUMNS, nodes);
    entries = [];
    lines = [];
    leaves = [];
    nodes = [];
  };
  for (const nb of nbs) {
    let head = { sequence: 0, hash: GENESIS_HASH };
    const log = logs.get(nb.id)!;
    for (const { entry, entryLines } of booksOf(nb)) {
      entry.leafIndex = log.size;
      entries.push(ENTRY_COLUMNS.map((c) => entryCell(entry, c)));
      for (const l of entryLines) {
        lines.push([l.entryId, l.position, l.accountId, l.amountMinor, l.unit, l.counterpartyMemberId, l.counterpartyDomain, l.counterpartyName]);
      }
      const data = JSON.stringify(['dbwe-entry-leaf-v1', entry.sequence, entry.hash]);
      leaves.push([nb.id, log.size, 'ENTRY', entry.id, entry.sequence, data]);
      const grown = appendLeaves(log.size, log.frontier, [leafHash(data)]);
      for (const n of grown.nodes) nodes.push([nb.id, n.level, n.index, `\\x${n.hash.toString('hex')}`]);
      log.size += 1;
      log.frontier = grown.frontier;
      if (entry.sequence === EARLY_CHECKPOINT_ENTRIES && nb.entries > EARLY_CHECKPOINT_ENTRIES) {
        log.checkpoints.push({ size: log.size, root: rootOfFrontier(log.frontier) });
      }
      head = entry;
      if (entries.length >= BATCH) await flush();
    }
    log.checkpoints.push({ size: log.size, root: rootOfFrontier(log.frontier) });
    heads.push({ id: nb.id, sequence: head.sequence, hash: head.hash });
  }
  await flush();

  await deriveState(client, ids, heads, [...logs.values()]);
  await checkRules(client, ids, heads);
  counts.checkpoints = await signCheckpoints(client, [...logs.values()]);
  // Deferred checks the derivation queued (no overdraft on the balances it set) run now, before the triggers return.
  await client.query('SET CONSTRAINTS ALL IMMEDIATE');
  for (const [table, trigger] of DERIVING_TRIGGERS) await client.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
  return counts;
}

function entryCell(entry: Entry, column: string): Cell {
  switch (column) {
    case 'id': return entry.id;
    case 'neighbourhood_id': return entry.neighbourhoodId;
    case 'sequence': return entry.sequence;
    case 'booking_date': return entry.bookingDate;
    case 'recorded_at': return entry.recordedAt;
    case 'description': return entry.description;
    case 'project_id': return entry.projectId;
    case 'member_id': return entry.memberId;
    case 'evidence_url': return entry.evidenceUrl;
    case 'recorded_by': return entry.recordedBy;
    case 'reverses_id': return entry.reversesId;
    case 'idempotency_key': return entry.idempotencyKey;
    case 'request_fingerprint': return entry.requestFingerprint;
    case 'previous_hash': return entry.previousHash;
    case 'hash': return entry.hash;
    case 'leaf_index': return entry.leafIndex ?? null;
    default: throw new Error(`unknown entry column ${column}`);
  }
}

/** One EUR budget per project over the whole history; every third one revised once. */
async function loadBudgets(client: ClientBase, nbs: NeighbourhoodPlan[]): Promise<number> {
  const budgets: Cell[][] = [];
  const revisions: Cell[][] = [];
  for (const nb of nbs) {
    const random = new Random(`ledger:budgets:${nb.slug}`);
    for (let k = 0; k < nb.projects; k++) {
      const id = stableId(`budget:${nb.slug}:${k}:EUR`);
      const created = new Date(CITY_EPOCH - 10 * DAY_MS);
      budgets.push([id, nb.id, projectId(nb, k), 'EUR', isoDate(CITY_EPOCH), isoDate(CITY_EPOCH + HISTORY_DAYS * DAY_MS), created]);
      const amount = random.int(50, 400) * 100_000;
      revisions.push([id, 1, amount, 'Begroting bij de start', memberId(nb, STEWARD), created]);
      if (k % 3 === 0) revisions.push([id, 2, Math.round(amount * 1.1), 'Bijgesteld na het eerste jaar', memberId(nb, STEWARD), new Date(CITY_EPOCH + 365 * DAY_MS)]);
    }
  }
  await copyRows(client, 'ledger.budget', ['id', 'neighbourhood_id', 'project_id', 'unit', 'period_start', 'period_end', 'created_at'], budgets);
  await copyRows(client, 'ledger.budget_revision', ['budget_id', 'revision', 'amount_minor', 'reason', 'recorded_by', 'recorded_at'], revisions);
  return budgets.length;
}

const EXPENSES = ['4000', '4100', '4200', '4900'];
const INCOME = ['8000', '8100', '8200'];

/**
 * A neighbourhood's books in posting order: municipal budgets and
 * contributions coming in, spending at members and outside suppliers (the
 * bank account never goes below zero), volunteer hours per member and
 * project, and now and then a reversal of an earlier spending entry.
 * Each entry is sealed with the ledger's own hash function.
 */
function* booksOf(nb: NeighbourhoodPlan): Generator<{ entry: Entry; entryLines: LineEntity[] }> {
  const random = new Random(`ledger:entries:${nb.slug}`);
  const account = (code: string) => defaultAccountId(nb.id, code);
  const steward = memberId(nb, STEWARD);
  let previousHash = GENESIS_HASH;
  let bank = 0n;
  const reversible: { id: string; lines: LineEntity[]; projectId: string | null }[] = [];
  for (let sequence = 1; sequence <= nb.entries; sequence++) {
    const dayMs = CITY_EPOCH + Math.floor(((sequence - 1) / nb.entries) * HISTORY_DAYS) * DAY_MS;
    const id = stableId(`entry:${nb.slug}:${sequence}`);
    const project = random.chance(0.6) ? projectId(nb, random.int(0, nb.projects - 1)) : null;
    const draft: { description: string; projectId: string | null; memberId: string | null; evidenceUrl: string | null; reversesId: string | null; lines: Omit<LineEntity, 'entryId' | 'position'>[] } = {
      description: '', projectId: null, memberId: null, evidenceUrl: null, reversesId: null, lines: [],
    };
    const line = (code: string, minor: bigint, unit: 'EUR' | 'HOUR', counterparty: number | string | null = null) => {
      draft.lines.push({
        accountId: account(code),
        amountMinor: minor.toString(),
        unit,
        counterpartyMemberId: typeof counterparty === 'number' ? memberId(nb, counterparty) : null,
        counterpartyDomain: typeof counterparty === 'number' ? memberDomain(counterparty) : null,
        counterpartyName: typeof counterparty === 'string' ? counterparty : null,
      });
    };
    const roll = random.next();
    const spend = BigInt(random.int(20, 1_500) * 100 + random.int(0, 99));
    if (sequence % 500 === 0 && reversible.length > 0) {
      const original = reversible.pop()!;
      draft.description = `Correctie: boeking ${original.id.slice(0, 8)} was dubbel geboekt`;
      draft.reversesId = original.id;
      draft.projectId = original.projectId;
      for (const l of original.lines) draft.lines.push({ ...l, amountMinor: (-BigInt(l.amountMinor)).toString() });
      bank -= original.lines.filter((l) => l.accountId === account('1000')).reduce((sum, l) => sum + BigInt(l.amountMinor), 0n);
    } else if (roll < 0.3) {
      const member = random.int(2, nb.members - 1);
      const hours = BigInt(random.int(1, 16) * 50);
      draft.description = `Vrijwilligersuren ${isoDate(dayMs)}`;
      draft.projectId = project;
      draft.memberId = memberId(nb, member);
      line('9100', hours, 'HOUR');
      line('9800', -hours, 'HOUR');
    } else if (roll < 0.45 || bank < spend) {
      const amount = BigInt(random.int(2_000, 20_000) * 100);
      const code = random.pick(INCOME);
      draft.description = code === '8000' ? 'Wijkbudget van de gemeente' : code === '8100' ? 'Budget Right to Challenge' : 'Bijdragen van bewoners';
      draft.projectId = code === '8000' ? null : project;
      line('1000', amount, 'EUR');
      line(code, -amount, 'EUR');
      bank += amount;
    } else {
      const member = random.int(2, nb.members - 1);
      const counterparty = random.chance(0.6) ? member : `Leverancier ${random.int(1, 40)}`;
      draft.description = `Inkoop ${typeof counterparty === 'number' ? 'in de wijk' : 'buiten de wijk'}`;
      draft.projectId = project;
      draft.evidenceUrl = `https://example.nl/bonnen/${nb.slug}/${sequence}.pdf`;
      if (random.chance(0.15)) {
        const part = spend / 3n;
        line(random.pick(EXPENSES), spend - part, 'EUR', counterparty);
        line(random.pick(EXPENSES), part, 'EUR', counterparty);
      } else {
        line(random.pick(EXPENSES), spend, 'EUR', counterparty);
      }
      line('1000', -spend, 'EUR');
      bank -= spend;
    }
    const entry: Entry = {
      id,
      neighbourhoodId: nb.id,
      sequence,
      bookingDate: isoDate(dayMs),
      recordedAt: new Date(dayMs + 16 * 3_600_000 + (sequence % 3_600) * 1000 + (sequence % 997)),
      description: `${draft.description} (${sequence})`,
      projectId: draft.projectId,
      memberId: draft.memberId,
      evidenceUrl: draft.evidenceUrl,
      recordedBy: steward,
      reversesId: draft.reversesId,
      idempotencyKey: `city-${sequence}`,
      requestFingerprint: null,
      previousHash,
      hash: '',
    };
    const entryLines: LineEntity[] = draft.lines.map((l, position) => ({ ...l, entryId: id, position }));
    entry.hash = entryHash(previousHash, hashable(entry as EntryEntity, entryLines));
    previousHash = entry.hash;
    if (draft.evidenceUrl !== null && draft.reversesId === null) {
      reversible.push({ id, lines: entryLines, projectId: draft.projectId });
      if (reversible.length > 50) reversible.shift();
    }
    yield { entry, entryLines };
  }
}

/**
 * The state the switched-off triggers keep, computed from the lines in one pass each. An account's
 * updated_at is the last time an entry moved it (or its opening), as the migration that added the
 * column backfills it, not the load's own time.
 */
async function deriveState(client: ClientBase, ids: string[], heads: { id: string; sequence: number; hash: string }[], logs: LogState[]): Promise<void> {
  await client.query(
    `UPDATE ledger.account a SET balance_minor = s.total, updated_at = greatest(a.created_at, s.last_recorded_at)
       FROM (SELECT l.account_id, sum(l.amount_minor) AS total, max(e.recorded_at) AS last_recorded_at
               FROM ledger.line l JOIN ledger.account x ON x.id = l.account_id JOIN ledger.entry e ON e.id = l.entry_id
              WHERE x.neighbourhood_id = ANY($1::uuid[]) GROUP BY l.account_id) s
      WHERE a.id = s.account_id`,
    [ids],
  );
  await client.query(
    `UPDATE ledger.account a SET updated_at = a.created_at
      WHERE a.neighbourhood_id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM ledger.line l WHERE l.account_id = a.id)`,
    [ids],
  );
  await client.query(
    `INSERT INTO ledger.account_day (account_id, day, net_minor)
     SELECT l.account_id, e.booking_date, sum(l.amount_minor) FROM ledger.line l JOIN ledger.entry e ON e.id = l.entry_id
      WHERE e.neighbourhood_id = ANY($1::uuid[]) GROUP BY l.account_id, e.booking_date`,
    [ids],
  );
  await client.query(
    `INSERT INTO ledger.project_day (project_id, account_id, day, net_minor)
     SELECT e.project_id, l.account_id, e.booking_date, sum(l.amount_minor) FROM ledger.line l JOIN ledger.entry e ON e.id = l.entry_id
      WHERE e.neighbourhood_id = ANY($1::uuid[]) AND e.project_id IS NOT NULL GROUP BY e.project_id, l.account_id, e.booking_date`,
    [ids],
  );
  await client.query(
    `INSERT INTO ledger.member_day (member_id, day, hours_minor)
     SELECT e.member_id, e.booking_date, sum(l.amount_minor)
       FROM ledger.entry e JOIN ledger.line l ON l.entry_id = e.id JOIN ledger.account a ON a.id = l.account_id
      WHERE e.neighbourhood_id = ANY($1::uuid[]) AND e.member_id IS NOT NULL AND a.type = 'EXPENSE' AND l.unit = 'HOUR'
      GROUP BY e.member_id, e.booking_date`,
    [ids],
  );
  await client.query(
    `INSERT INTO ledger.project_books (project_id, neighbourhood_id)
     SELECT DISTINCT project_id, neighbourhood_id FROM ledger.entry WHERE neighbourhood_id = ANY($1::uuid[]) AND project_id IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [ids],
  );
  await client.query(
    `UPDATE ledger.chain c SET last_sequence = h.sequence, last_hash = h.hash
       FROM unnest($1::uuid[], $2::int[], $3::text[]) AS h(id, sequence, hash) WHERE c.neighbourhood_id = h.id`,
    [heads.map((h) => h.id), heads.map((h) => h.sequence), heads.map((h) => h.hash)],
  );
  await client.query(
    `UPDATE ledger.chain c SET tree_size = l.size, tree_frontier = l.frontier, log_origin = $4 || '/' || c.neighbourhood_id
       FROM unnest($1::uuid[], $2::bigint[], $3::bytea[]) AS l(id, size, frontier) WHERE c.neighbourhood_id = l.id`,
    [logs.map((l) => l.id), logs.map((l) => l.size), logs.map((l) => l.frontier), BENCH_LOG_ORIGIN],
  );
}

/** Each log's checkpoint at its full size, and the deep neighbourhood's after its first thousand entries, signed with the bench key. */
async function signCheckpoints(client: ClientBase, logs: LogState[]): Promise<number> {
  const key = signingKeyFromSeed(BENCH_LEDGER_SIGNING_KEY);
  await client.query(`INSERT INTO ledger.signing_key (public_key, first_used_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
    key.publicKey,
    new Date(CITY_EPOCH - DAY_MS),
  ]);
  const rows = logs.flatMap((log) =>
    log.checkpoints.map((c): Cell[] => {
      const note = signCheckpoint({ origin: `${BENCH_LOG_ORIGIN}/${log.id}`, size: c.size, rootHash: c.root }, [key]);
      return [log.id, c.size, `\\x${c.root.toString('hex')}`, note, new Date(CITY_EPOCH + 3_000 * DAY_MS)];
    }),
  );
  return copyRows(client, 'ledger.checkpoint', ['neighbourhood_id', 'tree_size', 'root_hash', 'note', 'signed_at'], rows);
}

/** Every rule of the switched-off triggers, checked over everything loaded; any breach aborts the load. */
async function checkRules(client: ClientBase, ids: string[], heads: { id: string; sequence: number; hash: string }[]): Promise<void> {
  const rules: [rule: string, sql: string][] = [
    ['an entry has at least two lines', `
      SELECT e.sequence FROM ledger.entry e LEFT JOIN (SELECT entry_id, count(*) AS n FROM ledger.line GROUP BY entry_id) c ON c.entry_id = e.id
       WHERE e.neighbourhood_id = ANY($1::uuid[]) AND coalesce(c.n, 0) < 2 LIMIT 1`],
    ['every entry balances per unit', `
      SELECT l.entry_id FROM ledger.line l JOIN ledger.entry e ON e.id = l.entry_id WHERE e.neighbourhood_id = ANY($1::uuid[])
       GROUP BY l.entry_id, l.unit HAVING sum(l.amount_minor) <> 0 LIMIT 1`],
    ['lines only touch accounts of their entry\'s neighbourhood', `
      SELECT l.entry_id FROM ledger.line l JOIN ledger.entry e ON e.id = l.entry_id JOIN ledger.account a ON a.id = l.account_id
       WHERE e.neighbourhood_id = ANY($1::uuid[]) AND a.neighbourhood_id <> e.neighbourhood_id LIMIT 1`],
    ['every entry links to the one before it, from the genesis hash, without gaps', `
      SELECT e.sequence FROM ledger.entry e LEFT JOIN ledger.entry p ON p.neighbourhood_id = e.neighbourhood_id AND p.sequence = e.sequence - 1
       WHERE e.neighbourhood_id = ANY($1::uuid[])
         AND CASE WHEN e.sequence = 1 THEN e.previous_hash <> '${GENESIS_HASH}' ELSE p.hash IS DISTINCT FROM e.previous_hash END LIMIT 1`],
    ['the chain head is the newest entry', `
      SELECT c.neighbourhood_id FROM ledger.chain c LEFT JOIN ledger.entry e ON e.neighbourhood_id = c.neighbourhood_id AND e.sequence = c.last_sequence
       WHERE c.neighbourhood_id = ANY($1::uuid[])
         AND (e.hash IS DISTINCT FROM c.last_hash OR EXISTS (SELECT 1 FROM ledger.entry n WHERE n.neighbourhood_id = c.neighbourhood_id AND n.sequence > c.last_sequence))
       LIMIT 1`],
    ['a reversal stays in its books and does not reverse a reversal', `
      SELECT r.sequence FROM ledger.entry r JOIN ledger.entry o ON o.id = r.reverses_id
       WHERE r.neighbourhood_id = ANY($1::uuid[]) AND (o.neighbourhood_id <> r.neighbourhood_id OR o.reverses_id IS NOT NULL) LIMIT 1`],
    ['a reversal mirrors what it reverses', `
      SELECT r.sequence FROM ledger.entry r JOIN ledger.line l ON l.entry_id IN (r.id, r.reverses_id)
       WHERE r.neighbourhood_id = ANY($1::uuid[]) AND r.reverses_id IS NOT NULL
       GROUP BY r.sequence, r.id, l.account_id, l.unit HAVING sum(l.amount_minor) <> 0 LIMIT 1`],
    ['every entry has its leaf in the log, in sequence order', `
      SELECT e.sequence FROM ledger.entry e LEFT JOIN ledger.log_leaf l ON l.neighbourhood_id = e.neighbourhood_id AND l.leaf_index = e.leaf_index
       WHERE e.neighbourhood_id = ANY($1::uuid[]) AND (l.data IS DISTINCT FROM ledger.entry_leaf_data(e.sequence, e.hash) OR l.record_id <> e.id) LIMIT 1`],
    ['balances are the sums of the lines', `
      SELECT a.id FROM ledger.account a LEFT JOIN (SELECT account_id, sum(amount_minor) AS total FROM ledger.line GROUP BY account_id) s ON s.account_id = a.id
       WHERE a.neighbourhood_id = ANY($1::uuid[]) AND a.balance_minor <> coalesce(s.total, 0) LIMIT 1`],
  ];
  for (const [rule, sql] of rules) {
    const { rows } = await client.query(sql, [ids]);
    if (rows.length > 0) throw new Error(`the generated books break a rule (${rule}): ${JSON.stringify(rows[0])}`);
  }
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ledger.entry WHERE neighbourhood_id = ANY($1::uuid[])`, [ids]);
  const expected = heads.reduce((sum, h) => sum + h.sequence, 0);
  if (Number(rows[0].n) !== expected) throw new Error(`expected ${expected} entries, found ${rows[0].n}`);
}
