import { In, type DataSource } from 'typeorm';
import { isUuid, type EventRecorder } from '@dbwe/platform';
import { AccountEntity } from '../accounts/account.entity';
import { closedOn } from '../accounts/account-change-service';
import { todayInTheNetherlands } from '../entries/booking';
import { EntryEntity } from '../entries/entry.entity';
import { appendEntry, lockChain } from '../entries/posting';
import { fingerprint, idempotencyKeyProblem, textProblem } from '../entries/posting-rules';
import { ledgerEvent, type Audit } from '../events';
import { fail, refuse, succeed, type LedgerFailure, type Outcome } from '../ledger-errors';
import { parseAmount, type Unit } from '../money/money';
import { inTransaction } from '../transactions';
import { bookingDateProblem, closedYearFrom, equityAccountFor } from './period-rules';
import { periodFacts } from './period-store';

export interface OpeningBalancesArgs {
  neighbourhoodId: string;
  date: string;
  lines: { accountId: string; amount: string }[];
  reason: string;
  idempotencyKey: string;
}

export interface OpeningLine {
  accountId: string;
  unit: Unit;
  minor: bigint;
}

/**
 * The lines of an opening-balance entry: the balances given (on asset and
 * liability accounts, debits positive) and, per unit, their sum taken to the
 * unit's equity account, so the entry balances and equity is what the
 * neighbourhood owned when its books began.
 */
export function openingLines(
  given: { accountId: string; amount: string }[],
  accounts: Map<string, AccountEntity>,
  neighbourhoodId: string,
  chart: AccountEntity[],
): { lines: OpeningLine[] } | { failure: LedgerFailure } {
  if (given.length === 0 || given.length > 100) return { failure: fail.invalid('lines', 'Give 1 to 100 opening balances.') };
  const lines: OpeningLine[] = [];
  const seen = new Set<string>();
  for (const [index, line] of given.entries()) {
    const field = `lines.${index}`;
    const account = isUuid(line.accountId) ? accounts.get(line.accountId.toLowerCase()) : undefined;
    if (!account) return { failure: fail.unknownAccount(`${field}.accountId`, line.accountId) };
    if (account.neighbourhoodId !== neighbourhoodId) return { failure: fail.foreignAccount(`${field}.accountId`, account) };
    if (account.type !== 'ASSET' && account.type !== 'LIABILITY') {
      return { failure: fail.invalid(`${field}.accountId`, `Account ${account.code} is not an asset or liability; opening balances are what the neighbourhood has and owes.`) };
    }
    if (seen.has(account.id)) return { failure: fail.invalid(`${field}.accountId`, `Account ${account.code} is given twice.`) };
    seen.add(account.id);
    const minor = parseAmount(line.amount, account.unit);
    if (minor === null || minor === 0n) {
      return { failure: fail.malformedAmount(`${field}.amount`, line.amount, 'give a non-zero decimal such as "1250.00" (debit) or "-80.00" (credit)') };
    }
    lines.push({ accountId: account.id, unit: account.unit, minor });
  }
  for (const unit of [...new Set(lines.map((l) => l.unit))].sort()) {
    const total = lines.filter((l) => l.unit === unit).reduce((sum, l) => sum + l.minor, 0n);
    if (total === 0n) continue;
    const equity = equityAccountFor(chart, unit);
    if (!equity) return { failure: fail.noEquityAccount(unit) };
    lines.push({ accountId: equity, unit, minor: -total });
  }
  if (lines.length < 2) return { failure: fail.tooFewLines(lines.length) };
  return { lines };
}

/**
 * Books a neighbourhood's opening balances: once, dated on or before the
 * first entry of its books, stewards only (checked by the resolver). The
 * entry is recorded in `ledger.opening_balance`, whose key refuses a second.
 */
export async function postOpeningBalances(
  db: DataSource,
  args: OpeningBalancesArgs,
  audit: Audit,
  events: EventRecorder,
  today = todayInTheNetherlands(),
): Promise<Outcome<{ entry: EntryEntity; replayed: boolean }>> {
  const keyProblem = idempotencyKeyProblem(args.idempotencyKey);
  if (keyProblem) return refuse(keyProblem);
  const reason = args.reason.trim();
  const reasonProblem = textProblem(reason, 1, 500);
  if (reasonProblem) return refuse(fail.invalid('reason', `The reason ${reasonProblem}.`));
  const { neighbourhoodId } = args;
  const print = fingerprint('postEntry', ['openingBalances', neighbourhoodId, args.date, reason, args.lines.map((l) => [l.accountId.toLowerCase(), l.amount])]);

  return inTransaction(db, async (tx) => {
    const chain = await lockChain(tx, neighbourhoodId);
    if (!chain) return refuse(fail.booksNotOpen(neighbourhoodId));
    const byKey = await tx.getRepository(EntryEntity).findOneBy({ neighbourhoodId, idempotencyKey: args.idempotencyKey });
    if (byKey) return byKey.requestFingerprint === print ? succeed({ entry: byKey, replayed: true }) : refuse(fail.keyConflict(byKey));
    const [posted]: { entry_id: string }[] = await tx.query(`SELECT entry_id FROM ledger.opening_balance WHERE neighbourhood_id = $1`, [neighbourhoodId]);
    if (posted) return refuse(fail.openingBalancesPosted(await tx.getRepository(EntryEntity).findOneByOrFail({ id: posted.entry_id })));

    const [first]: { first: string | null }[] = await tx.query(`SELECT to_char(min(booking_date), 'YYYY-MM-DD') AS first FROM ledger.entry WHERE neighbourhood_id = $1`, [
      neighbourhoodId,
    ]);
    if (first?.first && first.first < args.date) return refuse(fail.openingBalancesNotFirst(first.first));
    // The opening balances begin the books, so the only date limits are a closed year and the future.
    const facts = await periodFacts(tx, neighbourhoodId);
    const dateProblem = bookingDateProblem(args.date, { ...facts, firstYear: Number(args.date.slice(0, 4)) }, today, 'date');
    if (dateProblem) return refuse(dateProblem);
    // Opening balances dated before a closed year would change the balance sheet that year closed with.
    const closedYear = closedYearFrom(facts, args.date);
    if (closedYear !== null) return refuse(fail.periodClosed('date', closedYear));

    const ids = args.lines.filter((l) => isUuid(l.accountId)).map((l) => l.accountId.toLowerCase());
    const accounts = new Map((await tx.getRepository(AccountEntity).findBy({ id: In(ids) })).map((a) => [a.id, a]));
    const chart = await tx.getRepository(AccountEntity).findBy({ neighbourhoodId });
    const read = openingLines(args.lines, accounts, neighbourhoodId, chart);
    if ('failure' in read) return refuse(read.failure);
    const closed = await closedOn(tx, read.lines.map((l) => l.accountId), args.date);
    const onClosed = read.lines.findIndex((l) => closed.has(l.accountId));
    if (onClosed >= 0) {
      const accountId = read.lines[onClosed].accountId;
      const account = accounts.get(accountId) ?? chart.find((a) => a.id === accountId)!;
      return refuse(fail.accountClosed(onClosed < args.lines.length ? `lines.${onClosed}.accountId` : null, account, closed.get(accountId)!));
    }
    const lines = read.lines.map((l) => ({ ...l, counterpartyMemberId: null, counterpartyDomain: null, counterpartyName: null }));
    const entry = await appendEntry(tx, chain, {
      neighbourhoodId,
      bookingDate: args.date,
      description: `Beginbalans: ${reason}`,
      lines,
      recordedBy: audit.actorId,
      idempotencyKey: args.idempotencyKey,
      requestFingerprint: print,
    });
    await tx.query(`INSERT INTO ledger.opening_balance (neighbourhood_id, entry_id) VALUES ($1, $2)`, [neighbourhoodId, entry.id]);
    await events.record(tx, ledgerEvent.entryPosted(entry, lines));
    await events.record(tx, ledgerEvent.openingBalancesPosted(entry, { ...audit, reason }));
    return succeed({ entry, replayed: false });
  });
}
