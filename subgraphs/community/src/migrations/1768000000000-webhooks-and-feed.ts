import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscriptions of civic apps and the status of every delivery, and
 * the BI event feed: every public event of the four subgraphs, per
 * neighbourhood in the order community applied them (docs/events.md,
 * "Changes travel to readers").
 */
export class WebhooksAndFeed1768000000000 implements MigrationInterface {
  name = 'WebhooksAndFeed1768000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE community.webhook_subscription (
      id uuid PRIMARY KEY,
      member_id uuid NOT NULL REFERENCES community.member (id),
      neighbourhood_id uuid NOT NULL REFERENCES community.neighbourhood (id),
      url text NOT NULL CONSTRAINT webhook_subscription_url_length CHECK (length(url) <= 2000),
      event_types text[] NOT NULL CONSTRAINT webhook_subscription_event_types CHECK (cardinality(event_types) > 0),
      -- The signing secret (Standard Webhooks, whsec_…): the platform signs with it, so it is kept, not hashed.
      secret text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      consecutive_failures integer NOT NULL DEFAULT 0,
      disabled_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX webhook_subscription_member ON community.webhook_subscription (member_id, created_at)`);
    await q.query(`CREATE INDEX webhook_subscription_matching ON community.webhook_subscription (neighbourhood_id) WHERE active`);
    await q.query(`CREATE TABLE community.webhook_delivery (
      subscription_id uuid NOT NULL REFERENCES community.webhook_subscription (id) ON DELETE CASCADE,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      event_time timestamptz NOT NULL,
      state text NOT NULL DEFAULT 'PENDING' CONSTRAINT webhook_delivery_state CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')),
      attempts integer NOT NULL DEFAULT 0,
      last_status_code integer,
      last_error text,
      last_attempt_at timestamptz,
      next_attempt_at timestamptz,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT webhook_delivery_pkey PRIMARY KEY (subscription_id, event_id)
    )`);
    await q.query(`CREATE INDEX webhook_delivery_recent ON community.webhook_delivery (subscription_id, created_at DESC)`);
    await q.query(`CREATE TABLE community.event_feed_head (
      neighbourhood_id uuid PRIMARY KEY,
      last_position bigint NOT NULL
    )`);
    await q.query(`CREATE TABLE community.event_feed (
      neighbourhood_id uuid NOT NULL,
      position bigint NOT NULL,
      event_id uuid NOT NULL CONSTRAINT event_feed_event_once UNIQUE,
      type text NOT NULL,
      -- The CloudEvent in its structured JSON form, exactly as the feed serves it.
      event jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT event_feed_pkey PRIMARY KEY (neighbourhood_id, position)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE community.event_feed`);
    await q.query(`DROP TABLE community.event_feed_head`);
    await q.query(`DROP TABLE community.webhook_delivery`);
    await q.query(`DROP TABLE community.webhook_subscription`);
  }
}
