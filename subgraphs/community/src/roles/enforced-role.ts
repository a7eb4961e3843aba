import { isUuid, type RoleGrant } from '@dbwe/platform';
import type { createLoaders } from '../loaders';

/** A role as WhoAmI shows it: the role, and where it holds. */
export async function enforcedRole({ role, neighbourhood }: RoleGrant, loaders: ReturnType<typeof createLoaders>) {
  const everyNeighbourhood = neighbourhood === '*';
  return {
    role: role.toUpperCase() as Uppercase<typeof role>,
    everyNeighbourhood,
    neighbourhoodId: everyNeighbourhood ? null : neighbourhood,
    neighbourhood: everyNeighbourhood || !isUuid(neighbourhood) ? null : await loaders.neighbourhood.load(neighbourhood),
  };
}

/** What `whoAmI` resolves to; `platformRoles` is read only when asked for (the gateway asks for nothing else). */
export interface WhoAmIValue {
  memberId: string | null;
  member: import('../members/member.entity').MemberEntity | null;
  neighbourhood: import('../neighbourhoods/neighbourhood.entity').NeighbourhoodEntity | null;
  roles: Awaited<ReturnType<typeof enforcedRole>>[];
}
