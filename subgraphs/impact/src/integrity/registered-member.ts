import { MEMBER_ROLES, requireRegistered, type Role } from '@dbwe/platform';
import type { Context } from '../context';

/**
 * The caller acts as a registered, not erased member of the neighbourhood
 * holding one of the roles there (a resident or higher unless said
 * otherwise): every write of impact goes through this. Returns the caller's
 * member id.
 */
export function requireRegisteredMember(
  { viewer, services }: Pick<Context, 'viewer' | 'services'>,
  neighbourhoodId: string,
  action: string,
  roles: readonly Role[] = MEMBER_ROLES,
): Promise<string> {
  return requireRegistered(viewer, neighbourhoodId, action, (id) => services.references.member(id), roles);
}
