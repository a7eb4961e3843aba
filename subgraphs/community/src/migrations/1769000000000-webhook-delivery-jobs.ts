import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook deliveries one job each (docs/events.md, "Webhooks"): the payload
 * of every event fanned out to subscriptions, signed and sent as kept here,
 * and, on the delivery a subscription is at, the pg-boss job that makes it.
 * A subscription's deliveries go one at a time, oldest first, so one slow
 * receiver holds up only its own.
 */
export class WebhookDeliveryJobs1769000000000 implements MigrationInterface {
  name = 'WebhookDeliveryJobs1769000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE community.webhook_event (
      event_id uuid PRIMARY KEY,
      -- The CloudEvent in structured JSON, the exact bytes every delivery posts and signs.
      payload text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Set on a subscription's one delivery under way: the id of the job that makes it.
    await q.query(`ALTER TABLE community.webhook_delivery ADD COLUMN job_id uuid`);
    await q.query(`CREATE INDEX webhook_delivery_pending ON community.webhook_delivery (subscription_id, event_time, event_id) WHERE state = 'PENDING'`);
    await q.query(`CREATE UNIQUE INDEX webhook_delivery_job ON community.webhook_delivery (job_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX community.webhook_delivery_job`);
    await q.query(`DROP INDEX community.webhook_delivery_pending`);
    await q.query(`ALTER TABLE community.webhook_delivery DROP COLUMN job_id`);
    await q.query(`DROP TABLE community.webhook_event`);
  }
}
