import type { AccountType, Unit } from './ledger-api';

/*
 * A small in-memory model of one neighbourhood's books: what the ledger must
 * answer, derived from the rules in docs and schema, never from its code.
 * Balances are sums of lines (debits positive); an entry is refused when it
 * would take a no-overdraft account to the wrong side of zero (below zero for
 * asset and expense accounts, above zero for the others).
 */

export interface ModelAccount {
  id: string;
  code: string;
  type: AccountType;
  unit: Unit;
  noOverdraft: boolean;
}

export interface ModelLine {
  accountId: string;
  minor: bigint;
}

export interface ModelEntry {
  id: string;
  sequence: number;
  bookingDate: string;
  lines: ModelLine[];
  /** The request that booked it (postEntry input or reverseEntry input), sent again by a retry. */
  request: Record<string, unknown>;
  kind: 'post' | 'reverse';
  reverses: string | null;
  reversedBy: string | null;
  hash: string;
  previousHash: string;
}

export class BooksModel {
  readonly accounts: ModelAccount[] = [];
  readonly entries: ModelEntry[] = [];
  /** Keys sent with refused requests: nothing was written, so they are free to use. */
  readonly refusedKeys: string[] = [];
  private keyCounter = 0;
  private codeCounter = 0;

  constructor(readonly neighbourhoodId: string, chart: ModelAccount[]) {
    this.accounts.push(...chart);
  }

  newKey(prefix = 'k'): string {
    return `${prefix}-${++this.keyCounter}`;
  }

  newCode(): string {
    return `T${++this.codeCounter}`;
  }

  account(id: string): ModelAccount {
    const found = this.accounts.find((a) => a.id === id);
    if (!found) throw new Error(`model has no account ${id}`);
    return found;
  }

  accountsIn(unit: Unit): ModelAccount[] {
    return this.accounts.filter((a) => a.unit === unit);
  }

  /** Current balance, or at the end of a booking date. */
  balance(accountId: string, asOf: string | null = null): bigint {
    let sum = 0n;
    for (const entry of this.entries) {
      if (asOf !== null && entry.bookingDate > asOf) continue;
      for (const line of entry.lines) if (line.accountId === accountId) sum += line.minor;
    }
    return sum;
  }

  /** The first protected account the lines would overdraw, if any. */
  overdrawn(lines: ModelLine[]): ModelAccount | null {
    for (const line of lines) {
      const account = this.account(line.accountId);
      if (!account.noOverdraft) continue;
      const after = this.balance(account.id) + lines.filter((l) => l.accountId === account.id).reduce((s, l) => s + l.minor, 0n);
      const wrongSide = account.type === 'ASSET' || account.type === 'EXPENSE' ? after < 0n : after > 0n;
      if (wrongSide) return account;
    }
    return null;
  }

  entry(id: string): ModelEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  entryByKey(key: string): ModelEntry | undefined {
    return this.entries.find((e) => e.request.idempotencyKey === key);
  }

  head(): { sequence: number; hash: string } {
    const last = this.entries[this.entries.length - 1];
    return last ? { sequence: last.sequence, hash: last.hash } : { sequence: 0, hash: '0'.repeat(64) };
  }
}
