import type { DataSource } from 'typeorm';
import type { MoneyValue } from '../money/money';
import type { MemberDomain } from '../entries/line.entity';

/*
 * Where the neighbourhood's spending goes. The steward states a member
 * counterparty's domain on the line when posting; it is stored with the line
 * and covered by the hash. Posting checks it in the public graph first
 * (integrity/reference-checks.ts): the counterparty is a member of this
 * neighbourhood, not erased, and of the domain stated, so neither a member of
 * another neighbourhood nor a made-up id counts as local. That makes the
 * report a fact of the books: it does not change when a member is erased
 * later, and it costs one aggregate query. The report also lists the totals
 * per counterparty with the member reference, so anyone can check the
 * recorded domains against the members' through the graph. (Lines booked
 * before postings were checked keep what they were booked with.)
 */

/** The domains whose members keep money in the neighbourhood. */
export const LOCAL_DOMAINS: readonly MemberDomain[] = ['CITIZEN', 'ENTREPRENEUR', 'EDUCATION_SCIENCE'];
const DOMAINS: readonly MemberDomain[] = ['CITIZEN', 'ENTREPRENEUR', 'EDUCATION_SCIENCE', 'GOVERNMENT'];

/** Net spending to one counterparty (or to nobody recorded, when all three are null). */
export interface SpendingRow {
  memberId: string | null;
  domain: MemberDomain | null;
  name: string | null;
  minor: bigint;
}

export interface LocalEconomyValue {
  from: string | null;
  to: string | null;
  spending: MoneyValue;
  stays: MoneyValue;
  leaves: MoneyValue;
  staysShare: string | null;
  unattributed: MoneyValue;
  byDomain: { domain: MemberDomain; amount: MoneyValue }[];
  counterparties: { member: { id: string } | null; domain: MemberDomain | null; name: string | null; amount: MoneyValue }[];
}

const eur = (minor: bigint): MoneyValue => ({ minor, unit: 'EUR' });

/** numerator / denominator with four decimals, rounded half up; exact, no floats. */
export function fraction(numerator: bigint, denominator: bigint): string {
  const scaled = (numerator * 20000n + denominator) / (2n * denominator);
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(5, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

export function summariseSpending(from: string | null, to: string | null, rows: SpendingRow[]): LocalEconomyValue {
  const sum = (list: SpendingRow[]) => list.reduce((total, r) => total + r.minor, 0n);
  const spending = sum(rows);
  const stays = sum(rows.filter((r) => r.domain !== null && LOCAL_DOMAINS.includes(r.domain)));
  const attributed = rows.filter((r) => r.memberId !== null || r.name !== null);
  return {
    from,
    to,
    spending: eur(spending),
    stays: eur(stays),
    leaves: eur(spending - stays),
    staysShare: spending > 0n ? fraction(stays, spending) : null,
    unattributed: eur(sum(rows.filter((r) => r.memberId === null && r.name === null))),
    byDomain: DOMAINS.map((domain) => ({ domain, amount: eur(sum(rows.filter((r) => r.domain === domain))) })),
    counterparties: attributed
      .sort((a, b) => (a.minor === b.minor ? 0 : a.minor > b.minor ? -1 : 1))
      .map((r) => ({ member: r.memberId ? { id: r.memberId } : null, domain: r.domain, name: r.name, amount: eur(r.minor) })),
  };
}

/** Spending is the net euro amount on expense lines booked in the period; the expense line's counterparty says where it went. */
export async function localEconomy(db: DataSource, neighbourhoodId: string, from: string | null, to: string | null): Promise<LocalEconomyValue> {
  const rows: { member_id: string | null; domain: MemberDomain | null; name: string | null; total: string }[] = await db.query(
    `SELECT l.counterparty_member_id AS member_id, l.counterparty_domain AS domain, l.counterparty_name AS name, sum(l.amount_minor)::text AS total
       FROM ledger.entry e
       JOIN ledger.line l ON l.entry_id = e.id
       JOIN ledger.account a ON a.id = l.account_id
      WHERE e.neighbourhood_id = $1 AND a.type = 'EXPENSE' AND l.unit = 'EUR'
        AND ($2::date IS NULL OR e.booking_date >= $2::date) AND ($3::date IS NULL OR e.booking_date <= $3::date)
      GROUP BY 1, 2, 3`,
    [neighbourhoodId, from, to],
  );
  return summariseSpending(
    from,
    to,
    rows.map((r) => ({ memberId: r.member_id, domain: r.domain, name: r.name, minor: BigInt(r.total) })),
  );
}
