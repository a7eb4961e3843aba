/**
 * One neighbourhood's books as read from the log, leaf by leaf and entry by entry, with every check of
 * docs/ledger-hash.md "What a verifier checks" that needs no network: steps 3 (the root), 4 (entries), 5 (accounts
 * and budgets against their leaves) and 6 (the derived figures). Entries are not kept: only the sums the figures
 * need, per account, project and member, so a million entries fit in memory.
 */
import { Invalid } from './verdict';
import { entryHash, entryShapeProblem, readLeaf, GENESIS_HASH, type AccountChange, type AccountVersion, type BudgetRevision, type Entry, type NeighbourhoodBudgetRevision } from './records';
import { TreeBuilder, leafHash, rootOf, type Hash } from './tree';

export interface ServedAccount {
  id: string;
  neighbourhoodId: string | null;
  code: string;
  name: string;
  type: string;
  unit: string;
  projectId: string | null;
  taakveld: string | null;
  noOverdraft: boolean;
  version: number;
  leafIndex: number;
  versionRecordedAt: string;
  /** Who recorded the current version, as served; undefined when the source does not serve it. */
  versionRecordedById?: string | null;
  /** Minor units, as served; null when the source does not serve it. */
  balance: string | null;
}

export interface ServedRevision {
  budgetId: string;
  revision: number;
  leafIndex: number;
  projectId: string;
  unit: string;
  periodStart: string;
  periodEnd: string;
  amount: string;
  reason: string;
  recordedAt: string;
  recordedById: string | null;
}

export interface ServedProject {
  id: string;
  spent: string;
  received: string;
  volunteerHours: string;
  /** Budget id → the served `actual` of its budget against actuals. */
  actuals: Map<string, string>;
  /** `expensesByBookingDate`, a row per date: what SROI inputs within an analysis period are read from. */
  expenseDays: { date: string; spent: string; hours: string }[];
}

/** A revision of a neighbourhood budget as the graph serves it (`Neighbourhood.budgets`). */
export interface ServedNeighbourhoodBudgetRevision {
  budgetId: string;
  year: number;
  revision: number;
  leafIndex: number;
  lines: { accountId: string | null; taakveld: string | null; type: string; unit: string; amount: string }[];
  reason: string;
  recordedAt: string;
  recordedById: string | null;
}

interface KnownAccount {
  latest: AccountVersion;
  leafIndex: number;
  firstLeafIndex: number;
}

const KIND_OF_FORMAT: Record<string, string> = {
  'dbwe-entry-leaf-v1': 'ENTRY',
  'dbwe-account-v1': 'ACCOUNT',
  'dbwe-budget-v1': 'BUDGET_REVISION',
  'dbwe-neighbourhood-budget-v1': 'NEIGHBOURHOOD_BUDGET_REVISION',
  'dbwe-account-change-v1': 'ACCOUNT_CHANGE',
};

/** Today's date in the Netherlands: the date the ledger answers `Account.name` and `Account.taakveld` for. */
export function todayInTheNetherlands(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function add(map: Map<string, bigint>, key: string, amount: bigint): void {
  map.set(key, (map.get(key) ?? 0n) + amount);
}

export class Books {
  readonly tree = new TreeBuilder();
  /** Every leaf hash, to find the first bad leaf when the root does not match. */
  readonly leafHashes: Hash[] = [];
  readonly unknownLeaves: { index: number; format: string }[] = [];
  private readonly entryLeaves = new Map<number, { index: number; hash: string }>();
  private lastEntryLeaf = 0;
  readonly accounts = new Map<string, KnownAccount>();
  readonly budgets = new Map<string, { revision: BudgetRevision; leafIndex: number }[]>();
  readonly neighbourhoodBudgets = new Map<string, { revision: NeighbourhoodBudgetRevision; leafIndex: number }[]>();
  /** Each account's changes from an effective date (renamed, re-mapped, closed), in change order. */
  readonly accountChanges = new Map<string, AccountChange[]>();

  lastSequence = 0;
  lastHash = GENESIS_HASH;
  readonly bookingDates = new Set<string>();
  readonly projectIds = new Set<string>();
  readonly memberIds = new Set<string>();
  private readonly balances = new Map<string, bigint>();
  /** account \u0000 date → net movement that booking day. */
  private readonly accountDays = new Map<string, bigint>();
  /** project \u0000 account \u0000 unit \u0000 date → net amount. */
  private readonly projectDays = new Map<string, bigint>();
  /** member \u0000 account \u0000 unit → net amount. */
  private readonly memberSums = new Map<string, bigint>();

  /** `today` is the date served names and taakvelden are compared as of (the ledger answers for today in the Netherlands). */
  constructor(
    readonly neighbourhoodId: string,
    readonly today: string = todayInTheNetherlands(),
  ) {}

  get size(): number {
    return this.tree.size;
  }

  /** The sequence of the newest entry the log holds so far. */
  get entriesInLog(): number {
    return this.lastEntryLeaf;
  }

  /** Step 3 and the leaf half of steps 4 and 5: appends the leaf at `index`. */
  addLeaf(index: number, data: string, served?: { hash?: string | null; kind?: string | null }): void {
    const where = `leaf ${index}`;
    if (index !== this.size) throw new Invalid('leaves', `leaf ${this.size}`, `the source gives leaf ${index} where leaf ${this.size} belongs`);
    const hash = leafHash(Buffer.from(data, 'utf8'));
    if (served?.hash != null && served.hash !== hash.toString('base64')) {
      throw new Invalid('leaf hash', where, `served as ${served.hash}, its data hashes to ${hash.toString('base64')}`);
    }
    this.tree.push(hash);
    this.leafHashes.push(hash);
    const leaf = readLeaf(data);
    if ('problem' in leaf) throw new Invalid('leaf data', where, leaf.problem);
    if (leaf.kind === 'UNKNOWN') {
      this.unknownLeaves.push({ index, format: leaf.format });
      return;
    }
    const format = JSON.parse(data)[0] as string;
    if (served?.kind != null && served.kind !== KIND_OF_FORMAT[format]) throw new Invalid('leaf kind', where, `served as ${served.kind}, its data is ${format}`);
    if (leaf.kind === 'ENTRY') {
      if (leaf.sequence !== this.lastEntryLeaf + 1) throw new Invalid('entry leaves', where, `names entry ${leaf.sequence} where entry ${this.lastEntryLeaf + 1} is due`);
      this.lastEntryLeaf = leaf.sequence;
      this.entryLeaves.set(leaf.sequence, { index, hash: leaf.hash });
    } else if (leaf.kind === 'ACCOUNT') {
      const a = leaf.account;
      if (a.neighbourhoodId !== this.neighbourhoodId) throw new Invalid('account leaf', where, `account ${a.code} belongs to neighbourhood ${a.neighbourhoodId}`);
      const known = this.accounts.get(a.accountId);
      const expected = (known?.latest.version ?? 0) + 1;
      if (a.version !== expected) throw new Invalid('account leaf', where, `account ${a.code} has version ${a.version} where version ${expected} is due`);
      // Fixed once an account exists (the ledger refuses to change them): a version that changes one rewrites every figure
      // booked on the account before it, so it can only come from someone who switched the ledger's guard off.
      for (const [name, before, after] of [['type', known?.latest.type, a.type], ['unit', known?.latest.unit, a.unit], ['project', known?.latest.projectId, a.projectId]] as const) {
        if (known && before !== after) {
          throw new Invalid('account leaf', where, `version ${a.version} of account ${a.code} changes its ${name} from ${JSON.stringify(before)} to ${JSON.stringify(after)}; an account's type, unit and project are fixed`);
        }
      }
      this.accounts.set(a.accountId, { latest: a, leafIndex: index, firstLeafIndex: known?.firstLeafIndex ?? index });
      if (a.projectId) this.projectIds.add(a.projectId);
    } else if (leaf.kind === 'NEIGHBOURHOOD_BUDGET_REVISION') {
      const b = leaf.budget;
      const what = `the ${b.year} budget`;
      if (b.neighbourhoodId !== this.neighbourhoodId) throw new Invalid('budget leaf', where, `${what} belongs to neighbourhood ${b.neighbourhoodId}`);
      const revisions = this.neighbourhoodBudgets.get(b.budgetId) ?? [];
      if (b.revision !== revisions.length + 1) throw new Invalid('budget leaf', where, `${what} has revision ${b.revision} where revision ${revisions.length + 1} is due`);
      if (revisions[0] && revisions[0].revision.year !== b.year) throw new Invalid('budget leaf', where, `revision ${b.revision} of budget ${b.budgetId} changes its year`);
      for (const [i, line] of b.lines.entries()) {
        if (!line.accountId) continue;
        // A line names an income or expense account of these books, logged before it, in the account's unit and type.
        const account = this.accounts.get(line.accountId)?.latest;
        if (!account || account.unit !== line.unit || account.type !== line.type) {
          throw new Invalid('budget leaf', where, `line ${i} of ${what} names account ${line.accountId}, which the log does not hold before it as a ${line.type} account in ${line.unit}`);
        }
      }
      revisions.push({ revision: b, leafIndex: index });
      this.neighbourhoodBudgets.set(b.budgetId, revisions);
    } else if (leaf.kind === 'ACCOUNT_CHANGE') {
      this.addAccountChange(leaf.change, where);
    } else {
      const b = leaf.budget;
      if (b.neighbourhoodId !== this.neighbourhoodId) throw new Invalid('budget leaf', where, `budget ${b.budgetId} belongs to neighbourhood ${b.neighbourhoodId}`);
      const revisions = this.budgets.get(b.budgetId) ?? [];
      const first = revisions[0]?.revision;
      if (b.revision !== revisions.length + 1) throw new Invalid('budget leaf', where, `budget ${b.budgetId} has revision ${b.revision} where revision ${revisions.length + 1} is due`);
      if (first && (first.projectId !== b.projectId || first.unit !== b.unit || first.periodStart !== b.periodStart || first.periodEnd !== b.periodEnd)) {
        throw new Invalid('budget leaf', where, `revision ${b.revision} of budget ${b.budgetId} changes its project, unit or period`);
      }
      revisions.push({ revision: b, leafIndex: index });
      this.budgets.set(b.budgetId, revisions);
      this.projectIds.add(b.projectId);
    }
  }

  /**
   * An account change follows the account's changes before it: numbered without gaps, never effective before the
   * change before, nothing after a closing, its old values what the account was until then, and changing something.
   */
  private addAccountChange(c: AccountChange, where: string): void {
    if (c.neighbourhoodId !== this.neighbourhoodId) throw new Invalid('account change leaf', where, `account ${c.accountId} belongs to neighbourhood ${c.neighbourhoodId}`);
    const known = this.accounts.get(c.accountId);
    if (!known) throw new Invalid('account change leaf', where, `changes account ${c.accountId}, which the log does not hold before it`);
    const changes = this.accountChanges.get(c.accountId) ?? [];
    const previous = changes[changes.length - 1];
    const code = known.latest.code;
    if (c.change !== changes.length + 1) throw new Invalid('account change leaf', where, `account ${code} has change ${c.change} where change ${changes.length + 1} is due`);
    if (previous?.closes) throw new Invalid('account change leaf', where, `account ${code} was closed from ${previous.effectiveFrom}; nothing follows a closing`);
    if (previous && c.effectiveFrom < previous.effectiveFrom) {
      throw new Invalid('account change leaf', where, `change ${c.change} of account ${code} takes effect on ${c.effectiveFrom}, before change ${previous.change} (${previous.effectiveFrom})`);
    }
    const [name, taakveld] = previous ? [previous.newName, previous.newTaakveld] : [known.latest.name, known.latest.taakveld];
    if (c.oldName !== name || c.oldTaakveld !== taakveld) {
      throw new Invalid('account change leaf', where, `change ${c.change} of account ${code} starts from ${JSON.stringify([c.oldName, c.oldTaakveld])}, the account was ${JSON.stringify([name, taakveld])}`);
    }
    if (!c.closes && c.newName === c.oldName && c.newTaakveld === c.oldTaakveld) throw new Invalid('account change leaf', where, `change ${c.change} of account ${code} changes nothing`);
    changes.push(c);
    this.accountChanges.set(c.accountId, changes);
  }

  /** An account's name and taakveld on a date: its last change effective then, else the account as its latest leaf says. */
  accountOn(accountId: string, date: string): { name: string; taakveld: string | null; closedFrom: string | null } {
    const known = this.accounts.get(accountId)!;
    const changes = this.accountChanges.get(accountId) ?? [];
    let state = { name: changes[0]?.oldName ?? known.latest.name, taakveld: changes[0] ? changes[0].oldTaakveld : known.latest.taakveld, closedFrom: null as string | null };
    for (const c of changes) if (c.effectiveFrom <= date) state = { name: c.newName, taakveld: c.newTaakveld, closedFrom: c.closes ? c.effectiveFrom : null };
    return state;
  }

  /** The root of the first `size` leaves read so far. */
  rootAt(size: number): Hash {
    return size === this.size ? this.tree.root() : rootOf(this.leafHashes.slice(0, size));
  }

  /**
   * Step 4 for one entry, in sequence order. Returns false, and changes nothing, when the entry is newer than
   * every entry leaf read so far: it was booked after the checkpoint being checked.
   */
  addEntry(e: Entry): boolean {
    const expected = this.lastSequence + 1;
    if (e.sequence > this.lastEntryLeaf && e.sequence >= expected) return false;
    if (e.sequence !== expected) {
      throw new Invalid('entries', `entry ${expected}`, e.sequence > expected ? `missing: entry ${e.sequence} is served after entry ${this.lastSequence}` : `entry ${e.sequence} is served again after entry ${this.lastSequence}`);
    }
    const where = `entry ${e.sequence}`;
    if (e.neighbourhoodId !== this.neighbourhoodId) throw new Invalid('entry', where, `belongs to neighbourhood ${e.neighbourhoodId}`);
    const shape = entryShapeProblem(e);
    if (shape) throw new Invalid('entry', where, shape);
    if (e.previousHash !== this.lastHash) throw new Invalid('entry chain', where, `previousHash ${e.previousHash} is not the hash of the entry before (${this.lastHash})`);
    const recomputed = entryHash(this.lastHash, e);
    if (recomputed !== e.hash) throw new Invalid('entry hash', where, `served hash ${e.hash}, recomputed from its content ${recomputed}`);
    const leaf = this.entryLeaves.get(e.sequence)!;
    if (leaf.hash !== e.hash) throw new Invalid('entry leaf', where, `leaf ${leaf.index} names hash ${leaf.hash}, the entry has ${e.hash}`);
    if (e.leafIndex !== null && e.leafIndex !== leaf.index) throw new Invalid('entry leaf', where, `served with leaf index ${e.leafIndex}, its leaf is ${leaf.index}`);
    for (const [i, line] of e.lines.entries()) {
      const account = this.accounts.get(line.accountId);
      if (!account || account.firstLeafIndex > leaf.index) throw new Invalid('entry', where, `line ${i} is on account ${line.accountId}, which the log does not hold before the entry`);
      const closing = this.accountChanges.get(line.accountId)?.find((c) => c.closes);
      if (closing && closing.effectiveFrom <= e.bookingDate) {
        throw new Invalid('entry', where, `line ${i} is on account ${account.latest.code}, closed from ${closing.effectiveFrom}; the entry is dated ${e.bookingDate}`);
      }
    }
    this.lastSequence = e.sequence;
    this.lastHash = e.hash;
    this.bookingDates.add(e.bookingDate);
    if (e.projectId) this.projectIds.add(e.projectId);
    if (e.memberId) this.memberIds.add(e.memberId);
    for (const line of e.lines) {
      const amount = BigInt(line.minorUnits);
      add(this.balances, line.accountId, amount);
      add(this.accountDays, `${line.accountId}\u0000${e.bookingDate}`, amount);
      if (e.projectId) add(this.projectDays, `${e.projectId}\u0000${line.accountId}\u0000${line.unit}\u0000${e.bookingDate}`, amount);
      if (e.memberId) add(this.memberSums, `${e.memberId}\u0000${line.accountId}\u0000${line.unit}`, amount);
    }
    return true;
  }

  /** Step 4's "every entry has a leaf", the other way round: every entry leaf's entry was served. */
  checkEntriesComplete(): void {
    if (this.lastSequence < this.lastEntryLeaf) {
      const next = this.entryLeaves.get(this.lastSequence + 1)!;
      throw new Invalid('entries', `entry ${this.lastSequence + 1}`, `leaf ${next.index} holds it, the source does not serve it`);
    }
  }

  private typeOf(accountId: string): string | undefined {
    return this.accounts.get(accountId)?.latest.type;
  }

  private codeOf(accountId: string): string {
    return this.accounts.get(accountId)?.latest.code ?? accountId;
  }

  balance(accountId: string): bigint {
    return this.balances.get(accountId) ?? 0n;
  }

  /** Every account's balance at the end of each date, in one pass over the day totals. */
  balancesAsOf(dates: string[]): Map<string, Map<string, bigint>> {
    const out = new Map<string, Map<string, bigint>>(dates.map((d) => [d, new Map<string, bigint>()]));
    for (const [key, amount] of this.accountDays) {
      const [account, day] = key.split('\u0000');
      for (const date of dates) if (day <= date) add(out.get(date)!, account, amount);
    }
    return out;
  }

  project(projectId: string): { spent: bigint; received: bigint; volunteerHours: bigint } {
    const sums = { spent: 0n, received: 0n, volunteerHours: 0n };
    for (const [key, amount] of this.projectDays) {
      const [project, account, unit] = key.split('\u0000');
      if (project !== projectId) continue;
      const type = this.typeOf(account);
      if (type === 'EXPENSE' && unit === 'EUR') sums.spent += amount;
      if (type === 'INCOME' && unit === 'EUR') sums.received -= amount;
      if (type === 'EXPENSE' && unit === 'HOUR') sums.volunteerHours += amount;
    }
    return sums;
  }

  /** Euros and hours on expense accounts per booking date, oldest first; only dates where either is not zero. */
  projectExpenseDays(projectId: string): { date: string; spent: bigint; hours: bigint }[] {
    const days = new Map<string, { date: string; spent: bigint; hours: bigint }>();
    for (const [key, amount] of this.projectDays) {
      const [project, account, unit, date] = key.split('\u0000');
      if (project !== projectId || this.typeOf(account) !== 'EXPENSE') continue;
      const day = days.get(date) ?? { date, spent: 0n, hours: 0n };
      if (unit === 'EUR') day.spent += amount;
      if (unit === 'HOUR') day.hours += amount;
      days.set(date, day);
    }
    return [...days.values()].filter((d) => d.spent !== 0n || d.hours !== 0n).sort((a, b) => (a.date < b.date ? -1 : 1));
  }

  budgetActual(budgetId: string): bigint {
    const b = this.budgets.get(budgetId)![0].revision;
    let sum = 0n;
    for (const [key, amount] of this.projectDays) {
      const [project, account, unit, date] = key.split('\u0000');
      if (project === b.projectId && unit === b.unit && date >= b.periodStart && date <= b.periodEnd && this.typeOf(account) === 'EXPENSE') sum += amount;
    }
    return sum;
  }

  memberHours(memberId: string): bigint {
    let sum = 0n;
    for (const [key, amount] of this.memberSums) {
      const [member, account, unit] = key.split('\u0000');
      if (member === memberId && unit === 'HOUR' && this.typeOf(account) === 'EXPENSE') sum += amount;
    }
    return sum;
  }

  /** Step 5 for one served account: it equals its latest account leaf (and, when asked, its balance its lines). */
  compareAccount(s: ServedAccount, options: { balance: boolean }): void {
    const known = this.accounts.get(s.id);
    const where = `account ${s.code}`;
    if (!known) throw new Invalid('account', where, `served (id ${s.id}) but no account leaf holds it`);
    const leaf = known.latest;
    const today = this.accountOn(s.id, this.today);
    const pairs: [string, unknown, unknown][] = [
      ['neighbourhood', s.neighbourhoodId ?? leaf.neighbourhoodId, leaf.neighbourhoodId],
      ['code', s.code, leaf.code],
      ['name', s.name, today.name],
      ['type', s.type, leaf.type],
      ['unit', s.unit, leaf.unit],
      ['project', s.projectId, leaf.projectId],
      ['taakveld', s.taakveld, today.taakveld],
      ['noOverdraft', s.noOverdraft, leaf.noOverdraft],
      ['version', s.version, leaf.version],
      ['versionRecordedAt', s.versionRecordedAt, leaf.versionRecordedAt],
      ['versionRecordedBy', s.versionRecordedById === undefined ? leaf.recordedById : s.versionRecordedById, leaf.recordedById],
      ['leafIndex', s.leafIndex, known.leafIndex],
    ];
    for (const [name, got, want] of pairs) {
      if (got !== want) throw new Invalid('account', where, `${name} is served as ${JSON.stringify(got)}, its latest leaf (${known.leafIndex}) says ${JSON.stringify(want)}`);
    }
    if (options.balance && s.balance !== null && BigInt(s.balance) !== this.balance(s.id)) {
      throw new Invalid('balance', where, `served as ${s.balance}, the lines sum to ${this.balance(s.id)}`);
    }
  }

  /** Step 5 for the chart: every served account equals its latest leaf, and every account leaf's account is served. */
  compareAccounts(served: ServedAccount[], options: { balances: boolean }): void {
    for (const s of served) this.compareAccount(s, { balance: options.balances });
    this.checkAccountsServed(new Set(served.map((s) => s.id)));
  }

  checkAccountsServed(served: Set<string>): void {
    for (const [id, known] of this.accounts) {
      if (!served.has(id)) throw new Invalid('account', `account ${known.latest.code}`, `leaf ${known.leafIndex} holds it, the source does not serve it`);
    }
  }

  /** Step 5 for budgets: every served revision equals its leaf, and every revision leaf is served. */
  compareBudgets(served: ServedRevision[]): void {
    const seen = new Set<string>();
    for (const s of served) {
      const where = `budget ${s.budgetId}`;
      const revision = this.budgets.get(s.budgetId)?.[s.revision - 1];
      if (!revision) throw new Invalid('budget', where, `revision ${s.revision} is served but no budget leaf holds it`);
      const b = revision.revision;
      const pairs: [string, unknown, unknown][] = [
        ['leafIndex', s.leafIndex, revision.leafIndex],
        ['project', s.projectId, b.projectId],
        ['unit', s.unit, b.unit],
        ['periodStart', s.periodStart, b.periodStart],
        ['periodEnd', s.periodEnd, b.periodEnd],
        ['amount', s.amount, b.amount],
        ['reason', s.reason, b.reason],
        ['recordedAt', s.recordedAt, b.recordedAt],
        ['recordedBy', s.recordedById, b.recordedById],
      ];
      for (const [name, got, want] of pairs) {
        if (got !== want) throw new Invalid('budget', where, `revision ${s.revision}: ${name} is served as ${JSON.stringify(got)}, its leaf (${revision.leafIndex}) says ${JSON.stringify(want)}`);
      }
      seen.add(`${s.budgetId}/${s.revision}`);
    }
    for (const [id, revisions] of this.budgets) {
      for (const r of revisions) {
        if (!seen.has(`${id}/${r.revision.revision}`)) throw new Invalid('budget', `budget ${id}`, `revision ${r.revision.revision} is in leaf ${r.leafIndex}, the source does not serve it`);
      }
    }
  }

  /** Step 5 for neighbourhood budgets: every served revision equals its leaf, and every revision leaf is served. */
  compareNeighbourhoodBudgets(served: ServedNeighbourhoodBudgetRevision[]): void {
    const seen = new Set<string>();
    for (const s of served) {
      const where = `the ${s.year} budget`;
      const known = this.neighbourhoodBudgets.get(s.budgetId)?.[s.revision - 1];
      if (!known) throw new Invalid('budget', where, `revision ${s.revision} is served but no budget leaf holds it`);
      const b = known.revision;
      const pairs: [string, unknown, unknown][] = [
        ['leafIndex', s.leafIndex, known.leafIndex],
        ['year', s.year, b.year],
        ['lines', JSON.stringify(s.lines), JSON.stringify(b.lines)],
        ['reason', s.reason, b.reason],
        ['recordedAt', s.recordedAt, b.recordedAt],
        ['recordedBy', s.recordedById, b.recordedById],
      ];
      for (const [name, got, want] of pairs) {
        if (got !== want) throw new Invalid('budget', where, `revision ${s.revision}: ${name} is served as ${got}, its leaf (${known.leafIndex}) says ${want}`);
      }
      seen.add(`${s.budgetId}/${s.revision}`);
    }
    for (const [id, revisions] of this.neighbourhoodBudgets) {
      for (const r of revisions) {
        if (!seen.has(`${id}/${r.revision.revision}`)) throw new Invalid('budget', `the ${r.revision.year} budget`, `revision ${r.revision.revision} is in leaf ${r.leafIndex}, the source does not serve it`);
      }
    }
  }

  /** Step 6 for the dated balances: served[date][accountId] = minor units at the end of that date. */
  compareBalancesAsOf(served: Map<string, Map<string, string>>): void {
    const dates = [...served.keys()];
    const computed = this.balancesAsOf(dates);
    for (const date of dates) {
      for (const [account, value] of served.get(date)!) {
        const want = computed.get(date)!.get(account) ?? 0n;
        if (BigInt(value) !== want) throw new Invalid('balance', `account ${this.codeOf(account)}`, `as of ${date} served as ${value}, the lines sum to ${want}`);
      }
    }
  }

  /** Step 6 for a project's finances and its budgets against actuals. */
  compareProject(s: ServedProject): void {
    const where = `project ${s.id}`;
    const c = this.project(s.id);
    for (const [name, got, want] of [
      ['spent', s.spent, c.spent],
      ['received', s.received, c.received],
      ['volunteerHours', s.volunteerHours, c.volunteerHours],
    ] as const) {
      if (BigInt(got) !== want) throw new Invalid(`project ${name}`, where, `served as ${got}, the lines give ${want}`);
    }
    const days = this.projectExpenseDays(s.id);
    for (let d = 0; d < Math.max(days.length, s.expenseDays.length); d++) {
      const [got, want] = [s.expenseDays[d], days[d]];
      if (!got || !want || got.date !== want.date) {
        throw new Invalid('project expenses by booking date', where, `served with booking date ${got?.date ?? '(none)'} where the lines give ${want?.date ?? '(none)'}`);
      }
      if (BigInt(got.spent) !== want.spent || BigInt(got.hours) !== want.hours) {
        throw new Invalid('project expenses by booking date', where, `on ${want.date} served as ${got.spent} spent and ${got.hours} hours, the lines give ${want.spent} and ${want.hours}`);
      }
    }
    for (const [budgetId, actual] of s.actuals) {
      if (!this.budgets.has(budgetId)) throw new Invalid('budget', `budget ${budgetId}`, 'served against actuals but no budget leaf holds it');
      const want = this.budgetActual(budgetId);
      if (BigInt(actual) !== want) throw new Invalid('budget against actual', `budget ${budgetId}`, `actual served as ${actual}, the lines give ${want}`);
    }
  }

  compareMember(memberId: string, served: string): void {
    const want = this.memberHours(memberId);
    if (BigInt(served) !== want) throw new Invalid('member hours', `member ${memberId}`, `served as ${served}, the lines give ${want}`);
  }
}
