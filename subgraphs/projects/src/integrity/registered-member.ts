import { MEMBER_ROLES, requireRegistered, requireRole, type Role } from '@dbwe/platform';
import type { Context } from '../context';
import { neighbourhoodRefusal } from './reference-checks';

type Caller = Pick<Context, 'viewer' | 'services'>;

/**
 * The caller acts as a registered, not erased member of the neighbourhood
 * holding one of the roles there (a resident or higher unless said
 * otherwise): every mutation a resident does here goes through this.
 * Returns the caller's member id.
 */
export function requireRegisteredMember({ viewer, services }: Caller, neighbourhoodId: string, action: string, roles: readonly Role[] = MEMBER_ROLES): Promise<string> {
  return requireRegistered(viewer, neighbourhoodId, action, (id) => services.references.member(id), roles);
}

/**
 * The same, for a write that starts something in a neighbourhood the client
 * names (a project, a bid): a neighbourhood this installation does not serve
 * is the write's own typed refusal, which the mutation returns, rather than a
 * registration nobody could have. Both are looked up in one graph query.
 */
export async function requireRegisteredMemberOfServed(caller: Caller, neighbourhoodId: string, action: string, roles: readonly Role[] = MEMBER_ROLES) {
  requireRole(caller.viewer, roles, neighbourhoodId, action);
  const [unserved, registered] = await Promise.all([
    neighbourhoodRefusal(caller.services.references, neighbourhoodId),
    requireRegisteredMember(caller, neighbourhoodId, action, roles).then(
      (memberId) => ({ memberId }),
      (refusal: unknown) => ({ refusal }),
    ),
  ]);
  if (unserved) return { unserved };
  if ('refusal' in registered) throw registered.refusal;
  return registered;
}
