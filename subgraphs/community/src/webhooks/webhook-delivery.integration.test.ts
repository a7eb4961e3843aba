import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { waitFor } from '../../../../test/reliability/processes';
import { memberViewer, startCommunity, SPIJKERKWARTIER, type CommunityTest } from '../testing/community.fixtures';

/*
 * Deliveries as a civic app receives them: real HTTP receivers on this
 * machine (so private addresses are allowed, as for local development), the
 * community subgraph recording a wish, its relay and the event engine
 * (pg-boss) delivering it to the webhook queue, and pg-boss's back-off
 * retrying. A receiver that fails three times and then recovers gets the
 * event once it recovers, signed so that the standardwebhooks library's
 * verify accepts it; a receiver that always fails has its subscription
 * disabled after WEBHOOKS_DISABLE_AFTER_FAILURES (4 here) attempts in a row.
 */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A receiver answering 500 to the first `failures` requests, then 204. */
async function receiver(failures: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const answered = received.length < failures ? 500 : 204;
      received.push({ headers: req.headers, body, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/dbwe`, received, server };
}

const CREATE = `mutation ($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) {
  __typename ... on CreateWebhookSubscriptionSuccess { secret subscription { id active } } ... on CommunityError { code message } } }`;
const MINE = `{ myWebhookSubscriptions { id url active consecutiveFailures disabledAt
  deliveries { eventId eventType state attempts lastStatusCode lastError lastAttemptAt nextAttemptAt deliveredAt } } }`;
const POSTED = 'nl.dbwe.community.wish.posted';

describe('webhook deliveries, retried with back-off', () => {
  let c: CommunityTest;
  let recovering: Awaited<ReturnType<typeof receiver>>;
  let broken: Awaited<ReturnType<typeof receiver>>;
  const app = memberViewer('Buurtkok Bram');
  beforeAll(async () => {
    c = await startCommunity({ WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true', WEBHOOKS_DISABLE_AFTER_FAILURES: '4' });
    recovering = await receiver(3);
    broken = await receiver(Number.POSITIVE_INFINITY);
  });
  afterAll(async () => {
    await c?.teardown();
    recovering?.server.close();
    broken?.server.close();
  });

  it('delivers the event, signed, once the receiver recovers, and disables the subscription that keeps failing', async () => {
    const created = await c.ok(CREATE, { input: { neighbourhoodId: SPIJKERKWARTIER, url: recovering.url, eventTypes: [POSTED] } }, app);
    expect(created.createWebhookSubscription).toEqual({ __typename: 'CreateWebhookSubscriptionSuccess', secret: expect.stringMatching(/^whsec_/), subscription: { id: expect.any(String), active: true } });
    const { secret } = created.createWebhookSubscription;
    const failing = await c.ok(CREATE, { input: { neighbourhoodId: SPIJKERKWARTIER, url: broken.url, eventTypes: [POSTED] } }, app);
    expect(failing.createWebhookSubscription.__typename).toBe('CreateWebhookSubscriptionSuccess');

    const posted = await c.ok(
      `mutation ($input: PostWishInput!) { postWish(input: $input) { __typename ... on PostWishSuccess { wish { id } } } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Bankjes op het plein', description: 'Om te zitten.', themeIds: [] } },
      app,
    );
    const wishId = posted.postWish.wish.id;

    // Three 500s, then pg-boss's fourth delivery finds the receiver back: up to 1 + 2 + 4 s of back-off (with jitter), and polling.
    await waitFor('the recovered receiver to accept the event', async () => recovering.received.some((r) => r.answered === 204), 60_000, 200);
    expect(recovering.received.map((r) => r.answered)).toEqual([500, 500, 500, 204]);

    // Every attempt carries the same webhook-id and a valid signature over its own timestamp.
    const ids = new Set(recovering.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const verifier = new Webhook(secret);
    for (const attempt of recovering.received) {
      const event = verifier.verify(attempt.body, {
        'webhook-id': String(attempt.headers['webhook-id']),
        'webhook-timestamp': String(attempt.headers['webhook-timestamp']),
        'webhook-signature': String(attempt.headers['webhook-signature']),
      }) as Record<string, any>;
      expect(event).toMatchObject({ specversion: '1.0', type: POSTED, subject: `wishes/${wishId}`, neighbourhoodid: SPIJKERKWARTIER, data: { wishId } });
      expect(event.id).toBe(attempt.headers['webhook-id']);
    }
    // A signature made with another secret is refused by the same library.
    const stranger = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    const last = recovering.received[3];
    expect(() =>
      stranger.verify(last.body, { 'webhook-id': String(last.headers['webhook-id']), 'webhook-timestamp': String(last.headers['webhook-timestamp']), 'webhook-signature': String(last.headers['webhook-signature']) }),
    ).toThrow();

    // Both settled: the broken one disabled, the recovering one's success recorded (its subscription and its
    // delivery are read by two statements, so one answer can show the delivery done before the count is reset).
    await waitFor('the broken subscription to be disabled and the recovering one to be reset', async () => {
      const mine = await c.ok(MINE, {}, app);
      return (
        mine.myWebhookSubscriptions.some((s: any) => s.url === broken.url && !s.active) &&
        mine.myWebhookSubscriptions.some((s: any) => s.url === recovering.url && s.consecutiveFailures === 0 && s.deliveries[0]?.state === 'DELIVERED')
      );
    }, 60_000, 200);
    const mine = (await c.ok(MINE, {}, app)).myWebhookSubscriptions;
    const good = mine.find((s: any) => s.url === recovering.url);
    const bad = mine.find((s: any) => s.url === broken.url);
    expect(good).toMatchObject({ active: true, consecutiveFailures: 0, disabledAt: null });
    expect(good.deliveries).toEqual([
      { eventId: ids.values().next().value, eventType: POSTED, state: 'DELIVERED', attempts: 4, lastStatusCode: 204, lastError: null, lastAttemptAt: expect.any(String), nextAttemptAt: null, deliveredAt: expect.any(String) },
    ]);
    expect(bad).toMatchObject({ active: false, consecutiveFailures: 4, disabledAt: expect.any(String) });
    expect(bad.deliveries).toEqual([expect.objectContaining({ state: 'CANCELLED', attempts: 4, lastStatusCode: 500, lastError: 'the receiver answered 500', nextAttemptAt: null, deliveredAt: null })]);
    expect(broken.received).toHaveLength(4);

    // Once delivered, the event is not delivered again, and a disabled subscription gets nothing more.
    await new Promise((r) => setTimeout(r, 3000));
    expect(recovering.received).toHaveLength(4);
    expect(broken.received).toHaveLength(4);
  }, 90_000);

  it('shows a pending delivery with the time of its next attempt', async () => {
    const slow = await receiver(Number.POSITIVE_INFINITY);
    try {
      const viewer = memberViewer('Groene Gerda');
      const created = await c.ok(CREATE, { input: { neighbourhoodId: SPIJKERKWARTIER, url: slow.url, eventTypes: [POSTED] } }, viewer);
      expect(created.createWebhookSubscription.__typename).toBe('CreateWebhookSubscriptionSuccess');
      await c.ok(`mutation ($input: PostWishInput!) { postWish(input: $input) { __typename } }`, { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Meer groen', description: 'Bomen.', themeIds: [] } }, memberViewer('Buurtkok Bram'));
      let delivery: any;
      await waitFor('a failed first attempt', async () => {
        delivery = (await c.ok(MINE, {}, viewer)).myWebhookSubscriptions[0].deliveries[0];
        return delivery?.nextAttemptAt != null;
      }, 30_000, 100);
      expect(delivery).toMatchObject({ state: 'PENDING', lastStatusCode: 500, lastError: 'the receiver answered 500' });
      expect(delivery.attempts).toBeGreaterThanOrEqual(1);
      expect(new Date(delivery.nextAttemptAt).getTime()).toBeGreaterThan(new Date(delivery.lastAttemptAt).getTime());
    } finally {
      slow.server.close();
    }
  }, 60_000);
});
