import type { AccountEntity } from './accounts/account.entity';
import type { EntryEntity } from './entries/entry.entity';
import type { BudgetView } from './budgets/budget.entity';
import type { MemberRef, ProjectRef } from './references';
import type { MemberDomain } from './entries/line.entity';
import type { WitnessRow } from './log/witnesses';
import type { NeighbourhoodBudgetRevisionView, NeighbourhoodBudgetView } from './neighbourhood-budgets/neighbourhood-budget';
import { formatMinor, type MoneyValue, type Unit } from './money/money';
import type { BankLineRow, BankStatementRow } from './bank/bank.store';

/**
 * The expected refusals of ledger mutations, one per rule. Each is a value of
 * a GraphQL type implementing `LedgerError`; `__typename` selects the type.
 * Nothing is written when a mutation returns one.
 */
interface Base<T extends string> {
  __typename: T;
  message: string;
  code: string;
  field: string | null;
}

export type LedgerFailure =
  | Base<'BooksNotOpen'>
  | Base<'InvalidLedgerInput'>
  | (Base<'MalformedAmount'> & { given: string })
  | (Base<'TooFewLines'> & { lineCount: number })
  | (Base<'UnbalancedEntry'> & { difference: MoneyValue })
  | (Base<'MixedUnitsUnbalanced'> & { difference: MoneyValue })
  | (Base<'UnknownAccount'> & { accountId: string })
  | (Base<'ForeignAccount'> & { account: AccountEntity })
  | (Base<'UnitMismatch'> & { account: AccountEntity; givenUnit: Unit })
  | (Base<'Overdraft'> & { account: AccountEntity; balance: MoneyValue; wouldBecome: MoneyValue })
  | (Base<'IdempotencyKeyConflict'> & { entry: EntryEntity })
  | (Base<'UnknownEntry'> & { entryId: string })
  | (Base<'AlreadyReversed'> & { entry: EntryEntity; reversedBy: EntryEntity })
  | (Base<'ReversalOfReversal'> & { entry: EntryEntity })
  | (Base<'ProjectInOtherNeighbourhood'> & { project: ProjectRef })
  | (Base<'AccountCodeTaken'> & { account: AccountEntity })
  | (Base<'BudgetPeriodOverlaps'> & { budget: BudgetView })
  | (Base<'InvalidTaakveld'> & { given: string })
  | (Base<'NeighbourhoodBudgetKeyConflict'> & { revision: NeighbourhoodBudgetRevisionView })
  | Base<'InvalidWitnessKey'>
  | (Base<'WitnessAlreadyRegistered'> & { witness: WitnessRow })
  | Base<'UnknownWitness'>
  | (Base<'UnknownCheckpoint'> & { treeSize: number })
  | Base<'InvalidCosignature'>
  | (Base<'UnknownNeighbourhood'> & { neighbourhoodId: string })
  | (Base<'UnknownProject'> & { projectId: string })
  | (Base<'UnknownMember'> & { memberId: string })
  | (Base<'MemberInOtherNeighbourhood'> & { member: MemberRef })
  | (Base<'MemberErased'> & { memberId: string })
  | (Base<'CounterpartyDomainMismatch'> & { member: MemberRef; statedDomain: MemberDomain; memberDomain: MemberDomain })
  | (Base<'PeriodClosed'> & { year: number })
  | (Base<'BookingDateBeforeBooks'> & { bookingDate: string; earliest: string })
  | (Base<'BookingDateTooFarAhead'> & { bookingDate: string; latest: string })
  | (Base<'YearNotOver'> & { year: number })
  | (Base<'YearOutsideBooks'> & { year: number; firstYear: number | null })
  | (Base<'YearAlreadyClosed'> & { year: number })
  | (Base<'PreviousYearOpen'> & { year: number })
  | (Base<'YearUnbalanced'> & { year: number; difference: MoneyValue })
  | (Base<'NoEquityAccount'> & { unit: Unit })
  | (Base<'OpeningBalancesPosted'> & { entry: EntryEntity })
  | (Base<'OpeningBalancesNotFirst'> & { earliestBookingDate: string })
  | Base<'MalformedStatement'>
  | Base<'InvalidIban'>
  | Base<'NotABankAccount'>
  | (Base<'IbanTaken'> & { account: AccountEntity })
  | (Base<'StatementKeyConflict'> & { statement: BankStatementRow })
  | Base<'UnknownStatementLine'>
  | (Base<'StatementLineSettled'> & { line: BankLineRow })
  | (Base<'AccountClosed'> & { account: AccountEntity; closedFrom: string })
  | (Base<'AccountChangeOutOfOrder'> & { account: AccountEntity; latestEffectiveFrom: string })
  | (Base<'AccountBalanceNotZero'> & { account: AccountEntity; balance: MoneyValue })
  | (Base<'AccountUsedAfterClosing'> & { account: AccountEntity; bookingDate: string });

export type LedgerFailureType = LedgerFailure['__typename'];

/** The failures of the given types. */
export type Failure<T extends LedgerFailureType = LedgerFailureType> = Extract<LedgerFailure, { __typename: T }>;

/** The code of each rule; the compiler makes sure every failure type has one. */
export const FAILURE_CODES: Record<LedgerFailureType, string> = {
  BooksNotOpen: 'BOOKS_NOT_OPEN',
  InvalidLedgerInput: 'INVALID_INPUT',
  MalformedAmount: 'MALFORMED_AMOUNT',
  TooFewLines: 'FEWER_THAN_TWO_LINES',
  UnbalancedEntry: 'UNBALANCED_ENTRY',
  MixedUnitsUnbalanced: 'UNBALANCED_PER_UNIT',
  UnknownAccount: 'UNKNOWN_ACCOUNT',
  ForeignAccount: 'ACCOUNT_OF_OTHER_NEIGHBOURHOOD',
  UnitMismatch: 'UNIT_MISMATCH',
  Overdraft: 'OVERDRAFT',
  IdempotencyKeyConflict: 'IDEMPOTENCY_KEY_CONFLICT',
  UnknownEntry: 'UNKNOWN_ENTRY',
  AlreadyReversed: 'ALREADY_REVERSED',
  ReversalOfReversal: 'REVERSAL_OF_REVERSAL',
  ProjectInOtherNeighbourhood: 'PROJECT_IN_OTHER_NEIGHBOURHOOD',
  AccountCodeTaken: 'ACCOUNT_CODE_TAKEN',
  BudgetPeriodOverlaps: 'BUDGET_PERIOD_OVERLAPS',
  InvalidTaakveld: 'INVALID_TAAKVELD',
  NeighbourhoodBudgetKeyConflict: 'IDEMPOTENCY_KEY_CONFLICT',
  InvalidWitnessKey: 'INVALID_WITNESS_KEY',
  WitnessAlreadyRegistered: 'WITNESS_ALREADY_REGISTERED',
  UnknownWitness: 'UNKNOWN_WITNESS',
  UnknownCheckpoint: 'UNKNOWN_CHECKPOINT',
  InvalidCosignature: 'INVALID_COSIGNATURE',
  UnknownNeighbourhood: 'UNKNOWN_NEIGHBOURHOOD',
  UnknownProject: 'UNKNOWN_PROJECT',
  UnknownMember: 'UNKNOWN_MEMBER',
  MemberInOtherNeighbourhood: 'MEMBER_IN_OTHER_NEIGHBOURHOOD',
  MemberErased: 'MEMBER_ERASED',
  CounterpartyDomainMismatch: 'COUNTERPARTY_DOMAIN_MISMATCH',
  PeriodClosed: 'PERIOD_CLOSED',
  BookingDateBeforeBooks: 'BOOKING_DATE_BEFORE_BOOKS',
  BookingDateTooFarAhead: 'BOOKING_DATE_TOO_FAR_AHEAD',
  YearNotOver: 'YEAR_NOT_OVER',
  YearOutsideBooks: 'YEAR_OUTSIDE_BOOKS',
  YearAlreadyClosed: 'YEAR_ALREADY_CLOSED',
  PreviousYearOpen: 'PREVIOUS_YEAR_OPEN',
  YearUnbalanced: 'YEAR_UNBALANCED',
  NoEquityAccount: 'NO_EQUITY_ACCOUNT',
  OpeningBalancesPosted: 'OPENING_BALANCES_POSTED',
  OpeningBalancesNotFirst: 'OPENING_BALANCES_NOT_FIRST',
  MalformedStatement: 'MALFORMED_STATEMENT',
  InvalidIban: 'INVALID_IBAN',
  NotABankAccount: 'NOT_A_BANK_ACCOUNT',
  IbanTaken: 'IBAN_TAKEN',
  StatementKeyConflict: 'IDEMPOTENCY_KEY_CONFLICT',
  UnknownStatementLine: 'UNKNOWN_STATEMENT_LINE',
  StatementLineSettled: 'STATEMENT_LINE_SETTLED',
  AccountClosed: 'ACCOUNT_CLOSED',
  AccountChangeOutOfOrder: 'ACCOUNT_CHANGE_OUT_OF_ORDER',
  AccountBalanceNotZero: 'ACCOUNT_BALANCE_NOT_ZERO',
  AccountUsedAfterClosing: 'ACCOUNT_USED_AFTER_CLOSING',
};

type Extra<T extends LedgerFailureType> = Omit<Failure<T>, keyof Base<T>>;

function make<T extends LedgerFailureType>(type: T, message: string, field: string | null, extra: Extra<T>): Failure<T> {
  return { __typename: type, message, code: FAILURE_CODES[type], field, ...extra } as Failure<T>;
}

const money = (m: MoneyValue) => `${formatMinor(m.minor, m.unit)} ${m.unit}`;

export const fail = {
  booksNotOpen: (neighbourhoodId: string, field = 'neighbourhoodId') =>
    make('BooksNotOpen', `The books of neighbourhood ${neighbourhoodId} are not open; open them with openBooks first.`, field, {}),
  invalid: (field: string, message: string) => make('InvalidLedgerInput', message, field, {}),
  malformedAmount: (field: string, given: string, why: string) =>
    make('MalformedAmount', `Amount ${JSON.stringify(given)} is not accepted: ${why}.`, field, { given }),
  tooFewLines: (lineCount: number) =>
    make('TooFewLines', `An entry needs at least two lines; this one has ${lineCount}.`, 'lines', { lineCount }),
  unbalanced: (difference: MoneyValue) =>
    make('UnbalancedEntry', `Debits and credits must be equal; debits exceed credits by ${money(difference)}.`, 'lines', { difference }),
  mixedUnitsUnbalanced: (difference: MoneyValue) =>
    make(
      'MixedUnitsUnbalanced',
      `An entry in several units must balance in each unit on its own; in ${difference.unit} debits exceed credits by ${money(difference)}.`,
      'lines',
      { difference },
    ),
  unknownAccount: (field: string, accountId: string) => make('UnknownAccount', `No account has id ${accountId}.`, field, { accountId }),
  foreignAccount: (field: string, account: AccountEntity) =>
    make('ForeignAccount', `Account ${account.code} (${account.name}) belongs to another neighbourhood's books.`, field, { account }),
  unitMismatch: (field: string, account: AccountEntity, givenUnit: Unit) =>
    make('UnitMismatch', `Account ${account.code} counts in ${account.unit}, not ${givenUnit}.`, field, { account, givenUnit }),
  overdraft: (field: string | null, account: AccountEntity, balance: MoneyValue, wouldBecome: MoneyValue) =>
    make(
      'Overdraft',
      `Account ${account.code} (${account.name}) may not go below zero; its balance of ${money(balance)} would become ${money(wouldBecome)}.`,
      field,
      { account, balance, wouldBecome },
    ),
  keyConflict: (entry: EntryEntity) =>
    make(
      'IdempotencyKeyConflict',
      `Idempotency key ${JSON.stringify(entry.idempotencyKey)} was used for a different request (entry ${entry.sequence}); nothing was written.`,
      'idempotencyKey',
      { entry },
    ),
  unknownEntry: (entryId: string) => make('UnknownEntry', `No entry has id ${entryId}.`, 'entryId', { entryId }),
  alreadyReversed: (entry: EntryEntity, reversedBy: EntryEntity) =>
    make('AlreadyReversed', `Entry ${entry.sequence} was reversed already, by entry ${reversedBy.sequence}.`, 'entryId', { entry, reversedBy }),
  reversalOfReversal: (entry: EntryEntity) =>
    make('ReversalOfReversal', `Entry ${entry.sequence} is itself a reversal and cannot be reversed; book a new entry instead.`, 'entryId', { entry }),
  projectInOtherNeighbourhood: (projectId: string) =>
    make('ProjectInOtherNeighbourhood', `The money of project ${projectId} is kept in another neighbourhood's books.`, 'projectId', {
      project: { id: projectId },
    }),
  accountCodeTaken: (account: AccountEntity) =>
    make('AccountCodeTaken', `Account code ${account.code} is taken in these books (${account.name}).`, 'code', { account }),
  budgetPeriodOverlaps: (budget: BudgetView) =>
    make(
      'BudgetPeriodOverlaps',
      `The project has a ${budget.unit} budget for ${budget.periodStart} to ${budget.periodEnd}, which overlaps this period.`,
      'periodStart',
      { budget },
    ),
  invalidTaakveld: (field: string, given: string) =>
    make('InvalidTaakveld', `${JSON.stringify(given)} is not an Iv3 taakveld code; one looks like 0.1, 5.7 or 6.71.`, field, { given }),
  neighbourhoodBudgetKeyConflict: (key: string, budget: NeighbourhoodBudgetView) =>
    make(
      'NeighbourhoodBudgetKeyConflict',
      `Idempotency key ${JSON.stringify(key)} was used for a different revision of the ${budget.year} budget (revision ${budget.current.revision}); nothing was written.`,
      'idempotencyKey',
      { revision: budget.current },
    ),
  invalidWitnessKey: (why: string) => make('InvalidWitnessKey', `The witness key is not accepted: ${why}.`, 'verifierKey', {}),
  witnessAlreadyRegistered: (witness: WitnessRow) =>
    make('WitnessAlreadyRegistered', `The witness ${witness.name} is registered for this log already, with this key.`, 'verifierKey', { witness }),
  unknownWitness: () => make('UnknownWitness', 'No witness with this id is registered for this log.', 'witnessId', {}),
  unknownCheckpoint: (treeSize: number) =>
    make('UnknownCheckpoint', `The ledger signed no checkpoint of size ${treeSize} for this log.`, 'treeSize', { treeSize }),
  invalidCosignature: (why: string) => make('InvalidCosignature', `The cosignature is not accepted: ${why}.`, 'signatureLine', {}),
  unknownNeighbourhood: (neighbourhoodId: string) =>
    make('UnknownNeighbourhood', `No neighbourhood with id ${neighbourhoodId} is served by this installation.`, 'neighbourhoodId', { neighbourhoodId }),
  unknownProject: (projectId: string) => make('UnknownProject', `No project has id ${projectId}.`, 'projectId', { projectId }),
  unknownMember: (field: string, memberId: string) =>
    make('UnknownMember', `No member has id ${memberId}: they never registered, or the id is made up.`, field, { memberId }),
  memberInOtherNeighbourhood: (field: string, memberId: string) =>
    make(
      'MemberInOtherNeighbourhood',
      `Member ${memberId} belongs to another neighbourhood; book someone from elsewhere as an outside party, by name.`,
      field,
      { member: { id: memberId } },
    ),
  memberErased: (field: string, memberId: string) =>
    make('MemberErased', `Member ${memberId} used their right to erasure; new entries cannot name them.`, field, { memberId }),
  counterpartyDomainMismatch: (field: string, memberId: string, statedDomain: MemberDomain, memberDomain: MemberDomain) =>
    make(
      'CounterpartyDomainMismatch',
      `Member ${memberId} is in the ${memberDomain} domain, not ${statedDomain}; the domain decides whether the money stays in the neighbourhood.`,
      field,
      { member: { id: memberId }, statedDomain, memberDomain },
    ),
  periodClosed: (field: string | null, year: number) =>
    make('PeriodClosed', `Financial year ${year} is closed; book the correction in an open year, referencing the entry it corrects.`, field, { year }),
  bookingDateBeforeBooks: (field: string, bookingDate: string, earliest: string) =>
    make('BookingDateBeforeBooks', `Booking date ${bookingDate} lies before these books began; the earliest date they accept is ${earliest}.`, field, {
      bookingDate,
      earliest,
    }),
  bookingDateTooFarAhead: (field: string, bookingDate: string, latest: string) =>
    make('BookingDateTooFarAhead', `Booking date ${bookingDate} lies too far ahead; the latest date the books accept today is ${latest}.`, field, {
      bookingDate,
      latest,
    }),
  yearNotOver: (year: number) => make('YearNotOver', `Financial year ${year} is not over yet; it can be closed from 1 January ${year + 1}.`, 'year', { year }),
  yearOutsideBooks: (year: number, firstYear: number | null) =>
    make(
      'YearOutsideBooks',
      firstYear === null ? `These books hold no entries yet, so there is no year ${year} to close.` : `These books begin in ${firstYear}; there is no year ${year} to close.`,
      'year',
      { year, firstYear },
    ),
  yearAlreadyClosed: (year: number) => make('YearAlreadyClosed', `Financial year ${year} was closed already.`, 'year', { year }),
  previousYearOpen: (year: number) => make('PreviousYearOpen', `Financial year ${year} is still open; close the years in order.`, 'year', { year }),
  yearUnbalanced: (year: number, difference: MoneyValue) =>
    make('YearUnbalanced', `The entries of ${year} do not balance: in ${difference.unit} debits exceed credits by ${money(difference)}.`, 'year', { year, difference }),
  noEquityAccount: (unit: Unit) =>
    make('NoEquityAccount', `The chart has no equity account in ${unit} to take the year's result or the opening balances; add one first (type EQUITY, unit ${unit}).`, null, {
      unit,
    }),
  openingBalancesPosted: (entry: EntryEntity) =>
    make('OpeningBalancesPosted', `The opening balances of these books were posted already, as entry ${entry.sequence}.`, null, { entry }),
  openingBalancesNotFirst: (earliestBookingDate: string) =>
    make('OpeningBalancesNotFirst', `The books hold an entry dated ${earliestBookingDate}; opening balances are dated on or before the first entry.`, 'date', {
      earliestBookingDate,
    }),
  malformedStatement: (why: string, field = 'content') => make('MalformedStatement', `The statement file is refused: ${why}.`, field, {}),
  invalidIban: (field: string, given: string) =>
    make('InvalidIban', `${JSON.stringify(given.slice(0, 40))} is not a valid IBAN (country, length or check digits).`, field, {}),
  notABankAccount: (field: string, why: string) => make('NotABankAccount', why, field, {}),
  ibanTaken: (account: AccountEntity) => make('IbanTaken', `Account ${account.code} (${account.name}) has this IBAN linked already.`, 'iban', { account }),
  statementKeyConflict: (statement: BankStatementRow) =>
    make('StatementKeyConflict', `Idempotency key ${JSON.stringify(statement.idempotencyKey)} imported a different file (statement ${statement.statementRef}); nothing was written.`, 'idempotencyKey', { statement }),
  unknownStatementLine: (lineId: string) => make('UnknownStatementLine', `No bank statement line has id ${lineId}.`, 'lineId', {}),
  statementLineSettled: (line: BankLineRow) =>
    make('StatementLineSettled', `Line ${line.bankRef} is ${line.status.toLowerCase()} already; nothing was written.`, 'lineId', { line }),
  accountClosed: (field: string | null, account: AccountEntity, closedFrom: string) =>
    make('AccountClosed', `Account ${account.code} is closed from ${closedFrom}; book on another account, or date the entry before.`, field, { account, closedFrom }),
  /** The year-end closing would book a closed account's result on the year's last day, after its closing. */
  closedAccountHasResult: (year: number, account: AccountEntity, closedFrom: string) =>
    make(
      'AccountClosed',
      `Account ${account.code} is closed from ${closedFrom} but has a result in ${year} (an entry dated before its closing, booked after it), which the closing entry dated ${year}-12-31 cannot take off it. Move it to another account by an entry dated before ${closedFrom}, then close the year.`,
      null,
      { account, closedFrom },
    ),
  accountChangeOutOfOrder: (account: AccountEntity, latestEffectiveFrom: string) =>
    make(
      'AccountChangeOutOfOrder',
      `Account ${account.code} has a change effective from ${latestEffectiveFrom}; a later change takes effect on or after that date.`,
      'effectiveFrom',
      { account, latestEffectiveFrom },
    ),
  accountBalanceNotZero: (account: AccountEntity, balance: MoneyValue) =>
    make('AccountBalanceNotZero', `Account ${account.code} holds ${money(balance)}; move its balance to another account before closing it.`, 'close', {
      account,
      balance,
    }),
  accountUsedAfterClosing: (account: AccountEntity, bookingDate: string) =>
    make('AccountUsedAfterClosing', `Account ${account.code} has an entry dated ${bookingDate}, on or after the closing date; close it from a later date.`, 'effectiveFrom', {
      account,
      bookingDate,
    }),
};

/** What a domain operation returns: its value, or the rule it broke. */
export type Outcome<T, F extends LedgerFailure = LedgerFailure> = { ok: true; value: T } | { ok: false; failure: F };

export const succeed = <T>(value: T): Outcome<T, never> => ({ ok: true, value });
export const refuse = <F extends LedgerFailure>(failure: F): Outcome<never, F> => ({ ok: false, failure });

/**
 * Narrows a failure to the types a mutation's result union declares. The
 * generated resolver types check the list against the union; a failure
 * outside it would be a fault in the ledger, not an outcome for the client.
 */
export function oneOf<K extends LedgerFailureType>(failure: LedgerFailure, types: readonly K[]): Failure<K> {
  if ((types as readonly LedgerFailureType[]).includes(failure.__typename)) return failure as Failure<K>;
  throw new Error(`a ${failure.__typename} is not an outcome this mutation declares: ${failure.message}`);
}
