import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Pool } from 'pg';
import { Webhook } from 'standardwebhooks';
import { isPublicEvent, toStructured, type EventWorker, type Logger, type StoredEvent } from '@dbwe/platform';
import type { CommunityServices } from '../services';
import { checkedAddresses, guardedLookup, parseDeliveryUrl, portOf, WebhookAddressRefused, type AddressPolicy, type Resolver } from './delivery-address';
import type { WebhookPolicy } from './webhook.settings';

/*
 * Webhook deliveries run on the event engine: a pg-boss queue of community's
 * (`community.webhooks`) is subscribed to every subgraph's events, so each
 * event is one job, and a job fails while any subscription it is due to
 * has not accepted it. pg-boss then delivers the job again with exponential
 * back-off (WEBHOOKS_RETRY_LIMIT, WEBHOOKS_RETRY_DELAY_SECONDS), and the
 * subscriptions that accepted it before are skipped: each delivery's status
 * row in community's schema says so. A subscription that failed
 * WEBHOOKS_DISABLE_AFTER_FAILURES attempts in a row is disabled.
 *
 * Receivers get at least once, not in order: the `webhook-id` header (the
 * event's id) is the same on every retry, for them to drop duplicates.
 */

export interface Attempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** Posts a signed payload to the URL, connecting only to an address the policy allows (checked after DNS resolution). */
export async function postSigned(
  urlText: string,
  payload: string,
  headers: Record<string, string>,
  addresses: AddressPolicy,
  timeoutMs: number,
  resolve?: Resolver,
): Promise<Attempt> {
  let url: URL;
  try {
    url = parseDeliveryUrl(urlText);
    await checkedAddresses(url, addresses, resolve);
  } catch (error) {
    if (error instanceof WebhookAddressRefused) return { ok: false, statusCode: null, error: `${error.name} (${error.reason}): ${error.message}` };
    throw error;
  }
  return new Promise((settle) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'dbwe-webhooks/1', ...headers },
        // The socket connects to what the guard checked, resolved at this moment: DNS rebinding cannot switch it.
        lookup: guardedLookup(portOf(url), addresses, resolve) as never,
        agent: false,
      },
      (response) => {
        // The answer's body is not ours to keep; read it away so the socket closes.
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          clearTimeout(timer);
          settle({ ok: status >= 200 && status < 300, statusCode: status, error: status >= 200 && status < 300 ? null : `the receiver answered ${status}` });
        });
      },
    );
    // Redirects are not followed: a 3xx is a failure, or a receiver could send deliveries anywhere.
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('error', (error: Error) => {
      clearTimeout(timer);
      settle({ ok: false, statusCode: null, error: error instanceof WebhookAddressRefused ? `${error.name} (${error.reason}): ${error.message}` : error.message });
    });
    request.end(payload);
  });
}

interface Due {
  subscription_id: string;
  url: string;
  secret: string;
}

/** Delivers the event to every subscription due to get it that has not yet; returns how many still wait for a retry. */
export async function deliverEvent(pool: Pool, policy: WebhookPolicy, event: StoredEvent, logger: Logger): Promise<number> {
  if (!isPublicEvent(event)) return 0;
  await pool.query(
    `INSERT INTO community.webhook_delivery (subscription_id, event_id, event_type, event_time)
     SELECT id, $2, $3, $4 FROM community.webhook_subscription
      WHERE neighbourhood_id = $1 AND active AND $3 = ANY(event_types) AND created_at <= $4
     ON CONFLICT ON CONSTRAINT webhook_delivery_pkey DO NOTHING`,
    [event.neighbourhoodId, event.id, event.type, event.time],
  );
  const { rows: due } = await pool.query<Due>(
    `SELECT d.subscription_id, s.url, s.secret FROM community.webhook_delivery d JOIN community.webhook_subscription s ON s.id = d.subscription_id
      WHERE d.event_id = $1 AND d.state = 'PENDING' AND s.active`,
    [event.id],
  );
  if (due.length === 0) return 0;
  const payload = JSON.stringify(toStructured(event));
  const outcomes = await Promise.all(
    due.map(async (d) => {
      const timestamp = new Date();
      const signature = new Webhook(d.secret).sign(event.id, timestamp, payload);
      const attempt = await postSigned(
        d.url,
        payload,
        { 'webhook-id': event.id, 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature },
        policy.addresses,
        policy.timeoutMs,
      );
      return { due: d, attempt };
    }),
  );
  let waiting = 0;
  for (const { due: d, attempt } of outcomes) {
    if (attempt.ok) {
      await pool.query(
        `UPDATE community.webhook_delivery SET state = 'DELIVERED', attempts = attempts + 1, last_status_code = $3, last_error = NULL,
                last_attempt_at = now(), next_attempt_at = NULL, delivered_at = now()
          WHERE subscription_id = $1 AND event_id = $2`,
        [d.subscription_id, event.id, attempt.statusCode],
      );
      await pool.query(`UPDATE community.webhook_subscription SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0`, [d.subscription_id]);
      continue;
    }
    await pool.query(
      `UPDATE community.webhook_delivery SET attempts = attempts + 1, last_status_code = $3, last_error = $4, last_attempt_at = now()
        WHERE subscription_id = $1 AND event_id = $2`,
      [d.subscription_id, event.id, attempt.statusCode, attempt.error?.slice(0, 500) ?? null],
    );
    const { rows } = await pool.query<{ active: boolean }>(
      `UPDATE community.webhook_subscription
          SET consecutive_failures = consecutive_failures + 1,
              active = consecutive_failures + 1 < $2,
              disabled_at = CASE WHEN consecutive_failures + 1 >= $2 THEN now() ELSE disabled_at END,
              updated_at = now()
        WHERE id = $1 AND active RETURNING active`,
      [d.subscription_id, policy.disableAfterFailures],
    );
    if (rows[0]?.active) {
      waiting++;
    } else {
      logger.warn({ subscriptionId: d.subscription_id, failures: policy.disableAfterFailures }, 'webhook subscription disabled after repeated failures');
      await pool.query(`UPDATE community.webhook_delivery SET state = 'CANCELLED', next_attempt_at = NULL WHERE subscription_id = $1 AND state = 'PENDING'`, [d.subscription_id]);
    }
  }
  return waiting;
}

export const webhookWorker: EventWorker<CommunityServices> = {
  name: 'webhooks',
  sources: ['community', 'projects', 'ledger', 'impact'],
  policy: ({ webhooks }) => ({ retryLimit: webhooks.retryLimit, retryDelaySeconds: webhooks.retryDelaySeconds }),
  start({ pool, services, logger }) {
    return {
      async handler(jobs) {
        const failed: { id: string; error: Error }[] = [];
        for (const { id, event } of jobs) {
          try {
            const waiting = await deliverEvent(pool, services.webhooks, event, logger);
            if (waiting > 0) failed.push({ id, error: new Error(`${waiting} webhook deliveries of ${event.id} failed; retried later`) });
          } catch (error) {
            logger.warn({ err: error, jobId: id }, 'webhook deliveries not made; retried later');
            failed.push({ id, error: error as Error });
          }
        }
        return { failed };
      },
      async afterFailing(retries) {
        for (const { id, nextAttemptAt } of retries) {
          await pool.query(
            `UPDATE community.webhook_delivery SET next_attempt_at = $2, state = CASE WHEN $2::timestamptz IS NULL THEN 'FAILED' ELSE state END
              WHERE event_id = $1 AND state = 'PENDING'`,
            [id, nextAttemptAt],
          );
        }
      },
    };
  },
};
