import type { AuditFact, DomainEvent } from '@dbwe/platform';
import { communityEvent, municipalityStreamId, PLATFORM_STREAM_ID } from '../events';
import type { OfficeRow } from './offices';

/*
 * Offices given and revoked, as domain events (docs/events.md): `role.granted` (the same event
 * onboarding records for a neighbourhood's first admin) and `role.revoked`. An office of a
 * municipality or of the platform belongs to no neighbourhood and goes in that municipality's or
 * the platform's stream. Who holds an office is public, as the neighbourhood's offices are; the
 * admin's reason travels in the audit fact.
 */
const streamOf = (office: OfficeRow) =>
  office.neighbourhoodId ?? (office.municipalityCode !== null ? municipalityStreamId(office.municipalityCode) : PLATFORM_STREAM_ID);

export const roleEvent = {
  granted: (office: OfficeRow): DomainEvent =>
    communityEvent.roleGranted(office, { actorId: office.grantedBy, role: 'admin', reason: office.grantReason, public: true }),
  /** `audit` defaults to the revoking admin's; erasure passes the member's own (they ended it by erasing themselves). */
  revoked: (office: OfficeRow, audit?: AuditFact): DomainEvent => ({
    name: 'role.revoked',
    subject: `role-grants/${office.id}`,
    neighbourhoodId: streamOf(office),
    data: {
      grantId: office.id,
      memberId: office.memberId,
      role: office.role,
      scope: office.scope,
      neighbourhoodId: office.neighbourhoodId,
      municipalityCode: office.municipalityCode,
      revokedAt: office.revokedAt!.toISOString(),
      audit: audit ?? { actorId: office.revokedBy, role: 'admin', reason: office.revokeReason, public: true },
    },
  }),
};
