import type { DataSource, EntityManager } from 'typeorm';
import type { EventRecorder } from '@dbwe/platform';
import { ledgerEvent } from '../events';
import { In } from 'typeorm';
import { AccountEntity } from '../accounts/account.entity';
import { closedOn } from '../accounts/account-change-service';
import { fail, refuse, succeed, type LedgerFailure, type Outcome } from '../ledger-errors';
import { NUMERIC_VALUE_OUT_OF_RANGE, inTransaction, violationOf, type DatabaseViolation } from '../transactions';
import { BALANCE_LIMIT, formatMinor } from '../money/money';
import { EntryEntity } from './entry.entity';
import { LineEntity } from './line.entity';
import { appendEntry, lockChain } from './posting';
import { bookingDateProblem, yearOf } from '../periods/period-rules';
import { periodFacts } from '../periods/period-store';
import { arrive, decidedSince, lockKey, recordRefusal, replayOrConflict } from './key-decision';
import {
  accountProblem,
  balanceProblem,
  fingerprint,
  idempotencyKeyProblem,
  overdraftProblem,
  postEntryFingerprint,
  textProblem,
  type EntryRequest,
} from './posting-rules';

/** A booked entry, and whether this request only found it booked by an earlier one with the same key. */
export interface Booked {
  entry: EntryEntity;
  replayed: boolean;
}

export interface Booking {
  request: EntryRequest;
  key: string;
  fingerprint: string;
  recordedBy: string | null;
  /** The entry being reversed, for a reversal. */
  reverses: EntryEntity | null;
  /** Where the posting records its entry.posted event, in the posting's transaction. */
  events: EventRecorder;
  /**
   * Checks that need more than these books (the ids the entry names, in the
   * public graph). Run after a retry was recognised, so a retry gets its
   * entry even when a member it names was erased since.
   */
  precheck?: () => Promise<LedgerFailure | null>;
}

/** Books a validated postEntry request (see readPostEntry), once the ids it names hold (`checkReferences`). */
export function postEntry(
  db: DataSource,
  request: EntryRequest,
  key: string,
  recordedBy: string | null,
  checkReferences: (request: EntryRequest) => Promise<LedgerFailure | null>,
  events: EventRecorder,
): Promise<Outcome<Booked>> {
  return book(db, { request, key, fingerprint: postEntryFingerprint(request), recordedBy, reverses: null, precheck: () => checkReferences(request), events });
}

export interface ReversalArgs {
  reason: string;
  idempotencyKey: string;
  /** Null: today in the Netherlands. */
  bookingDate: string | null;
}

/** Books the mirror image of `original`: same accounts and counterparties, opposite amounts. */
export async function reverseEntry(db: DataSource, original: EntryEntity, args: ReversalArgs, recordedBy: string | null, events: EventRecorder): Promise<Outcome<Booked>> {
  const keyProblem = idempotencyKeyProblem(args.idempotencyKey);
  if (keyProblem) return refuse(keyProblem);
  const reason = args.reason.trim();
  const reasonProblem = textProblem(reason, 1, 500);
  if (reasonProblem) return refuse(fail.invalid('reason', `The reason ${reasonProblem}.`));
  const lines = await db.getRepository(LineEntity).find({ where: { entryId: original.id }, order: { position: 'ASC' } });
  const request: EntryRequest = {
    neighbourhoodId: original.neighbourhoodId,
    bookingDate: args.bookingDate ?? todayInTheNetherlands(),
    description: reason,
    projectId: original.projectId,
    memberId: original.memberId,
    evidenceUrl: null,
    lines: lines.map((l) => ({
      accountId: l.accountId,
      unit: l.unit,
      minor: -BigInt(l.amountMinor),
      counterpartyMemberId: l.counterpartyMemberId,
      counterpartyDomain: l.counterpartyDomain,
      counterpartyName: l.counterpartyName,
    })),
  };
  // The request as sent, so a retry on another day still matches when the date was left to default.
  const print = fingerprint('reverseEntry', [original.id, reason, args.bookingDate]);
  return book(db, { request, key: args.idempotencyKey, fingerprint: print, recordedBy, reverses: original, events });
}

export function todayInTheNetherlands(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const MAX_ATTEMPTS = 3;

async function book(db: DataSource, booking: Booking): Promise<Outcome<Booked>> {
  const { neighbourhoodId } = booking.request;
  const arrival = await arrive(db.manager, neighbourhoodId, booking.key);
  if (arrival.earlier) return replayOrConflict(arrival.earlier, booking.fingerprint);
  const outcome = await attemptBooking(db, booking, arrival.arrivedAt);
  if (outcome.ok || outcome.decided) return outcome;
  // Refused before the key's lock was taken (by the checks that need no lock, or by the database at commit): the
  // refusal is this key's answer only if nothing was decided for it meanwhile, by a duplicate that was in flight too.
  return inTransaction(db, async (tx) => {
    await lockKey(tx, neighbourhoodId, booking.key);
    const decided = await decidedSince(tx, neighbourhoodId, booking.key, booking.fingerprint, arrival.arrivedAt);
    if (decided) return decided;
    await recordRefusal(tx, neighbourhoodId, booking.key, booking.fingerprint, outcome.failure);
    return refuse(outcome.failure);
  });
}

/** An outcome, and whether it was decided under the key's lock (see key-decision.ts). */
type Attempt = Outcome<Booked> & { decided?: true };

/**
 * Checks what can be checked without locks, then, under the key's lock and
 * the chain lock, looks for what a duplicate decided meanwhile and judges the
 * balances. A constraint violation from the database (the second line of
 * defence, and the only one for races between writers) is mapped to the
 * rule it names, with details read afresh.
 */
async function attemptBooking(db: DataSource, booking: Booking, arrivedAt: string, attempt = 1): Promise<Attempt> {
  const { request } = booking;
  const neighbourhoodId = request.neighbourhoodId;
  const reversal = await reversalProblem(db.manager, booking.reverses);
  if (reversal) return refuse(reversal);

  const accounts = await accountsById(db.manager, request.lines.map((l) => l.accountId));
  const accountFailure = accountProblem(request, accounts);
  if (accountFailure) return refuse((await booksOpen(db.manager, neighbourhoodId)) ? accountFailure : fail.booksNotOpen(neighbourhoodId));
  // A closed year takes nothing more, a reversal of its entries included: that is booked in an open year and references
  // the entry it corrects. The trigger entry_period_open refuses the same for whoever writes, and catches a year closed
  // between this check and the insert.
  const dateProblem = bookingDateProblem(request.bookingDate, await periodFacts(db.manager, neighbourhoodId), todayInTheNetherlands());
  if (dateProblem) return refuse(dateProblem);
  if (booking.precheck) {
    const failure = await booking.precheck();
    if (failure) return refuse(failure);
  }
  if (request.projectId) {
    const pinned = await projectNeighbourhood(db.manager, request.projectId);
    if (pinned !== null && pinned !== neighbourhoodId) return refuse(fail.projectInOtherNeighbourhood(request.projectId));
  }

  try {
    return await inTransaction(db, async (tx): Promise<Attempt> => {
      // The key first: a duplicate in flight waits here, and finds the entry or the refusal this request decides.
      await lockKey(tx, neighbourhoodId, booking.key);
      const decided = await decidedSince(tx, neighbourhoodId, booking.key, booking.fingerprint, arrivedAt);
      if (decided) return { ...decided, decided: true };
      const chain = await lockChain(tx, neighbourhoodId);
      if (!chain) return refuse(fail.booksNotOpen(neighbourhoodId));
      // Under the chain lock no other posting moves these balances, so this check is exact.
      const overdraft = overdraftProblem(request.lines, await protectedAccounts(tx, request.lines, accounts));
      if (overdraft) {
        await recordRefusal(tx, neighbourhoodId, booking.key, booking.fingerprint, overdraft);
        return { ...refuse(overdraft), decided: true };
      }
      // Under the chain lock too: changeAccount closes an account holding this lock, after checking nothing is booked on
      // it from the closing date on, so a posting checked here cannot land on an account closed meanwhile.
      const closed = await closedAccountProblem(tx, request, accounts);
      if (closed) {
        await recordRefusal(tx, neighbourhoodId, booking.key, booking.fingerprint, closed);
        return { ...refuse(closed), decided: true };
      }
      const entry = await appendEntry(tx, chain, {
        ...request,
        recordedBy: booking.recordedBy,
        reversesId: booking.reverses?.id ?? null,
        idempotencyKey: booking.key,
        requestFingerprint: booking.fingerprint,
      });
      await booking.events.record(tx, ledgerEvent.entryPosted(entry, request.lines));
      return succeed({ entry, replayed: false });
    });
  } catch (error) {
    const violation = violationOf(error);
    // The line trigger moves the balances in bigint: an entry that would take one past it is refused, not a fault.
    if (violation?.sqlState === NUMERIC_VALUE_OUT_OF_RANGE) {
      return refuse(fail.invalid('lines', `The entry would take an account's balance beyond what the books can hold (${formatMinor(BALANCE_LIMIT, request.lines[0]?.unit ?? 'EUR')} either way).`));
    }
    if (!violation?.constraint) throw error;
    const explained = await explainViolation(db, violation, booking);
    if (explained === 'retry' && attempt < MAX_ATTEMPTS) return attemptBooking(db, booking, arrivedAt, attempt + 1);
    if (explained === 'retry' || explained === null) throw error;
    return explained;
  }
}

/**
 * Maps a constraint the database enforced to the outcome that names its
 * rule. 'retry' means the books changed between the checks and the write
 * (the fresh reads show no problem); null means the name is not a rule of
 * posting, so the error is a fault, not an outcome.
 */
export async function explainViolation(db: DataSource, violation: DatabaseViolation, booking: Omit<Booking, 'events'>): Promise<Outcome<Booked> | 'retry' | null> {
  const { request } = booking;
  const orRetry = (failure: LedgerFailure | null) => (failure ? refuse(failure) : 'retry');
  switch (violation.constraint) {
    case 'entry_idempotency_key_unique': {
      const earlier = await entryByKey(db.manager, request.neighbourhoodId, booking.key);
      return earlier ? replayOrConflict(earlier, booking.fingerprint) : 'retry';
    }
    case 'account_no_overdraft': {
      const accounts = await accountsById(db.manager, request.lines.map((l) => l.accountId));
      return orRetry(overdraftProblem(request.lines, accounts));
    }
    case 'line_account_in_neighbourhood':
    case 'line_account_exists':
      return orRetry(accountProblem(request, await accountsById(db.manager, request.lines.map((l) => l.accountId))));
    case 'entry_min_two_lines':
      return refuse(fail.tooFewLines(request.lines.length));
    case 'entry_balanced_per_unit':
      return orRetry(balanceProblem(request.lines));
    case 'project_in_one_neighbourhood':
      return refuse(fail.projectInOtherNeighbourhood(request.projectId ?? ''));
    case 'entry_period_open':
      return refuse(fail.periodClosed('bookingDate', yearOf(request.bookingDate)));
    case 'entry_reversed_once':
    case 'entry_no_reversal_of_reversal':
    case 'entry_reversal_mirrors':
      return orRetry(await reversalProblem(db.manager, booking.reverses));
    default:
      return null;
  }
}

async function reversalProblem(tx: EntityManager, target: EntryEntity | null): Promise<LedgerFailure | null> {
  if (!target) return null;
  if (target.reversesId) return fail.reversalOfReversal(target);
  const reversedBy = await tx.getRepository(EntryEntity).findOneBy({ reversesId: target.id });
  return reversedBy ? fail.alreadyReversed(target, reversedBy) : null;
}

function entryByKey(tx: EntityManager, neighbourhoodId: string, key: string): Promise<EntryEntity | null> {
  return tx.getRepository(EntryEntity).findOneBy({ neighbourhoodId, idempotencyKey: key });
}

async function accountsById(tx: EntityManager, ids: string[]): Promise<Map<string, AccountEntity>> {
  const rows = await tx.getRepository(AccountEntity).findBy({ id: In([...new Set(ids)]) });
  return new Map(rows.map((a) => [a.id, a]));
}

/** The no-overdraft accounts among the lines, with their balances read under the chain lock. */
async function protectedAccounts(tx: EntityManager, lines: { accountId: string }[], accounts: Map<string, AccountEntity>): Promise<Map<string, AccountEntity>> {
  const ids = [...new Set(lines.map((l) => l.accountId))].filter((id) => accounts.get(id)?.noOverdraft);
  if (ids.length === 0) return new Map();
  return accountsById(tx, ids);
}

/** The first line on an account closed on the entry's booking date (docs/periods.md, "The chart of accounts over time"). */
async function closedAccountProblem(tx: EntityManager, request: EntryRequest, accounts: Map<string, AccountEntity>): Promise<LedgerFailure | null> {
  const closed = await closedOn(tx, request.lines.map((l) => l.accountId), request.bookingDate);
  const i = request.lines.findIndex((l) => closed.has(l.accountId));
  if (i < 0) return null;
  const accountId = request.lines[i].accountId;
  return fail.accountClosed(`lines.${i}.accountId`, accounts.get(accountId)!, closed.get(accountId)!);
}

async function booksOpen(tx: EntityManager, neighbourhoodId: string): Promise<boolean> {
  const rows: unknown[] = await tx.query(`SELECT 1 FROM ledger.chain WHERE neighbourhood_id = $1`, [neighbourhoodId]);
  return rows.length > 0;
}

export async function projectNeighbourhood(tx: EntityManager, projectId: string): Promise<string | null> {
  const rows: { neighbourhood_id: string }[] = await tx.query(`SELECT neighbourhood_id FROM ledger.project_books WHERE project_id = $1`, [projectId]);
  return rows[0]?.neighbourhood_id ?? null;
}
