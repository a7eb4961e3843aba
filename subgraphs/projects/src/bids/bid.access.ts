import { hasRole, requireMember, type Viewer } from '@dbwe/platform';
import type { BidActor } from './bid-lifecycle';
import type { BidEntity } from './bid.entity';

/**
 * The capacities in which the viewer can act on a bid: as one of its
 * challengers, and/or as an official of its neighbourhood's municipality.
 * Municipalities grant their officials the `official` role per neighbourhood,
 * so "official of this municipality" is checked against the bid's neighbourhood.
 */
export function capacities(viewer: Viewer, bid: BidEntity, challengerIds: readonly string[]): BidActor[] {
  const result: BidActor[] = [];
  if (viewer.memberId !== null && challengerIds.includes(viewer.memberId)) result.push('CHALLENGER');
  if (hasRole(viewer, ['official'], bid.neighbourhoodId)) result.push('OFFICIAL');
  return result;
}

/** A draft is the challengers' work in progress; from submission on, the bid and its whole history are public. */
export function canSeeBid(viewer: Viewer, bid: BidEntity, challengerIds: readonly string[]): boolean {
  return bid.submittedAt !== null || (viewer.memberId !== null && challengerIds.includes(viewer.memberId)) || hasRole(viewer, ['admin'], bid.neighbourhoodId);
}

/** Every step on a bid is signed by a member: the public sees who did it. */
export const requireActor = (viewer: Viewer, action: string): string => requireMember(viewer, action);
