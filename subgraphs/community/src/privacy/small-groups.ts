/**
 * Privacy of small groups: an aggregate over a few people gives away what
 * each of them chose (a poll total with one participant is that resident's
 * division; comparing two reads of a count tells what the one person who
 * acted in between did). Such aggregates are published only once at least
 * `minGroupSize` people are in them, and a poll's totals only once it is
 * closed, when reads can no longer be compared. docs/privacy.md lists which
 * aggregates are covered and why the others are not.
 */
export interface SmallGroupPolicy {
  minGroupSize: number;
}

/** Why a poll's totals are not shown yet, or null when they are. */
export type PollResultsHidden = 'POLL_OPEN' | 'TOO_FEW_PARTICIPANTS';

export function pollResultsHidden(poll: { closedAt: Date | null }, participants: number, policy: SmallGroupPolicy): PollResultsHidden | null {
  if (poll.closedAt === null) return 'POLL_OPEN';
  if (participants < policy.minGroupSize) return 'TOO_FEW_PARTICIPANTS';
  return null;
}

/**
 * A count of people as published: null below the minimum group size. Zero
 * is hidden too, or the step from "0" to "hidden" would tell that one person
 * just acted.
 */
export function publishedCount(count: number, policy: SmallGroupPolicy): number | null {
  return count >= policy.minGroupSize ? count : null;
}
