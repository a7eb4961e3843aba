import { badInput, forbidden, isUuid, requireMember, requireRole, type Role } from '@dbwe/platform';
import type { Context } from './context';
import type { MemberEntity } from './members/member.entity';

/** The caller's own member id; it must be a UUID because it becomes the member's id. */
export function requireCallerId(context: Context, action: string): string {
  const id = requireMember(context.viewer, action);
  if (!isUuid(id)) throw badInput('Your identity has no usable member id (the token subject must be a UUID).');
  return id;
}

/** The caller's member record; refuses callers who never registered or who were erased. */
export async function requireActiveMember(context: Context, action: string): Promise<MemberEntity> {
  const id = requireCallerId(context, action);
  const member = await context.loaders.member.load(id);
  if (!member) throw forbidden(`Register as a member to ${action}.`);
  if (member.erasedAt !== null) throw forbidden(`This member was erased and can no longer ${action}.`);
  return member;
}

/**
 * A member of the neighbourhood holding one of the roles there: the role
 * comes from the verified identity, the membership from community's records.
 */
export async function requireMemberWithRole(context: Context, neighbourhoodId: string, roles: readonly Role[], action: string): Promise<MemberEntity> {
  requireCallerId(context, action);
  requireRole(context.viewer, roles, neighbourhoodId, action);
  const member = await requireActiveMember(context, action);
  if (member.neighbourhoodId !== neighbourhoodId) throw forbidden(`Only members of this neighbourhood may ${action}.`);
  return member;
}
