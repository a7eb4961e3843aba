// ibantools ships CommonJS (build/ibantools.cjs) but its package type is "module", so TypeScript will not let a CommonJS file import it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isValidIBAN, electronicFormatIBAN } = require('ibantools') as typeof import('ibantools', { with: { 'resolution-mode': 'import' } });

/**
 * A bank statement as the books need it, whatever file it came in: the
 * account's IBAN, the file's balances and its transactions, amounts in
 * signed euro cents (credit to the account positive). Parsers produce this
 * or a reason the file is refused; nothing here touches the database.
 */
export interface ParsedStatement {
  format: 'CAMT053' | 'MT940';
  iban: string;
  /** The bank's statement identification (CAMT Stmt/Id, MT940 :20:+:28C:). */
  statementId: string;
  /** CAMT ElctrncSeqNb or the MT940 statement number, when the bank gives one. */
  sequence: string | null;
  opening: { minor: bigint; date: string };
  closing: { minor: bigint; date: string };
  transactions: ParsedTransaction[];
}

export interface ParsedTransaction {
  /** The bank's own reference (AcctSvcrRef, or the MT940 bank reference); unique per account. */
  bankRef: string;
  endToEndId: string | null;
  bookingDate: string;
  valueDate: string | null;
  minor: bigint;
  counterpartyIban: string | null;
  counterpartyName: string | null;
  description: string;
}

export type ParseResult = { ok: true; statement: ParsedStatement } | { ok: false; reason: string };

export class StatementError extends Error {}

/** 'CRDT'/'C' → +, 'DBIT'/'D' → −; amounts are plain decimals with at most two decimals. */
export function signedCents(amount: string, credit: boolean, where: string): bigint {
  const text = amount.trim().replace(',', '.');
  const match = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new StatementError(`${where}: amount ${JSON.stringify(amount)} is not a positive decimal with at most 2 decimals`);
  const cents = BigInt(match[1]!) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return credit ? cents : -cents;
}

/** The IBAN in electronic form (no spaces, upper case) when it is a valid one (country, length, check digits), else null. */
export function normalIban(value: string): string | null {
  const iban = electronicFormatIBAN(value) ?? '';
  return isValidIBAN(iban) ? iban : null;
}

/** An IBAN in electronic form (no spaces, upper case), or an error naming where it was. */
export function validIban(value: string, where: string): string {
  const iban = electronicFormatIBAN(value) ?? '';
  if (!isValidIBAN(iban)) throw new StatementError(`${where}: ${JSON.stringify(value.slice(0, 40))} is not a valid IBAN`);
  return iban;
}

export function isoDate(value: string, where: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!match) throw new StatementError(`${where}: ${JSON.stringify(value.slice(0, 30))} is not a date`);
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) throw new StatementError(`${where}: ${date} is not a calendar date`);
  return date;
}

/** Checks what every format shares: lines unique by bank reference, and a statement worth importing. */
export function checkStatement(statement: ParsedStatement): ParsedStatement {
  if (statement.transactions.length === 0) throw new StatementError('the statement has no transactions');
  if (statement.transactions.length > 10_000) throw new StatementError('the statement has more than 10000 transactions');
  const seen = new Set<string>();
  for (const [i, t] of statement.transactions.entries()) {
    if (!t.bankRef) throw new StatementError(`transaction ${i + 1} has no bank reference (AcctSvcrRef / entry reference)`);
    // A bank books no transaction of 0.00, and the books keep no line of nothing.
    if (t.minor === 0n) throw new StatementError(`transaction ${i + 1} (bank reference ${t.bankRef}) has an amount of 0.00`);
    if (seen.has(t.bankRef)) throw new StatementError(`transaction ${i + 1}: bank reference ${t.bankRef} occurs twice`);
    seen.add(t.bankRef);
  }
  return statement;
}

/** Whether opening + the lines = closing; the difference (closing − computed) when not. */
export function internalDifference(statement: Pick<ParsedStatement, 'opening' | 'closing'>, lineMinors: readonly bigint[]): bigint {
  return statement.closing.minor - (statement.opening.minor + lineMinors.reduce((a, b) => a + b, 0n));
}
