import type { EntityManager } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';

/*
 * The two questions the annual accounts ask of what the periods work (issue
 * 23) decides, each behind one function so that the merge switches them in
 * one place.
 */

/**
 * The taakveld an account's figures count for in a year. The chart of
 * accounts has no history of taakveld mappings yet, so this is the account's
 * current taakveld; with re-mapping from a date it becomes
 * `taakveldOn(changes, `${year}-12-31`)`.
 */
export function taakveldInYear(account: Pick<AccountEntity, 'taakveld'>, _year: number): string | null {
  return account.taakveld;
}

/**
 * Whether a neighbourhood's financial year is closed. Year closing is not in
 * these books yet, so no year is: every annual account is a draft. With year
 * closing this is `(await yearStatus(manager, neighbourhoodId, year)) === 'closed'`.
 */
export async function yearClosed(_manager: EntityManager, _neighbourhoodId: string, _year: number): Promise<boolean> {
  return false;
}
