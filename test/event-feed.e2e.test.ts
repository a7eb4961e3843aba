import { randomUUID } from 'node:crypto';
import { defaultAccountId } from '@dbwe/ledger/src/accounts/default-chart';
import { startPlatform, type RunningPlatform } from './platform';
import { demoMember, erasedMember, SPIJKERKWARTIER } from './people';
import { waitFor } from './reliability/processes';

/*
 * The BI event feed, as a municipal analyst pulls it: every public domain
 * event of the Spijkerkwartier, from all four subgraphs, as JSON Lines of
 * CloudEvents, in order, paged with after=<the last id>. Three entries
 * posted by the treasurer, a wish, a draft bid (visible to its challengers
 * only, so not in the feed) and a member who registers and erases themself
 * (the feed names them by opaque id only: neither pseudonym nor name).
 */
const FEED = '/export/v1/neighbourhoods/spijkerkwartier/events.jsonl';
const account = (code: string) => defaultAccountId(SPIJKERKWARTIER, code);

describe('the BI event feed (events.jsonl)', () => {
  let platform: RunningPlatform;
  let erasedId: string;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.stop());

  const get = async (query = '') => {
    const response = await fetch(new URL(`${FEED}${query}`, platform.gatewayUrl));
    const text = await response.text();
    return { response, text, events: response.ok ? text.split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [] };
  };
  const ok = async (query: string, variables: Record<string, unknown>, token: string) => {
    const { body } = await platform.query<any>(query, variables, { token });
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  it('serves every public event of the neighbourhood, in order, and nothing private', async () => {
    const pieter = await platform.token(demoMember('Penningmeester Pieter'), [
      { role: 'resident', neighbourhood: SPIJKERKWARTIER },
      { role: 'steward', neighbourhood: SPIJKERKWARTIER },
    ]);
    for (const amount of ['10.00', '20.00', '30.00']) {
      const posted = await ok(
        `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`,
        {
          input: {
            neighbourhoodId: SPIJKERKWARTIER,
            idempotencyKey: randomUUID(),
            bookingDate: '2026-11-30',
            description: 'Gift',
            lines: [
              { accountId: account('1000'), side: 'DEBIT', amount, unit: 'EUR' },
              { accountId: account('8200'), side: 'CREDIT', amount, unit: 'EUR' },
            ],
          },
        },
        pieter,
      );
      expect(posted.postEntry.__typename).toBe('PostEntrySuccess');
    }
    const wish = await ok(
      `mutation ($input: PostWishInput!) { postWish(input: $input) { __typename } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Een buurtfeest', description: 'In juni.', themeIds: [] } },
      pieter,
    );
    expect(wish.postWish.__typename).toBe('PostWishSuccess');
    const bid = await ok(
      `mutation ($input: DraftBidInput!) { draftRightToChallengeBid(input: $input) { __typename } }`,
      {
        input: {
          neighbourhoodId: SPIJKERKWARTIER,
          task: 'Beheer van het buurtbudget',
          taskDescription: 'Bewoners beheren het budget.',
          mode: 'TAKE_OVER',
          currentAnnualCost: '5000.00',
          budgetLine: 'Buurtinitiatieven',
          proposedAnnualBudget: '4500.00',
          socialAddedValue: 'Meer bewoners doen mee.',
        },
      },
      pieter,
    );
    expect(bid.draftRightToChallengeBid.__typename).toBe('BidPayload');
    erasedId = await erasedMember(platform, SPIJKERKWARTIER);

    let events: any[] = [];
    await waitFor('the feed to hold every change', async () => {
      ({ events } = await get());
      return events.filter((e) => e.type === 'nl.dbwe.ledger.entry.posted').length === 3 && events.some((e) => e.type === 'nl.dbwe.community.member.erased');
    }, 30_000, 200);
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'nl.dbwe.community.wish.posted')).toHaveLength(1);
    expect(types).not.toContain('nl.dbwe.projects.bid.drafted');
    for (const event of events) expect(event).toMatchObject({ specversion: '1.0', id: expect.any(String), source: expect.stringMatching(/^\/dbwe\//), neighbourhoodid: SPIJKERKWARTIER });
    // Each source's events in the order it recorded them.
    for (const source of ['/dbwe/ledger', '/dbwe/community', '/dbwe/projects']) {
      const sequences = events.filter((e) => e.source === source).map((e) => e.neighbourhoodseq);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
      expect(new Set(sequences).size).toBe(sequences.length);
    }
    const amounts = events.filter((e) => e.type === 'nl.dbwe.ledger.entry.posted').map((e) => e.data.lines[0].minorUnits);
    expect(amounts).toEqual(['1000', '2000', '3000']);
    // The erased member: registered and erased, by id; their pseudonym and name appear nowhere.
    const about = events.filter((e) => e.subject === `members/${erasedId}`).map((e) => e.type);
    expect(about).toEqual(['nl.dbwe.community.member.registered', 'nl.dbwe.community.member.erased']);
    const { text } = await get();
    expect(text).not.toContain('Vertrekkende');
    expect(text).not.toContain('Iemand die vertrekt');
  }, 60_000);

  it('pages with after= and limit=, with a Link to the next page', async () => {
    const all = (await get()).events;
    expect(all.length).toBeGreaterThan(4);
    const pages: any[][] = [];
    let query = '?limit=2';
    for (;;) {
      const page = await get(query);
      expect(page.response.status).toBe(200);
      expect(page.response.headers.get('content-type')).toMatch(/^application\/jsonl/);
      pages.push(page.events);
      const next = page.response.headers.get('link');
      if (!next) break;
      expect(page.events).toHaveLength(2);
      expect(page.response.headers.get('events-last-id')).toBe(page.events[1].id);
      query = `?${new URL(/^<([^>]+)>/.exec(next)![1], platform.gatewayUrl).searchParams}`;
    }
    expect(pages.flat()).toEqual(all);
    // After the last event: nothing yet, and the same id to ask after next time.
    const last = all.at(-1).id;
    const empty = await get(`?after=${last}`);
    expect(empty.response.status).toBe(200);
    expect(empty.text).toBe('');
    expect(empty.response.headers.get('events-last-id')).toBe(last);
    expect(empty.response.headers.get('link')).toBeNull();
    // The ETag answers 304 while nothing new came.
    const etag = empty.response.headers.get('etag')!;
    const again = await fetch(new URL(`${FEED}?after=${last}`, platform.gatewayUrl), { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it.each([
    ['an event id the feed does not hold', `?after=${randomUUID()}`, 404],
    ['an after that is not an id', '?after=42', 400],
    ['a limit out of range', '?limit=0', 400],
    ['a limit too large', '?limit=1001', 400],
  ])('answers %s with a problem', async (_what, query, status) => {
    const { response } = await get(query);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('ignores a parameter it does not know (a cache-buster, or a since it does not take)', async () => {
    const plain = await get('');
    const ignored = await get('?since=2026-01-01T00:00:00Z&_=1');
    expect(ignored.response.status).toBe(200);
    expect(ignored.text).toBe(plain.text);
  });

  it('is in the OpenAPI description of the exports', async () => {
    const openapi = (await (await fetch(new URL('/export/v1/openapi.json', platform.gatewayUrl))).json()) as any;
    expect(Object.keys(openapi.paths)).toContain('/neighbourhoods/{slug}/events.jsonl');
    expect(openapi.paths['/neighbourhoods/{slug}/events.jsonl'].get.parameters.map((p: any) => p.name ?? p.$ref)).toEqual(['#/components/parameters/Slug', 'after', 'limit', '#/components/parameters/IfNoneMatch']);
  });
});
