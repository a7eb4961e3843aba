import { createHash } from 'node:crypto';

/** The previous hash of the first entry in a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the hash covers: everything the public API returns about an entry. */
export interface HashableEntry {
  neighbourhoodId: string;
  sequence: number;
  bookingDate: string;
  recordedAt: string;
  description: string;
  projectId: string | null;
  memberId: string | null;
  evidenceUrl: string | null;
  reversesId: string | null;
  lines: { accountId: string; unit: string; minorUnits: string; counterpartyMemberId: string | null; counterpartyName: string | null }[];
}

/**
 * The canonical serialisation, version 1 (documented in docs/ledger-hash.md):
 * a JSON array, no white space, fields in this fixed order, amounts as
 * decimal strings of minor units, lines in their position order.
 */
export function canonicalEntry(entry: HashableEntry): string {
  return JSON.stringify([
    'dbwe-entry-v1',
    entry.neighbourhoodId,
    entry.sequence,
    entry.bookingDate,
    entry.recordedAt,
    entry.description,
    entry.projectId,
    entry.memberId,
    entry.evidenceUrl,
    entry.reversesId,
    entry.lines.map((l) => [l.accountId, l.unit, l.minorUnits, l.counterpartyMemberId, l.counterpartyName]),
  ]);
}

/** hash = hex(SHA-256(previousHash ‖ "\n" ‖ canonical)), UTF-8. */
export function entryHash(previousHash: string, entry: HashableEntry): string {
  return createHash('sha256').update(`${previousHash}\n${canonicalEntry(entry)}`, 'utf8').digest('hex');
}
