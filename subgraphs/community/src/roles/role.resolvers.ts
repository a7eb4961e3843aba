import { forbidden, isUuid, requireMember } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { grantOffice, listOffices, mayAppoint, officeById, officeTarget, officesOf, revokeOffice, rolesOf, type OfficeRow } from './offices';
import { enforcedRole } from './enforced-role';
import { communityError } from '../community-errors';

const officeOf = (row: OfficeRow) => row;

export const roleResolvers: Resolvers = {
  Mutation: {
    async grantRole(_parent, { input }, context) {
      const actor = requireMember(context.viewer, 'give an office');
      const target = officeTarget(input);
      if (!target.ok) return target.error;
      // An unknown place is said to be unknown before anyone's authority there is weighed.
      if (target.value.neighbourhoodId !== null && !(await context.loaders.neighbourhood.load(target.value.neighbourhoodId))) return communityError.neighbourhoodNotFound();
      if (!(await mayAppoint(context.db, context.viewer, target.value))) {
        throw forbidden(
          target.value.role === 'OFFICIAL'
            ? "Only the municipality's admins (or a platform admin) appoint its officials."
            : target.value.scope === 'NEIGHBOURHOOD'
              ? "Only this neighbourhood's admins give its offices."
              : 'Only a platform admin appoints the admins of a municipality or of the platform.',
        );
      }
      const outcome = await grantOffice(context.db, target.value, { memberId: input.memberId, reason: input.reason, grantedBy: actor }, context.events);
      return outcome.ok ? { __typename: 'GrantRoleSuccess', office: officeOf(outcome.value) } : outcome.error;
    },
    async revokeRole(_parent, { input }, context) {
      const actor = requireMember(context.viewer, 'revoke an office');
      const office = await officeById(context.db, input.officeId);
      if (!office) return communityError.officeNotFound();
      if (!(await mayAppoint(context.db, context.viewer, office))) throw forbidden('Only those who may give this office revoke it.');
      const outcome = await revokeOffice(context.db, office, { reason: input.reason, revokedBy: actor }, context.events);
      return outcome.ok ? { __typename: 'RevokeRoleSuccess', office: officeOf(outcome.value) } : outcome.error;
    },
  },
  Neighbourhood: {
    offices: (n, args, { db }) => listOffices(db, n.id, args),
  },
  Member: {
    offices: (m, { held }, { db }) => officesOf(db, m.id, held !== false),
  },
  WhoAmI: {
    async platformRoles(who, _args, { db }) {
      if (who.memberId === null || !isUuid(who.memberId)) return [];
      return (await rolesOf(db, who.memberId)).map(enforcedRole);
    },
  },
  Office: {
    holderId: (o) => o.memberId,
    holder: async (o, _args, { loaders }) => {
      const member = await loaders.member.load(o.memberId);
      return member && member.erasedAt === null ? member : null;
    },
    neighbourhood: (o, _args, { loaders }) => (o.neighbourhoodId ? loaders.neighbourhood.load(o.neighbourhoodId) : null),
    grantedById: (o) => o.grantedBy,
    revokedById: (o) => o.revokedBy,
    held: (o) => o.revokedAt === null,
    reason: (o) => o.grantReason,
  },
};
