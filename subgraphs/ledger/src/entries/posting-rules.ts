import { createHash } from 'node:crypto';
import type { AccountEntity } from '../accounts/account.entity';
import { fail, type Failure, type LedgerFailure } from '../ledger-errors';
import { parseAmount, type MoneyValue, type Unit } from '../money/money';
import type { MemberDomain } from './line.entity';
import { isUuid } from '@dbwe/platform';

/**
 * The rules of posting that need no database: reading and normalising a
 * request, balance per unit, accounts and units, overdraft, and the
 * fingerprint that tells a retry from a reuse of the idempotency key.
 */

export interface LineRequest {
  accountId: string;
  unit: Unit;
  /** Signed minor units: debits positive, credits negative. */
  minor: bigint;
  counterpartyMemberId: string | null;
  counterpartyDomain: MemberDomain | null;
  counterpartyName: string | null;
}

export interface EntryRequest {
  neighbourhoodId: string;
  bookingDate: string;
  description: string;
  projectId: string | null;
  memberId: string | null;
  evidenceUrl: string | null;
  lines: LineRequest[];
}

export interface PostEntryArgs {
  neighbourhoodId: string;
  idempotencyKey: string;
  bookingDate: string;
  description: string;
  lines: {
    accountId: string;
    side: 'DEBIT' | 'CREDIT';
    amount: string;
    unit: Unit;
    counterparty?: { memberId?: string | null; domain?: MemberDomain | null; name?: string | null } | null;
  }[];
  projectId?: string | null;
  memberId?: string | null;
  evidenceUrl?: string | null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text the books keep must survive PostgreSQL and hash the same everywhere:
 * no NUL (PostgreSQL cannot store it) and no lone surrogate (it has no UTF-8
 * form, so the stored text would differ from the hashed one).
 */
export function textProblem(value: string, min: number, max: number): string | null {
  if (value.length < min || value.length > max) return `must be ${min} to ${max} characters long`;
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogates)';
  return null;
}

export function idempotencyKeyProblem(key: string): LedgerFailure | null {
  if (key.length < 1 || key.length > 200 || /[\u0000-\u001f\u007f]/.test(key) || LONE_SURROGATE.test(key)) {
    return fail.invalid('idempotencyKey', 'The idempotency key must be 1 to 200 characters without control characters.');
  }
  return null;
}

export function evidenceUrlProblem(url: string): LedgerFailure | null {
  if (url.length > 2000 || !/^https?:\/\/\S+$/.test(url)) {
    return fail.invalid('evidenceUrl', 'The evidence must be an http or https URL of at most 2000 characters, without spaces.');
  }
  try {
    new URL(url);
  } catch {
    return fail.invalid('evidenceUrl', 'The evidence URL cannot be parsed.');
  }
  return null;
}

function optionalId(value: string | null | undefined, field: string): string | null | LedgerFailure {
  if (value == null) return null;
  return isUuid(value) ? value.toLowerCase() : fail.invalid(field, `${field} is not an id this API handed out.`);
}

const isFailure = (value: unknown): value is LedgerFailure => typeof value === 'object' && value !== null && '__typename' in value;

/** Reads a postEntry input into a normalised request, or names the first rule it breaks. */
export function readPostEntry(args: PostEntryArgs): { request: EntryRequest } | { failure: LedgerFailure } {
  const keyProblem = idempotencyKeyProblem(args.idempotencyKey);
  if (keyProblem) return { failure: keyProblem };
  const description = args.description.trim();
  const descriptionProblem = textProblem(description, 1, 500);
  if (descriptionProblem) return { failure: fail.invalid('description', `The description ${descriptionProblem}.`) };
  const evidenceUrl = args.evidenceUrl?.trim() || null;
  if (evidenceUrl) {
    const problem = evidenceUrlProblem(evidenceUrl);
    if (problem) return { failure: problem };
  }
  const projectId = optionalId(args.projectId, 'projectId');
  if (isFailure(projectId)) return { failure: projectId };
  const memberId = optionalId(args.memberId, 'memberId');
  if (isFailure(memberId)) return { failure: memberId };
  if (args.lines.length < 2) return { failure: fail.tooFewLines(args.lines.length) };
  if (args.lines.length > 100) return { failure: fail.invalid('lines', 'An entry has at most 100 lines.') };

  const lines: LineRequest[] = [];
  for (const [index, line] of args.lines.entries()) {
    const at = `lines.${index}`;
    if (!isUuid(line.accountId)) return { failure: fail.unknownAccount(`${at}.accountId`, line.accountId) };
    const minor = parseAmount(line.amount, line.unit);
    if (minor === null) {
      return { failure: fail.malformedAmount(`${at}.amount`, line.amount, 'give a plain decimal such as "12.50", with at most two decimals') };
    }
    if (minor <= 0n) {
      return { failure: fail.malformedAmount(`${at}.amount`, line.amount, 'give a positive amount; the side says debit or credit') };
    }
    const counterparty = readCounterparty(line.counterparty ?? null, `${at}.counterparty`);
    if (isFailure(counterparty)) return { failure: counterparty };
    lines.push({ accountId: line.accountId.toLowerCase(), unit: line.unit, minor: line.side === 'DEBIT' ? minor : -minor, ...counterparty });
  }
  const unbalanced = balanceProblem(lines);
  if (unbalanced) return { failure: unbalanced };

  return {
    request: {
      neighbourhoodId: args.neighbourhoodId.toLowerCase(),
      bookingDate: args.bookingDate,
      description,
      projectId,
      memberId,
      evidenceUrl,
      lines,
    },
  };
}

type CounterpartyFields = Pick<LineRequest, 'counterpartyMemberId' | 'counterpartyDomain' | 'counterpartyName'>;

function readCounterparty(input: PostEntryArgs['lines'][number]['counterparty'], field: string): CounterpartyFields | LedgerFailure {
  const none = { counterpartyMemberId: null, counterpartyDomain: null, counterpartyName: null };
  if (!input) return none;
  const name = input.name?.trim() || null;
  if (input.memberId != null) {
    if (name !== null) return fail.invalid(field, 'A counterparty is a member (memberId and domain) or an outside party (name), not both.');
    if (!isUuid(input.memberId)) return fail.invalid(`${field}.memberId`, 'memberId is not an id this API handed out.');
    if (input.domain == null) return fail.invalid(`${field}.domain`, "Give the member's domain with memberId; it decides where the money went.");
    return { counterpartyMemberId: input.memberId.toLowerCase(), counterpartyDomain: input.domain, counterpartyName: null };
  }
  if (input.domain != null) return fail.invalid(`${field}.domain`, 'A domain belongs to a member counterparty; give memberId too.');
  if (name === null) return none;
  const problem = textProblem(name, 1, 200);
  if (problem) return fail.invalid(`${field}.name`, `The counterparty name ${problem}.`);
  return { ...none, counterpartyName: name };
}

/** Debits minus credits per unit, in the order units first appear. */
export function differencesPerUnit(lines: { unit: Unit; minor: bigint }[]): MoneyValue[] {
  const sums = new Map<Unit, bigint>();
  for (const line of lines) sums.set(line.unit, (sums.get(line.unit) ?? 0n) + line.minor);
  return [...sums].map(([unit, minor]) => ({ unit, minor }));
}

/** Every entry balances per unit; a mixed-unit entry that does not gets its own error. */
export function balanceProblem(lines: { unit: Unit; minor: bigint }[]): LedgerFailure | null {
  const differences = differencesPerUnit(lines);
  const off = differences.find((d) => d.minor !== 0n);
  if (!off) return null;
  return differences.length > 1 ? fail.mixedUnitsUnbalanced(off) : fail.unbalanced(off);
}

/** Every line's account exists, is in the entry's books and counts in the line's unit. */
export function accountProblem(request: Pick<EntryRequest, 'neighbourhoodId' | 'lines'>, accounts: Map<string, AccountEntity>): LedgerFailure | null {
  for (const [index, line] of request.lines.entries()) {
    const field = `lines.${index}.accountId`;
    const account = accounts.get(line.accountId);
    if (!account) return fail.unknownAccount(field, line.accountId);
    if (account.neighbourhoodId !== request.neighbourhoodId) return fail.foreignAccount(field, account);
    if (account.unit !== line.unit) return fail.unitMismatch(`lines.${index}.unit`, account, line.unit);
  }
  return null;
}

/** Whether a balance is on the wrong side of zero for a no-overdraft account of this type. */
export function isOverdrawn(type: AccountEntity['type'], balance: bigint): boolean {
  return type === 'ASSET' || type === 'EXPENSE' ? balance < 0n : balance > 0n;
}

/**
 * The first protected account the entry as a whole would take below zero,
 * with its balance before and after. Like the database's deferred check, it
 * judges the balance after all lines, in whatever order they come.
 */
export function overdraftProblem(lines: { accountId: string; minor: bigint }[], protectedAccounts: Map<string, AccountEntity>): Failure<'Overdraft'> | null {
  const movements = new Map<string, bigint>();
  for (const line of lines) movements.set(line.accountId, (movements.get(line.accountId) ?? 0n) + line.minor);
  for (const [index, line] of lines.entries()) {
    const account = protectedAccounts.get(line.accountId);
    if (!account?.noOverdraft) continue;
    const before = BigInt(account.balanceMinor);
    const after = before + movements.get(line.accountId)!;
    if (isOverdrawn(account.type, after)) {
      return fail.overdraft(`lines.${index}.amount`, account, { minor: before, unit: account.unit }, { minor: after, unit: account.unit });
    }
  }
  return null;
}

/** SHA-256 over the normalised request: equal for a retry, different for any change of content. */
export function fingerprint(kind: 'postEntry' | 'reverseEntry', parts: unknown[]): string {
  const normalised = JSON.stringify([kind, ...parts], (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
  return createHash('sha256').update(normalised, 'utf8').digest('hex');
}

export function postEntryFingerprint(request: EntryRequest): string {
  return fingerprint('postEntry', [
    request.neighbourhoodId,
    request.bookingDate,
    request.description,
    request.projectId,
    request.memberId,
    request.evidenceUrl,
    request.lines.map((l) => [l.accountId, l.unit, l.minor, l.counterpartyMemberId, l.counterpartyDomain, l.counterpartyName]),
  ]);
}
