import { hasRole, isUuid, readPage, requireRole, toConnection, isNumber, type Connection, type Viewer } from '@dbwe/platform';
import type { DataSource } from 'typeorm';
import type { Resolvers } from '../generated/graphql';
import { AccountEntity } from '../accounts/account.entity';
import { balancesAsOf } from '../accounts/balances';
import { fail, oneOf } from '../ledger-errors';
import { neighbourhoodIdOf } from '../ids';
import { entryReferenceProblem } from '../integrity/reference-checks';
import {
  LINE_COLUMNS,
  bankIbanOf,
  confirmLine,
  describeCounterparty,
  ignoreLine,
  importStatement,
  lineById,
  lineOf,
  linkBankAccount,
  reconcile,
  statementOf,
  type BankLineRow,
  type BankStatementRow,
} from './bank.store';
import { suggestCounterAccount, type ConfirmedLine, type Suggestion } from './suggestion';

export type ProposalValue = Suggestion & { neighbourhoodId: string };
export type LineConnectionValue = Connection<BankLineRow> & { statementId: string };
export type StatementConnectionValue = Connection<BankStatementRow> & { neighbourhoodId: string };

const money = (minor: bigint) => ({ minor, unit: 'EUR' as const });

/** Personal data on statement lines (IBANs, names, descriptions) is for the neighbourhood's stewards (and admins) only. */
const mayReadPersonal = (viewer: Viewer, neighbourhoodId: string) => hasRole(viewer, ['steward'], neighbourhoodId);

const IMPORT_FAILURES = ['BooksNotOpen', 'InvalidLedgerInput', 'MalformedStatement', 'UnknownAccount', 'ForeignAccount', 'NotABankAccount', 'StatementKeyConflict'] as const;
const CONFIRM_FAILURES = ['UnknownStatementLine', 'StatementLineSettled', 'InvalidLedgerInput', 'UnknownAccount', 'ForeignAccount', 'UnitMismatch', 'Overdraft', 'BooksNotOpen', 'IdempotencyKeyConflict', 'PeriodClosed', 'BookingDateBeforeBooks', 'BookingDateTooFarAhead', 'AccountClosed', 'UnknownMember', 'MemberInOtherNeighbourhood', 'MemberErased'] as const;
const IGNORE_FAILURES = ['UnknownStatementLine', 'StatementLineSettled', 'InvalidLedgerInput'] as const;
const LINK_FAILURES = ['InvalidIban', 'UnknownAccount', 'NotABankAccount', 'IbanTaken'] as const;

async function statementById(db: DataSource, id: string): Promise<BankStatementRow | null> {
  if (!isUuid(id)) return null;
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT id, neighbourhood_id, account_id, format, statement_ref, electronic_sequence, opening_minor, opening_date::text, closing_minor, closing_date::text,
       file_sha256, idempotency_key, imported_at FROM ledger.bank_statement WHERE id = $1`,
    [id.toLowerCase()],
  );
  return rows[0] ? statementOf(rows[0]) : null;
}

/** Confirmed lines of the books, newest first: what proposals follow (suggestion.ts). Read once per request and neighbourhood. */
function confirmedHistory(db: DataSource, cache: Map<string, Promise<ConfirmedLine[]>>, neighbourhoodId: string): Promise<ConfirmedLine[]> {
  let found = cache.get(neighbourhoodId);
  if (!found) {
    found = db
      .query(
        `SELECT id, counterparty_iban, description, counter_account_id, booking_date::text FROM ledger.bank_statement_line
         WHERE neighbourhood_id = $1 AND status = 'CONFIRMED' ORDER BY settled_at DESC, id LIMIT 5000`,
        [neighbourhoodId],
      )
      .then((rows: Record<string, string | null>[]) =>
        rows.map((r) => ({ lineId: r.id!, counterpartyIban: r.counterparty_iban, description: r.description ?? '', counterAccountId: r.counter_account_id!, bookingDate: r.booking_date! })),
      );
    cache.set(neighbourhoodId, found);
  }
  return found;
}

const histories = new WeakMap<object, Map<string, Promise<ConfirmedLine[]>>>();
const historyCache = (context: object) => {
  let cache = histories.get(context);
  if (!cache) histories.set(context, (cache = new Map()));
  return cache;
};

async function loadLine(db: DataSource, id: string): Promise<BankLineRow | null> {
  return isUuid(id) ? lineById(db, id.toLowerCase()) : null;
}

/** Lines are found by id before the role check, as entries are: a line's existence tells a steward nothing the books do not. */
async function settleTarget(db: DataSource, viewer: Viewer, lineId: string, action: string) {
  const line = await loadLine(db, lineId);
  if (!line) {
    if (!viewer.roles.some((g) => g.role === 'steward' || g.role === 'admin')) requireRole(viewer, ['steward'], '00000000-0000-0000-0000-000000000000', action);
    return null;
  }
  requireRole(viewer, ['steward'], line.neighbourhoodId, action);
  return line;
}

export const bankResolvers: Resolvers = {
  Query: {
    bankStatement: (_p, { id }, { db }) => statementById(db, id),
    bankStatementLine: (_p, { id }, { db }) => loadLine(db, id),
  },
  Mutation: {
    async linkBankAccount(_p, { input }, { viewer, db, events }) {
      const account = isUuid(input.accountId) ? await db.getRepository(AccountEntity).findOneBy({ id: input.accountId.toLowerCase() }) : null;
      if (!account) {
        requireRole(viewer, ['steward'], '00000000-0000-0000-0000-000000000000', 'link bank accounts');
        return fail.unknownAccount('accountId', input.accountId);
      }
      requireRole(viewer, ['steward'], account.neighbourhoodId, 'link bank accounts');
      const outcome = await linkBankAccount(db, account, input.iban, viewer, events);
      return outcome.ok ? { __typename: 'LinkBankAccountSuccess', account: outcome.value } : oneOf(outcome.failure, LINK_FAILURES);
    },
    async importBankStatement(_p, { input }, { viewer, db, events }) {
      requireRole(viewer, ['steward'], input.neighbourhoodId, 'import bank statements');
      const outcome = await importStatement(
        db,
        {
          neighbourhoodId: neighbourhoodIdOf(input.neighbourhoodId),
          accountId: input.accountId ? (isUuid(input.accountId) ? input.accountId.toLowerCase() : input.accountId) : null,
          format: input.format,
          content: input.content,
          encoding: input.encoding ?? 'PLAIN',
          idempotencyKey: input.idempotencyKey,
        },
        viewer,
        events,
      );
      return outcome.ok ? { __typename: 'ImportBankStatementSuccess', ...outcome.value } : oneOf(outcome.failure, IMPORT_FAILURES);
    },
    async confirmBankStatementLine(_p, { input }, { viewer, db, events, services }) {
      const line = await settleTarget(db, viewer, input.lineId, 'confirm bank statement lines');
      if (!line) return fail.unknownStatementLine(input.lineId);
      if (!isUuid(input.counterAccountId)) return fail.unknownAccount('counterAccountId', input.counterAccountId);
      const memberId = input.memberId ?? null;
      if (memberId !== null && !isUuid(memberId)) return fail.unknownMember('memberId', memberId);
      const outcome = await confirmLine(
        db,
        line,
        { counterAccountId: input.counterAccountId, description: input.description ?? null, memberId: memberId?.toLowerCase() ?? null },
        viewer,
        events,
        (request) => entryReferenceProblem(services.references, request),
      );
      return outcome.ok
        ? { __typename: 'ConfirmBankStatementLineSuccess', line: outcome.value.line, entry: outcome.value.booked.entry, replayed: outcome.value.booked.replayed }
        : oneOf(outcome.failure, CONFIRM_FAILURES);
    },
    async ignoreBankStatementLine(_p, { input }, { viewer, db, events }) {
      const line = await settleTarget(db, viewer, input.lineId, 'ignore bank statement lines');
      if (!line) return fail.unknownStatementLine(input.lineId);
      const outcome = await ignoreLine(db, line, input.reason, viewer, events);
      return outcome.ok ? { __typename: 'IgnoreBankStatementLineSuccess', line: outcome.value } : oneOf(outcome.failure, IGNORE_FAILURES);
    },
    async describeBankStatementCounterparty(_p, { input }, { viewer, db }) {
      const line = await settleTarget(db, viewer, input.lineId, 'describe counterparties of bank statement lines');
      if (!line) return fail.unknownStatementLine(input.lineId);
      return { __typename: 'DescribeBankStatementCounterpartySuccess', line: await describeCounterparty(db, line, input.isOrganisation) };
    },
  },
  BankStatement: {
    __resolveReference: (ref, { db }) => statementById(db, ref.id),
    neighbourhood: (s) => ({ id: s.neighbourhoodId }),
    account: async (s, _a, { loaders }) => (await loaders.account.load(s.accountId))!,
    statementReference: (s) => s.statementRef,
    openingBalance: (s) => money(s.openingMinor),
    closingBalance: (s) => money(s.closingMinor),
    async lines(s, args, { db }) {
      const page = readPage(args, isNumber);
      const rows: Record<string, unknown>[] = await db.query(
        `SELECT ${LINE_COLUMNS}, i.position FROM ledger.bank_statement_item i JOIN ledger.bank_statement_line l ON l.id = i.line_id
         WHERE i.statement_id = $1 AND i.position > $2 ORDER BY i.position LIMIT $3`,
        [s.id, page.after ?? 0, page.limit + 1],
      );
      const withPosition = rows.map((r) => Object.assign(lineOf(r), { position: Number(r.position) }));
      return { ...toConnection(withPosition, page, (l) => l.position), statementId: s.id };
    },
    reconciliation: (s, _a, { db }) => reconcile(db, s, async (accountId, asOf) => (await balancesAsOf(db, [{ accountId, asOf }]))[0]!),
  },
  BankStatementLineConnection: {
    totalCount: async (c, _a, { db }) =>
      ((await db.query(`SELECT count(*)::int AS n FROM ledger.bank_statement_item WHERE statement_id = $1`, [c.statementId])) as { n: number }[])[0]!.n,
  },
  BankStatementConnection: {
    totalCount: async (c, _a, { db }) =>
      ((await db.query(`SELECT count(*)::int AS n FROM ledger.bank_statement WHERE neighbourhood_id = $1`, [c.neighbourhoodId])) as { n: number }[])[0]!.n,
  },
  BankStatementReconciliation: {
    openingBalance: (r) => money(r.opening),
    closingBalance: (r) => money(r.closing),
    linesTotal: (r) => money(r.linesTotal),
    internallyConsistent: (r) => r.internalDifference === 0n,
    internalDifference: (r) => money(r.internalDifference),
    booksBalance: (r) => money(r.books),
    difference: (r) => money(r.difference),
    reconciled: (r) => r.difference === 0n,
    unconfirmedTotal: (r) => money(r.unconfirmedTotal),
  },
  BankStatementLine: {
    __resolveReference: (ref, { db }) => loadLine(db, ref.id),
    statement: async (l, _a, { db }) => (await statementById(db, l.firstStatementId))!,
    bankReference: (l) => l.bankRef,
    amount: (l) => money(l.amountMinor),
    entry: (l, _a, { loaders }) => (l.entryId ? loaders.entry.load(l.entryId) : null),
    counterAccount: (l, _a, { loaders }) => (l.counterAccountId ? loaders.account.load(l.counterAccountId) : null),
    async proposal(l, _a, context) {
      // A proposal by the same IBAN says two payments came from one person: as personal as the IBAN itself.
      if (l.status !== 'OPEN' || !mayReadPersonal(context.viewer, l.neighbourhoodId)) return null;
      const history = await confirmedHistory(context.db, historyCache(context), l.neighbourhoodId);
      const suggestion = suggestCounterAccount({ counterpartyIban: l.counterpartyIban, description: l.description ?? '' }, history);
      return suggestion ? { ...suggestion, neighbourhoodId: l.neighbourhoodId } : null;
    },
    counterpartyIban: (l, _a, { viewer }) => (mayReadPersonal(viewer, l.neighbourhoodId) ? l.counterpartyIban : null),
    counterpartyName: (l, _a, { viewer }) => (mayReadPersonal(viewer, l.neighbourhoodId) || l.counterpartyIsOrganisation ? l.counterpartyName : null),
    endToEndId: (l, _a, { viewer }) => (mayReadPersonal(viewer, l.neighbourhoodId) ? l.endToEndId : null),
    description: (l, _a, { viewer }) => (mayReadPersonal(viewer, l.neighbourhoodId) ? l.description : null),
  },
  CounterAccountProposal: {
    account: async (p, _a, { loaders }) => (await loaders.account.load(p.accountId))!,
    async explanation(p, _a, { loaders, db }) {
      const account = await loaders.account.load(p.accountId);
      const from = await lineById(db, p.fromLineId);
      const code = account ? `${account.code} (${account.name})` : p.accountId;
      return p.basis === 'SAME_IBAN'
        ? `Same counterparty IBAN as the line of ${from?.bookingDate ?? '?'} booked on ${code}.`
        : `Description shares ${Math.round(p.score * 100)}% of its words with the line of ${from?.bookingDate ?? '?'} booked on ${code}.`;
    },
    followsLine: (p, _a, { db }) => lineById(db, p.fromLineId),
  },
  Account: {
    isBankAccount: async (a, _x, { db }) => (await bankIbanOf(db, a.id)) !== null,
    iban: async (a, _x, { db, viewer }) => (mayReadPersonal(viewer, a.neighbourhoodId) ? bankIbanOf(db, a.id) : null),
  },
  Neighbourhood: {
    async bankStatements(n, args, { db }) {
      const page = readPage(args, (v: unknown): v is [string, string] => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string'));
      const after = page.after ?? ['9999-12-31', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
      const rows: Record<string, unknown>[] = await db.query(
        `SELECT id, neighbourhood_id, account_id, format, statement_ref, electronic_sequence, opening_minor, opening_date::text, closing_minor, closing_date::text,
           file_sha256, idempotency_key, imported_at FROM ledger.bank_statement
         WHERE neighbourhood_id = $1 AND (closing_date, id) < ($2::date, $3::uuid) ORDER BY closing_date DESC, id DESC LIMIT $4`,
        [n.id, after[0], after[1], page.limit + 1],
      );
      return { ...toConnection(rows.map(statementOf), page, (s) => [s.closingDate, s.id]), neighbourhoodId: n.id };
    },
  },
};
