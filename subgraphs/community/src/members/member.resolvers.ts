import { forbidden, isAdmin, isUuid } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { requireActiveMember, requireCallerId } from '../access';
import { listWishes } from '../wishes/wish.queries';
import { registerMember, updateProfile } from './member.commands';
import { enforcedRole } from '../roles/enforced-role';

export const memberResolvers: Resolvers = {
  Query: {
    member: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.member.load(id) : null),
    me: (_parent, _args, { viewer, loaders }) => (viewer.memberId !== null && isUuid(viewer.memberId) ? loaders.member.load(viewer.memberId) : null),
    // The roles are the request's own viewer, exactly what every check of this request reads, so what it says is enforced.
    async whoAmI(_parent, _args, { viewer, loaders }) {
      const registered = viewer.memberId !== null && isUuid(viewer.memberId) ? await loaders.member.load(viewer.memberId) : null;
      const member = registered && registered.erasedAt === null ? registered : null;
      const roles = await Promise.all(viewer.roles.map((held) => enforcedRole(held, loaders)));
      return {
        memberId: viewer.memberId,
        member,
        neighbourhood: member ? await loaders.neighbourhood.load(member.neighbourhoodId) : null,
        roles,
      };
    },
  },
  Mutation: {
    async registerMember(_parent, { input }, context) {
      const id = requireCallerId(context, 'register as a member');
      const outcome = await registerMember(context.db, id, input, context.events);
      return outcome.ok ? { __typename: 'RegisterMemberSuccess', member: outcome.member } : outcome.error;
    },
    async updateMyProfile(_parent, { input }, context) {
      const member = await requireActiveMember(context, 'update your profile');
      const outcome = await updateProfile(context.db, member, input, context.events);
      return outcome.ok ? { __typename: 'UpdateMyProfileSuccess', member: outcome.member } : outcome.error;
    },
  },
  Member: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.member.load(ref.id) : null),
    async neighbourhood(m, _args, { loaders }) {
      const neighbourhood = await loaders.neighbourhood.load(m.neighbourhoodId);
      if (!neighbourhood) throw new Error(`member ${m.id} refers to missing neighbourhood ${m.neighbourhoodId}`);
      return neighbourhood;
    },
    erased: (m) => m.erasedAt !== null,
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
