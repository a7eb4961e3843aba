import { createServer, type Server } from 'node:http';
import { waitFor } from '../../../../test/reliability/processes';
import { memberViewer, startCommunity, SPIJKERKWARTIER, type CommunityTest } from '../testing/community.fixtures';

/*
 * One civic app's receiver must not hold up everyone else's deliveries.
 *
 * A member who subscribes a receiver that answers 2xx just before
 * WEBHOOKS_TIMEOUT_MS (a tarpit) never fails, so is never disabled. Each
 * event is fanned out into one delivery job per subscription, worked
 * WEBHOOKS_CONCURRENCY at a time, and a subscription's deliveries take
 * turns: the tarpit occupies one slot and delays only its own deliveries
 * (docs/events.md, "Webhooks").
 *
 * Here the tarpit answers after 2.5 s (the timeout is 3 s) and Bram's
 * receiver at once; four wishes are posted together. Bram has all four
 * within a few seconds, as if the tarpit did not exist, and the tarpit gets
 * its four too, one after the other.
 */

async function receiver(delayMs: number): Promise<{ url: string; received: number[]; server: Server }> {
  const received: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => {
      received.push(Date.now());
      res.writeHead(204).end();
    }, delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, received, server };
}

const CREATE = `mutation ($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { __typename } }`;
const POSTED = 'nl.dbwe.community.wish.posted';

describe("a slow receiver and other members' deliveries", () => {
  let c: CommunityTest;
  let tarpit: Awaited<ReturnType<typeof receiver>>;
  let fast: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    c = await startCommunity({ WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true', WEBHOOKS_TIMEOUT_MS: '3000' });
    tarpit = await receiver(2500);
    fast = await receiver(0);
  });
  afterAll(async () => {
    await c?.teardown();
    tarpit?.server.close();
    fast?.server.close();
  });

  it('delivers to a fast receiver without waiting for another member\'s slow one', async () => {
    const bram = memberViewer('Buurtkok Bram');
    const gerda = memberViewer('Groene Gerda');
    for (const [viewer, url] of [[gerda, tarpit.url], [bram, fast.url]] as const) {
      expect((await c.ok(CREATE, { input: { neighbourhoodId: SPIJKERKWARTIER, url, eventTypes: [POSTED] } }, viewer)).createWebhookSubscription.__typename).toBe('CreateWebhookSubscriptionSuccess');
    }
    for (let i = 0; i < 4; i++) {
      await c.ok(`mutation ($input: PostWishInput!) { postWish(input: $input) { __typename } }`, { input: { neighbourhoodId: SPIJKERKWARTIER, title: `Wens ${i}`, description: 'Samen.', themeIds: [] } }, bram);
    }
    const posted = Date.now();
    await waitFor('the fast receiver to get all four', async () => fast.received.length >= 4, 60_000, 50);
    // Without the tarpit this takes well under a second (relay and polling); with it, about 4 × 2.5 s.
    expect(fast.received[3] - posted).toBeLessThan(4000);
    // The tarpit's own deliveries go one at a time: four in about 4 × 2.5 s, none lost.
    await waitFor('the slow receiver to get all four', async () => tarpit.received.length >= 4, 60_000, 100);
    for (let i = 1; i < 4; i++) expect(tarpit.received[i] - tarpit.received[i - 1]).toBeGreaterThanOrEqual(2400);
  }, 90_000);
});
