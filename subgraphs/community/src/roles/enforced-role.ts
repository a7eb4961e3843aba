import type { RoleGrant } from '@dbwe/platform';

/** A role as WhoAmI shows it: the role, and where it holds (the neighbourhood itself is read only when asked for). */
export interface EnforcedRoleValue {
  role: 'RESIDENT' | 'STEWARD' | 'OFFICIAL' | 'ADMIN';
  everyNeighbourhood: boolean;
  neighbourhoodId: string | null;
}

export function enforcedRole({ role, neighbourhood }: RoleGrant): EnforcedRoleValue {
  const everyNeighbourhood = neighbourhood === '*';
  return { role: role.toUpperCase() as EnforcedRoleValue['role'], everyNeighbourhood, neighbourhoodId: everyNeighbourhood ? null : neighbourhood };
}

/**
 * What `whoAmI` resolves to: the caller; each field is read only when asked for, so the gateway's
 * question on every request (`platformRoles`, roles.resolvers.ts) costs one statement.
 */
export interface WhoAmIValue {
  memberId: string | null;
  /** The roles of this request's viewer, as every check of the request reads them. */
  viewerRoles: readonly RoleGrant[];
}
