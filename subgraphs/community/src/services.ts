import { setting, ConfigError, type SubgraphServices } from '@dbwe/platform';
import type { SmallGroupPolicy } from './privacy/small-groups';
import { webhookPolicy, webhookSettings, type WebhookPolicy } from './webhooks/webhook.settings';

/** What community keeps for as long as it runs, from its own settings. */
export interface CommunityServices {
  smallGroups: SmallGroupPolicy;
  webhooks: WebhookPolicy;
}

export const communityServices: SubgraphServices<CommunityServices> = {
  settings: {
    /** The fewest people an aggregate may be published over (poll totals, support counts); default 5. */
    PRIVACY_MIN_GROUP_SIZE: setting.integer(5, { min: 1, max: 1000 }),
    ...webhookSettings,
  },
  // Retries within seconds, so a test sees a receiver recover.
  testEnv: { WEBHOOKS_RETRY_DELAY_SECONDS: '1', WEBHOOKS_TIMEOUT_MS: '2000' },
  async start(_db, config) {
    let webhooks: WebhookPolicy;
    try {
      webhooks = await webhookPolicy(config);
    } catch (error) {
      throw new ConfigError(`WEBHOOKS_DENIED_ADDRESSES: ${(error as Error).message}`);
    }
    return { services: { smallGroups: { minGroupSize: config.PRIVACY_MIN_GROUP_SIZE as number }, webhooks }, stop: async () => undefined };
  },
};
