import { eventType, stableId, type AuditFact, type DomainEvent, type EventsDeclaration, type SqlRunner, type StoredEvent } from '@dbwe/platform';
import { feedConsumers } from './feed/event-feed';
import { webhookDeliveries, webhookFanOut } from './webhooks/webhook.delivery';
import type { CommunityServices } from './services';
import type { MemberEntity } from './members/member.entity';
import type { WishEntity } from './wishes/wish.entity';
import type { ThemeEntity } from './themes/theme.entity';
import type { PollEntity } from './polls/poll.entity';
import type { NeighbourhoodEntity } from './neighbourhoods/neighbourhood.entity';
import type { MunicipalityEntity } from './neighbourhoods/municipality.entity';

/*
 * The domain events the community subgraph records, and the one it consumes
 * (docs/events.md). Data holds ids, kinds and times: no names, pseudonyms
 * or texts, which erasure must be able to take back and events cannot.
 * Support and poll divisions are recorded as "changed" without the member,
 * and a division itself not at all: who supports or votes what is private.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A project took the wish up. Its status (ADOPTED) is still read from the
 * projects subgraph through the graph; what changes here is that the wish
 * changed, so `updatedAt` moves and "changed since" sync finds it, and the
 * adoption is kept for the neighbourhood's own answers.
 */
async function wishAdopted(tx: SqlRunner, event: StoredEvent): Promise<void> {
  const { wishId, projectId, adoptedAt } = event.data;
  if (typeof wishId !== 'string' || !UUID.test(wishId) || typeof projectId !== 'string' || !UUID.test(projectId) || typeof adoptedAt !== 'string') {
    throw new Error(`${event.type} ${event.id} lacks wishId, projectId or adoptedAt`);
  }
  // A wish this neighbourhood does not hold (an id the producer did not check) has nothing to move.
  await tx.query(
    `WITH wish AS (UPDATE community.wish SET updated_at = greatest(updated_at, now()) WHERE id = $1 RETURNING id)
     INSERT INTO community.wish_adoption (wish_id, project_id, adopted_at, event_id)
     SELECT id, $2, $3, $4 FROM wish ON CONFLICT ON CONSTRAINT wish_adoption_pkey DO NOTHING`,
    [wishId, projectId, adoptedAt, event.id],
  );
}

export const communityEvents: EventsDeclaration<CommunityServices> = {
  emits: [
    'member.registered',
    'member.profile-updated',
    'member.erased',
    'member.domain-confirmed',
    'member.domain-rejected',
    'theme.added',
    'wish.posted',
    'wish.support-changed',
    'wish.archived',
    'poll.opened',
    'poll.closed',
    'municipality.registered',
    'neighbourhood.onboarded',
    'role.granted',
    'role.revoked',
  ],
  // Every source's events into the BI feed, in order; projects' wish.adopted also moves the wish.
  consumes: feedConsumers({ projects: { [eventType('projects', 'wish.adopted')]: wishAdopted } }),
  // Webhooks: each event fanned out into one delivery job per subscription.
  workers: [webhookFanOut, webhookDeliveries],
};

const time = (at: Date) => at.toISOString();

/** The audit fact an admin's action carries (the kit's AuditFact, docs/events.md "Audit facts"); onboarding's and the offices' are public. */
export type Audit = AuditFact;

/**
 * A municipality is no neighbourhood, but every event belongs to one stream: a municipality's
 * events (its registration, the grants of its admins) go in a stream of its own, with this id
 * as their `neighbourhoodid`, so they are ordered and fed like a neighbourhood's.
 */
export const municipalityStreamId = (code: string) => stableId(`municipality:${code}`);
/** The stream of what concerns the whole installation: its platform admins' grants. */
export const PLATFORM_STREAM_ID = stableId('platform');

/** A grant as its event tells it: ids, the office and where it holds, never the holder's name. */
export interface GrantFact {
  id: string;
  memberId: string;
  role: 'STEWARD' | 'OFFICIAL' | 'ADMIN';
  scope: 'NEIGHBOURHOOD' | 'MUNICIPALITY' | 'PLATFORM';
  neighbourhoodId: string | null;
  municipalityCode: string | null;
  grantedAt: Date;
}

export const communityEvent = {
  memberRegistered: (member: MemberEntity): DomainEvent => ({
    name: 'member.registered',
    subject: `members/${member.id}`,
    neighbourhoodId: member.neighbourhoodId,
    // `domain` is the public one (CITIZEN while a claim waits); `claimedDomain` the claim an admin is yet to decide, or null.
    data: { memberId: member.id, kind: member.kind, domain: member.domain, claimedDomain: member.claimedDomain, joinedAt: time(member.joinedAt) },
  }),
  /** An admin settled a claimed domain: `domain` is the public domain from now on, `claimedDomain` what was claimed. */
  memberDomainDecided: (
    member: MemberEntity,
    decision: 'confirmed' | 'rejected',
    claimedDomain: MemberEntity['claimedDomain'],
    audit: Audit,
  ): DomainEvent => ({
    name: decision === 'confirmed' ? 'member.domain-confirmed' : 'member.domain-rejected',
    subject: `members/${member.id}`,
    neighbourhoodId: member.neighbourhoodId,
    data: { memberId: member.id, domain: member.domain, claimedDomain, decidedAt: time(member.domainConfirmedAt ?? member.updatedAt), audit },
  }),
  /** Which public fields changed (a display name), not their values; personal fields are not mentioned. */
  memberProfileUpdated: (member: MemberEntity, publicFields: readonly string[]): DomainEvent => ({
    name: 'member.profile-updated',
    subject: `members/${member.id}`,
    neighbourhoodId: member.neighbourhoodId,
    data: { memberId: member.id, fields: publicFields, updatedAt: time(member.updatedAt) },
  }),
  memberErased: (member: MemberEntity): DomainEvent => ({
    name: 'member.erased',
    subject: `members/${member.id}`,
    neighbourhoodId: member.neighbourhoodId,
    data: { memberId: member.id, erasedAt: member.erasedAt ? time(member.erasedAt) : null },
  }),
  themeAdded: (theme: ThemeEntity): DomainEvent => ({
    name: 'theme.added',
    subject: `themes/${theme.id}`,
    neighbourhoodId: theme.neighbourhoodId,
    data: { themeId: theme.id, slug: theme.slug, addedAt: time(theme.createdAt) },
  }),
  wishPosted: (wish: WishEntity, themeIds: readonly string[]): DomainEvent => ({
    name: 'wish.posted',
    subject: `wishes/${wish.id}`,
    neighbourhoodId: wish.neighbourhoodId,
    data: { wishId: wish.id, authorId: wish.authorId, themeIds, postedAt: time(wish.createdAt) },
  }),
  /**
   * `supporters` is the count as published after the change (null below the
   * minimum group size); `visible` says whether the public can see the change
   * at all. One it cannot (0 → 1 below the minimum) stays inside the platform
   * (isPublicEvent), or the feed would tell that one person just acted.
   */
  wishSupportChanged: (wish: WishEntity, step: { supporters: number | null; visible: boolean }): DomainEvent => ({
    name: 'wish.support-changed',
    subject: `wishes/${wish.id}`,
    neighbourhoodId: wish.neighbourhoodId,
    data: { wishId: wish.id, changedAt: time(wish.updatedAt), supporters: step.supporters, visible: step.visible },
  }),
  wishArchived: (wish: WishEntity): DomainEvent => ({
    name: 'wish.archived',
    subject: `wishes/${wish.id}`,
    neighbourhoodId: wish.neighbourhoodId,
    data: { wishId: wish.id, archivedAt: wish.archivedAt ? time(wish.archivedAt) : null },
  }),
  pollOpened: (poll: PollEntity, themeIds: readonly string[], audit: AuditFact): DomainEvent => ({
    name: 'poll.opened',
    subject: `polls/${poll.id}`,
    neighbourhoodId: poll.neighbourhoodId,
    data: { pollId: poll.id, themeIds, pointsBudget: poll.pointsBudget, openedAt: time(poll.openedAt), audit },
  }),
  municipalityRegistered: (municipality: MunicipalityEntity, audit: Audit): DomainEvent => ({
    name: 'municipality.registered',
    subject: `municipalities/${municipality.code}`,
    neighbourhoodId: municipalityStreamId(municipality.code),
    data: { municipalityCode: municipality.code, registeredAt: time(municipality.createdAt), audit },
  }),
  neighbourhoodOnboarded: (n: NeighbourhoodEntity, themeIds: readonly string[], firstAdminId: string, audit: Audit): DomainEvent => ({
    name: 'neighbourhood.onboarded',
    subject: `neighbourhoods/${n.id}`,
    neighbourhoodId: n.id,
    data: {
      neighbourhoodId: n.id,
      slug: n.slug,
      municipalityCode: n.municipalityCode,
      cbsWijkCode: n.cbsWijkCode,
      cbsBuurtCodes: n.cbsBuurtCodes,
      chartTemplate: n.chartTemplate,
      pollPointsBudget: n.pollPointsBudget,
      themeIds,
      firstAdminId,
      onboardedAt: time(n.createdAt),
      audit,
    },
  }),
  roleGranted: (grant: GrantFact, audit: Audit): DomainEvent => ({
    name: 'role.granted',
    subject: `role-grants/${grant.id}`,
    neighbourhoodId: grant.neighbourhoodId ?? (grant.municipalityCode !== null ? municipalityStreamId(grant.municipalityCode) : PLATFORM_STREAM_ID),
    data: {
      grantId: grant.id,
      memberId: grant.memberId,
      role: grant.role,
      scope: grant.scope,
      neighbourhoodId: grant.neighbourhoodId,
      municipalityCode: grant.municipalityCode,
      grantedAt: time(grant.grantedAt),
      audit,
    },
  }),
  pollClosed: (poll: PollEntity, audit: AuditFact): DomainEvent => ({
    name: 'poll.closed',
    subject: `polls/${poll.id}`,
    neighbourhoodId: poll.neighbourhoodId,
    data: { pollId: poll.id, closedAt: poll.closedAt ? time(poll.closedAt) : null, audit },
  }),
};
