import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ledger } from '@dbwe/ledger';
import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import {
  CREATE_ACCOUNT,
  dataOf,
  decimal,
  inProcess,
  openBooks,
  postEntry,
  readBooks,
  reverseEntry,
  TRIAL_BALANCE,
  neighbourhoodRef,
  verifyChain,
  type AccountType,
  type Caller,
  type LineInput,
  type PostEntryInput,
  type Unit,
} from './ledger-api';
import { BooksModel, type ModelAccount, type ModelLine } from './ledger-model';
import { runsFor } from './settings';
import { startCommunityGraph, type CommunityGraph } from '../platform';

/*
 * Model-based test of the ledger (issue 10, item 1). fast-check generates
 * short sequences of commands (open an account, post a valid or an invalid
 * entry, reverse, retry with the same idempotency key, reuse a key for other
 * content, read balances and the trial balance); each runs against the real
 * ledger subgraph on real PostgreSQL, in books of its own (a fresh
 * neighbourhood), and after every step the ledger's balances, past balances
 * and chain head must equal the model's. At the end of each sequence the
 * chain verifies. A failure prints fast-check's seed and path; replay it with
 * RELIABILITY_SEED=<seed> RELIABILITY_PATH=<path> npx jest test/reliability/ledger-model.
 */

interface Real {
  call: Caller;
  /** An account in another neighbourhood's books. */
  foreignAccountId: string;
}

type Command = fc.AsyncCommand<BooksModel, Real>;

const LANES = 4;
const stats = { sequences: 0, commands: 0, entries: 0 };
const DATES = ['2026-01-05', '2026-02-10', '2026-03-15', '2026-04-20'] as const;
const pick = <T>(list: readonly T[], index: number): T => list[index % list.length];

/** Amounts from one cent to above 2^31 minor units; sums stay far from 2^63. */
const amountArb = fc.oneof(
  fc.bigInt({ min: 1n, max: 10_000n }),
  fc.bigInt({ min: 1n, max: 5_000_000n }),
  fc.constantFrom(2_147_483_647n, 2_147_483_648n, 4_294_967_296n, 99_999_999_999n),
);

function toInputLines(model: BooksModel, lines: ModelLine[]): LineInput[] {
  return lines.map((l) => ({
    accountId: l.accountId,
    side: l.minor > 0n ? 'DEBIT' : 'CREDIT',
    amount: decimal(l.minor > 0n ? l.minor : -l.minor),
    unit: model.account(l.accountId).unit,
  }));
}

/** After every step: every account's balance and the chain head, read in one request, equal the model's. */
async function checkBooks(model: BooksModel, real: Real): Promise<void> {
  stats.commands++;
  const books = await readBooks(real.call, model.neighbourhoodId);
  const actual = Object.fromEntries(books.accounts.map((a) => [a.id, a.balance.minorUnits]));
  const expected = Object.fromEntries(model.accounts.map((a) => [a.id, model.balance(a.id).toString()]));
  expect(actual).toEqual(expected);
  expect(books.chainHead).toEqual(model.head());
}

// ---------------------------------------------------------------- commands

class OpenAccount implements Command {
  constructor(readonly type: AccountType, readonly unit: Unit, readonly noOverdraft: boolean, readonly duplicateOf: number | null) {}
  check = () => true;
  async run(model: BooksModel, real: Real) {
    const duplicate = this.duplicateOf === null ? null : pick(model.accounts, this.duplicateOf);
    const code = duplicate?.code ?? model.newCode();
    const input = { neighbourhoodId: model.neighbourhoodId, code, name: `Rekening ${code}`, type: this.type, unit: this.unit, noOverdraft: this.noOverdraft };
    const result = dataOf(await real.call<{ createAccount: any }>(CREATE_ACCOUNT, { input }), 'createAccount').createAccount;
    if (duplicate) {
      expect(result).toMatchObject({ __typename: 'AccountCodeTaken', code: 'ACCOUNT_CODE_TAKEN', account: { id: duplicate.id } });
    } else {
      expect(result).toMatchObject({
        __typename: 'CreateAccountSuccess',
        account: { code, type: this.type, unit: this.unit, noOverdraft: this.noOverdraft, balance: { minorUnits: '0' } },
      });
      model.accounts.push({ id: result.account.id, code, type: this.type, unit: this.unit, noOverdraft: this.noOverdraft });
    }
    await checkBooks(model, real);
  }
  toString = () => `OpenAccount(${this.type}, ${this.unit}, noOverdraft=${this.noOverdraft}${this.duplicateOf === null ? '' : `, duplicate code of #${this.duplicateOf}`})`;
}

interface LineSpec {
  account: number;
  amount: bigint;
}

/** A balanced entry: several lines on one side and their sum on the other; optionally a second, hours part. */
class Post implements Command {
  constructor(
    readonly unit: Unit,
    readonly single: LineSpec,
    readonly others: LineSpec[],
    readonly singleIsDebit: boolean,
    readonly withHours: LineSpec | null,
    readonly date: number,
    readonly reuseRefusedKey: boolean,
  ) {}

  /**
   * Distinct accounts within each part; the hours part may reuse an account of
   * the main part, so one account can move twice in one entry.
   */
  lines(model: BooksModel): ModelLine[] | null {
    const build = (unit: Unit, single: LineSpec, others: LineSpec[]): ModelLine[] | null => {
      const pool = model.accountsIn(unit);
      if (pool.length < 2) return null;
      others = others.slice(0, pool.length - 1);
      // Distinct accounts: a pick that is taken moves on to the next free one.
      const mine: string[] = [];
      for (const spec of [single, ...others]) {
        let at = spec.account;
        while (mine.includes(pick(pool, at).id)) at++;
        mine.push(pick(pool, at).id);
      }
      const sign = this.singleIsDebit ? 1n : -1n;
      const total = others.reduce((s, o) => s + o.amount, 0n);
      return [{ accountId: mine[0], minor: sign * total }, ...others.map((o, i) => ({ accountId: mine[i + 1], minor: -sign * o.amount }))];
    };
    const main = build(this.unit, this.single, this.others);
    if (!main) return null;
    if (!this.withHours) return main;
    const hours = build('HOUR', this.withHours, [{ account: this.withHours.account + 1, amount: this.withHours.amount }]);
    return hours ? [...main, ...hours] : null;
  }

  check = (model: Readonly<BooksModel>) => this.lines(model as BooksModel) !== null;

  async run(model: BooksModel, real: Real) {
    const lines = this.lines(model)!;
    const key = this.reuseRefusedKey && model.refusedKeys.length > 0 ? model.refusedKeys.shift()! : model.newKey();
    const input: PostEntryInput = {
      neighbourhoodId: model.neighbourhoodId,
      idempotencyKey: key,
      bookingDate: pick(DATES, this.date),
      description: `Boeking ${key}`,
      lines: toInputLines(model, lines),
    };
    const result = await postEntry(real.call, input);
    const overdrawn = model.overdrawn(lines);
    if (overdrawn) {
      expect(result).toMatchObject({ __typename: 'Overdraft', code: 'OVERDRAFT', account: { id: overdrawn.id } });
      model.refusedKeys.push(key);
    } else {
      if (result.__typename !== 'PostEntrySuccess') throw new Error(`expected the entry to be booked, got ${JSON.stringify(result)}`);
      const { entry, replayed } = result as Extract<typeof result, { __typename: 'PostEntrySuccess' }>;
      expect(replayed).toBe(false);
      expect(entry.sequence).toBe(model.entries.length + 1);
      expect(entry.previousHash).toBe(model.head().hash);
      expect(entry.lines.map((l) => [l.account.id, l.amount.minorUnits])).toEqual(lines.map((l) => [l.accountId, l.minor.toString()]));
      model.entries.push({
        id: entry.id,
        sequence: entry.sequence,
        bookingDate: input.bookingDate,
        lines,
        request: input as never,
        kind: 'post',
        reverses: null,
        reversedBy: null,
        hash: entry.hash,
        previousHash: entry.previousHash,
      });
    }
    await checkBooks(model, real);
  }
  toString = () =>
    `Post(${this.unit}, ${this.singleIsDebit ? 'debit' : 'credit'} #${this.single.account} against ${this.others.map((o) => `#${o.account}:${o.amount}`).join(' ')}` +
    `${this.withHours ? `, hours #${this.withHours.account}:${this.withHours.amount}` : ''}, date ${this.date}${this.reuseRefusedKey ? ', reusing a refused key' : ''})`;
}

/** Sends a booked request again with its key: the original entry comes back and nothing is written. */
class Retry implements Command {
  constructor(readonly entry: number) {}
  check = (model: Readonly<BooksModel>) => model.entries.length > 0;
  async run(model: BooksModel, real: Real) {
    const original = pick(model.entries, this.entry);
    if (original.kind === 'post') {
      const result = await postEntry(real.call, original.request as never);
      expect(result).toMatchObject({ __typename: 'PostEntrySuccess', replayed: true, entry: { id: original.id, sequence: original.sequence, hash: original.hash } });
    } else {
      const result = await reverseEntry(real.call, original.request as never);
      expect(result).toMatchObject({ __typename: 'ReverseEntrySuccess', replayed: true, reversal: { id: original.id, hash: original.hash } });
    }
    await checkBooks(model, real);
  }
  toString = () => `Retry(entry #${this.entry})`;
}

/** The key of a booked entry with different content: refused, the original unchanged. */
class ReuseKeyForOtherContent implements Command {
  constructor(readonly entry: number, readonly change: 'description' | 'amount' | 'date') {}
  check = (model: Readonly<BooksModel>) => model.entries.some((e) => e.kind === 'post');
  async run(model: BooksModel, real: Real) {
    const original = pick(model.entries.filter((e) => e.kind === 'post'), this.entry);
    const request = structuredClone(original.request) as unknown as PostEntryInput;
    if (this.change === 'description') request.description += ' (gewijzigd)';
    if (this.change === 'date') request.bookingDate = request.bookingDate === DATES[0] ? DATES[1] : DATES[0];
    if (this.change === 'amount') {
      const bump = (a: string) => decimal(BigInt(a.replace('.', '')) + 1n);
      request.lines = request.lines.map((l, i) => (i < 2 ? { ...l, amount: bump(l.amount) } : l));
      // Keep it balanced: the first two lines are on opposite sides only in a two-sided entry.
      if (request.lines[0].side === request.lines[1].side) request.lines = request.lines.map((l) => ({ ...l, amount: bump(l.amount) }));
    }
    const result = await postEntry(real.call, request);
    expect(result).toMatchObject({ __typename: 'IdempotencyKeyConflict', code: 'IDEMPOTENCY_KEY_CONFLICT', entry: { id: original.id } });
    await checkBooks(model, real);
  }
  toString = () => `ReuseKeyForOtherContent(entry #${this.entry}, ${this.change})`;
}

type Defect =
  | 'oneLine'
  | 'unbalanced'
  | 'mixedUnbalanced'
  | 'malformedAmount'
  | 'unknownAccount'
  | 'foreignAccount'
  | 'unitMismatch'
  | 'emptyDescription'
  | 'booksNotOpen'
  | 'longKey';

const EXPECTED: Record<Defect, { type: string; code: string }> = {
  oneLine: { type: 'TooFewLines', code: 'FEWER_THAN_TWO_LINES' },
  unbalanced: { type: 'UnbalancedEntry', code: 'UNBALANCED_ENTRY' },
  mixedUnbalanced: { type: 'MixedUnitsUnbalanced', code: 'UNBALANCED_PER_UNIT' },
  malformedAmount: { type: 'MalformedAmount', code: 'MALFORMED_AMOUNT' },
  unknownAccount: { type: 'UnknownAccount', code: 'UNKNOWN_ACCOUNT' },
  foreignAccount: { type: 'ForeignAccount', code: 'ACCOUNT_OF_OTHER_NEIGHBOURHOOD' },
  unitMismatch: { type: 'UnitMismatch', code: 'UNIT_MISMATCH' },
  emptyDescription: { type: 'InvalidLedgerInput', code: 'INVALID_INPUT' },
  booksNotOpen: { type: 'BooksNotOpen', code: 'BOOKS_NOT_OPEN' },
  longKey: { type: 'InvalidLedgerInput', code: 'INVALID_INPUT' },
};

const MALFORMED = ['1e3', '12,50', '-5', '0', '0.00', '0.001', 'NaN', 'Infinity', '', ' 1.00', '1.5.0', '١٢', '0x10', '99999999999999999.00', '+3'];

/** An entry with exactly one thing wrong: refused with the error naming that rule, nothing written. */
class PostInvalid implements Command {
  constructor(readonly defect: Defect, readonly a: number, readonly b: number, readonly amount: bigint, readonly malformed: string) {}
  check = () => true;
  async run(model: BooksModel, real: Real) {
    const eur = model.accountsIn('EUR');
    const hours = model.accountsIn('HOUR');
    const first = pick(eur, this.a);
    const second = eur.find((a) => a.id !== first.id)!;
    const hourA = pick(hours, this.b);
    const hourB = hours.find((a) => a.id !== hourA.id)!;
    const amount = decimal(this.amount);
    const line = (account: ModelAccount, side: 'DEBIT' | 'CREDIT', value = amount, unit: Unit = account.unit): LineInput => ({ accountId: account.id, side, amount: value, unit });
    const key = model.newKey('refused');
    const input: PostEntryInput = {
      neighbourhoodId: model.neighbourhoodId,
      idempotencyKey: key,
      bookingDate: DATES[1],
      description: 'Onjuiste boeking',
      lines: [line(first, 'DEBIT'), line(second, 'CREDIT')],
    };
    switch (this.defect) {
      case 'oneLine':
        input.lines = [line(first, 'DEBIT')];
        break;
      case 'unbalanced':
        input.lines[1] = line(second, 'CREDIT', decimal(this.amount + 1n));
        break;
      case 'mixedUnbalanced':
        input.lines.push(line(hourA, 'DEBIT'), line(hourB, 'CREDIT', decimal(this.amount + 1n)));
        break;
      case 'malformedAmount':
        input.lines = [line(first, 'DEBIT', this.malformed), line(second, 'CREDIT', this.malformed)];
        break;
      case 'unknownAccount':
        input.lines[1] = { ...input.lines[1], accountId: randomUUID() };
        break;
      case 'foreignAccount':
        input.lines[1] = { ...input.lines[1], accountId: real.foreignAccountId };
        break;
      case 'unitMismatch':
        input.lines = [line(first, 'DEBIT', amount, 'HOUR'), line(hourA, 'CREDIT')];
        break;
      case 'emptyDescription':
        input.description = ' \n\t ';
        break;
      case 'booksNotOpen':
        input.neighbourhoodId = randomUUID();
        break;
      case 'longKey':
        input.idempotencyKey = 'k'.repeat(201);
        break;
    }
    const result = await postEntry(real.call, input);
    expect(result).toMatchObject({ __typename: EXPECTED[this.defect].type, code: EXPECTED[this.defect].code });
    expect((result as { message: string }).message.length).toBeGreaterThan(10);
    if (this.defect !== 'longKey' && this.defect !== 'booksNotOpen') model.refusedKeys.push(key);
    await checkBooks(model, real);
  }
  toString = () => `PostInvalid(${this.defect}${this.defect === 'malformedAmount' ? ` "${this.malformed}"` : ''})`;
}

/** Reverses an entry: mirrored lines, linked both ways; once only, never a reversal, never into an overdraft. */
class Reverse implements Command {
  constructor(readonly entry: number, readonly date: number) {}
  check = (model: Readonly<BooksModel>) => model.entries.length > 0;
  async run(model: BooksModel, real: Real) {
    const target = pick(model.entries, this.entry);
    const key = model.newKey('rev');
    const request = { entryId: target.id, reason: `Correctie van boeking ${target.sequence}`, idempotencyKey: key, bookingDate: pick(DATES, this.date) };
    const result = await reverseEntry(real.call, request);
    const mirrored = target.lines.map((l) => ({ accountId: l.accountId, minor: -l.minor }));
    if (target.reverses) {
      expect(result).toMatchObject({ __typename: 'ReversalOfReversal', code: 'REVERSAL_OF_REVERSAL', entry: { id: target.id } });
      model.refusedKeys.push(key);
    } else if (target.reversedBy) {
      expect(result).toMatchObject({ __typename: 'AlreadyReversed', code: 'ALREADY_REVERSED', entry: { id: target.id }, reversedBy: { id: target.reversedBy } });
      model.refusedKeys.push(key);
    } else if (model.overdrawn(mirrored)) {
      expect(result).toMatchObject({ __typename: 'Overdraft', account: { id: model.overdrawn(mirrored)!.id } });
      model.refusedKeys.push(key);
    } else {
      if (result.__typename !== 'ReverseEntrySuccess') throw new Error(`expected the reversal to be booked, got ${JSON.stringify(result)}`);
      const { reversal, replayed } = result as Extract<typeof result, { __typename: 'ReverseEntrySuccess' }>;
      expect(replayed).toBe(false);
      expect(reversal.sequence).toBe(model.entries.length + 1);
      expect(reversal.reverses).toEqual({ id: target.id });
      expect(reversal.description).toBe(request.reason);
      expect(reversal.lines.map((l) => [l.account.id, l.amount.minorUnits])).toEqual(mirrored.map((l) => [l.accountId, l.minor.toString()]));
      target.reversedBy = reversal.id;
      model.entries.push({
        id: reversal.id,
        sequence: reversal.sequence,
        bookingDate: request.bookingDate,
        lines: mirrored,
        request,
        kind: 'reverse',
        reverses: target.id,
        reversedBy: null,
        hash: reversal.hash,
        previousHash: reversal.previousHash,
      });
    }
    await checkBooks(model, real);
  }
  toString = () => `Reverse(entry #${this.entry}, date ${this.date})`;
}

class ReverseUnknown implements Command {
  check = () => true;
  async run(model: BooksModel, real: Real) {
    const entryId = randomUUID();
    const result = await reverseEntry(real.call, { entryId, reason: 'Bestaat niet', idempotencyKey: model.newKey('rev') });
    expect(result).toMatchObject({ __typename: 'UnknownEntry', code: 'UNKNOWN_ENTRY' });
    await checkBooks(model, real);
  }
  toString = () => 'ReverseUnknown()';
}

/** Balances at the end of a booking date: the sum of the lines of entries booked on or before it. */
class ReadBalancesAsOf implements Command {
  constructor(readonly date: number) {}
  check = () => true;
  async run(model: BooksModel, real: Real) {
    stats.commands++;
    const asOf = pick(DATES, this.date);
    const books = await readBooks(real.call, model.neighbourhoodId, asOf);
    const actual = Object.fromEntries(books.accounts.map((a) => [a.id, a.past.minorUnits]));
    expect(actual).toEqual(Object.fromEntries(model.accounts.map((a) => [a.id, model.balance(a.id, asOf).toString()])));
  }
  toString = () => `ReadBalancesAsOf(${pick(DATES, this.date)})`;
}

/** The trial balance: every non-zero account on its side, balanced per unit. */
class ReadTrialBalance implements Command {
  check = () => true;
  async run(model: BooksModel, real: Real) {
    stats.commands++;
    const data = dataOf(await real.call<{ _entities: { trialBalance: any }[] }>(TRIAL_BALANCE, neighbourhoodRef(model.neighbourhoodId)), 'trialBalance');
    const trial = data._entities[0].trialBalance;
    expect(trial.balanced).toBe(true);
    const expected = model.accounts
      .map((a) => ({ id: a.id, balance: model.balance(a.id) }))
      .filter((a) => a.balance !== 0n)
      .map((a) => [a.id, (a.balance > 0n ? a.balance : 0n).toString(), (a.balance < 0n ? -a.balance : 0n).toString()]);
    const actual = trial.lines.map((l: any) => [l.account.id, l.debit.minorUnits, l.credit.minorUnits]);
    expect(actual.sort()).toEqual(expected.sort());
  }
  toString = () => 'ReadTrialBalance()';
}

// ---------------------------------------------------------------- arbitraries

const index = fc.nat({ max: 40 });
const lineSpec = fc.record({ account: index, amount: amountArb });
const openAccount = fc
  .tuple(fc.constantFrom<AccountType>('ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE'), fc.constantFrom<Unit>('EUR', 'HOUR'), fc.boolean(), fc.option(index, { freq: 4 }))
  .map(([type, unit, noOverdraft, duplicateOf]) => new OpenAccount(type, unit, noOverdraft, duplicateOf));
const post = fc
  .tuple(
    fc.constantFrom<Unit>('EUR', 'EUR', 'HOUR'),
    lineSpec,
    fc.array(lineSpec, { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    fc.option(lineSpec, { freq: 5 }),
    fc.nat({ max: 3 }),
    fc.boolean(),
  )
  .map(([unit, single, others, debit, hours, date, reuse]) => new Post(unit, single, others, debit, hours, date, reuse));
const postInvalid = fc
  .tuple(fc.constantFrom<Defect>(...(Object.keys(EXPECTED) as Defect[])), index, index, amountArb, fc.constantFrom(...MALFORMED))
  .map(([defect, a, b, amount, malformed]) => new PostInvalid(defect, a, b, amount, malformed));
const reverse = fc.tuple(index, fc.nat({ max: 3 })).map(([i, d]) => new Reverse(i, d));

/** fast-check picks among these evenly; posting and reversing are listed more than once to weigh them. */
const commandArbs: fc.Arbitrary<Command>[] = [
  post,
  post,
  post,
  post,
  postInvalid,
  postInvalid,
  reverse,
  reverse,
  openAccount,
  index.map((i) => new Retry(i)),
  fc.tuple(index, fc.constantFrom('description', 'amount', 'date') as fc.Arbitrary<'description' | 'amount' | 'date'>).map(([i, c]) => new ReuseKeyForOtherContent(i, c)),
  fc.constant(new ReverseUnknown()),
  fc.nat({ max: 3 }).map((d) => new ReadBalancesAsOf(d)),
  fc.constant(new ReadTrialBalance()),
];

/** Sequences of 3 to 8 commands (3 to 12 in the long run). */
const sequences = fc.commands(commandArbs, { size: 'max', maxCommands: runsFor.maxCommands() }).filter((commands) => [...commands].length >= 3);

// ---------------------------------------------------------------- the property

describe('ledger: model-based test with fast-check', () => {
  let database: { url: string; drop: () => Promise<void> };
  let subgraph: TestSubgraph<unknown, unknown>;
  let graph: CommunityGraph;
  let call: Caller;
  let foreignAccountId: string;

  beforeAll(async () => {
    database = await cloneTestDatabase();
    graph = await startCommunityGraph(database.url);
    subgraph = await startTestSubgraph(ledger as never, database.url, { env: { GRAPH_URL: graph.gatewayUrl } });
    call = inProcess(subgraph);
    const foreign = randomUUID();
    await openBooks(call, foreign, graph);
    foreignAccountId = (await readBooks(call, foreign)).accounts[0].id;
  });
  afterAll(async () => {
    await subgraph?.stop();
    await graph?.stop();
    await database?.drop();
    process.stdout.write(`ledger model: ${stats.sequences} sequences, ${stats.commands} commands, ${stats.entries} entries booked\n`);
  });

  it('agrees with the model after every step of every sequence, and the chain verifies', async () => {
    const property = fc.asyncProperty(sequences, async (commands) => {
      const neighbourhoodId = randomUUID();
      await openBooks(call, neighbourhoodId, graph);
      const opened = await readBooks(call, neighbourhoodId);
      expect(opened.chainHead).toEqual({ sequence: 0, hash: '0'.repeat(64) });
      expect(opened.accounts.every((a) => a.balance.minorUnits === '0')).toBe(true);
      const model = new BooksModel(
        neighbourhoodId,
        opened.accounts.map(({ id, code, type, unit, noOverdraft }) => ({ id, code, type, unit, noOverdraft })),
      );
      stats.sequences++;
      await fc.asyncModelRun(() => ({ model, real: { call, foreignAccountId } }), commands);
      stats.entries += model.entries.length;
      const verification = await verifyChain(call, neighbourhoodId);
      expect(verification).toEqual({
        valid: true,
        entriesChecked: model.entries.length,
        headSequence: model.entries.length,
        headHash: model.head().hash,
        firstBadSequence: null,
        problem: null,
      });
      for (const [i, entry] of model.entries.entries()) expect(entry.previousHash).toBe(i === 0 ? '0'.repeat(64) : model.entries[i - 1].hash);
    });
    // Independent lanes, each a fast-check run with its own seed, share the subgraph: one lane's
    // database waits are another's CPU time. A failure names its lane's seed and path; replaying
    // it runs that one lane.
    const replay = runsFor.replay();
    if (replay.seed !== undefined) {
      await fc.assert(property, { numRuns: runsFor.modelSequences(), ...replay });
      return;
    }
    const base = Date.now() ^ (Math.random() * 0x100000000);
    const lanes = Array.from({ length: LANES }, (_, lane) => ({ lane, seed: (base + lane * 7919) | 0 }));
    const numRuns = Math.ceil(runsFor.modelSequences() / LANES);
    const results = await Promise.allSettled(lanes.map(({ seed }) => fc.assert(property, { numRuns, seed })));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }, runsFor.modelTimeoutMs());
});
