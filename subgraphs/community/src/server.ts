import { join } from 'node:path';
import { GraphQLJSONObject } from 'graphql-scalars';
import { loadTypeDefs, mergeResolvers, scalarResolvers, type SubgraphModule } from '@dbwe/platform';
import type { Resolvers } from './generated/graphql';
import { createLoaders } from './loaders';
import { NeighbourhoodEntity } from './neighbourhoods/neighbourhood.entity';
import { MunicipalityEntity } from './neighbourhoods/municipality.entity';
import { MemberEntity } from './members/member.entity';
import { ThemeEntity } from './themes/theme.entity';
import { WishEntity } from './wishes/wish.entity';
import { PollEntity } from './polls/poll.entity';
import { neighbourhoodResolvers } from './neighbourhoods/neighbourhood.resolvers';
import { memberResolvers } from './members/member.resolvers';
import { themeResolvers } from './themes/theme.resolvers';
import { wishResolvers } from './wishes/wish.resolvers';
import { pollResolvers } from './polls/poll.resolvers';
import { privacyResolvers } from './privacy/privacy.resolvers';
import { webhookResolvers } from './webhooks/webhook.resolvers';
import { feedResolvers } from './feed/event-feed.resolvers';
import { onboardingResolvers } from './onboarding/onboarding.resolvers';
import { auditResolvers } from './audit/audit.resolvers';
import { WebhooksAndFeed1768000000000 } from './migrations/1768000000000-webhooks-and-feed';
import { WebhookDeliveryJobs1769000000000 } from './migrations/1769000000000-webhook-delivery-jobs';
import { UniqueDisplayNames1770100000000 } from './migrations/1770100000000-unique-display-names';
import { RoleGrants1770200000000 } from './migrations/1770200000000-role-grants';
import { RoleGrantGuard1770600000000 } from './migrations/1770600000000-role-grant-guard';
import { DomainConfirmation1770400000000 } from './migrations/1770400000000-domain-confirmation';
import { NeighbourhoodOnboarding1770500000000 } from './migrations/1770500000000-neighbourhood-onboarding';
import { AuditTrail1770300000000 } from './migrations/1770300000000-audit-trail';
import { Initial1764100000000 } from './migrations/1764100000000-initial';
import { WishesThemesPolls1764300000000 } from './migrations/1764300000000-wishes-themes-polls';
import { SyncIndexes1764400000000 } from './migrations/1764400000000-sync-indexes';
import { EventOutbox1767000000000 } from './migrations/1767000000000-event-outbox';
import { EventInbox1767000000001 } from './migrations/1767000000001-event-inbox';
import { communityEvents } from './events';
import { roleResolvers } from './roles/role.resolvers';
import { seedDemo } from './demo/demo.seed';
import { databasePrivileges } from './database-privileges';
import { erasedMemberSource } from './privacy/privacy.commands';
import { communityServices, type CommunityServices } from './services';

const resolvers: Resolvers = mergeResolvers<Resolvers>(
  { DateTime: scalarResolvers.DateTime, JSONObject: GraphQLJSONObject },
  neighbourhoodResolvers, memberResolvers, themeResolvers, wishResolvers, pollResolvers, privacyResolvers, webhookResolvers, feedResolvers, roleResolvers, onboardingResolvers, auditResolvers);

/** The community subgraph: neighbourhoods, members, wishes and polls. */
export const community: SubgraphModule<ReturnType<typeof createLoaders>, CommunityServices> = {
  name: 'community',
  defaultPort: 4101,
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers: resolvers as SubgraphModule<ReturnType<typeof createLoaders>, CommunityServices>['resolvers'],
  entities: [NeighbourhoodEntity, MunicipalityEntity, MemberEntity, ThemeEntity, WishEntity, PollEntity],
  migrations: [Initial1764100000000, WishesThemesPolls1764300000000, SyncIndexes1764400000000, EventOutbox1767000000000, EventInbox1767000000001, WebhooksAndFeed1768000000000, WebhookDeliveryJobs1769000000000, UniqueDisplayNames1770100000000, RoleGrants1770200000000, AuditTrail1770300000000, DomainConfirmation1770400000000, NeighbourhoodOnboarding1770500000000, RoleGrantGuard1770600000000],
  databasePrivileges,
  events: communityEvents,
  createLoaders,
  seedDemo,
  services: communityServices,
  // Community records erasure itself; an erased member may still export (nothing) and erase again (a no-op).
  erasure: { localSource: erasedMemberSource, writableAfterErasure: ['exportMyData', 'eraseMe'] },
};
