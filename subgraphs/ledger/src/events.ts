import type { AuditFact, DomainEvent, EventsDeclaration } from '@dbwe/platform';
import type { AccountEntity } from './accounts/account.entity';
import type { EntryEntity } from './entries/entry.entity';
import type { EntryRequest } from './entries/posting-rules';
import type { BudgetView } from './budgets/budget.entity';
import type { FinancialYearRow } from './periods/period-store';
import type { ClosingEntryPlan } from './periods/period-rules';
import type { NeighbourhoodBudgetView } from './neighbourhood-budgets/neighbourhood-budget';

/** Who did an admin or steward action, as every such event carries it: the kit's AuditFact (docs/events.md, "Audit facts"). */
export type { AuditFact };
import type { AccountChangeRecord } from './accounts/account-changes';
import { communityConsumer } from './bank/counterparty-erasure';

/*
 * The domain events the ledger records (docs/events.md). The books are
 * public, so an entry's event carries its amounts per line, with the
 * opaque member ids the entry holds and nothing more: descriptions and
 * counterparty names are read through the graph. It consumes community's
 * erasures (bank/counterparty-erasure.ts).
 */
export const ledgerEvents: EventsDeclaration = {
  emits: [
    'books.opened',
    'account.created',
    'entry.posted',
    'budget.set',
    'financial-year.closed',
    'opening-balances.posted',
    'bank-account.linked',
    'bank-statement.imported',
    'bank-line.confirmed',
    'bank-line.ignored',
    'neighbourhood-budget.revised',
    'account.changed',
  ],
  // Community's member.erased erases what bank statements hold about the member.
  consumes: [communityConsumer],
};

/** The same audit fact, by the name the period code uses. */
export type Audit = AuditFact;

const time = (at: Date) => at.toISOString();

export const ledgerEvent = {
  booksOpened: (neighbourhoodId: string, at: Date, audit: AuditFact): DomainEvent => ({
    name: 'books.opened',
    subject: `neighbourhoods/${neighbourhoodId}/books`,
    neighbourhoodId,
    data: { neighbourhoodId, openedAt: time(at), audit },
  }),
  accountCreated: (account: AccountEntity, audit: AuditFact): DomainEvent => ({
    name: 'account.created',
    subject: `accounts/${account.id}`,
    neighbourhoodId: account.neighbourhoodId,
    data: {
      accountId: account.id,
      code: account.code,
      type: account.type,
      unit: account.unit,
      projectId: account.projectId,
      taakveld: account.taakveld,
      createdAt: time(account.createdAt),
      audit,
    },
  }),
  /** A reversal is an entry too: `reversesEntryId` names the entry it reverses. */
  entryPosted: (entry: EntryEntity, lines: EntryRequest['lines']): DomainEvent => ({
    name: 'entry.posted',
    subject: `entries/${entry.id}`,
    neighbourhoodId: entry.neighbourhoodId,
    data: {
      entryId: entry.id,
      sequence: entry.sequence,
      hash: entry.hash,
      bookingDate: entry.bookingDate,
      recordedAt: time(entry.recordedAt),
      projectId: entry.projectId,
      memberId: entry.memberId,
      reversesEntryId: entry.reversesId,
      lines: lines.map((line) => ({ accountId: line.accountId, unit: line.unit, minorUnits: line.minor.toString(), counterpartyMemberId: line.counterpartyMemberId ?? null })),
    },
  }),
  budgetSet: (budget: BudgetView, audit: AuditFact): DomainEvent => ({
    name: 'budget.set',
    subject: `budgets/${budget.id}`,
    neighbourhoodId: budget.neighbourhoodId,
    data: {
      budgetId: budget.id,
      projectId: budget.projectId,
      unit: budget.unit,
      periodStart: budget.periodStart,
      periodEnd: budget.periodEnd,
      revision: budget.current.revision,
      minorUnits: budget.current.amountMinor,
      recordedAt: time(budget.current.recordedAt),
      audit: { ...audit },
    },
  }),
  /** A year closed: its closing entries (each also an entry.posted) and the result per unit moved to equity. */
  financialYearClosed: (year: FinancialYearRow, plans: ClosingEntryPlan[], audit: Audit): DomainEvent => ({
    name: 'financial-year.closed',
    subject: `neighbourhoods/${year.neighbourhoodId}/financial-years/${year.year}`,
    neighbourhoodId: year.neighbourhoodId,
    data: {
      neighbourhoodId: year.neighbourhoodId,
      year: year.year,
      closedAt: time(year.closedAt ?? new Date()),
      closingEntryIds: year.closingEntryIds,
      results: plans.map((p) => ({ unit: p.unit, minorUnits: p.result.toString() })),
      audit,
    },
  }),
  openingBalancesPosted: (entry: EntryEntity, audit: Audit): DomainEvent => ({
    name: 'opening-balances.posted',
    subject: `entries/${entry.id}`,
    neighbourhoodId: entry.neighbourhoodId,
    data: { neighbourhoodId: entry.neighbourhoodId, entryId: entry.id, bookingDate: entry.bookingDate, audit },
  }),
  /** A revision of a neighbourhood's budget for a year: every line of the budget as it now stands. */
  neighbourhoodBudgetRevised: (budget: NeighbourhoodBudgetView, audit: AuditFact): DomainEvent => ({
    name: 'neighbourhood-budget.revised',
    subject: `neighbourhood-budgets/${budget.id}`,
    neighbourhoodId: budget.neighbourhoodId,
    data: {
      budgetId: budget.id,
      year: budget.year,
      revision: budget.current.revision,
      leafIndex: budget.current.leafIndex,
      lines: budget.current.lines.map((l) => ({ accountId: l.accountId, taakveld: l.taakveld, type: l.type, unit: l.unit, minorUnits: l.minor.toString() })),
      recordedAt: time(budget.current.recordedAt),
      audit: { ...audit },
    },
  }),
  /** An account renamed, re-mapped or closed from a date. Names are read through the graph (Account.history), not carried here. */
  accountChanged: (account: AccountEntity, change: AccountChangeRecord & { leafIndex: number }, audit: Audit): DomainEvent => ({
    name: 'account.changed',
    subject: `accounts/${account.id}`,
    neighbourhoodId: account.neighbourhoodId,
    data: {
      accountId: account.id,
      change: change.change,
      effectiveFrom: change.effectiveFrom,
      renamed: change.newName !== change.oldName,
      oldTaakveld: change.oldTaakveld,
      newTaakveld: change.newTaakveld,
      closes: change.closes,
      recordedAt: time(change.recordedAt),
      leafIndex: change.leafIndex,
      audit,
    },
  }),
};
