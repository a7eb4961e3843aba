import { canonicalId, forbidden, isAdmin, isUuid, requireMember, requireRole } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { requireActiveMember, requireCallerId } from '../access';
import { listWishes } from '../wishes/wish.queries';
import { decideClaimedDomain, registerMember, updateProfile } from './member.commands';
import { communityError } from '../community-errors';
import type { Context } from '../context';
import { enforcedRole } from '../roles/enforced-role';

/** The member the caller registered as, unless erased. */
async function registeredMember(memberId: string | null, loaders: Context['loaders']) {
  const registered = memberId !== null && isUuid(memberId) ? await loaders.member.load(memberId) : null;
  return registered && registered.erasedAt === null ? registered : null;
}

export const memberResolvers: Resolvers = {
  Query: {
    member: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.member.load(id) : null),
    me: (_parent, _args, { viewer, loaders }) => (viewer.memberId !== null && isUuid(viewer.memberId) ? loaders.member.load(viewer.memberId) : null),
    // The roles are the request's own viewer, exactly what every check of this request reads, so what it says is enforced.
    whoAmI: (_parent, _args, { viewer }) => ({ memberId: viewer.memberId, viewerRoles: viewer.roles }),
  },
  Mutation: {
    async registerMember(_parent, { input }, context) {
      const id = requireCallerId(context, 'register as a member');
      const outcome = await registerMember(context.db, id, input, context.events);
      return outcome.ok ? { __typename: 'RegisterMemberSuccess', member: outcome.member } : outcome.error;
    },
    async confirmMemberDomain(_parent, { input }, context) {
      const outcome = await decideDomain(context, input, 'confirmed');
      return outcome.ok ? { __typename: 'ConfirmMemberDomainSuccess', member: outcome.member } : outcome.error;
    },
    async rejectMemberDomain(_parent, { input }, context) {
      const outcome = await decideDomain(context, input, 'rejected');
      return outcome.ok ? { __typename: 'RejectMemberDomainSuccess', member: outcome.member } : outcome.error;
    },
    async updateMyProfile(_parent, { input }, context) {
      const member = await requireActiveMember(context, 'update your profile');
      const outcome = await updateProfile(context.db, member, input, context.events);
      return outcome.ok ? { __typename: 'UpdateMyProfileSuccess', member: outcome.member } : outcome.error;
    },
  },
  WhoAmI: {
    member: (who, _args, { loaders }) => registeredMember(who.memberId, loaders),
    async neighbourhood(who, _args, { loaders }) {
      const member = await registeredMember(who.memberId, loaders);
      return member ? loaders.neighbourhood.load(member.neighbourhoodId) : null;
    },
    roles: (who) => who.viewerRoles.map(enforcedRole),
  },
  EnforcedRole: {
    neighbourhood: (r, _args, { loaders }) => (r.neighbourhoodId !== null && isUuid(r.neighbourhoodId) ? loaders.neighbourhood.load(r.neighbourhoodId) : null),
  },
  Member: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.member.load(ref.id) : null),
    async neighbourhood(m, _args, { loaders }) {
      const neighbourhood = await loaders.neighbourhood.load(m.neighbourhoodId);
      if (!neighbourhood) throw new Error(`member ${m.id} refers to missing neighbourhood ${m.neighbourhoodId}`);
      return neighbourhood;
    },
    erased: (m) => m.erasedAt !== null,
    claimedDomain: (m) => (m.erasedAt !== null ? null : (m.claimedDomain ?? m.domain)),
    domainConfirmed: (m) => m.claimedDomain === null,
    // Exactly what the platform enforces in the member's neighbourhood: resident by registration, and the offices held there.
    async roles(m, _args, { loaders }) {
      if (m.erasedAt !== null) return [];
      return ['RESIDENT', ...((await loaders.directoryRoles.load(m)) ?? [])];
    },
    // The same check runs whether the member was reached by member(id), nested, or through _entities.
    personalData(m, _args, { viewer }) {
      if (viewer.memberId !== m.id && !isAdmin(viewer, m.neighbourhoodId)) {
        throw forbidden('Personal data is visible only to the member and to admins.');
      }
      if (m.fullName === null) return null;
      return { fullName: m.fullName, email: m.email, phone: m.phone, address: m.address };
    },
    wishes: (m, args, { db }) => listWishes(db, { authorId: m.id }, args, null),
  },
};

/**
 * Only an admin of the member's own neighbourhood decides their domain, and never their own
 * claim: an admin who claimed GOVERNMENT would otherwise confirm it themselves. Who is a member
 * is public, so an unknown id is told as such to anyone signed in.
 */
async function decideDomain(context: Context, input: { memberId: string; reason: string }, decision: 'confirmed' | 'rejected') {
  const action = decision === 'confirmed' ? "confirm a member's domain" : "reject a member's domain";
  const actorId = requireMember(context.viewer, action);
  const member = isUuid(input.memberId) ? await context.loaders.member.load(input.memberId) : null;
  if (!member) return { ok: false as const, error: communityError.memberNotFound() };
  requireRole(context.viewer, ['admin'], member.neighbourhoodId, action);
  if (canonicalId(actorId) === member.id) throw forbidden('Nobody decides the domain they claimed themselves; another admin of the neighbourhood does.');
  return decideClaimedDomain(context.db, member.id, decision, { actorId, role: 'admin', reason: input.reason, public: true }, context.events);
}
