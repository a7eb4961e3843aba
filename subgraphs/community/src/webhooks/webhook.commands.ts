import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EVENT_TYPES, isPublicEvent } from '@dbwe/platform';
import { communityError, type ErrorOf } from '../community-errors';
import { checkedAddresses, parseDeliveryUrl, WebhookAddressRefused, type Resolver } from './delivery-address';
import type { WebhookPolicy } from './webhook.settings';

/*
 * A member's webhook subscriptions. Only their owner reads or changes them:
 * every query here names the member, and another member's id is answered as
 * if it did not exist. The secret is returned once, by create.
 */

export interface WebhookSubscriptionRow {
  id: string;
  memberId: string;
  neighbourhoodId: string;
  url: string;
  eventTypes: string[];
  active: boolean;
  consecutiveFailures: number;
  disabledAt: Date | null;
  createdAt: Date;
}

export interface WebhookDeliveryRow {
  eventId: string;
  eventType: string;
  state: 'PENDING' | 'DELIVERED' | 'FAILED' | 'CANCELLED';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

const SUBSCRIPTION_COLUMNS = `id, member_id AS "memberId", neighbourhood_id AS "neighbourhoodId", url, event_types AS "eventTypes", active,
  consecutive_failures AS "consecutiveFailures", disabled_at AS "disabledAt", created_at AS "createdAt"`;

/** The event types a subscription may name: every public one (a draft bid's are not). */
export const SUBSCRIBABLE_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES.filter((type) => isPublicEvent({ type, data: {} })));

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

type CreateOutcome =
  | { ok: true; subscription: WebhookSubscriptionRow; secret: string }
  | { ok: false; error: ErrorOf<'WebhookUrlRefused' | 'UnknownEventType' | 'ValueOutOfRange' | 'WebhookLimitReached'> };

export async function createSubscription(
  db: DataSource,
  memberId: string,
  input: { neighbourhoodId: string; url: string; eventTypes: readonly string[] },
  policy: WebhookPolicy,
  resolve?: Resolver,
): Promise<CreateOutcome> {
  const types = [...new Set(input.eventTypes)];
  if (types.length < 1 || types.length > SUBSCRIBABLE_TYPES.size) return { ok: false, error: communityError.valueOutOfRange('eventTypes', 1, SUBSCRIBABLE_TYPES.size, 'must name a number of types') };
  const unknown = types.find((t) => !SUBSCRIBABLE_TYPES.has(t));
  if (unknown !== undefined) return { ok: false, error: communityError.unknownEventType(unknown) };
  if (input.url.length > 2000) return { ok: false, error: communityError.webhookUrlRefused('INVALID_URL', 'The delivery URL may be at most 2000 characters long.') };
  try {
    await checkedAddresses(parseDeliveryUrl(input.url), policy.addresses, resolve);
  } catch (error) {
    if (error instanceof WebhookAddressRefused) return { ok: false, error: communityError.webhookUrlRefused(error.reason, error.message) };
    throw error;
  }
  const now = new Date();
  const secret = newSecret();
  const id = randomUUID();
  const created = await db.transaction(async (tx) => {
    // One member's creations take turns, so two at once cannot both pass the limit.
    await tx.query(`SELECT id FROM community.member WHERE id = $1 FOR UPDATE`, [memberId]);
    const [{ held }]: { held: number }[] = await tx.query(`SELECT count(*)::int AS held FROM community.webhook_subscription WHERE member_id = $1`, [memberId]);
    if (held >= policy.maxPerMember) return null;
    const rows: WebhookSubscriptionRow[] = await tx.query(
      `INSERT INTO community.webhook_subscription (id, member_id, neighbourhood_id, url, event_types, secret, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [id, memberId, input.neighbourhoodId, input.url, types, secret, now],
    );
    return rows[0];
  });
  if (!created) return { ok: false, error: communityError.webhookLimitReached(policy.maxPerMember) };
  return { ok: true, subscription: created, secret };
}

export async function listSubscriptions(db: DataSource, memberId: string): Promise<WebhookSubscriptionRow[]> {
  return db.query(`SELECT ${SUBSCRIPTION_COLUMNS} FROM community.webhook_subscription WHERE member_id = $1 ORDER BY created_at DESC, id`, [memberId]);
}

export async function deleteSubscription(db: DataSource, memberId: string, id: string): Promise<boolean> {
  const [rows]: [unknown[], number] = await db.query(`DELETE FROM community.webhook_subscription WHERE id = $1 AND member_id = $2 RETURNING id`, [id, memberId]);
  return rows.length > 0;
}

export async function enableSubscription(db: DataSource, memberId: string, id: string): Promise<WebhookSubscriptionRow | null> {
  const [rows]: [WebhookSubscriptionRow[], number] = await db.query(
    `UPDATE community.webhook_subscription SET active = true, consecutive_failures = 0, disabled_at = NULL, updated_at = now()
     WHERE id = $1 AND member_id = $2 RETURNING ${SUBSCRIPTION_COLUMNS}`,
    [id, memberId],
  );
  return rows[0] ?? null;
}

export async function recentDeliveries(db: DataSource, subscriptionId: string, first: number): Promise<WebhookDeliveryRow[]> {
  return db.query(
    `SELECT event_id AS "eventId", event_type AS "eventType", state, attempts, last_status_code AS "lastStatusCode", last_error AS "lastError",
            last_attempt_at AS "lastAttemptAt", next_attempt_at AS "nextAttemptAt", delivered_at AS "deliveredAt"
       FROM community.webhook_delivery WHERE subscription_id = $1 ORDER BY created_at DESC, event_id LIMIT $2`,
    [subscriptionId, first],
  );
}
