import { setting } from '@dbwe/platform';
import { endpointsOf, parseDeniedRanges, type AddressPolicy } from './delivery-address';

/** The settings of webhooks (README, "Configuration"). */
export const webhookSettings = {
  /** Deliver to loopback, private, link-local, CGNAT and ULA addresses and this host's own: local development and tests only. */
  WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: setting.boolean(false),
  /** Further addresses or CIDR ranges never delivered to, comma-separated. */
  WEBHOOKS_DENIED_ADDRESSES: setting.string(''),
  /** A subscription whose deliveries failed this many times in a row is disabled. */
  WEBHOOKS_DISABLE_AFTER_FAILURES: setting.integer(15, { min: 1, max: 1000 }),
  /** Retries of a failed delivery, and the first retry's delay (each next one doubles, with jitter). */
  WEBHOOKS_RETRY_LIMIT: setting.integer(10, { min: 0, max: 50 }),
  WEBHOOKS_RETRY_DELAY_SECONDS: setting.integer(30, { min: 1, max: 3600 }),
  /** How long a delivery attempt may take, from resolving the receiver's host to the end of its answer. */
  WEBHOOKS_TIMEOUT_MS: setting.integer(5000, { min: 100, max: 60_000 }),
  /** Deliveries one process makes at once; a subscription's take turns, so a slow receiver holds one of them at most. */
  WEBHOOKS_CONCURRENCY: setting.integer(8, { min: 1, max: 100 }),
  /** Subscriptions a member may hold. */
  WEBHOOKS_MAX_PER_MEMBER: setting.integer(20, { min: 1, max: 1000 }),
  /** The public graph: the platform's own endpoint, never a delivery address. */
  GRAPH_URL: setting.url('http://127.0.0.1:4000/'),
};

export interface WebhookPolicy {
  addresses: AddressPolicy;
  disableAfterFailures: number;
  retryLimit: number;
  retryDelaySeconds: number;
  timeoutMs: number;
  concurrency: number;
  maxPerMember: number;
}

export async function webhookPolicy(config: Record<string, unknown>): Promise<WebhookPolicy> {
  return {
    addresses: {
      allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES as boolean,
      platformEndpoints: await endpointsOf([config.GRAPH_URL as string]),
      denied: parseDeniedRanges(config.WEBHOOKS_DENIED_ADDRESSES as string),
    },
    disableAfterFailures: config.WEBHOOKS_DISABLE_AFTER_FAILURES as number,
    retryLimit: config.WEBHOOKS_RETRY_LIMIT as number,
    retryDelaySeconds: config.WEBHOOKS_RETRY_DELAY_SECONDS as number,
    timeoutMs: config.WEBHOOKS_TIMEOUT_MS as number,
    concurrency: config.WEBHOOKS_CONCURRENCY as number,
    maxPerMember: config.WEBHOOKS_MAX_PER_MEMBER as number,
  };
}
