import { createHash } from 'node:crypto';

/**
 * The hash chain, format dbwe-entry-v1, specified in docs/ledger-hash.md.
 * This file has no dependencies besides node:crypto: the command-line
 * verifier uses it on what the public API returns, the server on what the
 * database holds, and both must agree byte for byte.
 */

/** The previous hash of the first entry in a chain. */
export const GENESIS_HASH = '0'.repeat(64);

export const HASH_FORMAT = 'dbwe-entry-v1';

export interface HashableLine {
  accountId: string;
  unit: string;
  /** Signed minor units as a decimal string, e.g. "-1250". */
  minorUnits: string;
  counterpartyMemberId: string | null;
  counterpartyDomain: string | null;
  counterpartyName: string | null;
}

/** What the hash covers: every fact the public API returns about an entry. */
export interface HashableEntry {
  id: string;
  neighbourhoodId: string;
  sequence: number;
  bookingDate: string;
  /** ISO 8601 in UTC with milliseconds, e.g. 2025-01-15T16:00:00.000Z. */
  recordedAt: string;
  description: string;
  projectId: string | null;
  memberId: string | null;
  evidenceUrl: string | null;
  recordedBy: string | null;
  reversesId: string | null;
  /** In position order. */
  lines: HashableLine[];
}

/** A JSON array without white space, fields in a fixed order (docs/ledger-hash.md). */
export function canonicalEntry(entry: HashableEntry): string {
  return JSON.stringify([
    HASH_FORMAT,
    entry.id,
    entry.neighbourhoodId,
    entry.sequence,
    entry.bookingDate,
    entry.recordedAt,
    entry.description,
    entry.projectId,
    entry.memberId,
    entry.evidenceUrl,
    entry.recordedBy,
    entry.reversesId,
    entry.lines.map((l) => [l.accountId, l.unit, l.minorUnits, l.counterpartyMemberId, l.counterpartyDomain, l.counterpartyName]),
  ]);
}

/** hash = lowercase hex of SHA-256 over the UTF-8 bytes of previousHash ‖ "\n" ‖ canonical. */
export function entryHash(previousHash: string, entry: HashableEntry): string {
  return createHash('sha256').update(`${previousHash}\n${canonicalEntry(entry)}`, 'utf8').digest('hex');
}

export interface ChainProblem {
  sequence: number;
  problem: string;
}

/**
 * Walks entries in sequence order and returns the first one that breaks the
 * chain: a missing or repeated sequence, a previous hash that is not the
 * hash before it, or a stored hash that is not the hash of its content.
 * `state` carries the walk across pages.
 */
export function checkChainLink(
  state: { expectedSequence: number; previousHash: string },
  entry: HashableEntry & { previousHash: string; hash: string },
): ChainProblem | null {
  if (entry.sequence !== state.expectedSequence) {
    return { sequence: state.expectedSequence, problem: `expected sequence ${state.expectedSequence}, found ${entry.sequence}` };
  }
  if (entry.previousHash !== state.previousHash) {
    return { sequence: entry.sequence, problem: `previousHash is not the hash of entry ${entry.sequence - 1}` };
  }
  const recomputed = entryHash(entry.previousHash, entry);
  if (recomputed !== entry.hash) {
    return { sequence: entry.sequence, problem: `content does not match its hash (stored ${entry.hash}, recomputed ${recomputed})` };
  }
  state.expectedSequence += 1;
  state.previousHash = entry.hash;
  return null;
}
