/*
 * Which counter account to propose for a statement line, by a rule a
 * treasurer can check: (1) the account of the most recent confirmed line with
 * the same counterparty IBAN; else (2) the account of the confirmed line whose
 * description shares the most words with this one (Jaccard similarity of the
 * word sets, words of 3+ letters, digits ignored), if it shares at least half
 * of them; else nothing. Pure: the caller passes the confirmed history.
 */

export interface ConfirmedLine {
  lineId: string;
  counterpartyIban: string | null;
  description: string;
  counterAccountId: string;
  bookingDate: string;
}

export interface Suggestion {
  accountId: string;
  basis: 'SAME_IBAN' | 'SIMILAR_DESCRIPTION';
  /** The confirmed line it follows. */
  fromLineId: string;
  /** 1 for the same IBAN; the Jaccard similarity for a description. */
  score: number;
}

export const MIN_SIMILARITY = 0.5;

export function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .split(/[^a-z]+/)
      .filter((w) => w.length >= 3),
  );
}

export function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/** `history` newest first. */
export function suggestCounterAccount(line: { counterpartyIban: string | null; description: string }, history: readonly ConfirmedLine[]): Suggestion | null {
  if (line.counterpartyIban) {
    const same = history.find((h) => h.counterpartyIban === line.counterpartyIban);
    if (same) return { accountId: same.counterAccountId, basis: 'SAME_IBAN', fromLineId: same.lineId, score: 1 };
  }
  const mine = words(line.description);
  let best: Suggestion | null = null;
  for (const h of history) {
    const score = similarity(mine, words(h.description));
    if (score >= MIN_SIMILARITY && (!best || score > best.score)) best = { accountId: h.counterAccountId, basis: 'SIMILAR_DESCRIPTION', fromLineId: h.lineId, score };
  }
  return best;
}
