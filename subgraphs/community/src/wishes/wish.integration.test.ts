import { stableId } from '@dbwe/platform';
import {
  anonymous,
  demoMemberId,
  demoThemeId,
  demoWishId,
  errorCodes,
  KLARENDAL,
  memberViewer,
  newcomerViewer,
  SPIJKERKWARTIER,
  startCommunity,
  steward,
  type CommunityTest,
} from '../testing/community.fixtures';

/*
 * Wishes on the demo data: six in the Spijkerkwartier (one archived), two in
 * Klarendal. "Het Lindenplein groener" has 7 supporters, the Repair Café 4.
 */
let c: CommunityTest;
beforeAll(async () => {
  c = await startCommunity();
});
afterAll(() => c.teardown());

const lindenplein = demoWishId('groen-lindenplein');
const repairCafe = demoWishId('repair-cafe');
const groen = demoThemeId('spijkerkwartier', 'groen');
const WISH = `query ($id: ID!) { wish(id: $id) { id title description status supportCount supporters supportedByMe createdAt updatedAt
  neighbourhood { slug } author { displayName } themes { slug } } }`;

describe('reading wishes', () => {
  it('shows a wish with its themes, author, status and public support count', async () => {
    const data = await c.ok(WISH, { id: lindenplein });
    expect(data.wish).toEqual({
      id: lindenplein,
      title: 'Het Lindenplein groener en beter onderhouden',
      description: expect.stringContaining('Lindenplein'),
      status: 'OPEN',
      supportCount: 7,
      supporters: 7,
      supportedByMe: false,
      createdAt: '2025-03-08T10:00:00.000Z',
      updatedAt: '2025-03-08T10:00:00.000Z',
      neighbourhood: { slug: 'spijkerkwartier' },
      author: { displayName: 'Groene Gerda' },
      themes: [{ slug: 'groen' }, { slug: 'ontmoeting' }],
    });
  });

  it('tells a supporter that they support it, and nobody else', async () => {
    expect((await c.ok(WISH, { id: lindenplein }, memberViewer('Oma Ria'))).wish.supportedByMe).toBe(true);
    expect((await c.ok(WISH, { id: lindenplein }, memberViewer('Buurtkok Bram'))).wish.supportedByMe).toBe(false);
  });

  it('answers null for unknown and malformed ids', async () => {
    expect(await c.ok(`{ a: wish(id: "${stableId('wish:none')}") { id } b: wish(id: "x") { id } }`)).toEqual({ a: null, b: null });
  });

  it('resolves Wish references through _entities, deriving ADOPTED from the projects the gateway supplies', async () => {
    const data = await c.ok(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Wish { title status supporters } } }`,
      {
        reps: [
          { __typename: 'Wish', id: repairCafe },
          { __typename: 'Wish', id: repairCafe, projects: [] },
          { __typename: 'Wish', id: repairCafe, projects: [{ id: stableId('project:repair-cafe') }] },
          { __typename: 'Wish', id: demoWishId('straatfeest-2024'), projects: [{ id: stableId('project:x') }] },
          { __typename: 'Wish', id: stableId('wish:none') },
        ],
      },
    );
    expect(data._entities).toEqual([
      // Four and one supporters: fewer than five, so not published.
      { title: 'Een maandelijks Repair Café', status: 'OPEN', supporters: null },
      { title: 'Een maandelijks Repair Café', status: 'OPEN', supporters: null },
      { title: 'Een maandelijks Repair Café', status: 'ADOPTED', supporters: null },
      { title: 'Straatfeest met muziek uit de wijk', status: 'ARCHIVED', supporters: null },
      null,
    ]);
  });
});

describe('listing wishes', () => {
  const LIST = `query ($n: ID!, $first: Int, $after: String, $filter: WishFilter) { neighbourhood(id: $n) {
    wishes(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title createdAt } } } } }`;
  const titles = (data: any) => data.neighbourhood.wishes.edges.map((e: any) => e.node.title);

  it('lists newest first and pages without gaps or repeats', async () => {
    const all = (await c.ok(LIST, { n: SPIJKERKWARTIER, first: 100 })).neighbourhood.wishes;
    expect(all.totalCount).toBe(6);
    const createdAt = all.edges.map((e: any) => e.node.createdAt);
    expect([...createdAt].sort().reverse()).toEqual(createdAt);

    const first = (await c.ok(LIST, { n: SPIJKERKWARTIER, first: 4 })).neighbourhood.wishes;
    const second = (await c.ok(LIST, { n: SPIJKERKWARTIER, first: 4, after: first.pageInfo.endCursor })).neighbourhood.wishes;
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([...first.edges, ...second.edges].map((e: any) => e.node.id)).toEqual(all.edges.map((e: any) => e.node.id));
  });

  it('filters by theme, author domain, status and creation date', async () => {
    expect(titles(await c.ok(LIST, { n: SPIJKERKWARTIER, filter: { themeId: groen } }))).toEqual(['Het Lindenplein groener en beter onderhouden']);
    expect(titles(await c.ok(LIST, { n: KLARENDAL, filter: { authorDomain: 'ENTREPRENEUR' } }))).toEqual(['Leerwerkplekken in de kringloopwinkel']);
    expect(titles(await c.ok(LIST, { n: SPIJKERKWARTIER, filter: { status: 'ARCHIVED' } }))).toEqual(['Straatfeest met muziek uit de wijk']);
    expect((await c.ok(LIST, { n: SPIJKERKWARTIER, filter: { status: 'OPEN' } })).neighbourhood.wishes.totalCount).toBe(5);
    expect(titles(await c.ok(LIST, { n: SPIJKERKWARTIER, filter: { createdFrom: '2025-03-13T10:00:00Z', createdBefore: '2025-03-23T10:00:00Z' } }))).toEqual([
      'Zonnepanelen op de daken van de Spijkerstraat',
      'Een maandelijks Repair Café',
    ]);
    expect(titles(await c.ok(LIST, { n: SPIJKERKWARTIER, filter: { themeId: demoThemeId('spijkerkwartier', 'ontmoeting'), authorDomain: 'CITIZEN', status: 'OPEN' } }))).toEqual([
      'Wekelijkse buurtmaaltijd voor ouderen',
      'Een maandelijks Repair Café',
      'Het Lindenplein groener en beter onderhouden',
    ]);
  });

  it('refuses ADOPTED as a filter, pages over 100 and malformed theme ids', async () => {
    for (const variables of [
      { n: SPIJKERKWARTIER, filter: { status: 'ADOPTED' } },
      { n: SPIJKERKWARTIER, first: 101 },
      { n: SPIJKERKWARTIER, filter: { themeId: 'groen' } },
    ]) {
      expect(errorCodes(await c.execute(LIST, variables))).toEqual([{ path: 'neighbourhood.wishes', code: 'BAD_USER_INPUT' }]);
    }
  });
});

describe('postWish', () => {
  const POST = `mutation ($input: PostWishInput!) { postWish(input: $input) {
    __typename ... on PostWishSuccess { wish { id title description status supportCount author { id } themes { slug } neighbourhood { slug } } }
    ... on CommunityError { code field } ... on UnknownTheme { themeId } ... on ValueTooLong { maxLength } } }`;
  const sanne = memberViewer('Zonnige Sanne');
  const input = (overrides: Record<string, unknown> = {}) => ({
    neighbourhoodId: SPIJKERKWARTIER,
    title: '  Laadpalen in de wijk ',
    description: 'Deelauto’s en laadpalen op het Spijkerplein.',
    themeIds: [demoThemeId('spijkerkwartier', 'energie'), demoThemeId('spijkerkwartier', 'energie')],
    ...overrides,
  });

  it('posts an open wish by the caller, trimmed, each theme once', async () => {
    const data = await c.ok(POST, { input: input() }, sanne);
    expect(data.postWish).toEqual({
      __typename: 'PostWishSuccess',
      wish: {
        id: expect.any(String),
        title: 'Laadpalen in de wijk',
        description: 'Deelauto’s en laadpalen op het Spijkerplein.',
        status: 'OPEN',
        supportCount: 0,
        author: { id: demoMemberId('Zonnige Sanne') },
        themes: [{ slug: 'energie' }],
        neighbourhood: { slug: 'spijkerkwartier' },
      },
    });
    expect((await c.ok(WISH, { id: data.postWish.wish.id })).wish.title).toBe('Laadpalen in de wijk');
  });

  it.each([
    ['an empty title', { title: '' }, { __typename: 'EmptyValue', code: 'EMPTY_VALUE', field: 'title' }],
    ['a whitespace title', { title: ' \n\t ' }, { __typename: 'EmptyValue', code: 'EMPTY_VALUE', field: 'title' }],
    ['an over-long title', { title: 'x'.repeat(121) }, { __typename: 'ValueTooLong', code: 'VALUE_TOO_LONG', field: 'title', maxLength: 120 }],
    ['an over-long description', { description: 'x'.repeat(4001) }, { __typename: 'ValueTooLong', code: 'VALUE_TOO_LONG', field: 'description', maxLength: 4000 }],
    ['an unknown theme', { themeIds: [stableId('theme:none')] }, { __typename: 'UnknownTheme', code: 'UNKNOWN_THEME', field: 'themeIds', themeId: stableId('theme:none') }],
    ['a theme of another neighbourhood', { themeIds: [demoThemeId('klarendal', 'groen')] }, { __typename: 'UnknownTheme', code: 'UNKNOWN_THEME', themeId: demoThemeId('klarendal', 'groen') }],
    ['too many themes', { themeIds: ['groen', 'energie', 'zorg', 'economie', 'veiligheid', 'ontmoeting'].map((t) => demoThemeId('spijkerkwartier', t)) }, { __typename: 'ValueOutOfRange', code: 'VALUE_OUT_OF_RANGE', field: 'themeIds' }],
    ['an unknown neighbourhood', { neighbourhoodId: stableId('neighbourhood:atlantis') }, { __typename: 'NeighbourhoodNotFound', code: 'NEIGHBOURHOOD_NOT_FOUND', field: 'neighbourhoodId' }],
  ])('refuses %s and writes nothing', async (_case, overrides, expected) => {
    const before = [await c.count('wish'), await c.count('wish_theme')];
    const data = await c.ok(POST, { input: input(overrides) }, sanne);
    expect(data.postWish).toMatchObject(expected);
    expect([await c.count('wish'), await c.count('wish_theme')]).toEqual(before);
  });

  it('needs a signed-in resident who is a member of the neighbourhood', async () => {
    expect(errorCodes(await c.execute(POST, { input: input() }, anonymous))).toEqual([{ path: 'postWish', code: 'UNAUTHENTICATED' }]);
    // A Klarendal resident in the Spijkerkwartier, a member without the resident role, an unregistered identity with the role.
    expect(errorCodes(await c.execute(POST, { input: input() }, memberViewer('Buurvrouw Bep', KLARENDAL)))).toEqual([{ path: 'postWish', code: 'FORBIDDEN' }]);
    expect(errorCodes(await c.execute(POST, { input: input() }, memberViewer('Zonnige Sanne', SPIJKERKWARTIER, [])))).toEqual([{ path: 'postWish', code: 'FORBIDDEN' }]);
    const stranger = { ...newcomerViewer('stranger'), roles: [{ role: 'resident' as const, neighbourhood: SPIJKERKWARTIER }] };
    expect(errorCodes(await c.execute(POST, { input: input() }, stranger))).toEqual([{ path: 'postWish', code: 'FORBIDDEN' }]);
    const wrongNeighbourhood = { ...memberViewer('Buurvrouw Bep', KLARENDAL), roles: [{ role: 'resident' as const, neighbourhood: SPIJKERKWARTIER }] };
    expect(errorCodes(await c.execute(POST, { input: input() }, wrongNeighbourhood))).toEqual([{ path: 'postWish', code: 'FORBIDDEN' }]);
  });
});

describe('supporting a wish', () => {
  const SUPPORT = `mutation ($id: ID!) { supportWish(wishId: $id) { __typename
    ... on SupportWishSuccess { wish { supportCount supportedByMe updatedAt } }
    ... on AlreadySupported { code wish { supportCount } } ... on CommunityError { code field } } }`;
  const WITHDRAW = `mutation ($id: ID!) { withdrawSupport(wishId: $id) { __typename
    ... on WithdrawSupportSuccess { wish { supportCount supportedByMe } }
    ... on NotSupported { code wish { supportCount } } ... on CommunityError { code field } } }`;

  it('counts a member once, refuses a second support and lets them withdraw', async () => {
    const bram = memberViewer('Buurtkok Bram');
    const supported = await c.ok(SUPPORT, { id: lindenplein }, bram);
    expect(supported.supportWish).toMatchObject({ __typename: 'SupportWishSuccess', wish: { supportCount: 8, supportedByMe: true } });
    expect(Date.parse(supported.supportWish.wish.updatedAt)).toBeGreaterThan(Date.parse('2026-01-01'));

    const twice = await c.ok(SUPPORT, { id: lindenplein }, bram);
    expect(twice.supportWish).toEqual({ __typename: 'AlreadySupported', code: 'ALREADY_SUPPORTED', field: 'wishId', wish: { supportCount: 8 } });

    const withdrawn = await c.ok(WITHDRAW, { id: lindenplein }, bram);
    expect(withdrawn.withdrawSupport).toEqual({ __typename: 'WithdrawSupportSuccess', wish: { supportCount: 7, supportedByMe: false } });
    const again = await c.ok(WITHDRAW, { id: lindenplein }, bram);
    expect(again.withdrawSupport).toEqual({ __typename: 'NotSupported', code: 'NOT_SUPPORTED', field: 'wishId', wish: { supportCount: 7 } });
  });

  it('counts concurrent supports by one member once (the database decides)', async () => {
    const lotte = memberViewer('Lezende Lotte');
    // Four supporters: too few to publish (privacy of small groups); the deprecated count reads 0.
    expect((await c.ok(WISH, { id: repairCafe })).wish).toMatchObject({ supporters: null, supportCount: 0 });
    const results = await Promise.all([1, 2, 3].map(() => c.ok(SUPPORT, { id: repairCafe }, lotte)));
    expect(results.map((r) => r.supportWish.__typename).sort()).toEqual(['AlreadySupported', 'AlreadySupported', 'SupportWishSuccess']);
    // The fifth supporter makes the count public.
    expect((await c.ok(WISH, { id: repairCafe })).wish).toMatchObject({ supporters: 5, supportCount: 5 });
  });

  it('refuses archived and unknown wishes, writing nothing', async () => {
    const before = await c.count('wish_support');
    expect((await c.ok(SUPPORT, { id: demoWishId('straatfeest-2024') }, memberViewer('Oma Ria'))).supportWish).toEqual({
      __typename: 'WishArchived',
      code: 'WISH_ARCHIVED',
      field: 'wishId',
    });
    expect((await c.ok(SUPPORT, { id: stableId('wish:none') }, memberViewer('Oma Ria'))).supportWish).toEqual({ __typename: 'WishNotFound', code: 'WISH_NOT_FOUND', field: 'wishId' });
    expect((await c.ok(WITHDRAW, { id: 'x' }, memberViewer('Oma Ria'))).withdrawSupport).toEqual({ __typename: 'WishNotFound', code: 'WISH_NOT_FOUND', field: 'wishId' });
    expect(await c.count('wish_support')).toBe(before);
  });

  it('needs a signed-in resident of the wish’s neighbourhood', async () => {
    expect(errorCodes(await c.execute(SUPPORT, { id: lindenplein }, anonymous))).toEqual([{ path: 'supportWish', code: 'UNAUTHENTICATED' }]);
    expect(errorCodes(await c.execute(SUPPORT, { id: lindenplein }, memberViewer('Buurvrouw Bep', KLARENDAL)))).toEqual([{ path: 'supportWish', code: 'FORBIDDEN' }]);
    expect(errorCodes(await c.execute(WITHDRAW, { id: lindenplein }, anonymous))).toEqual([{ path: 'withdrawSupport', code: 'UNAUTHENTICATED' }]);
  });
});

describe('loading', () => {
  it('reads a page of wishes with authors, themes and counts in a fixed number of queries', async () => {
    const Q = `query ($n: ID!) { neighbourhood(id: $n) { wishes(first: 20) { edges { node { author { displayName } themes { name } supportCount supportedByMe } } } } }`;
    c.queries.count = 0;
    await c.ok(Q, { n: SPIJKERKWARTIER }, memberViewer('Oma Ria'));
    const few = c.queries.count;
    // neighbourhood, count, page, authors, theme links, themes, counts, supports: independent of the page size.
    expect(few).toBeLessThanOrEqual(9);
  });
});

describe('archiveWish', () => {
  const ARCHIVE = `mutation ($id: ID!) { archiveWish(wishId: $id) { __typename
    ... on ArchiveWishSuccess { wish { status supportCount updatedAt } } ... on CommunityError { code field } } }`;
  const maaltijd = demoWishId('buurtmaaltijd');
  const schoolroute = demoWishId('veilige-schoolroute');

  it('lets the author archive their wish once; supports stay and new ones are refused', async () => {
    const bram = memberViewer('Buurtkok Bram');
    const data = await c.ok(ARCHIVE, { id: maaltijd }, bram);
    expect(data.archiveWish).toMatchObject({ __typename: 'ArchiveWishSuccess', wish: { status: 'ARCHIVED', supportCount: 0 } });
    expect(await c.db.query(`SELECT count(*)::int AS n FROM community.wish_support WHERE wish_id = $1`, [maaltijd])).toEqual([{ n: 3 }]);
    expect((await c.ok(ARCHIVE, { id: maaltijd }, bram)).archiveWish).toEqual({ __typename: 'WishArchived', code: 'WISH_ARCHIVED', field: 'wishId' });
    const support = await c.ok(`mutation ($id: ID!) { supportWish(wishId: $id) { __typename } }`, { id: maaltijd }, memberViewer('Yoga Yara'));
    expect(support.supportWish.__typename).toBe('WishArchived');
  });

  it('lets a steward of the neighbourhood archive any wish there, and nobody else', async () => {
    expect(errorCodes(await c.execute(ARCHIVE, { id: schoolroute }, anonymous))).toEqual([{ path: 'archiveWish', code: 'UNAUTHENTICATED' }]);
    expect(errorCodes(await c.execute(ARCHIVE, { id: schoolroute }, memberViewer('Oma Ria')))).toEqual([{ path: 'archiveWish', code: 'FORBIDDEN' }]);
    expect(errorCodes(await c.execute(ARCHIVE, { id: schoolroute }, memberViewer('Buurvrouw Bep', KLARENDAL, ['steward'])))).toEqual([{ path: 'archiveWish', code: 'FORBIDDEN' }]);
    expect((await c.ok(WISH, { id: schoolroute })).wish.status).toBe('OPEN');
    expect((await c.ok(ARCHIVE, { id: schoolroute }, steward)).archiveWish.wish.status).toBe('ARCHIVED');
    expect((await c.ok(ARCHIVE, { id: stableId('wish:none') }, steward)).archiveWish).toEqual({ __typename: 'WishNotFound', code: 'WISH_NOT_FOUND', field: 'wishId' });
  });
});
