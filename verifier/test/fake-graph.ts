/**
 * A small in-test stand-in for the public graph, serving one neighbourhood's log the way docs/ledger-hash.md says
 * the real one does, so the command line's verdicts and exit codes can be exercised before the ledger's server
 * side exists. Only the CLI tests use it; the end-to-end tests against the real platform replace it.
 * Tampering is done the way an operator with database access would: change what is served, keep what was signed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { canonical } from '../src/canonical';
import { checkCosignature, formatVkey, parseNote, parseVkey, publicKeyOfSeed, signNote, type Vkey } from '../src/note';
import { GENESIS_HASH, entryHash, entryLeafData, type Entry } from '../src/records';
import { leafHash } from '../src/tree';
import * as reference from './reference';

const b64 = (b: Buffer) => b.toString('base64');
const uuid = (key: string) => {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export interface FakeAccount {
  id: string;
  version: number;
  code: string;
  name: string;
  type: string;
  unit: string;
  projectId: string | null;
  taakveld: string | null;
  noOverdraft: boolean;
  versionRecordedAt: string;
  leafIndex: number;
}

interface FakeRevision {
  budgetId: string;
  revision: number;
  projectId: string;
  unit: string;
  periodStart: string;
  periodEnd: string;
  amount: string;
  reason: string;
  recordedAt: string;
  recordedById: string | null;
  leafIndex: number;
}

export class FakeLedger {
  readonly id = uuid('neighbourhood:testwijk');
  readonly slug = 'testwijk';
  readonly origin = `dbwe.test/books/${this.id}`;
  readonly steward = uuid('member:steward');
  seed = createHash('sha256').update('fake log key').digest();
  readonly leaves: string[] = [];
  readonly entries: Entry[] = [];
  readonly accounts = new Map<string, FakeAccount>();
  readonly revisions: FakeRevision[] = [];
  readonly checkpoints = new Map<number, string>();
  readonly witnesses: Vkey[] = [];
  /** The neighbourhood's members (community's Neighbourhood.members): those entries name and others. */
  readonly members: string[] = [uuid('member:vrijwilliger'), uuid('member:buurvrouw')];
  /** Public keys (base64) the ledger lists as retired in ledgerSigningKeys. */
  readonly retiredKeys: string[] = [];
  /** What an attacker changed in what is served (the log and its signed checkpoints stay as they were). */
  readonly served = {
    leaf: new Map<number, string>(),
    entry: new Map<number, (e: Entry) => Entry>(),
    balance: new Map<string, string>(),
    datedBalance: new Map<string, string>(),
    spent: new Map<string, string>(),
    /** project id / booking date → the euros served for that day in expensesByBookingDate. */
    expenseDays: new Map<string, string>(),
    memberHours: new Map<string, string>(),
    account: new Map<string, Partial<FakeAccount>>(),
    revision: new Map<string, Partial<FakeRevision>>(),
  };
  private clock = Date.parse('2025-01-01T09:00:00.000Z');
  private server: Server | null = null;
  url = '';

  get vkey(): string {
    return formatVkey(this.origin, 0x01, publicKeyOfSeed(this.seed));
  }

  private now(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  private append(data: string): number {
    this.leaves.push(data);
    return this.leaves.length - 1;
  }

  addAccount(code: string, name: string, type: string, unit: string, projectId: string | null = null): string {
    const id = uuid(`account:${code}`);
    const account: FakeAccount = { id, version: 1, code, name, type, unit, projectId, taakveld: null, noOverdraft: false, versionRecordedAt: this.now(), leafIndex: -1 };
    account.leafIndex = this.append(this.accountLeaf(account));
    this.accounts.set(id, account);
    return id;
  }

  changeAccount(id: string, change: Partial<FakeAccount>): void {
    const account = { ...this.accounts.get(id)!, ...change, version: this.accounts.get(id)!.version + 1, versionRecordedAt: this.now() };
    account.leafIndex = this.append(this.accountLeaf(account));
    this.accounts.set(id, account);
  }

  accountLeaf(a: FakeAccount): string {
    return canonical(['dbwe-account-v1', a.id, a.version, this.id, a.code, a.name, a.type, a.unit, a.projectId, a.taakveld, a.noOverdraft, a.versionRecordedAt, this.steward]);
  }

  setBudget(projectId: string, amount: string, reason: string): string {
    const budgetId = uuid(`budget:${projectId}`);
    const revision = this.revisions.filter((r) => r.budgetId === budgetId).length + 1;
    const r: FakeRevision = { budgetId, revision, projectId, unit: 'EUR', periodStart: '2025-01-01', periodEnd: '2025-12-31', amount, reason, recordedAt: this.now(), recordedById: this.steward, leafIndex: -1 };
    r.leafIndex = this.append(canonical(['dbwe-budget-v1', budgetId, revision, this.id, projectId, 'EUR', r.periodStart, r.periodEnd, amount, reason, r.recordedAt, this.steward]));
    this.revisions.push(r);
    return budgetId;
  }

  post(p: { bookingDate: string; description: string; projectId?: string; memberId?: string; lines: [string, string][] }): Entry {
    const previous = this.entries[this.entries.length - 1];
    const entry: Entry = {
      id: uuid(`entry:${this.entries.length + 1}`),
      neighbourhoodId: this.id,
      sequence: this.entries.length + 1,
      bookingDate: p.bookingDate,
      recordedAt: this.now(),
      description: p.description,
      projectId: p.projectId ?? null,
      memberId: p.memberId ?? null,
      evidenceUrl: null,
      recordedById: this.steward,
      reversesId: null,
      lines: p.lines.map(([accountId, minorUnits]) => ({
        accountId,
        unit: this.accounts.get(accountId)!.unit,
        minorUnits,
        counterpartyMemberId: null,
        counterpartyDomain: null,
        counterpartyName: minorUnits.startsWith('-') ? null : 'Bakkerij De Spijker',
      })),
      previousHash: previous?.hash ?? GENESIS_HASH,
      hash: '',
      leafIndex: null,
    };
    entry.hash = entryHash(entry.previousHash, entry);
    entry.leafIndex = this.append(entryLeafData(entry.sequence, entry.hash));
    this.entries.push(entry);
    return entry;
  }

  /** Signs the current tree head (what the ledger does every minute and on `checkpoint(fresh: true)`). */
  sign(): string {
    const size = this.leaves.length;
    const text = `${this.origin}\n${size}\n${b64(reference.mth(this.hashes(size)))}\n`;
    const note = signNote(text, this.origin, this.seed);
    this.checkpoints.set(size, note);
    return note;
  }

  /** An operator who deletes the newest records and rewinds the log. */
  truncate(size: number): void {
    this.leaves.splice(size);
    while (this.entries.length && this.entries[this.entries.length - 1].leafIndex! >= size) this.entries.pop();
  }

  /** An operator who rewrites the log itself (and so everything the ledger signs from then on). */
  rewriteLeaf(index: number, data: string): void {
    this.leaves[index] = data;
  }

  private hashes(size: number): Buffer[] {
    return this.leaves.slice(0, size).map((d) => leafHash(d));
  }

  private servedEntry(e: Entry): Entry {
    return this.served.entry.get(e.sequence)?.(structuredClone(e)) ?? e;
  }

  private entryJson(raw: Entry) {
    const e = this.servedEntry(raw);
    return {
      id: e.id,
      sequence: e.sequence,
      bookingDate: e.bookingDate,
      recordedAt: e.recordedAt,
      description: e.description,
      evidenceUrl: e.evidenceUrl,
      previousHash: e.previousHash,
      hash: e.hash,
      leafIndex: e.leafIndex,
      neighbourhood: { id: e.neighbourhoodId },
      project: e.projectId ? { id: e.projectId } : null,
      member: e.memberId ? { id: e.memberId } : null,
      recordedBy: e.recordedById ? { id: e.recordedById } : null,
      reverses: e.reversesId ? { id: e.reversesId } : null,
      lines: e.lines.map((l, position) => ({
        position,
        account: { id: l.accountId },
        amount: { minorUnits: l.minorUnits, unit: l.unit },
        counterparty: l.counterpartyMemberId || l.counterpartyName ? { member: l.counterpartyMemberId ? { id: l.counterpartyMemberId } : null, domain: l.counterpartyDomain, name: l.counterpartyName } : null,
      })),
    };
  }

  /** What the ledger's running totals would say, recomputed honestly from the entries. */
  private sum(filter: (e: Entry, accountId: string, unit: string) => boolean): bigint {
    let total = 0n;
    for (const e of this.entries) for (const l of e.lines) if (filter(e, l.accountId, l.unit)) total += BigInt(l.minorUnits);
    return total;
  }

  private type(accountId: string): string {
    return this.accounts.get(accountId)!.type;
  }

  servedAccounts() {
    return [...this.accounts.values()].map((a) => ({ ...a, ...this.served.account.get(a.id) }));
  }

  balance(accountId: string, asOf?: string): string {
    const forged = asOf ? this.served.datedBalance.get(`${accountId}@${asOf}`) : this.served.balance.get(accountId);
    return forged ?? String(this.sum((e, a) => a === accountId && (!asOf || e.bookingDate <= asOf)));
  }

  /** ProjectFinances.expensesByBookingDate: euros and hours on expense accounts per booking date, dates with either. */
  private expenseColumns(projectId: string) {
    const dates = [...new Set(this.entries.filter((e) => e.projectId === projectId).map((e) => e.bookingDate))].sort();
    const on = (date: string, unit: string) => this.sum((e, a, u) => e.projectId === projectId && e.bookingDate === date && u === unit && this.type(a) === 'EXPENSE');
    const days = dates.map((date) => ({ date, spent: this.served.expenseDays.get(`${projectId}/${date}`) ?? String(on(date, 'EUR')), hours: String(on(date, 'HOUR')) }));
    const shown = days.filter((d) => d.spent !== '0' || d.hours !== '0');
    return { bookingDates: shown.map((d) => d.date), spentMinorUnits: shown.map((d) => d.spent), volunteerHoursMinorUnits: shown.map((d) => d.hours) };
  }

  private finances(projectId: string) {
    const of = (type: string, unit: string) => this.sum((e, a, u) => e.projectId === projectId && u === unit && this.type(a) === type);
    const revisions = this.revisions.filter((r) => r.projectId === projectId).map((r) => ({ ...r, ...this.served.revision.get(`${r.budgetId}/${r.revision}`) }));
    const budgetIds = [...new Set(revisions.map((r) => r.budgetId))];
    return {
      spent: { minorUnits: this.served.spent.get(projectId) ?? String(of('EXPENSE', 'EUR')), unit: 'EUR' },
      received: { minorUnits: String(-of('INCOME', 'EUR')), unit: 'EUR' },
      volunteerHours: { minorUnits: String(of('EXPENSE', 'HOUR')), unit: 'HOUR' },
      budgets: budgetIds.map((id) => {
        const own = revisions.filter((r) => r.budgetId === id);
        return {
          id,
          project: { id: projectId },
          unit: own[0].unit,
          periodStart: own[0].periodStart,
          periodEnd: own[0].periodEnd,
          revisions: own.map((r) => ({ revision: r.revision, leafIndex: r.leafIndex, amount: { minorUnits: r.amount, unit: r.unit }, reason: r.reason, recordedAt: r.recordedAt, recordedBy: r.recordedById ? { id: r.recordedById } : null })),
        };
      }),
      expensesByBookingDate: this.expenseColumns(projectId),
      budgetAgainstActuals: budgetIds.map((id) => {
        const b = revisions.find((r) => r.budgetId === id)!;
        const actual = this.sum((e, a, u) => e.projectId === projectId && u === b.unit && e.bookingDate >= b.periodStart && e.bookingDate <= b.periodEnd && this.type(a) === 'EXPENSE');
        return { budget: { id }, actual: { minorUnits: String(actual), unit: b.unit } };
      }),
    };
  }

  /** Answers one GraphQL request by the shape of the query the verifier sends. */
  answer(query: string, v: Record<string, any>): unknown {
    const log = () => this.latestCheckpoint();
    if (/^query Log\(/.test(query)) {
      if ((v.id && v.id !== this.id) || (v.slug && v.slug !== this.slug)) return { neighbourhood: null };
      return { neighbourhood: { id: this.id, slug: this.slug, transparencyLog: { origin: this.origin, verifierKey: this.vkey, size: this.leaves.length, checkpoint: { note: log() } } } };
    }
    const tlog = (value: object) => ({ neighbourhood: { transparencyLog: value } });
    if (query.includes('consistencyProof(')) return tlog({ consistencyProof: { fromSize: v.from, toSize: v.to, hashes: reference.proof(v.from, this.hashes(v.to)).map(b64) } });
    if (query.includes('inclusionProof(')) return tlog({ inclusionProof: { hashes: reference.path(v.index, this.hashes(v.size)).map(b64) } });
    if (query.includes('checkpoints(first:')) {
      // Newest first, as the ledger lists them; the cursor is the size.
      const sizes = [...this.checkpoints.keys()].sort((a, b) => b - a).filter((size) => v.after == null || size < Number(v.after));
      const page = sizes.slice(0, v.first);
      return tlog({ checkpoints: { edges: page.map((size) => ({ node: { note: this.checkpoints.get(size) }, cursor: String(size) })), pageInfo: { hasNextPage: sizes.length > page.length } } });
    }
    if (query.includes('checkpointAt(')) return tlog({ checkpointAt: this.checkpoints.has(v.size) ? { note: this.checkpoints.get(v.size) } : null });
    if (query.includes('verifierKeys')) return tlog({ verifierKeys: [this.vkey] });
    if (query.includes('leaves(fromIndex')) {
      const leaves = [];
      for (let i = v.from; i < Math.min(this.leaves.length, v.from + v.first); i++) {
        const data = this.served.leaf.get(i) ?? this.leaves[i];
        const format = JSON.parse(data)[0];
        leaves.push({ index: i, kind: format === 'dbwe-entry-leaf-v1' ? 'ENTRY' : format === 'dbwe-account-v1' ? 'ACCOUNT' : format === 'dbwe-budget-v1' ? 'BUDGET_REVISION' : 'OTHER', data, hash: b64(leafHash(data)) });
      }
      return tlog({ leaves });
    }
    if (/^query Entr(ies|y)\(/.test(query)) {
      const first = Number(/ledgerEntries\(first: (\d+)/.exec(query)![1]);
      const after = v.after != null ? Number(v.after) : (v.afterSequence ?? 0);
      const page = this.entries.filter((e) => e.sequence > after).slice(0, first);
      const last = page[page.length - 1];
      return {
        neighbourhood: {
          ledgerEntries: {
            edges: page.map((e) => ({ node: this.entryJson(e) })),
            pageInfo: { hasNextPage: !!last && last.sequence < this.entries.length, endCursor: last ? String(last.sequence) : null },
          },
        },
      };
    }
    if (query.startsWith('query Accounts(')) {
      const head = this.entries[this.entries.length - 1];
      return {
        neighbourhood: {
          chainHead: { sequence: head?.sequence ?? 0, hash: head?.hash ?? GENESIS_HASH },
          transparencyLog: { size: this.leaves.length },
          accounts: this.servedAccounts().map((a) => ({
            ...a,
            neighbourhood: { id: this.id },
            project: a.projectId ? { id: a.projectId } : null,
            versionRecordedBy: { id: this.steward },
            balance: { minorUnits: this.balance(a.id), unit: a.unit },
          })),
        },
      };
    }
    if (query.startsWith('query Dated(')) {
      const dates = Object.entries(v).filter(([k]) => /^d\d+$/.test(k));
      return { neighbourhood: { accounts: [...this.accounts.keys()].map((id) => ({ id, ...Object.fromEntries(dates.map(([k, d]) => [k, { minorUnits: this.balance(id, d) }])) })) } };
    }
    if (query.startsWith('query Projects(')) {
      return Object.fromEntries(Object.entries(v).map(([k, id]) => [k, { id, finances: this.finances(id) }]));
    }
    if (query.startsWith('query NeighbourhoodBudgets(')) return { neighbourhood: { budgets: [] } };
    if (query.startsWith('query NeighbourhoodMembers(')) {
      const hours = (id: string) => this.served.memberHours.get(id) ?? String(this.sum((e, a, u) => e.memberId === id && u === 'HOUR' && this.type(a) === 'EXPENSE'));
      const members = this.members.map((id) => ({ node: { id, volunteerHours: { minorUnits: hours(id), unit: 'HOUR' } } }));
      return { neighbourhood: { members: { edges: members, pageInfo: { hasNextPage: false, endCursor: null } } } };
    }
    if (query.startsWith('query Members(')) {
      return Object.fromEntries(
        Object.entries(v).map(([k, id]) => [k, { id, volunteerHours: { minorUnits: this.served.memberHours.get(id) ?? String(this.sum((e, a, u) => e.memberId === id && u === 'HOUR' && this.type(a) === 'EXPENSE')), unit: 'HOUR' } }]),
      );
    }
    if (query.includes('transparencyLog { size rootHash }')) return tlog({ size: this.leaves.length, rootHash: b64(reference.mth(this.hashes(this.leaves.length))) });
    if (query.includes('transparencyLog { size }')) return tlog({ size: this.leaves.length });
    if (query.startsWith('mutation Cosign(')) return { addCosignature: this.cosign(v.input) };
    if (query.startsWith('query Keys')) return { ledgerSigningKeys: this.retiredKeys.map((publicKey) => ({ publicKey, retiredAt: '2025-06-01T00:00:00.000Z' })) };
    throw new Error(`the fake graph does not know this query: ${query.slice(0, 80)}`);
  }

  private latestCheckpoint(): string {
    return this.checkpoints.get(this.leaves.length) ?? this.sign();
  }

  private cosign(input: { neighbourhoodId: string; treeSize: number; signatureLine: string }) {
    const note = this.checkpoints.get(input.treeSize);
    if (!note || input.neighbourhoodId !== this.id) return { __typename: 'UnknownCheckpoint', code: 'UNKNOWN_CHECKPOINT', message: 'no such checkpoint' };
    const line = input.signatureLine + '\n';
    const parsed = parseNote(note + line);
    const signature = parsed.signatures[parsed.signatures.length - 1];
    const witness = this.witnesses.find((w) => w.name === signature.name && w.keyId.equals(signature.keyId));
    if (!witness) return { __typename: 'UnknownWitness', code: 'UNKNOWN_WITNESS', message: 'not a registered witness' };
    const checked = checkCosignature({ text: parsed.text, signatures: [signature] }, witness);
    if (checked === 'bad' || checked === 'absent') return { __typename: 'InvalidCosignature', code: 'INVALID_COSIGNATURE', message: 'the cosignature does not verify' };
    // As the ledger does: one cosignature per witness and checkpoint; sending another answers with the one kept.
    if (parseNote(note).signatures.some((s) => s.name === signature.name && s.keyId.equals(signature.keyId))) return { __typename: 'AddCosignatureSuccess' };
    this.checkpoints.set(input.treeSize, note + line);
    return { __typename: 'AddCosignatureSuccess' };
  }

  registerWitness(vkey: string): void {
    this.witnesses.push(parseVkey(vkey));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        try {
          const { query, variables } = JSON.parse(body);
          res.end(JSON.stringify({ data: this.answer(query.trim(), variables ?? {}) }));
        } catch (error) {
          res.statusCode = 400;
          res.end(JSON.stringify({ errors: [{ message: (error as Error).message }] }));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A small neighbourhood: a bank, an income and two expense accounts, a project with a budget, a few entries. */
export function demoLedger(): FakeLedger {
  const f = new FakeLedger();
  const project = uuid('project:buurtkeuken');
  const member = uuid('member:vrijwilliger');
  const bank = f.addAccount('1000', 'Bank', 'ASSET', 'EUR');
  const subsidy = f.addAccount('8000', 'Subsidie gemeente', 'INCOME', 'EUR');
  const purchases = f.addAccount('4100', 'Inkoop buurtkeuken', 'EXPENSE', 'EUR', project);
  const hoursGiven = f.addAccount('9000', 'Uren gegeven', 'INCOME', 'HOUR');
  const hoursSpent = f.addAccount('9100', 'Uren ingezet', 'EXPENSE', 'HOUR', project);
  f.setBudget(project, '250000', 'Begroting buurtkeuken 2025');
  f.post({ bookingDate: '2025-01-10', description: 'Subsidie buurtkeuken', projectId: project, lines: [[bank, '300000'], [subsidy, '-300000']] });
  f.post({ bookingDate: '2025-02-20', description: 'Inkoop kookgerei "buurtkeuken" — €486,50', projectId: project, lines: [[purchases, '48650'], [bank, '-48650']] });
  f.post({ bookingDate: '2025-02-22', description: 'Kookavond', projectId: project, memberId: member, lines: [[hoursSpent, '350'], [hoursGiven, '-350']] });
  f.setBudget(project, '275000', 'Meer deelnemers');
  f.post({ bookingDate: '2025-03-05', description: 'Inkoop ingrediënten', projectId: project, lines: [[purchases, '12000'], [bank, '-12000']] });
  return f;
}

export { uuid };
