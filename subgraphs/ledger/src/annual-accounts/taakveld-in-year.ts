import type { EntityManager } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { yearStatus } from '../periods/period-store';

/* The two questions the annual accounts ask of the periods and of the chart of accounts over time. */

/**
 * The taakveld an account's figures count for in a year. The chart of
 * accounts has no history of taakveld mappings yet, so this is the account's
 * current taakveld; with re-mapping from a date it becomes
 * `taakveldOn(changes, `${year}-12-31`)`.
 */
export function taakveldInYear(account: Pick<AccountEntity, 'taakveld'>, _year: number): string | null {
  return account.taakveld;
}

/** Whether a neighbourhood's financial year is closed (closeFinancialYear): until then its annual accounts are a draft. */
export async function yearClosed(manager: EntityManager, neighbourhoodId: string, year: number): Promise<boolean> {
  return (await yearStatus(manager, neighbourhoodId, year)) === 'closed';
}
