import type { EntityManager } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { taakveldOn, type AccountChangeRecord } from '../accounts/account-changes';
import { yearStatus } from '../periods/period-store';
import { yearEnd } from '../periods/period-rules';

/* The two questions the annual accounts ask of the periods and of the chart of accounts over time. */

/**
 * The taakveld an account's figures count for in a year as a whole: the one
 * it maps to at the year's end (the chart of accounts over time,
 * `taakveldOn`). The account row keeps the taakveld it was created with, so
 * without its changes this is that one. Per booking date, see `taakveldSplit`.
 */
export function taakveldInYear(
  account: Pick<AccountEntity, 'taakveld'>,
  year: number,
  changes: readonly Pick<AccountChangeRecord, 'effectiveFrom' | 'oldTaakveld' | 'newTaakveld'>[] = [],
): string | null {
  return taakveldOn(changes, yearEnd(year), account.taakveld);
}

/**
 * An account's movement in a year split by the taakveld it mapped to on each
 * booking date, from its day totals (`days`, net per booking date of the
 * year): what budget against actuals per taakveld counts, so that an account
 * re-mapped mid-year counts its earlier lines for the old taakveld and its
 * later ones for the new. In order of first appearance; zero movements left out.
 */
export function taakveldSplit(
  account: Pick<AccountEntity, 'taakveld'>,
  changes: readonly Pick<AccountChangeRecord, 'effectiveFrom' | 'oldTaakveld' | 'newTaakveld'>[],
  days: readonly { day: string; net: bigint }[],
): { taakveld: string | null; movement: bigint }[] {
  const split = new Map<string | null, bigint>();
  for (const { day, net } of days) {
    const taakveld = taakveldOn(changes, day, account.taakveld);
    split.set(taakveld, (split.get(taakveld) ?? 0n) + net);
  }
  return [...split].filter(([, movement]) => movement !== 0n).map(([taakveld, movement]) => ({ taakveld, movement }));
}

/** Whether a neighbourhood's financial year is closed (closeFinancialYear): until then its annual accounts are a draft. */
export async function yearClosed(manager: EntityManager, neighbourhoodId: string, year: number): Promise<boolean> {
  return (await yearStatus(manager, neighbourhoodId, year)) === 'closed';
}
