import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventRecorder, Viewer } from '@dbwe/platform';
import { AccountEntity } from '../accounts/account.entity';
import { fail, refuse, succeed, type LedgerFailure, type Outcome } from '../ledger-errors';
import { postEntry, type Booked } from '../entries/booking';
import { idempotencyKeyProblem, textProblem, type EntryRequest } from '../entries/posting-rules';
import { inTransaction, violationOf } from '../transactions';
import { bankEvent, type Audit } from './bank.events';
import { parseCamt053 } from './camt053';
import { parseMt940 } from './mt940';
import { normalIban, type ParsedStatement } from './statement';

/** Largest statement file accepted, once decoded (a year of a busy account is well below it). */
export const MAX_STATEMENT_BYTES = 5 * 1024 * 1024;

export interface BankStatementRow {
  id: string;
  neighbourhoodId: string;
  accountId: string;
  format: 'CAMT053' | 'MT940';
  statementRef: string;
  electronicSequence: string | null;
  openingMinor: bigint;
  openingDate: string;
  closingMinor: bigint;
  closingDate: string;
  fileSha256: string;
  idempotencyKey: string;
  importedAt: Date;
}

export interface BankLineRow {
  id: string;
  neighbourhoodId: string;
  accountId: string;
  firstStatementId: string;
  bankRef: string;
  endToEndId: string | null;
  bookingDate: string;
  valueDate: string | null;
  amountMinor: bigint;
  counterpartyIban: string | null;
  counterpartyName: string | null;
  counterpartyIsOrganisation: boolean;
  /** Null once erased. */
  description: string | null;
  counterpartyErased: boolean;
  status: 'OPEN' | 'CONFIRMED' | 'IGNORED';
  entryId: string | null;
  counterAccountId: string | null;
}

const STATEMENT_COLUMNS = `id, neighbourhood_id, account_id, format, statement_ref, electronic_sequence, opening_minor, opening_date::text, closing_minor,
  closing_date::text, file_sha256, idempotency_key, imported_at`;
export const LINE_COLUMNS = `l.id, l.neighbourhood_id, l.account_id, l.first_statement_id, l.bank_ref, l.end_to_end_id, l.booking_date::text, l.value_date::text,
  l.amount_minor, l.counterparty_iban, l.counterparty_name, l.counterparty_is_organisation, l.description, l.counterparty_erased_at IS NOT NULL AS counterparty_erased, l.status, l.entry_id, l.counter_account_id`;

type Raw = Record<string, unknown>;

/** The rows of an UPDATE … RETURNING: TypeORM's query() answers an UPDATE with [rows, affected count]. */
async function returnedRows(result: Promise<unknown>): Promise<Raw[]> {
  const value = (await result) as unknown[];
  return Array.isArray(value[0]) ? (value[0] as Raw[]) : (value as Raw[]);
}

export function statementOf(r: Raw): BankStatementRow {
  return {
    id: r.id as string,
    neighbourhoodId: r.neighbourhood_id as string,
    accountId: r.account_id as string,
    format: r.format as BankStatementRow['format'],
    statementRef: r.statement_ref as string,
    electronicSequence: r.electronic_sequence as string | null,
    openingMinor: BigInt(r.opening_minor as string),
    openingDate: r.opening_date as string,
    closingMinor: BigInt(r.closing_minor as string),
    closingDate: r.closing_date as string,
    fileSha256: r.file_sha256 as string,
    idempotencyKey: r.idempotency_key as string,
    importedAt: r.imported_at as Date,
  };
}

export function lineOf(r: Raw): BankLineRow {
  return {
    id: r.id as string,
    neighbourhoodId: r.neighbourhood_id as string,
    accountId: r.account_id as string,
    firstStatementId: r.first_statement_id as string,
    bankRef: r.bank_ref as string,
    endToEndId: r.end_to_end_id as string | null,
    bookingDate: r.booking_date as string,
    valueDate: r.value_date as string | null,
    amountMinor: BigInt(r.amount_minor as string),
    counterpartyIban: r.counterparty_iban as string | null,
    counterpartyName: r.counterparty_name as string | null,
    counterpartyIsOrganisation: r.counterparty_is_organisation as boolean,
    description: r.description as string | null,
    counterpartyErased: r.counterparty_erased as boolean,
    status: r.status as BankLineRow['status'],
    entryId: r.entry_id as string | null,
    counterAccountId: r.counter_account_id as string | null,
  };
}

/** Who acted, for the audit fact of the events (common contract): a steward of the neighbourhood, else an admin. */
export function auditOf(viewer: Viewer, neighbourhoodId: string, reason: string | null = null): Audit {
  const steward = viewer.roles.some((g) => g.role === 'steward' && (g.neighbourhood === '*' || g.neighbourhood.toLowerCase() === neighbourhoodId.toLowerCase()));
  return { actorId: viewer.memberId, role: steward ? 'steward' : 'admin', reason, public: true };
}

export async function bankIbanOf(db: DataSource | EntityManager, accountId: string): Promise<string | null> {
  const rows: { iban: string }[] = await db.query(`SELECT iban FROM ledger.bank_account WHERE account_id = $1`, [accountId]);
  return rows[0]?.iban ?? null;
}

/** Links (or relinks) an IBAN to an asset account in EUR of the account's books. */
export async function linkBankAccount(db: DataSource, account: AccountEntity, given: string, viewer: Viewer, events: EventRecorder): Promise<Outcome<AccountEntity>> {
  const iban = normalIban(given);
  if (!iban) return refuse(fail.invalidIban('iban', given));
  if (account.type !== 'ASSET' || account.unit !== 'EUR') {
    return refuse(fail.notABankAccount('accountId', `Account ${account.code} (${account.name}) is ${account.type} in ${account.unit}; a bank account is an ASSET in EUR.`));
  }
  const holders: { account_id: string }[] = await db.query(`SELECT account_id FROM ledger.bank_account WHERE neighbourhood_id = $1 AND iban = $2 AND account_id <> $3`, [
    account.neighbourhoodId,
    iban,
    account.id,
  ]);
  if (holders[0]) return refuse(fail.ibanTaken((await db.getRepository(AccountEntity).findOneByOrFail({ id: holders[0].account_id }))));
  try {
    await inTransaction(db, async (tx) => {
      await tx.query(
        `INSERT INTO ledger.bank_account (account_id, neighbourhood_id, iban, linked_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id) DO UPDATE SET iban = EXCLUDED.iban, linked_by = EXCLUDED.linked_by, linked_at = now()`,
        [account.id, account.neighbourhoodId, iban, viewer.memberId],
      );
      await events.record(tx, bankEvent.accountLinked(account, auditOf(viewer, account.neighbourhoodId)));
    });
  } catch (error) {
    if (violationOf(error)?.constraint !== 'bank_account_iban_unique') throw error;
    const [holder]: { account_id: string }[] = await db.query(`SELECT account_id FROM ledger.bank_account WHERE neighbourhood_id = $1 AND iban = $2`, [account.neighbourhoodId, iban]);
    return refuse(fail.ibanTaken(await db.getRepository(AccountEntity).findOneByOrFail({ id: holder!.account_id })));
  }
  return succeed(account);
}

export interface ImportArgs {
  neighbourhoodId: string;
  accountId: string | null;
  format: 'CAMT053' | 'MT940';
  content: string;
  encoding: 'PLAIN' | 'GZIP_BASE64';
  idempotencyKey: string;
}

export interface Imported {
  statement: BankStatementRow;
  replayed: boolean;
  newLines: number;
  repeatedLines: number;
}

/** The file's text, or why it cannot be read. */
export function decodeContent(content: string, encoding: ImportArgs['encoding']): { text: string } | { problem: string } {
  if (encoding === 'PLAIN') {
    return Buffer.byteLength(content, 'utf8') > MAX_STATEMENT_BYTES ? { problem: `the file is larger than ${MAX_STATEMENT_BYTES} bytes` } : { text: content };
  }
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(content)) return { problem: 'the content is not base64' };
  try {
    // maxOutputLength stops a gzip bomb while it inflates, not after.
    const bytes = gunzipSync(Buffer.from(content, 'base64'), { maxOutputLength: MAX_STATEMENT_BYTES });
    return { text: bytes.toString('utf8') };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { problem: code === 'ERR_BUFFER_TOO_LARGE' ? `the file is larger than ${MAX_STATEMENT_BYTES} bytes once decompressed` : 'the content is not gzip data' };
  }
}

export function parseStatement(format: ImportArgs['format'], text: string) {
  return format === 'CAMT053' ? parseCamt053(text) : parseMt940(text);
}

class Refusal extends Error {
  constructor(readonly failure: LedgerFailure) {
    super(failure.message);
  }
}

/**
 * Imports a statement: a repeat of the same file (same account, format and
 * statement id, or the same key) returns the statement imported before; a
 * line an earlier statement brought in (same bank reference) is listed, not
 * added again. Imports of one account take turns (an advisory lock), so two
 * overlapping files sent at once cannot both add a line.
 */
export async function importStatement(db: DataSource, args: ImportArgs, viewer: Viewer, events: EventRecorder): Promise<Outcome<Imported>> {
  const keyProblem = idempotencyKeyProblem(args.idempotencyKey);
  if (keyProblem) return refuse(keyProblem);
  const decoded = decodeContent(args.content, args.encoding);
  if ('problem' in decoded) return refuse(fail.malformedStatement(decoded.problem));
  const parsed = parseStatement(args.format, decoded.text);
  if (!parsed.ok) return refuse(fail.malformedStatement(parsed.reason));
  const statement = parsed.statement;

  const books: unknown[] = await db.query(`SELECT 1 FROM ledger.chain WHERE neighbourhood_id = $1`, [args.neighbourhoodId]);
  if (books.length === 0) return refuse(fail.booksNotOpen(args.neighbourhoodId));
  const target = await bankAccountFor(db, args, statement);
  if ('failure' in target) return refuse(target.failure);
  const sha = createHash('sha256').update(decoded.text).digest('hex');

  try {
    return await inTransaction(db, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ledger.bank_statement:' || $1))`, [target.accountId]);
      const byKey = await statementWhere(tx, `neighbourhood_id = $1 AND idempotency_key = $2`, [args.neighbourhoodId, args.idempotencyKey]);
      if (byKey) return byKey.fileSha256 === sha ? succeed(await replayed(tx, byKey)) : refuse(fail.statementKeyConflict(byKey));
      const same = await statementWhere(tx, `account_id = $1 AND format = $2 AND statement_ref = $3`, [target.accountId, statement.format, statement.statementId]);
      if (same) {
        if (same.fileSha256 === sha) return succeed(await replayed(tx, same));
        return refuse(fail.malformedStatement(`statement ${statement.statementId} of this account was imported before with different content; ask the bank for a corrected statement with its own id`));
      }
      const id = randomUUID();
      await tx.query(
        `INSERT INTO ledger.bank_statement (id, neighbourhood_id, account_id, format, iban, statement_ref, electronic_sequence, opening_minor, opening_date,
           closing_minor, closing_date, file_sha256, idempotency_key, imported_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          id,
          args.neighbourhoodId,
          target.accountId,
          statement.format,
          statement.iban,
          statement.statementId,
          statement.sequence,
          statement.opening.minor.toString(),
          statement.opening.date,
          statement.closing.minor.toString(),
          statement.closing.date,
          sha,
          args.idempotencyKey,
          viewer.memberId,
        ],
      );
      const t = statement.transactions;
      const inserted: { id: string }[] = await tx.query(
        `INSERT INTO ledger.bank_statement_line (id, neighbourhood_id, account_id, first_statement_id, bank_ref, end_to_end_id, booking_date, value_date, amount_minor,
           counterparty_iban, counterparty_name, description)
         SELECT gen_random_uuid(), $1, $2, $3, r.bank_ref, r.e2e, r.booking_date, r.value_date, r.amount, r.iban, r.name, r.description
         FROM unnest($4::text[], $5::text[], $6::date[], $7::date[], $8::bigint[], $9::text[], $10::text[], $11::text[])
           AS r(bank_ref, e2e, booking_date, value_date, amount, iban, name, description)
         ON CONFLICT ON CONSTRAINT bank_line_ref_unique DO NOTHING RETURNING id`,
        [
          args.neighbourhoodId,
          target.accountId,
          id,
          t.map((x) => x.bankRef),
          t.map((x) => x.endToEndId),
          t.map((x) => x.bookingDate),
          t.map((x) => x.valueDate),
          t.map((x) => x.minor.toString()),
          t.map((x) => x.counterpartyIban),
          t.map((x) => x.counterpartyName),
          t.map((x) => x.description),
        ],
      );
      const stored: { id: string; bank_ref: string; amount_minor: string; booking_date: string }[] = await tx.query(
        `SELECT id, bank_ref, amount_minor, booking_date::text FROM ledger.bank_statement_line WHERE account_id = $1 AND bank_ref = ANY($2::text[])`,
        [target.accountId, t.map((x) => x.bankRef)],
      );
      const byRef = new Map(stored.map((s) => [s.bank_ref, s]));
      for (const x of t) {
        const line = byRef.get(x.bankRef)!;
        // The bank's reference names one transaction: the same reference with another amount or date is not a repeat but a fault in a file.
        if (BigInt(line.amount_minor) !== x.minor || line.booking_date !== x.bookingDate) {
          throw new Refusal(fail.malformedStatement(`bank reference ${x.bankRef} was imported before with another amount or booking date`));
        }
      }
      await tx.query(
        `INSERT INTO ledger.bank_statement_item (statement_id, position, line_id) SELECT $1, p, l FROM unnest($2::uuid[]) WITH ORDINALITY AS u(l, p)`,
        [id, t.map((x) => byRef.get(x.bankRef)!.id)],
      );
      const row = (await statementWhere(tx, `id = $1`, [id]))!;
      await events.record(tx, bankEvent.statementImported(row, t.length, inserted.length, auditOf(viewer, args.neighbourhoodId)));
      return succeed({ statement: row, replayed: false, newLines: inserted.length, repeatedLines: t.length - inserted.length });
    });
  } catch (error) {
    if (error instanceof Refusal) return refuse(error.failure);
    // A concurrent import with the same key or statement id committed first: its answer is this one's.
    if (violationOf(error)?.constraint === 'bank_statement_key_unique' || violationOf(error)?.constraint === 'bank_statement_identity_unique') {
      return importStatement(db, args, viewer, events);
    }
    throw error;
  }
}

async function replayed(tx: EntityManager, statement: BankStatementRow): Promise<Imported> {
  const [{ count }]: { count: number }[] = await tx.query(`SELECT count(*)::int AS count FROM ledger.bank_statement_item WHERE statement_id = $1`, [statement.id]);
  return { statement, replayed: true, newLines: 0, repeatedLines: count };
}

async function statementWhere(tx: EntityManager | DataSource, where: string, params: unknown[]): Promise<BankStatementRow | null> {
  const rows: Raw[] = await tx.query(`SELECT ${STATEMENT_COLUMNS} FROM ledger.bank_statement WHERE ${where}`, params);
  return rows[0] ? statementOf(rows[0]) : null;
}

async function bankAccountFor(db: DataSource, args: ImportArgs, statement: ParsedStatement): Promise<{ accountId: string } | { failure: LedgerFailure }> {
  if (args.accountId) {
    const account = await db.getRepository(AccountEntity).findOneBy({ id: args.accountId });
    if (!account) return { failure: fail.unknownAccount('accountId', args.accountId) };
    if (account.neighbourhoodId !== args.neighbourhoodId) return { failure: fail.foreignAccount('accountId', account) };
    const iban = await bankIbanOf(db, account.id);
    if (!iban) return { failure: fail.notABankAccount('accountId', `Account ${account.code} (${account.name}) has no IBAN linked; link one with linkBankAccount.`) };
    if (iban !== statement.iban) return { failure: fail.notABankAccount('content', `The statement is for another IBAN than the one linked to account ${account.code}.`) };
    return { accountId: account.id };
  }
  const rows: { account_id: string }[] = await db.query(`SELECT account_id FROM ledger.bank_account WHERE neighbourhood_id = $1 AND iban = $2`, [args.neighbourhoodId, statement.iban]);
  if (!rows[0]) return { failure: fail.notABankAccount('content', `No account of these books has the statement's IBAN linked; the statement is not for a bank account of this neighbourhood.`) };
  return { accountId: rows[0].account_id };
}

export async function lineById(db: DataSource | EntityManager, id: string): Promise<BankLineRow | null> {
  const rows: Raw[] = await db.query(`SELECT ${LINE_COLUMNS} FROM ledger.bank_statement_line l WHERE l.id = $1`, [id]);
  return rows[0] ? lineOf(rows[0]) : null;
}

export interface Confirmed {
  line: BankLineRow;
  booked: Booked;
}

/** The entry's description when the steward gives none: the bank's reference, never the counterparty's IBAN or name. */
export function defaultDescription(line: Pick<BankLineRow, 'bankRef' | 'bookingDate'>): string {
  return `Bank ${line.bookingDate}, reference ${line.bankRef}`;
}

/**
 * Books an open line as one entry through the ledger's normal posting path
 * (so every rule of posting applies, closed periods included), with the key
 * `bank-line:<id>`: a retry after a lost answer replays the entry, and the
 * line is marked confirmed in a second step that a retry completes.
 */
export async function confirmLine(
  db: DataSource,
  line: BankLineRow,
  args: { counterAccountId: string; description: string | null; memberId: string | null },
  viewer: Viewer,
  events: EventRecorder,
  checkReferences: (request: EntryRequest) => Promise<LedgerFailure | null>,
): Promise<Outcome<Confirmed>> {
  if (line.status === 'IGNORED') return refuse(fail.statementLineSettled(line));
  if (line.status === 'CONFIRMED') {
    if (line.counterAccountId !== args.counterAccountId.toLowerCase()) return refuse(fail.statementLineSettled(line));
  }
  if (args.counterAccountId.toLowerCase() === line.accountId) return refuse(fail.invalid('counterAccountId', 'The counter account must be another account than the bank account itself.'));
  const description = args.description?.trim() || defaultDescription(line);
  const problem = textProblem(description, 1, 500);
  if (problem) return refuse(fail.invalid('description', `The description ${problem}.`));
  const request: EntryRequest = {
    neighbourhoodId: line.neighbourhoodId,
    bookingDate: line.bookingDate,
    description,
    projectId: null,
    // The member the payment is from or to: the entry is about them, and the line is theirs when they are erased.
    memberId: args.memberId,
    evidenceUrl: null,
    lines: [
      { accountId: line.accountId, unit: 'EUR', minor: line.amountMinor, counterpartyMemberId: null, counterpartyDomain: null, counterpartyName: null },
      { accountId: args.counterAccountId.toLowerCase(), unit: 'EUR', minor: -line.amountMinor, counterpartyMemberId: null, counterpartyDomain: null, counterpartyName: null },
    ],
  };
  const outcome = await postEntry(db, request, `bank-line:${line.id}`, viewer.memberId, checkReferences, events);
  if (!outcome.ok) {
    // Field paths of the posting name the entry's lines; line 1 is the counter account.
    const f = outcome.failure;
    return refuse(f.field?.startsWith('lines.1') ? { ...f, field: 'counterAccountId' } : f);
  }
  if (line.status === 'CONFIRMED') return succeed({ line, booked: { entry: outcome.value.entry, replayed: true } });
  const updated = await inTransaction(db, async (tx) => {
    const rows = await returnedRows(tx.query(
      `UPDATE ledger.bank_statement_line l SET status = 'CONFIRMED', entry_id = $2, counter_account_id = $3, settled_by = $4, settled_at = now(), counterparty_member_id = $5
       WHERE l.id = $1 AND l.status = 'OPEN' RETURNING ${LINE_COLUMNS}`,
      [line.id, outcome.value.entry.id, args.counterAccountId.toLowerCase(), viewer.memberId, args.memberId],
    ));
    if (rows[0]) await events.record(tx, bankEvent.lineConfirmed(lineOf(rows[0]), auditOf(viewer, line.neighbourhoodId)));
    return rows[0] ? lineOf(rows[0]) : null;
  });
  return succeed({ line: updated ?? (await lineById(db, line.id))!, booked: outcome.value });
}

export async function ignoreLine(db: DataSource, line: BankLineRow, reason: string, viewer: Viewer, events: EventRecorder): Promise<Outcome<BankLineRow>> {
  const text = reason.trim();
  const problem = textProblem(text, 1, 500);
  if (problem) return refuse(fail.invalid('reason', `The reason ${problem}.`));
  if (line.status !== 'OPEN') return refuse(fail.statementLineSettled(line));
  return inTransaction(db, async (tx) => {
    const rows = await returnedRows(tx.query(
      `UPDATE ledger.bank_statement_line l SET status = 'IGNORED', settled_by = $2, settled_at = now() WHERE l.id = $1 AND l.status = 'OPEN' RETURNING ${LINE_COLUMNS}`,
      [line.id, viewer.memberId],
    ));
    if (!rows[0]) return refuse(fail.statementLineSettled((await lineById(tx, line.id))!));
    const ignored = lineOf(rows[0]);
    // Not public: the reason is the steward's note on a line whose description only stewards see, and it is kept nowhere else.
    await events.record(tx, bankEvent.lineIgnored(ignored, { ...auditOf(viewer, line.neighbourhoodId, text), public: false }));
    return succeed(ignored);
  });
}

export async function describeCounterparty(db: DataSource, line: BankLineRow, isOrganisation: boolean): Promise<BankLineRow> {
  const rows = await returnedRows(db.query(`UPDATE ledger.bank_statement_line l SET counterparty_is_organisation = $2 WHERE l.id = $1 RETURNING ${LINE_COLUMNS}`, [line.id, isOrganisation]));
  return lineOf(rows[0]!);
}

export interface ReconciliationValue {
  opening: bigint;
  closing: bigint;
  linesTotal: bigint;
  internalDifference: bigint;
  books: bigint;
  difference: bigint;
  unconfirmedLines: number;
  unconfirmedTotal: bigint;
}

/** The statement's balances against the books (pure, given the figures read by `reconcile`). */
export function reconciliationOf(s: Pick<BankStatementRow, 'openingMinor' | 'closingMinor'>, lines: { minor: bigint; open: boolean }[], books: bigint): ReconciliationValue {
  const linesTotal = lines.reduce((a, l) => a + l.minor, 0n);
  const open = lines.filter((l) => l.open);
  return {
    opening: s.openingMinor,
    closing: s.closingMinor,
    linesTotal,
    internalDifference: s.closingMinor - (s.openingMinor + linesTotal),
    books,
    difference: s.closingMinor - books,
    unconfirmedLines: open.length,
    unconfirmedTotal: open.reduce((a, l) => a + l.minor, 0n),
  };
}

export async function reconcile(db: DataSource, statement: BankStatementRow, booksBalance: (accountId: string, asOf: string) => Promise<bigint>): Promise<ReconciliationValue> {
  const lines: { amount_minor: string; status: string }[] = await db.query(
    `SELECT l.amount_minor, l.status FROM ledger.bank_statement_item i JOIN ledger.bank_statement_line l ON l.id = i.line_id WHERE i.statement_id = $1`,
    [statement.id],
  );
  const books = await booksBalance(statement.accountId, statement.closingDate);
  return reconciliationOf(statement, lines.map((l) => ({ minor: BigInt(l.amount_minor), open: l.status === 'OPEN' })), books);
}
