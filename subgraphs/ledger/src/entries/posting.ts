import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Unit } from '../money/money';
import type { ChainEntity } from './chain.entity';
import { EntryEntity } from './entry.entity';
import { LineEntity, type MemberDomain } from './line.entity';
import { GENESIS_HASH, entryHash, type HashableEntry } from './entry-hash';

export interface DraftLine {
  accountId: string;
  unit: Unit;
  minor: bigint;
  counterpartyMemberId?: string | null;
  counterpartyDomain?: MemberDomain | null;
  counterpartyName?: string | null;
}

export interface DraftEntry {
  neighbourhoodId: string;
  bookingDate: string;
  description: string;
  lines: DraftLine[];
  projectId?: string | null;
  memberId?: string | null;
  evidenceUrl?: string | null;
  recordedBy?: string | null;
  reversesId?: string | null;
  idempotencyKey?: string | null;
  requestFingerprint?: string | null;
  /** Defaults to now; seeds pass a fixed time so demo data is reproducible. */
  recordedAt?: Date;
}

/** Opens a neighbourhood's books: an empty chain and an empty log. Returns false when they were open already. */
export async function openChain(tx: EntityManager, neighbourhoodId: string, origin: string | null): Promise<boolean> {
  const inserted: unknown[] = await tx.query(
    `INSERT INTO ledger.chain (neighbourhood_id, last_sequence, last_hash, log_origin) VALUES ($1, 0, $2, $3)
     ON CONFLICT DO NOTHING RETURNING neighbourhood_id`,
    [neighbourhoodId, GENESIS_HASH, origin],
  );
  return inserted.length > 0;
}

/** Locks a neighbourhood's chain head for the rest of the transaction; null when its books are not open. */
export async function lockChain(tx: EntityManager, neighbourhoodId: string): Promise<ChainEntity | null> {
  // SELECT … FOR UPDATE needs UPDATE privilege, which the service does not hold; lock_chain locks as the owner.
  const [head]: { neighbourhood_id: string; last_sequence: number; last_hash: string; log_origin: string | null; tree_size: string; tree_frontier: Buffer }[] =
    await tx.query(`SELECT neighbourhood_id, last_sequence, last_hash, log_origin, tree_size, tree_frontier FROM ledger.lock_chain($1)`, [neighbourhoodId]);
  return head
    ? {
        neighbourhoodId: head.neighbourhood_id,
        lastSequence: head.last_sequence,
        lastHash: head.last_hash,
        logOrigin: head.log_origin,
        treeSize: Number(head.tree_size),
        treeFrontier: head.tree_frontier,
      }
    : null;
}

/** The facts of a stored entry the hash covers (docs/ledger-hash.md). */
export function hashable(entry: EntryEntity, lines: LineEntity[]): HashableEntry {
  return {
    id: entry.id,
    neighbourhoodId: entry.neighbourhoodId,
    sequence: entry.sequence,
    bookingDate: entry.bookingDate,
    recordedAt: entry.recordedAt.toISOString(),
    description: entry.description,
    projectId: entry.projectId,
    memberId: entry.memberId,
    evidenceUrl: entry.evidenceUrl,
    recordedBy: entry.recordedBy,
    reversesId: entry.reversesId,
    lines: lines.map((l) => ({
      accountId: l.accountId,
      unit: l.unit,
      minorUnits: BigInt(l.amountMinor).toString(),
      counterpartyMemberId: l.counterpartyMemberId,
      counterpartyDomain: l.counterpartyDomain,
      counterpartyName: l.counterpartyName,
    })),
  };
}

/**
 * Appends one entry to its neighbourhood's chain inside the caller's
 * transaction. The caller holds the chain row's lock (`lockChain`), so the
 * sequence is the next one and the previous hash is the head's; the entry
 * trigger moves the head and refuses anything else. Balances move by the
 * line trigger; balance and reversal rules are checked again at commit.
 */
export async function appendEntry(tx: EntityManager, chain: ChainEntity, draft: DraftEntry): Promise<EntryEntity> {
  const entry: EntryEntity = {
    id: randomUUID(),
    neighbourhoodId: draft.neighbourhoodId,
    sequence: chain.lastSequence + 1,
    bookingDate: draft.bookingDate,
    // The hash covers recordedAt to the millisecond; the column keeps exactly that.
    recordedAt: new Date(Math.floor((draft.recordedAt ?? new Date()).getTime())),
    description: draft.description,
    projectId: draft.projectId ?? null,
    memberId: draft.memberId ?? null,
    evidenceUrl: draft.evidenceUrl ?? null,
    recordedBy: draft.recordedBy ?? null,
    reversesId: draft.reversesId ?? null,
    idempotencyKey: draft.idempotencyKey ?? null,
    requestFingerprint: draft.requestFingerprint ?? null,
    previousHash: chain.lastHash,
    hash: '',
    // Under the chain lock the entry's leaf is the next one; the entry trigger appends it there and records the same index.
    leafIndex: chain.treeSize,
  };
  const lines: LineEntity[] = draft.lines.map((line, position) => ({
    entryId: entry.id,
    position,
    accountId: line.accountId,
    amountMinor: line.minor.toString(),
    unit: line.unit,
    counterpartyMemberId: line.counterpartyMemberId ?? null,
    counterpartyDomain: line.counterpartyDomain ?? null,
    counterpartyName: line.counterpartyName ?? null,
  }));
  entry.hash = entryHash(chain.lastHash, hashable(entry, lines));

  await tx.insert(EntryEntity, entry);
  await tx.insert(LineEntity, lines);
  chain.lastSequence = entry.sequence;
  chain.lastHash = entry.hash;
  chain.treeSize += 1;
  return entry;
}
