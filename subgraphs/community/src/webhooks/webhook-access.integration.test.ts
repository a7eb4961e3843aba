import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { waitFor } from '../../../../test/reliability/processes';
import { errorCodes, memberViewer, newcomerViewer, startCommunity, anonymous, SPIJKERKWARTIER, type CommunityTest } from '../testing/community.fixtures';
import { checkedAddresses, guardedLookup, refusalOf, type AddressPolicy, type Resolver } from './delivery-address';
import { postSigned } from './webhook.delivery';

/*
 * Delivery URLs are chosen by whoever subscribes, so they are checked: at
 * creation, where the answer is a named error type (WebhookUrlRefused with
 * the rule), and at every delivery, after DNS resolution, where a refused
 * address is a failed attempt and the receiver is never contacted. Here
 * private addresses are not allowed, as in production. And a member's
 * subscriptions are theirs alone.
 */

const CREATE = `mutation ($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) {
  __typename ... on CreateWebhookSubscriptionSuccess { secret subscription { id url } } ... on WebhookUrlRefused { reason message field }
  ... on UnknownEventType { eventType } ... on CommunityError { code } } }`;
const MINE = `{ myWebhookSubscriptions { id url eventTypes deliveries { state attempts lastError lastStatusCode } } }`;
const POSTED = 'nl.dbwe.community.wish.posted';

describe('webhook subscriptions: refused addresses and whose they are', () => {
  let c: CommunityTest;
  let receiver: Server;
  let port: number;
  let requests = 0;
  const bram = memberViewer('Buurtkok Bram');
  const gerda = memberViewer('Groene Gerda');
  beforeAll(async () => {
    c = await startCommunity();
    receiver = createServer((_req, res) => {
      requests++;
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as { port: number }).port;
  });
  afterAll(async () => {
    await c?.teardown();
    receiver?.close();
  });

  const create = (url: string, viewer = bram, eventTypes = [POSTED]) => c.ok(CREATE, { input: { neighbourhoodId: SPIJKERKWARTIER, url, eventTypes } }, viewer);

  it.each([
    ['a loopback literal', 'http://127.0.0.1:8080/hook', 'LOOPBACK'],
    ['another loopback address', 'https://127.1.2.3/hook', 'LOOPBACK'],
    ['a host name resolving to 127.0.0.1', 'http://localhost:8080/hook', 'LOOPBACK'],
    ['IPv6 loopback', 'http://[::1]:8080/hook', 'LOOPBACK'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]:8080/hook', 'LOOPBACK'],
    ['RFC 1918 10/8', 'https://10.0.0.5/hook', 'PRIVATE'],
    ['RFC 1918 172.16/12', 'https://172.20.1.1/hook', 'PRIVATE'],
    ['RFC 1918 192.168/16', 'https://192.168.1.10/hook', 'PRIVATE'],
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data', 'LINK_LOCAL'],
    ['carrier-grade NAT', 'https://100.64.1.1/hook', 'CARRIER_GRADE_NAT'],
    ['a unique local IPv6 address', 'https://[fd12:3456::1]/hook', 'UNIQUE_LOCAL'],
    ['IPv6 link-local', 'https://[fe80::1]/hook', 'LINK_LOCAL'],
    ['multicast', 'https://224.0.0.1/hook', 'MULTICAST'],
    ['the unspecified address', 'http://0.0.0.0:8080/hook', 'UNSPECIFIED'],
    ['NAT64 of loopback', 'http://[64:ff9b::7f00:1]/hook', 'LOOPBACK'],
    ['a URL with credentials', 'https://user:pass@example.org/hook', 'INVALID_URL'],
    ['another scheme', 'file:///etc/passwd', 'INVALID_URL'],
  ])('refuses %s at creation, and writes nothing', async (_what, url, reason) => {
    const before = await c.count('webhook_subscription');
    const result = await create(url);
    expect(result.createWebhookSubscription).toEqual({ __typename: 'WebhookUrlRefused', reason, message: expect.any(String), field: 'url', code: 'WEBHOOK_URL_REFUSED' });
    expect(await c.count('webhook_subscription')).toBe(before);
  });

  it("names the rule, not the address, when a host name is refused: the installation's resolver may know internal names", async () => {
    // `localhost` stands for an internal name (db.internal, a compose service): its address is the installation's to know.
    const refused = (await create('http://localhost:8080/hook')).createWebhookSubscription;
    expect(refused).toMatchObject({ __typename: 'WebhookUrlRefused', reason: 'LOOPBACK' });
    expect(refused.message).toContain('localhost');
    expect(refused.message).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses unknown and private event types by name, and anonymous callers', async () => {
    expect((await create('https://example.org/hook', bram, ['nl.dbwe.ledger.entry.postd'])).createWebhookSubscription).toEqual({
      __typename: 'UnknownEventType',
      eventType: 'nl.dbwe.ledger.entry.postd',
      code: 'UNKNOWN_EVENT_TYPE',
    });
    // A draft bid is visible to its challengers only; its events are not delivered to anyone.
    expect((await create('https://example.org/hook', bram, ['nl.dbwe.projects.bid.drafted'])).createWebhookSubscription.__typename).toBe('UnknownEventType');
    expect((await create('https://example.org/hook', bram, [])).createWebhookSubscription.__typename).toBe('ValueOutOfRange');
    const anonymousCall = await c.execute(CREATE, { input: { neighbourhoodId: SPIJKERKWARTIER, url: 'https://example.org/hook', eventTypes: [POSTED] } }, anonymous);
    expect(errorCodes(anonymousCall)).toEqual([{ path: 'createWebhookSubscription', code: 'UNAUTHENTICATED' }]);
    const newcomer = await c.execute(CREATE, { input: { neighbourhoodId: SPIJKERKWARTIER, url: 'https://example.org/hook', eventTypes: [POSTED] } }, newcomerViewer('Nieuw'));
    expect(errorCodes(newcomer)).toEqual([{ path: 'createWebhookSubscription', code: 'FORBIDDEN' }]);
    expect(await c.count('webhook_subscription')).toBe(0);
  });

  it('refuses an address at delivery that was not refused when the subscription was made (DNS changed), without contacting it', async () => {
    // As if `localhost` had resolved to a public address at creation: the row is written as creation would have.
    const id = randomUUID();
    const mapped = randomUUID();
    for (const [subscription, url] of [
      [id, `http://localhost:${port}/hook`],
      [mapped, `http://[::ffff:127.0.0.1]:${port}/hook`],
    ]) {
      await c.admin.query(
        `INSERT INTO community.webhook_subscription (id, member_id, neighbourhood_id, url, event_types, secret, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, now(), now())`,
        [subscription, bram.memberId, SPIJKERKWARTIER, url, [POSTED], `whsec_${Buffer.alloc(32, 1).toString('base64')}`],
      );
    }
    await c.ok(`mutation ($input: PostWishInput!) { postWish(input: $input) { __typename } }`, { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Een moestuin', description: 'Samen.', themeIds: [] } }, bram);
    let mine: any[] = [];
    await waitFor('both deliveries to be attempted', async () => {
      mine = (await c.ok(MINE, {}, bram)).myWebhookSubscriptions;
      return mine.length === 2 && mine.every((s) => s.deliveries[0]?.attempts >= 1);
    }, 30_000, 100);
    for (const subscription of mine) {
      expect(subscription.deliveries[0]).toMatchObject({ state: 'PENDING', lastStatusCode: null, lastError: expect.stringMatching(/^WebhookAddressRefused \(LOOPBACK\)/) });
    }
    expect(requests).toBe(0);
  });

  it("lets only a subscription's owner list, enable or delete it", async () => {
    const own = await create('https://93.184.216.34/hooks/bram');
    expect(own.createWebhookSubscription.__typename).toBe('CreateWebhookSubscriptionSuccess');
    const { id } = own.createWebhookSubscription.subscription;
    // The secret is shown once: no query returns it.
    expect(JSON.stringify(await c.ok(MINE, {}, bram))).not.toContain(own.createWebhookSubscription.secret);

    expect((await c.ok(MINE, {}, gerda)).myWebhookSubscriptions).toEqual([]);
    const deleteAsGerda = await c.ok(`mutation ($id: ID!) { deleteWebhookSubscription(id: $id) { __typename } }`, { id }, gerda);
    expect(deleteAsGerda.deleteWebhookSubscription.__typename).toBe('WebhookSubscriptionNotFound');
    const enableAsGerda = await c.ok(`mutation ($id: ID!) { enableWebhookSubscription(id: $id) { __typename } }`, { id }, gerda);
    expect(enableAsGerda.enableWebhookSubscription.__typename).toBe('WebhookSubscriptionNotFound');
    expect((await c.ok(MINE, {}, bram)).myWebhookSubscriptions.map((s: any) => s.id)).toContain(id);

    const deleted = await c.ok(`mutation ($id: ID!) { deleteWebhookSubscription(id: $id) { __typename ... on DeleteWebhookSubscriptionSuccess { id } } }`, { id }, bram);
    expect(deleted.deleteWebhookSubscription).toEqual({ __typename: 'DeleteWebhookSubscriptionSuccess', id });
    expect((await c.ok(MINE, {}, bram)).myWebhookSubscriptions.map((s: any) => s.id)).not.toContain(id);
    const anonymousList = await c.execute(MINE, {}, anonymous);
    expect(errorCodes(anonymousList)).toEqual([{ path: 'myWebhookSubscriptions', code: 'UNAUTHENTICATED' }]);
  });
});

describe('the delivery address guard', () => {
  const strict: AddressPolicy = { allowPrivate: false, platformEndpoints: new Set(['127.0.0.1:4000']), denied: [] };
  const relaxed: AddressPolicy = { ...strict, allowPrivate: true };

  it('allows local addresses only when told, and never the platform itself', () => {
    expect(refusalOf('127.0.0.1', 9000, strict)).toBe('LOOPBACK');
    expect(refusalOf('127.0.0.1', 9000, relaxed)).toBeNull();
    expect(refusalOf('::ffff:127.0.0.1', 4000, relaxed)).toBe('PLATFORM_ADDRESS');
    expect(refusalOf('224.0.0.1', 9000, relaxed)).toBe('MULTICAST');
    expect(refusalOf('93.184.216.34', 443, strict)).toBeNull();
    expect(refusalOf('2606:2800:220:1:248:1893:25c8:1946', 443, strict)).toBeNull();
  });

  it('refuses a name with any refused address, and hands the connection only checked addresses (a rebinding resolver cannot switch it)', async () => {
    let answers = [[{ address: '93.184.216.34', family: 4 }], [{ address: '127.0.0.1', family: 4 }]];
    const rebinding = async () => answers.shift() ?? [];
    // The check at creation sees the public address …
    await expect(checkedAddresses(new URL('https://rebind.example/hook'), strict, rebinding)).resolves.toEqual([{ address: '93.184.216.34', family: 4 }]);
    // … and the connection's own lookup, asked later, gets 127.0.0.1 and refuses it.
    const lookup = guardedLookup(443, strict, rebinding);
    const outcome = await new Promise<{ error: Error | null; address: unknown }>((resolve) => lookup('rebind.example', { all: true }, (error, address) => resolve({ error, address })));
    expect(outcome.error).toMatchObject({ name: 'WebhookAddressRefused', reason: 'LOOPBACK' });
    answers = [[{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }]];
    await expect(checkedAddresses(new URL('https://mixed.example/hook'), strict, rebinding)).rejects.toMatchObject({ reason: 'PRIVATE' });
  });

  it('gives up within the delivery timeout on a resolver that stalls, before connecting or while connecting', async () => {
    const never: Resolver = () => new Promise(() => undefined);
    let asked = 0;
    // The check before the request is answered at once; the connection's own lookup then stalls.
    const stallsSecond: Resolver = async () => (asked++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : new Promise(() => undefined));
    for (const resolver of [never, stallsSecond]) {
      const started = Date.now();
      const attempt = await postSigned('http://stalling.example:9/hook', '{}', {}, relaxed, 300, resolver);
      expect(attempt).toEqual({ ok: false, statusCode: null, error: 'no answer within 300 ms' });
      expect(Date.now() - started).toBeLessThan(1000);
    }
    expect(asked).toBe(2);
  });
});
