import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Unit } from '../money/money';
import { ChainEntity } from './chain.entity';
import { EntryEntity } from './entry.entity';
import { LineEntity } from './line.entity';
import { GENESIS_HASH, entryHash } from './entry-hash';

export interface DraftLine {
  accountId: string;
  unit: Unit;
  minor: bigint;
  counterpartyMemberId?: string | null;
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

/** Opens a neighbourhood's books: an empty chain. Idempotent. */
export async function openChain(tx: EntityManager, neighbourhoodId: string): Promise<void> {
  await tx
    .createQueryBuilder()
    .insert()
    .into(ChainEntity)
    .values({ neighbourhoodId, lastSequence: 0, lastHash: GENESIS_HASH })
    .orIgnore()
    .execute();
}

/**
 * Appends one entry to its neighbourhood's chain inside the caller's
 * transaction. The chain row is locked, so sequences are gapless and the
 * hash chain cannot fork; balances move by trigger, and the database checks
 * balance and overdraft rules at commit.
 */
export async function appendEntry(tx: EntityManager, draft: DraftEntry): Promise<EntryEntity> {
  const chain = await tx
    .getRepository(ChainEntity)
    .createQueryBuilder('c')
    .setLock('pessimistic_write')
    .where('c.neighbourhood_id = :id', { id: draft.neighbourhoodId })
    .getOne();
  if (!chain) throw new Error(`the books of neighbourhood ${draft.neighbourhoodId} are not open`);

  const recordedAt = new Date(Math.floor((draft.recordedAt ?? new Date()).getTime()));
  const entry: EntryEntity = {
    id: randomUUID(),
    neighbourhoodId: draft.neighbourhoodId,
    sequence: chain.lastSequence + 1,
    bookingDate: draft.bookingDate,
    recordedAt,
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
  };
  const lines: LineEntity[] = draft.lines.map((line, position) => ({
    entryId: entry.id,
    position,
    accountId: line.accountId,
    amountMinor: line.minor.toString(),
    unit: line.unit,
    counterpartyMemberId: line.counterpartyMemberId ?? null,
    counterpartyName: line.counterpartyName ?? null,
  }));
  entry.hash = entryHash(chain.lastHash, {
    neighbourhoodId: entry.neighbourhoodId,
    sequence: entry.sequence,
    bookingDate: entry.bookingDate,
    recordedAt: recordedAt.toISOString(),
    description: entry.description,
    projectId: entry.projectId,
    memberId: entry.memberId,
    evidenceUrl: entry.evidenceUrl,
    reversesId: entry.reversesId,
    lines: lines.map((l) => ({
      accountId: l.accountId,
      unit: l.unit,
      minorUnits: l.amountMinor,
      counterpartyMemberId: l.counterpartyMemberId,
      counterpartyName: l.counterpartyName,
    })),
  });

  await tx.insert(EntryEntity, entry);
  await tx.insert(LineEntity, lines);
  await tx.update(ChainEntity, { neighbourhoodId: entry.neighbourhoodId }, { lastSequence: entry.sequence, lastHash: entry.hash });
  return entry;
}
