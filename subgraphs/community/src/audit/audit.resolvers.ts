import { isRole } from '@dbwe/platform';
import type { MemberRole, Resolvers } from '../generated/graphql';
import { listAuditTrail } from './audit-trail';

export const auditResolvers: Resolvers = {
  Neighbourhood: {
    auditTrail: (n, args, { db, viewer }) => listAuditTrail(db, n.id, viewer, args),
  },
  AuditRecord: {
    id: (r) => r.eventId,
    action: (r) => r.type,
    actor: (r, _args, { loaders }) => (r.actorId === null ? null : loaders.member.load(r.actorId)),
    // The sources name roles in the kit's words (`steward`); one the graph does not know reads as null, not as an error.
    role: (r) => (isRole(r.role) ? (r.role.toUpperCase() as MemberRole) : null),
  },
};
