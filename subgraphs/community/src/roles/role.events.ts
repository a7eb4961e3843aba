import type { DomainEvent, Role } from '@dbwe/platform';
import type { OfficeRow } from './offices';

/*
 * Offices given and revoked in a neighbourhood, as domain events (docs/events.md). Who holds an
 * office is public, as the neighbourhood's offices are; the reason is the admin's and travels
 * only in the audit fact. Offices of a municipality or the platform belong to no neighbourhood,
 * and their history is the role_grant table itself.
 */
export const roleEvent = {
  granted: (office: OfficeRow, actingAs: Role | 'operator'): DomainEvent => ({
    name: 'role.granted',
    subject: `offices/${office.id}`,
    neighbourhoodId: office.neighbourhoodId!,
    data: {
      officeId: office.id,
      memberId: office.memberId,
      role: office.role,
      grantedAt: office.grantedAt.toISOString(),
      audit: { actorId: office.grantedBy, role: actingAs, reason: office.grantReason, public: true },
    },
  }),
  revoked: (office: OfficeRow, actingAs: Role | 'operator'): DomainEvent => ({
    name: 'role.revoked',
    subject: `offices/${office.id}`,
    neighbourhoodId: office.neighbourhoodId!,
    data: {
      officeId: office.id,
      memberId: office.memberId,
      role: office.role,
      revokedAt: office.revokedAt!.toISOString(),
      audit: { actorId: office.revokedBy, role: actingAs, reason: office.revokeReason, public: true },
    },
  }),
};
