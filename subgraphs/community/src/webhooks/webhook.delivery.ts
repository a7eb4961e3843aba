import type { ClientRequest } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Pool, PoolClient } from 'pg';
import { Webhook } from 'standardwebhooks';
import { isPublicEvent, toStructured, type EventWorker, type Logger, type StoredEvent, type WorkerSend } from '@dbwe/platform';
import type { CommunityServices } from '../services';
import { checkedAddresses, guardedLookup, parseDeliveryUrl, portOf, WebhookAddressRefused, type AddressPolicy, type Resolver } from './delivery-address';
import type { WebhookPolicy } from './webhook.settings';

/*
 * Webhook deliveries run on the event engine in two steps, so one member's
 * slow receiver holds up nobody else's:
 *
 * 1. Fan-out. A pg-boss queue of community's (`community.webhooks`) is
 *    subscribed to every subgraph's events. Its job per event only writes
 *    down what is due: the payload (`webhook_event`) and a PENDING delivery
 *    row per matching subscription. No receiver is contacted.
 * 2. Delivery. Each delivery is a job of its own on
 *    `community.webhook-deliveries`, worked WEBHOOKS_CONCURRENCY at a time,
 *    each slot fetching one job, and retried by pg-boss with its own
 *    back-off (WEBHOOKS_RETRY_LIMIT, WEBHOOKS_RETRY_DELAY_SECONDS). A
 *    subscription's deliveries take turns: only the one it is at has a job
 *    (its `job_id`); when that one is delivered, given up or cancelled, the
 *    next PENDING one (oldest event first) gets its job. So a receiver that
 *    answers just before WEBHOOKS_TIMEOUT_MS occupies one slot, and a
 *    failing one waits out its back-off alone.
 *
 * Who is at which delivery is decided under the subscription's row lock, by
 * the fan-out and by the delivery that finishes, so exactly one of a
 * subscription's pending deliveries has a job. Jobs are sent after the
 * commit, by id: a job sent again while pg-boss holds it is the same job,
 * so every fan-out sends again the job of each subscription it touches, and
 * a job lost between a commit and its send is sent by the next event.
 *
 * A subscription that failed WEBHOOKS_DISABLE_AFTER_FAILURES attempts in a
 * row is disabled and its pending deliveries cancelled. Receivers get at
 * least once: the `webhook-id` header (the event's id) is the same on every
 * retry, for them to drop duplicates.
 */

export interface Attempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

const refusal = (error: WebhookAddressRefused): Attempt => ({ ok: false, statusCode: null, error: `${error.name} (${error.reason}): ${error.message}` });

/**
 * Posts a signed payload to the URL, connecting only to an address the
 * policy allows (checked after DNS resolution). The attempt as a whole has
 * `timeoutMs`, from the first DNS lookup to the end of the answer: a
 * resolver or a receiver that stalls cannot hold a delivery longer.
 */
export function postSigned(
  urlText: string,
  payload: string,
  headers: Record<string, string>,
  addresses: AddressPolicy,
  timeoutMs: number,
  resolve?: Resolver,
): Promise<Attempt> {
  return new Promise((settleWith, reject) => {
    let settled = false;
    let request: ClientRequest | null = null;
    const settle = (attempt: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      settleWith(attempt);
    };
    const timer = setTimeout(() => {
      const error = `no answer within ${timeoutMs} ms`;
      request?.destroy(new Error(error));
      settle({ ok: false, statusCode: null, error });
    }, timeoutMs);

    const start = async () => {
      const url = parseDeliveryUrl(urlText);
      await checkedAddresses(url, addresses, resolve);
      if (settled) return;
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      request = send(
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
            settle({ ok: status >= 200 && status < 300, statusCode: status, error: status >= 200 && status < 300 ? null : `the receiver answered ${status}` });
          });
        },
      );
      // Redirects are not followed: a 3xx is a failure, or a receiver could send deliveries anywhere.
      request.on('error', (error: Error) => settle(error instanceof WebhookAddressRefused ? refusal(error) : { ok: false, statusCode: null, error: error.message }));
      request.end(payload);
    };
    start().catch((error: unknown) => {
      if (error instanceof WebhookAddressRefused) return settle(refusal(error));
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The job of a subscription's delivery of an event: what `community.webhook-deliveries` works. */
interface DeliveryJob {
  subscriptionId: string;
  eventId: string;
}

const DELIVERIES = 'webhook-deliveries';

const toJob = (row: { subscription_id: string; event_id: string; job_id: string }) => ({
  id: row.job_id,
  data: { subscriptionId: row.subscription_id, eventId: row.event_id } satisfies DeliveryJob,
});

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The job of the delivery the subscription is at: its delivery under way,
 * or else its oldest pending one, which gets a job now. None when nothing is
 * pending. Call with the subscription's row locked.
 */
async function currentDelivery(client: PoolClient, subscriptionId: string): Promise<{ id: string; data: DeliveryJob } | null> {
  const { rows: underWay } = await client.query(
    `SELECT subscription_id, event_id, job_id FROM community.webhook_delivery WHERE subscription_id = $1 AND state = 'PENDING' AND job_id IS NOT NULL`,
    [subscriptionId],
  );
  if (underWay.length > 0) return toJob(underWay[0]);
  const { rows: next } = await client.query(
    `UPDATE community.webhook_delivery SET job_id = gen_random_uuid()
      WHERE (subscription_id, event_id) = (
        SELECT subscription_id, event_id FROM community.webhook_delivery
         WHERE subscription_id = $1 AND state = 'PENDING' ORDER BY event_time, event_id LIMIT 1)
      RETURNING subscription_id, event_id, job_id`,
    [subscriptionId],
  );
  return next.length > 0 ? toJob(next[0]) : null;
}

/** Writes down the event's deliveries to every subscription due to get it; returns the delivery jobs to send (after the commit). */
export async function fanOut(pool: Pool, event: StoredEvent): Promise<{ id: string; data: DeliveryJob }[]> {
  if (!isPublicEvent(event)) return [];
  return inTransaction(pool, async (client) => {
    // Locked in one order, so fan-outs and deliveries of the same subscriptions take turns without deadlocks.
    const { rows: due } = await client.query<{ id: string }>(
      `SELECT id FROM community.webhook_subscription
        WHERE neighbourhood_id = $1 AND active AND $2 = ANY(event_types) AND created_at <= $3
        ORDER BY id FOR UPDATE`,
      [event.neighbourhoodId, event.type, event.time],
    );
    if (due.length === 0) return [];
    const ids = due.map((d) => d.id);
    await client.query(`INSERT INTO community.webhook_event (event_id, payload) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING`, [event.id, JSON.stringify(toStructured(event))]);
    await client.query(
      `INSERT INTO community.webhook_delivery (subscription_id, event_id, event_type, event_time)
       SELECT unnest($1::uuid[]), $2, $3, $4
       ON CONFLICT ON CONSTRAINT webhook_delivery_pkey DO NOTHING`,
      [ids, event.id, event.type, event.time],
    );
    const jobs = [];
    for (const id of ids) {
      const job = await currentDelivery(client, id);
      if (job) jobs.push(job);
    }
    return jobs;
  });
}

interface Due {
  state: string;
  job_id: string | null;
  active: boolean;
  url: string;
  secret: string;
  payload: string | null;
}

/**
 * Makes one delivery attempt, if the job is still the subscription's
 * current one; returns whether pg-boss should try again. Sends the job of
 * the subscription's next delivery when this one is done with.
 */
export async function deliverOne(pool: Pool, policy: WebhookPolicy, job: { id: string; data: DeliveryJob }, send: WorkerSend, logger: Logger): Promise<'done' | 'retry'> {
  const { subscriptionId, eventId } = job.data;
  const { rows } = await pool.query<Due>(
    `SELECT d.state, d.job_id, s.active, s.url, s.secret, e.payload
       FROM community.webhook_delivery d
       JOIN community.webhook_subscription s ON s.id = d.subscription_id
       LEFT JOIN community.webhook_event e ON e.event_id = d.event_id
      WHERE d.subscription_id = $1 AND d.event_id = $2`,
    [subscriptionId, eventId],
  );
  const due = rows[0];
  // The subscription was deleted (its deliveries went with it).
  if (!due) return 'done';
  if (due.state === 'PENDING' && due.job_id === job.id && due.payload === null) {
    // Recorded before payloads were kept, and its event's fan-out is gone: nothing to sign; the subscription moves on.
    await pool.query(`UPDATE community.webhook_delivery SET state = 'FAILED', last_error = 'the event is no longer kept' WHERE subscription_id = $1 AND event_id = $2`, [subscriptionId, eventId]);
  }
  if (due.state !== 'PENDING' || due.job_id !== job.id || !due.active || due.payload === null) {
    // A job sent again after its delivery was done with (a retried send): make sure the subscription's next one has its job.
    await sendNext(pool, subscriptionId, send);
    return 'done';
  }
  const timestamp = new Date();
  const signature = new Webhook(due.secret).sign(eventId, timestamp, due.payload);
  const attempt = await postSigned(
    due.url,
    due.payload,
    { 'webhook-id': eventId, 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature },
    policy.addresses,
    policy.timeoutMs,
  );
  const outcome = await inTransaction(pool, async (client) => {
    await client.query(`SELECT id FROM community.webhook_subscription WHERE id = $1 FOR UPDATE`, [subscriptionId]);
    if (attempt.ok) {
      await client.query(
        `UPDATE community.webhook_delivery SET state = 'DELIVERED', attempts = attempts + 1, last_status_code = $3, last_error = NULL,
                last_attempt_at = now(), next_attempt_at = NULL, delivered_at = now()
          WHERE subscription_id = $1 AND event_id = $2`,
        [subscriptionId, eventId, attempt.statusCode],
      );
      await client.query(`UPDATE community.webhook_subscription SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0`, [subscriptionId]);
      return { retry: false, next: await currentDelivery(client, subscriptionId) };
    }
    await client.query(
      `UPDATE community.webhook_delivery SET attempts = attempts + 1, last_status_code = $3, last_error = $4, last_attempt_at = now()
        WHERE subscription_id = $1 AND event_id = $2`,
      [subscriptionId, eventId, attempt.statusCode, attempt.error?.slice(0, 500) ?? null],
    );
    const { rows: still } = await client.query<{ active: boolean }>(
      `UPDATE community.webhook_subscription
          SET consecutive_failures = consecutive_failures + 1,
              active = consecutive_failures + 1 < $2,
              disabled_at = CASE WHEN consecutive_failures + 1 >= $2 THEN now() ELSE disabled_at END,
              updated_at = now()
        WHERE id = $1 AND active RETURNING active`,
      [subscriptionId, policy.disableAfterFailures],
    );
    if (still[0]?.active) return { retry: true, next: null };
    logger.warn({ subscriptionId, failures: policy.disableAfterFailures }, 'webhook subscription disabled after repeated failures');
    await client.query(`UPDATE community.webhook_delivery SET state = 'CANCELLED', next_attempt_at = NULL WHERE subscription_id = $1 AND state = 'PENDING'`, [subscriptionId]);
    return { retry: false, next: null };
  });
  if (outcome.next) await send(DELIVERIES, [outcome.next]);
  return outcome.retry ? 'retry' : 'done';
}

/** Sends the job of the delivery the subscription is at (again: the same job, if pg-boss still holds it). */
async function sendNext(pool: Pool, subscriptionId: string, send: WorkerSend): Promise<void> {
  const next = await inTransaction(pool, async (client) => {
    const { rows } = await client.query(`SELECT id FROM community.webhook_subscription WHERE id = $1 AND active FOR UPDATE`, [subscriptionId]);
    return rows.length > 0 ? currentDelivery(client, subscriptionId) : null;
  });
  if (next) await send(DELIVERIES, [next]);
}

/** `community.webhooks`: every event of the four subgraphs, fanned out into delivery jobs. */
export const webhookFanOut: EventWorker<CommunityServices> = {
  name: 'webhooks',
  sources: ['community', 'projects', 'ledger', 'impact'],
  policy: ({ webhooks }) => ({ retryLimit: webhooks.retryLimit, retryDelaySeconds: webhooks.retryDelaySeconds }),
  start({ pool, logger, send }) {
    return {
      async handler(jobs) {
        const failed: { id: string; error: Error }[] = [];
        for (const { id, event } of jobs) {
          try {
            if (!event) throw new Error('a webhook fan-out job without its signed event');
            await send(DELIVERIES, await fanOut(pool, event));
          } catch (error) {
            logger.warn({ err: error, jobId: id }, 'webhook deliveries not written down; retried later');
            failed.push({ id, error: error as Error });
          }
        }
        return { failed };
      },
    };
  },
};

/** `community.webhook-deliveries`: one job per delivery of an event to a subscription. */
export const webhookDeliveries: EventWorker<CommunityServices> = {
  name: DELIVERIES,
  sources: [],
  policy: ({ webhooks }) => ({
    retryLimit: webhooks.retryLimit,
    retryDelaySeconds: webhooks.retryDelaySeconds,
    // A job is given to another worker only when its own died: never while an attempt may still be under way.
    expireInSeconds: Math.ceil(webhooks.timeoutMs / 1000) * 2 + 10,
  }),
  concurrency: ({ webhooks }) => webhooks.concurrency,
  start({ pool, services, logger, send }) {
    return {
      async handler(jobs) {
        const failed: { id: string; error: Error }[] = [];
        for (const job of jobs) {
          try {
            if ((await deliverOne(pool, services.webhooks, job as { id: string; data: DeliveryJob }, send, logger)) === 'retry') {
              failed.push({ id: job.id, error: new Error('the webhook delivery failed; retried later') });
            }
          } catch (error) {
            logger.warn({ err: error, jobId: job.id }, 'webhook delivery not made; retried later');
            failed.push({ id: job.id, error: error as Error });
          }
        }
        return { failed };
      },
      async afterFailing(retries) {
        for (const { id, nextAttemptAt } of retries) {
          const { rows } = await pool.query<{ subscription_id: string }>(
            `UPDATE community.webhook_delivery SET next_attempt_at = $2, state = CASE WHEN $2::timestamptz IS NULL THEN 'FAILED' ELSE state END
              WHERE job_id = $1 AND state = 'PENDING' RETURNING subscription_id`,
            [id, nextAttemptAt],
          );
          // Given up: the subscription moves on to its next delivery.
          if (nextAttemptAt === null && rows.length > 0) await sendNext(pool, rows[0].subscription_id, send);
        }
      },
    };
  },
};
