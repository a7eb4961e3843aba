import { forbidden } from './errors';
import { requireMember, requireRole, type Role, type Viewer } from './identity';
import { memberErased } from './member-standing';
import { checkingReferences, referenceProblem, type MemberFacts } from './references';

/** Who acts as a member of a neighbourhood: a resident or higher (an admin holds every role). */
export const MEMBER_ROLES: readonly Role[] = ['resident', 'steward', 'official'];

/**
 * A role in a token is not enough to act in a neighbourhood: the caller must
 * also be registered there, in the community, and not erased (issue 20,
 * "Members are who they say"). Registration is the community's word, read as
 * the subgraph reads every member it names (`lookup`, through the public
 * graph); a graph that cannot be read refuses the write. Returns the caller's
 * member id.
 */
export async function requireRegistered(
  viewer: Viewer,
  neighbourhoodId: string,
  action: string,
  lookup: (memberId: string) => Promise<MemberFacts | null>,
  roles: readonly Role[] = MEMBER_ROLES,
): Promise<string> {
  requireRole(viewer, roles, neighbourhoodId, action);
  const memberId = requireMember(viewer, action);
  const facts = await checkingReferences('Your membership', () => lookup(memberId));
  const problem = referenceProblem(facts, neighbourhoodId);
  if (problem === 'ERASED') throw memberErased(action);
  if (problem !== null) throw forbidden(`Register in this neighbourhood to ${action}.`);
  return memberId;
}
