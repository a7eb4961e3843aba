import type { DataSource, EntityManager } from 'typeorm';
import { In, MoreThan } from 'typeorm';
import { groupByKeys } from '@dbwe/platform';
import { ChainEntity } from './chain.entity';
import { EntryEntity } from './entry.entity';
import { LineEntity } from './line.entity';
import { GENESIS_HASH, checkChainLink } from './entry-hash';
import { hashable } from './posting';
import { differencesPerUnit } from './posting-rules';
import { derivedTotalDifferences, logProblem, type DerivedTotalDifferenceValue } from '../log/log-verification';

export interface ChainVerification {
  valid: boolean;
  entriesChecked: number;
  headSequence: number;
  headHash: string;
  firstBadSequence: number | null;
  problem: string | null;
  logValid: boolean;
  logProblem: string | null;
  derivedTotalsValid: boolean;
  derivedTotalDifferences: DerivedTotalDifferenceValue[];
}

export type { DerivedTotalDifferenceValue };

const BATCH = 500;

/**
 * Recomputes every hash of a neighbourhood's chain from the stored rows, in
 * sequence order, a batch at a time, and reports the first entry that does
 * not check out; checks the log against the records and its stored tree;
 * recomputes every stored total from the lines. Reads the whole books: the
 * price of not trusting them.
 */
export function verifyChain(db: DataSource, neighbourhoodId: string): Promise<ChainVerification | null> {
  // One snapshot for the heads, every entry and every total, so entries booked while the walk runs are not half seen.
  return db.transaction('REPEATABLE READ', async (tx) => {
    const chain = await walkChain(tx, neighbourhoodId);
    if (!chain) return null;
    const log = await logProblem(tx, neighbourhoodId);
    const differences = await derivedTotalDifferences(tx, neighbourhoodId);
    return {
      ...chain,
      valid: chain.valid && log === null && differences.length === 0,
      logValid: log === null,
      logProblem: log,
      derivedTotalsValid: differences.length === 0,
      derivedTotalDifferences: differences,
    };
  });
}

/**
 * An entry whose hash checks out may still not be books: one booked with the database's balance check switched off
 * is hashed, logged and signed like any other. The independent verifier refuses it; so does this walk.
 */
function shapeProblem(entry: EntryEntity, lines: LineEntity[]): { sequence: number; problem: string } | null {
  if (lines.length < 2) return { sequence: entry.sequence, problem: `entry ${entry.sequence} has ${lines.length} line(s); an entry has at least two` };
  const off = differencesPerUnit(lines.map((l) => ({ unit: l.unit, minor: BigInt(l.amountMinor) }))).find((d) => d.minor !== 0n);
  return off ? { sequence: entry.sequence, problem: `entry ${entry.sequence} does not balance in ${off.unit} (off by ${off.minor})` } : null;
}

type ChainWalk = Pick<ChainVerification, 'valid' | 'entriesChecked' | 'headSequence' | 'headHash' | 'firstBadSequence' | 'problem'>;

async function walkChain(tx: EntityManager, neighbourhoodId: string): Promise<ChainWalk | null> {
  const head = await tx.getRepository(ChainEntity).findOneBy({ neighbourhoodId });
  if (!head) return null;
  const report = (checked: number, firstBad: { sequence: number; problem: string } | null): ChainWalk => ({
    valid: firstBad === null,
    entriesChecked: checked,
    headSequence: head.lastSequence,
    headHash: head.lastHash,
    firstBadSequence: firstBad?.sequence ?? null,
    problem: firstBad?.problem ?? null,
  });

  const state = { expectedSequence: 1, previousHash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const entries = await tx.getRepository(EntryEntity).find({
      where: { neighbourhoodId, sequence: MoreThan(state.expectedSequence - 1) },
      order: { sequence: 'ASC' },
      take: BATCH,
    });
    if (entries.length === 0) break;
    const lines = await tx.getRepository(LineEntity).find({ where: { entryId: In(entries.map((e) => e.id)) }, order: { entryId: 'ASC', position: 'ASC' } });
    const linesOf = groupByKeys(entries.map((e) => e.id), lines, (l) => l.entryId);
    for (const [index, entry] of entries.entries()) {
      checked++;
      const problem = checkChainLink(state, { ...hashable(entry, linesOf[index]), previousHash: entry.previousHash, hash: entry.hash }) ?? shapeProblem(entry, linesOf[index]);
      if (problem) return report(checked, problem);
    }
    if (entries.length < BATCH) break;
  }
  const lastSequence = state.expectedSequence - 1;
  if (lastSequence !== head.lastSequence || state.previousHash !== head.lastHash) {
    return report(checked, { sequence: lastSequence + 1, problem: `the chain head says entry ${head.lastSequence} (${head.lastHash}), the entries end at ${lastSequence}` });
  }
  return report(checked, null);
}
