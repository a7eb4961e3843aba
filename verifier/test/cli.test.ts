/**
 * The command line's verdicts and exit codes (0 valid, 1 invalid, 2 could not check) against the small fake graph
 * of ./fake-graph.ts, for the tampering the verifier exists to catch. Each case says what the operator did.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli';
import { canonical } from '../src/canonical';
import { parseVkey } from '../src/note';
import { demoLedger, uuid, type FakeLedger } from './fake-graph';

let dir: string;
let fake: FakeLedger;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dbwe-verify-cli-'));
  fake = demoLedger();
  await fake.start();
});

afterEach(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[]; verdict: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err, verdict: out[out.length - 1] ?? err[err.length - 1] ?? '' };
}

const file = (name: string) => join(dir, name);
const account = (code: string) => uuid(`account:${code}`);
const project = uuid('project:buurtkeuken');

describe('dbwe-verify check', () => {
  it('calls honest books valid, shows the unpinned log key, and keeps the checkpoint', async () => {
    const r = await cli('check', fake.url, 'testwijk', '--save-checkpoint', file('kept.txt'));
    expect(r.code).toBe(0);
    expect(r.verdict).toMatch(/^VALID: dbwe\.test\/books\/.* at size 11: 11 leaves, 4 entries, 5 accounts, 1 budgets and the derived figures checked$/);
    expect(r.out).toContain(`log key (fetched from the graph, not pinned; pin it with --vkey): ${fake.vkey}`);
    expect(readFileSync(file('kept.txt'), 'utf8')).toBe(fake.checkpoints.get(11));
  });

  it('accepts growth after a kept checkpoint, by id as well as slug, with a pinned key and entries proved', async () => {
    writeFileSync(file('kept.txt'), fake.sign());
    fake.post({ bookingDate: '2025-04-01', description: 'Inkoop', projectId: project, lines: [[account('4100'), '1000'], [account('1000'), '-1000']] });
    const r = await cli('check', fake.url, fake.id, '--checkpoint', file('kept.txt'), '--vkey', fake.vkey, '--entry', '1', '--entry', '5');
    expect(r.out).toContain('kept checkpoint: size 11, signature verified, consistent with the newest');
    expect(r.verdict).toMatch(/^VALID: .* at size 12: .*; entries 1, 5 included by proof$/);
    expect(r.code).toBe(0);
  });

  it('--quick checks signatures and consistency only', async () => {
    writeFileSync(file('kept.txt'), fake.sign());
    fake.served.balance.set(account('1000'), '100000000');
    const r = await cli('check', fake.url, 'testwijk', '--checkpoint', file('kept.txt'), '--vkey', fake.vkey, '--quick');
    expect(r.verdict).toBe(`VALID: ${fake.origin} at size 11: signatures and consistency checked (quick)`);
  });

  it('reports truncation: the newest entries deleted and the log rewound below a kept checkpoint', async () => {
    writeFileSync(file('kept.txt'), fake.sign());
    fake.truncate(9);
    const r = await cli('check', fake.url, 'testwijk', '--checkpoint', file('kept.txt'), '--quick');
    expect(r.code).toBe(1);
    expect(r.verdict).toBe('INVALID: truncated: leaf 9: the kept checkpoint has 11 leaves, the newest checkpoint only 9');
  });

  it('reports a rewrite of history: an account made an asset instead of an expense, the log re-signed', async () => {
    writeFileSync(file('kept.txt'), fake.sign());
    const purchases = fake.accounts.get(account('4100'))!;
    fake.rewriteLeaf(purchases.leafIndex, fake.accountLeaf({ ...purchases, type: 'ASSET' }));
    fake.post({ bookingDate: '2025-04-01', description: 'Na de herschrijving', lines: [[account('1000'), '1'], [account('8000'), '-1']] });
    for (const quick of [true, false]) {
      const r = await cli('check', fake.url, 'testwijk', '--checkpoint', file('kept.txt'), ...(quick ? ['--quick'] : []));
      expect(r.code).toBe(1);
      expect(r.verdict).toMatch(/^INVALID: rewritten: leaves below 11: the tree of the kept checkpoint \(size 11\) is not a prefix of the newest/);
    }
  });

  it('names the first leaf that is served differently from what was signed', async () => {
    fake.sign();
    const purchases = fake.accounts.get(account('4100'))!;
    fake.served.leaf.set(purchases.leafIndex, fake.accountLeaf({ ...purchases, type: 'ASSET' }));
    const r = await cli('check', fake.url, 'testwijk');
    expect(r.code).toBe(1);
    expect(r.verdict).toBe(`INVALID: leaves: leaf ${purchases.leafIndex}: the root recomputed from the 11 leaves is not the checkpoint's; leaf ${purchases.leafIndex} is the first that does not belong to the signed tree`);
  });

  it('reports a changed line amount by the entry whose hash no longer matches', async () => {
    fake.served.entry.set(2, (e) => ({ ...e, lines: [{ ...e.lines[0], minorUnits: '4865' }, { ...e.lines[1], minorUnits: '-4865' }] }));
    const r = await cli('check', fake.url, 'testwijk');
    expect(r.code).toBe(1);
    expect(r.verdict).toMatch(/^INVALID: entry hash: entry 2: served hash [0-9a-f]{64}, recomputed from its content [0-9a-f]{64}$/);
  });

  it('reports a deleted entry', async () => {
    fake.served.entry.set(3, () => ({ ...fake.entries[3] }));
    const r = await cli('check', fake.url, 'testwijk');
    expect(r.code).toBe(1);
    expect(r.verdict).toBe('INVALID: entries: entry 3: missing: entry 4 is served after entry 2');
  });

  it('reports a forged balance, dated balance, project spending and member hours', async () => {
    const cases: [() => void, RegExp][] = [
      [() => fake.served.balance.set(account('1000'), '100239350'), /^INVALID: balance: account 1000: served as 100239350, the lines sum to 239350$/],
      [() => fake.served.datedBalance.set(`${account('4100')}@2025-02-22`, '97300'), /^INVALID: balance: account 4100: as of 2025-02-22 served as 97300, the lines sum to 48650$/],
      [() => fake.served.spent.set(project, '121300'), new RegExp(`^INVALID: project spent: project ${project}: served as 121300, the lines give 60650$`)],
      [() => fake.served.memberHours.set(uuid('member:vrijwilliger'), '3500'), /^INVALID: member hours: member .*: served as 3500, the lines give 350$/],
      // A member whom no entry names, served with hours all the same.
      [() => fake.served.memberHours.set(uuid('member:buurvrouw'), '50000'), new RegExp(`^INVALID: member hours: member ${uuid('member:buurvrouw')}: served as 50000, the lines give 0$`)],
    ];
    for (const [forge, verdict] of cases) {
      const honest = demoLedger();
      Object.assign(fake, { served: honest.served });
      forge();
      const r = await cli('check', fake.url, 'testwijk');
      expect(r.code).toBe(1);
      expect(r.verdict).toMatch(verdict);
    }
  });

  it("reports a project's spending moved to another booking date, which moves SROI inputs in and out of an analysis period", async () => {
    // The €486.50 of 20 February served as spent on 5 March: the same total, the same budget year, another SROI period.
    fake.served.expenseDays.set(`${project}/2025-02-20`, '0');
    fake.served.expenseDays.set(`${project}/2025-03-05`, '60650');
    const r = await cli('check', fake.url, 'testwijk');
    expect(r.verdict).toBe(`INVALID: project expenses by booking date: project ${project}: served with booking date 2025-02-22 where the lines give 2025-02-20`);
    expect(r.code).toBe(1);
  });

  it('reports an account whose served type differs from its latest leaf, and an altered budget revision', async () => {
    fake.served.account.set(account('4100'), { type: 'ASSET' });
    let r = await cli('check', fake.url, 'testwijk');
    expect(r.verdict).toBe('INVALID: account: account 4100: type is served as "ASSET", its latest leaf (2) says "EXPENSE"');
    fake.served.account.clear();
    fake.served.revision.set(`${uuid(`budget:${project}`)}/2`, { amount: '2750000' });
    r = await cli('check', fake.url, 'testwijk');
    expect(r.code).toBe(1);
    expect(r.verdict).toMatch(/^INVALID: budget: budget .*: revision 2: amount is served as "2750000", its leaf \(9\) says "275000"$/);
  });

  it('refuses a checkpoint not signed by the pinned key', async () => {
    const pinned = fake.vkey;
    fake.seed = Buffer.alloc(32, 7);
    fake.sign();
    const r = await cli('check', fake.url, 'testwijk', '--vkey', pinned, '--quick');
    expect(r.code).toBe(1);
    expect(r.verdict).toBe(`INVALID: newest checkpoint: checkpoint: no signature by the log key ${pinned}`);
  });

  it('proves inclusion of an entry and refuses one whose leaf is not in the tree', async () => {
    expect((await cli('check', fake.url, 'testwijk', '--quick', '--entry', '4')).code).toBe(0);
    fake.served.entry.set(4, (e) => ({ ...e, leafIndex: 3 }));
    const r = await cli('check', fake.url, 'testwijk', '--quick', '--entry', '4');
    expect(r.code).toBe(1);
    expect(r.verdict).toBe('INVALID: inclusion: entry 4: no proof that its leaf 3 is in the tree of size 11');
  });

  it('cannot check an unreachable graph, an unknown neighbourhood or a leaf format it does not know (exit 2)', async () => {
    let r = await cli('check', 'http://127.0.0.1:9/', 'testwijk');
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^CANNOT CHECK: cannot reach http:\/\/127\.0\.0\.1:9\//);
    r = await cli('check', fake.url, 'elders');
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe(`CANNOT CHECK: no neighbourhood elders at ${fake.url}`);
    fake.leaves.push(canonical(['dbwe-future-v9', 1]));
    r = await cli('check', fake.url, 'testwijk');
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^CANNOT CHECK: leaf 11 \(and 0 more\) has the format dbwe-future-v9, which this verifier does not know/);
    expect((await cli('check', fake.url)).code).toBe(2);
    expect((await cli('check', fake.url, 'testwijk', '--bogus')).code).toBe(2);
  });
});

describe('dbwe-verify check --export', () => {
  const KINDS: Record<string, string> = { 'dbwe-entry-leaf-v1': 'ENTRY', 'dbwe-account-v1': 'ACCOUNT', 'dbwe-budget-v1': 'BUDGET_REVISION' };
  /** Writes the export tables of the fake's books into the folder, as the open-data export would. */
  function writeExport(format: 'jsonl' | 'csv', tamper?: (table: string, rows: Record<string, unknown>[]) => void) {
    const tables: Record<string, Record<string, unknown>[]> = {
      log_leaves: fake.leaves.map((data, i) => ({ leaf_index: i, kind: KINDS[JSON.parse(data)[0]], data })),
      ledger_entries: fake.entries.map((e) => ({ id: e.id, sequence: e.sequence, booking_date: e.bookingDate, recorded_at: e.recordedAt, description: e.description, project_id: e.projectId, member_id: e.memberId, evidence_url: e.evidenceUrl, recorded_by_id: e.recordedById, reverses_id: e.reversesId, previous_hash: e.previousHash, hash: e.hash, leaf_index: e.leafIndex })),
      ledger_lines: fake.entries.flatMap((e) => e.lines.map((l, position) => ({ entry_id: e.id, sequence: e.sequence, position, account_id: l.accountId, unit: l.unit, minor_units: l.minorUnits, counterparty_member_id: l.counterpartyMemberId, counterparty_domain: l.counterpartyDomain, counterparty_name: l.counterpartyName }))),
      accounts: fake.servedAccounts().map((a) => ({ id: a.id, code: a.code, name: a.name, type: a.type, unit: a.unit, project_id: a.projectId, taakveld: a.taakveld, no_overdraft: a.noOverdraft, version: a.version, leaf_index: a.leafIndex, version_recorded_at: a.versionRecordedAt, balance_minor: fake.balance(a.id) })),
      budget_revisions: fake.revisions.map((r) => ({ budget_id: r.budgetId, revision: r.revision, leaf_index: r.leafIndex, project_id: r.projectId, unit: r.unit, period_start: r.periodStart, period_end: r.periodEnd, amount_minor: r.amount, reason: r.reason, recorded_at: r.recordedAt, recorded_by_id: r.recordedById })),
    };
    for (const [name, rows] of Object.entries(tables)) {
      tamper?.(name, rows);
      const cell = (v: unknown) => (v === null ? '' : /[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
      const text = format === 'jsonl'
        ? rows.map((r) => JSON.stringify(r) + '\n').join('')
        : [Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).map(cell).join(','))].map((l) => l + '\r\n').join('');
      writeFileSync(file(`testwijk-${name}.${format}`), text);
    }
    writeFileSync(file('checkpoint.txt'), fake.sign());
  }

  it('checks the books from a folder of JSON Lines or CSV files', async () => {
    for (const format of ['jsonl', 'csv'] as const) {
      writeExport(format);
      const r = await cli('check', fake.url, 'testwijk', '--export', dir);
      expect(r.out).toContain('export: 11 leaves and 4 entries checked against the checkpoint of size 11');
      expect(r.verdict).toMatch(/^VALID: .* at size 11: /);
      for (const name of ['log_leaves', 'ledger_entries', 'ledger_lines', 'accounts', 'budget_revisions']) rmSync(file(`testwijk-${name}.${format}`));
    }
  });

  it('catches up with entries booked after the export', async () => {
    writeExport('csv');
    fake.post({ bookingDate: '2025-04-01', description: 'Na de export', projectId: project, lines: [[account('4100'), '1000'], [account('1000'), '-1000']] });
    const r = await cli('check', fake.url, 'testwijk', '--export', dir);
    expect(r.out).toContain('the books grew to size 12 while they were checked; caught up');
    expect(r.verdict).toMatch(/^VALID: .* at size 12: 12 leaves, 5 entries/);
  });

  it('reports a line amount changed in the export', async () => {
    writeExport('csv', (table, rows) => {
      if (table === 'ledger_lines') rows[2].minor_units = '4865';
    });
    const r = await cli('check', fake.url, 'testwijk', '--export', dir);
    expect(r.code).toBe(1);
    expect(r.verdict).toMatch(/^INVALID: entry( hash)?: entry 2: /);
  });

  it('cannot use an export without the counterparty columns the hashes need', async () => {
    writeExport('jsonl', (table, rows) => {
      if (table === 'ledger_lines') for (const row of rows) delete row.counterparty_name;
    });
    const r = await cli('check', fake.url, 'testwijk', '--export', dir);
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe('CANNOT CHECK: ledger_lines has no column counterpartyname: this export cannot be used to check the books');
  });
});

describe('dbwe-verify witness', () => {
  it('makes a key, cosigns after checking, and refuses a rewrite without touching its state', async () => {
    const made = await cli('witness-key', '--name', 'witness.example/krant', '--out', file('witness.key'));
    expect(made.code).toBe(0);
    const vkey = made.verdict;
    expect(vkey).toMatch(/^witness\.example\/krant\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect((await cli('witness-key', '--name', 'witness.example/krant', '--out', file('witness.key'))).code).toBe(2);
    fake.registerWitness(vkey);

    const args = ['witness', fake.url, 'testwijk', '--key', file('witness.key'), '--name', 'witness.example/krant', '--state', file('state.json')];
    let r = await cli(...args);
    expect(r.out).toContain('first run: the root of all 11 leaves recomputed');
    expect(r.verdict).toMatch(/^VALID: cosigned .* at size 11 as witness\.example\/krant \(time \d+\)$/);
    expect(fake.checkpoints.get(11)).toMatch(/\n— witness\.example\/krant [A-Za-z0-9+/=]+\n$/);

    fake.post({ bookingDate: '2025-04-01', description: 'Later', lines: [[account('1000'), '1'], [account('8000'), '-1']] });
    r = await cli(...args);
    expect(r.out).toContain('consistent with the checkpoint cosigned last (size 11)');
    expect(r.verdict).toMatch(/at size 12 as witness/);

    // A run when nothing was booked since the last: the checkpoint it cosigned is still the newest and carries its
    // cosignature; a second later its new line has another timestamp, and the ledger keeps the first.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    r = await cli(...args);
    expect(r.verdict).toMatch(/at size 12 as witness/);
    expect(r.code).toBe(0);

    const state = readFileSync(file('state.json'), 'utf8');
    fake.rewriteLeaf(0, fake.leaves[0].replace('"Bank"', '"Bank (herschreven)"'));
    fake.post({ bookingDate: '2025-04-02', description: 'Na de herschrijving', lines: [[account('1000'), '1'], [account('8000'), '-1']] });
    r = await cli(...args);
    expect(r.code).toBe(1);
    expect(r.verdict).toMatch(/^INVALID: rewritten: leaves below 12: /);
    expect(readFileSync(file('state.json'), 'utf8')).toBe(state);
  });

  it('refuses a newest checkpoint signed only by a retired log key, which may have leaked, without touching its state', async () => {
    fake.registerWitness((await cli('witness-key', '--name', 'witness.example/krant', '--out', file('witness.key'))).verdict);
    const args = ['witness', fake.url, 'testwijk', '--key', file('witness.key'), '--name', 'witness.example/krant', '--state', file('state.json')];
    expect((await cli(...args)).code).toBe(0);
    const state = readFileSync(file('state.json'), 'utf8');
    // The ledger rotated to a new key and retired this one; whoever holds the old key signs a checkpoint with it alone.
    fake.retiredKeys.push(parseVkey(fake.vkey).publicKey.toString('base64'));
    fake.post({ bookingDate: '2025-04-01', description: 'Na de sleutelwissel', lines: [[account('1000'), '1'], [account('8000'), '-1']] });
    const r = await cli(...args);
    expect(r.verdict).toMatch(/^INVALID: log key: checkpoint: the key .* is retired; /);
    expect(r.code).toBe(1);
    expect(readFileSync(file('state.json'), 'utf8')).toBe(state);
  });

  /*
   * `check --witness <vkey>`: the user trusts a witness. Expected: valid when the newest checkpoint carries its
   * cosignature, or when an earlier one does and the newest is consistent with it (a fresh checkpoint is never
   * cosigned yet); invalid, naming the witness, when the operator deleted its cosignatures (or serves a view the
   * witness never saw), and when a cosignature line of it does not verify.
   */
  it("check --witness refuses books whose checkpoints no longer carry a trusted witness's cosignature", async () => {
    const vkey = (await cli('witness-key', '--name', 'witness.example/krant', '--out', file('witness.key'))).verdict;
    fake.registerWitness(vkey);
    expect((await cli('witness', fake.url, 'testwijk', '--key', file('witness.key'), '--name', 'witness.example/krant', '--state', file('state.json'))).code).toBe(0);
    let r = await cli('check', fake.url, 'testwijk', '--witness', vkey);
    expect(r.verdict).toMatch(/^VALID: /);
    expect(r.code).toBe(0);

    // Booked since: the newest checkpoint is not cosigned yet, the one before is, and the newest extends it.
    fake.post({ bookingDate: '2025-04-01', description: 'Na de medeondertekening', lines: [[account('1000'), '1'], [account('8000'), '-1']] });
    r = await cli('check', fake.url, 'testwijk', '--quick', '--witness', vkey);
    expect(r.verdict).toMatch(/^VALID: .* at size 12: /);
    expect(r.code).toBe(0);

    // The operator deletes the cosignature: the checkpoint is served as the log signed it, without the witness's line.
    fake.checkpoints.set(11, fake.checkpoints.get(11)!.replace(/— witness\.example\/krant [^\n]+\n/, ''));
    r = await cli('check', fake.url, 'testwijk', '--witness', vkey);
    expect(r.verdict).toBe(
      'INVALID: witness: checkpoint 12: neither the newest checkpoint nor any of the 1000 before it carries a valid cosignature of witness.example/krant: no sign that this witness saw these books',
    );
    expect(r.code).toBe(1);
    // Without --witness the same books are valid: only the witness's word is missing.
    expect((await cli('check', fake.url, 'testwijk', '--quick')).code).toBe(0);
  });

  it('check --witness refuses a cosignature line of the witness that does not verify, and a key that is not a cosigner key', async () => {
    const vkey = (await cli('witness-key', '--name', 'witness.example/krant', '--out', file('witness.key'))).verdict;
    fake.registerWitness(vkey);
    expect((await cli('witness', fake.url, 'testwijk', '--key', file('witness.key'), '--name', 'witness.example/krant', '--state', file('state.json'))).code).toBe(0);
    // The last byte of the signature flipped.
    fake.checkpoints.set(
      11,
      fake.checkpoints.get(11)!.replace(/(— witness\.example\/krant )([^\n]+)\n/, (_, head: string, body: string) => {
        const bytes = Buffer.from(body, 'base64');
        bytes[bytes.length - 1] ^= 1;
        return `${head}${bytes.toString('base64')}\n`;
      }),
    );
    let r = await cli('check', fake.url, 'testwijk', '--quick', '--witness', vkey);
    expect(r.verdict).toBe('INVALID: witness: checkpoint 11: a cosignature line of witness.example/krant does not verify');
    expect(r.code).toBe(1);
    r = await cli('check', fake.url, 'testwijk', '--quick', '--witness', fake.vkey);
    expect(r.err[0]).toMatch(/^CANNOT CHECK: --witness .* is not a witness's cosigner key \(type 0x04\)$/);
    expect(r.code).toBe(2);
  });

  it('could not cosign when the ledger refuses the witness (not registered)', async () => {
    await cli('witness-key', '--name', 'witness.example/onbekend', '--out', file('w.key'));
    const r = await cli('witness', fake.url, 'testwijk', '--key', file('w.key'), '--name', 'witness.example/onbekend', '--state', file('s.json'));
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe('CANNOT CHECK: the ledger refused the cosignature: UNKNOWN_WITNESS: not a registered witness');
    expect(existsSync(file('s.json'))).toBe(false);
  });
});
