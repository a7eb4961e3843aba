import { eventType, type EventConsumer, type SqlRunner, type StoredEvent } from '@dbwe/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/*
 * What the bank wrote about a member is erased with them (docs/privacy.md,
 * "Bank statement lines"). A line belongs to a member when a steward said so:
 * confirmed with the member (the line's counterparty member), or booked as an
 * entry about the member or with them as a line's counterparty. From those
 * lines the member's IBAN is known, and every other line of the books from
 * that IBAN (open ones, later statements) is theirs too and erased as well,
 * unless a steward marked that line's counterparty an organisation (an
 * organisation's account is not the person's). A name or IBAN alone is never
 * matched: two people share names, and a guess would erase someone else.
 * Amounts, dates, bank references and the entries stay, so the books, their
 * hashes and the reconciliation are unchanged.
 */
export async function eraseBankCounterparty(tx: SqlRunner, event: StoredEvent): Promise<void> {
  const { memberId, erasedAt } = event.data;
  if (typeof memberId !== 'string' || !UUID.test(memberId)) throw new Error(`${event.type} ${event.id} lacks memberId`);
  await tx.query(
    `WITH about AS (
       SELECT id FROM ledger.entry WHERE neighbourhood_id = $1 AND member_id = $2
       UNION SELECT entry_id FROM ledger.line WHERE counterparty_member_id = $2
     ), linked AS (
       SELECT id, counterparty_iban, counterparty_is_organisation FROM ledger.bank_statement_line
       WHERE neighbourhood_id = $1 AND (counterparty_member_id = $2 OR entry_id IN (SELECT id FROM about))
     ), same_iban AS (
       SELECT id FROM ledger.bank_statement_line
       WHERE neighbourhood_id = $1 AND NOT counterparty_is_organisation
         AND counterparty_iban IN (SELECT counterparty_iban FROM linked WHERE NOT counterparty_is_organisation AND counterparty_iban IS NOT NULL)
     )
     UPDATE ledger.bank_statement_line
        SET counterparty_iban = NULL, counterparty_name = NULL, end_to_end_id = NULL, description = NULL, counterparty_erased_at = $3
      WHERE id IN (SELECT id FROM linked UNION SELECT id FROM same_iban) AND counterparty_erased_at IS NULL`,
    [event.neighbourhoodId, memberId.toLowerCase(), typeof erasedAt === 'string' ? erasedAt : event.time],
  );
}

/** The ledger follows community's events for one thing: erasures. */
export const communityConsumer: EventConsumer = {
  name: 'from-community',
  source: 'community',
  handlers: { [eventType('community', 'member.erased')]: eraseBankCounterparty },
};
