import { isUuid } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { requireActiveMember, requireCallerId } from '../access';
import { communityError } from '../community-errors';
import { createSubscription, deleteSubscription, enableSubscription, listSubscriptions, recentDeliveries } from './webhook.commands';

export const webhookResolvers: Resolvers = {
  Query: {
    async myWebhookSubscriptions(_parent, _args, context) {
      const memberId = requireCallerId(context, 'list your webhook subscriptions');
      return listSubscriptions(context.db, memberId);
    },
  },
  Mutation: {
    async createWebhookSubscription(_parent, { input }, context) {
      const member = await requireActiveMember(context, 'subscribe to webhooks');
      if (!isUuid(input.neighbourhoodId) || !(await context.loaders.neighbourhood.load(input.neighbourhoodId))) return communityError.neighbourhoodNotFound();
      const outcome = await createSubscription(context.db, member.id, input, context.services.webhooks);
      return outcome.ok ? { __typename: 'CreateWebhookSubscriptionSuccess', subscription: outcome.subscription, secret: outcome.secret } : outcome.error;
    },
    async deleteWebhookSubscription(_parent, { id }, context) {
      const memberId = requireCallerId(context, 'delete a webhook subscription');
      if (!isUuid(id) || !(await deleteSubscription(context.db, memberId, id))) return communityError.webhookSubscriptionNotFound();
      return { __typename: 'DeleteWebhookSubscriptionSuccess', id };
    },
    async enableWebhookSubscription(_parent, { id }, context) {
      const member = await requireActiveMember(context, 'enable a webhook subscription');
      const subscription = isUuid(id) ? await enableSubscription(context.db, member.id, id) : null;
      return subscription ? { __typename: 'EnableWebhookSubscriptionSuccess', subscription } : communityError.webhookSubscriptionNotFound();
    },
  },
  WebhookSubscription: {
    async neighbourhood(s, _args, { loaders }) {
      const neighbourhood = await loaders.neighbourhood.load(s.neighbourhoodId);
      if (!neighbourhood) throw new Error(`webhook subscription ${s.id} refers to missing neighbourhood ${s.neighbourhoodId}`);
      return neighbourhood;
    },
    deliveries: (s, { first }, { db }) => recentDeliveries(db, s.id, Math.max(1, Math.min(100, first ?? 20))),
  },
};
