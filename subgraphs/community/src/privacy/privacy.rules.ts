import { randomBytes } from 'node:crypto';
import type { MyDataExportRef } from '@dbwe/platform';

/** A data export as community's resolvers hand it on; each part is read when its field is asked for. */
export interface MyDataExportValue extends MyDataExportRef {
  exportedAt: Date;
}

/**
 * The display name an erased member gets. Random, so it cannot be traced
 * back to the member id or to the old pseudonym.
 */
export function anonymousLabel(random: Buffer = randomBytes(3)): string {
  return `Anonymous member ${random.toString('hex')}`;
}

export interface HeldData {
  member: {
    id: string;
    neighbourhoodId: string;
    displayName: string;
    kind: string;
    domain: string;
    /** A domain claimed and not yet decided by an admin (null when none waits). */
    claimedDomain: string | null;
    domainConfirmedAt: Date | null;
    domainConfirmedBy: string | null;
    roles: string[];
    joinedAt: Date;
    updatedAt: Date;
    erasedAt: Date | null;
    fullName: string | null;
    email: string | null;
    phone: string | null;
    address: string | null;
  } | null;
  wishes: { id: string; neighbourhoodId: string; title: string; description: string; createdAt: Date; archivedAt: Date | null }[];
  supports: { wishId: string; title: string; supportedAt: Date }[];
  ballots: { pollId: string; title: string; updatedAt: Date; allocations: { themeId: string; theme: string; points: number }[] }[];
  /** The member's webhook subscriptions; their signing secrets are not data about the member and stay out. */
  webhooks: { id: string; neighbourhoodId: string; url: string; eventTypes: string[]; active: boolean; createdAt: Date }[];
}

/**
 * The export a member receives (AVG articles 15 and 20). An erased member is
 * no longer linked to a person, so nothing is held about them: the export is
 * an empty object, whatever still refers to the opaque id.
 */
export function toExport(held: HeldData): Record<string, unknown> {
  if (held.member === null || held.member.erasedAt !== null) return {};
  const { erasedAt: _erased, ...member } = held.member;
  return {
    member: {
      ...member,
      domainConfirmedAt: member.domainConfirmedAt?.toISOString() ?? null,
      joinedAt: member.joinedAt.toISOString(),
      updatedAt: member.updatedAt.toISOString(),
    },
    wishes: held.wishes.map((w) => ({ ...w, createdAt: w.createdAt.toISOString(), archivedAt: w.archivedAt?.toISOString() ?? null })),
    supports: held.supports.map((s) => ({ ...s, supportedAt: s.supportedAt.toISOString() })),
    pollAllocations: held.ballots.map((b) => ({ ...b, updatedAt: b.updatedAt.toISOString() })),
    webhookSubscriptions: held.webhooks.map((w) => ({ ...w, createdAt: w.createdAt.toISOString() })),
  };
}
