import type { DomainEvent } from '@dbwe/platform';
import type { AccountEntity } from '../accounts/account.entity';
import type { BankLineRow, BankStatementRow } from './bank.store';

/** The audit fact a steward's or admin's action carries (common contract; docs/events.md, "Audit facts"). */
export interface Audit {
  [field: string]: string | boolean | null;
  actorId: string | null;
  role: 'admin' | 'steward';
  reason: string | null;
  public: boolean;
}

/*
 * Bank events carry ids, dates and amounts: never an IBAN, a counterparty's
 * name or the bank's description, which are personal data that events
 * cannot take back.
 */
export const bankEvent = {
  accountLinked: (account: AccountEntity, audit: Audit): DomainEvent => ({
    name: 'bank-account.linked',
    subject: `accounts/${account.id}`,
    neighbourhoodId: account.neighbourhoodId,
    data: { accountId: account.id, audit },
  }),
  statementImported: (s: BankStatementRow, lineCount: number, newLines: number, audit: Audit): DomainEvent => ({
    name: 'bank-statement.imported',
    subject: `bank-statements/${s.id}`,
    neighbourhoodId: s.neighbourhoodId,
    data: {
      statementId: s.id,
      accountId: s.accountId,
      format: s.format,
      closingDate: s.closingDate,
      closingMinorUnits: s.closingMinor.toString(),
      lineCount,
      newLines,
      audit,
    },
  }),
  lineConfirmed: (line: BankLineRow, audit: Audit): DomainEvent => ({
    name: 'bank-line.confirmed',
    subject: `bank-statement-lines/${line.id}`,
    neighbourhoodId: line.neighbourhoodId,
    data: { lineId: line.id, entryId: line.entryId, accountId: line.accountId, counterAccountId: line.counterAccountId, minorUnits: line.amountMinor.toString(), audit },
  }),
  lineIgnored: (line: BankLineRow, audit: Audit): DomainEvent => ({
    name: 'bank-line.ignored',
    subject: `bank-statement-lines/${line.id}`,
    neighbourhoodId: line.neighbourhoodId,
    data: { lineId: line.id, accountId: line.accountId, minorUnits: line.amountMinor.toString(), audit },
  }),
};
