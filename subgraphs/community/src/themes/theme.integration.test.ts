import { stableId } from '@dbwe/platform';
import { anonymous, adminViewer, demoThemeId, errorCodes, KLARENDAL, memberViewer, SPIJKERKWARTIER, startCommunity, type CommunityTest } from '../testing/community.fixtures';

/* Themes: six per demo neighbourhood; stewards add more, which wishes can then use. */
let c: CommunityTest;
beforeAll(async () => {
  c = await startCommunity();
});
afterAll(() => c.teardown());

const ADD = `mutation ($input: AddThemeInput!) { addTheme(input: $input) { __typename
  ... on AddThemeSuccess { theme { id slug name description neighbourhood { slug } } }
  ... on ThemeSlugTaken { theme { id } } ... on CommunityError { code field } } }`;
const steward = memberViewer('Buurvrouw Bep', KLARENDAL, ['resident', 'steward']);
const input = (overrides: Record<string, unknown> = {}) => ({ neighbourhoodId: KLARENDAL, slug: 'mode', name: 'Mode', description: 'Het Modekwartier.', ...overrides });

it('lets a steward add a theme that residents can then post wishes under', async () => {
  const added = await c.ok(ADD, { input: input() }, steward);
  expect(added.addTheme).toEqual({
    __typename: 'AddThemeSuccess',
    theme: { id: expect.any(String), slug: 'mode', name: 'Mode', description: 'Het Modekwartier.', neighbourhood: { slug: 'klarendal' } },
  });
  const posted = await c.ok(
    `mutation ($input: PostWishInput!) { postWish(input: $input) { ... on PostWishSuccess { wish { themes { slug } } } } }`,
    { input: { neighbourhoodId: KLARENDAL, title: 'Modeweek in de straat', description: '', themeIds: [added.addTheme.theme.id] } },
    memberViewer('Naaister Noor', KLARENDAL),
  );
  expect(posted.postWish.wish.themes).toEqual([{ slug: 'mode' }]);
  expect((await c.ok(`query ($n: ID!) { neighbourhood(id: $n) { themes { slug } } }`, { n: KLARENDAL })).neighbourhood.themes).toContainEqual({ slug: 'mode' });
});

it.each([
  ['a slug already used in the neighbourhood', { slug: 'groen' }, { __typename: 'ThemeSlugTaken', code: 'THEME_SLUG_TAKEN', field: 'slug', theme: { id: demoThemeId('klarendal', 'groen') } }],
  ['a slug with capitals and spaces', { slug: 'Groene Daken' }, { __typename: 'InvalidSlug', code: 'INVALID_SLUG', field: 'slug' }],
  ['an empty name', { slug: 'leeg', name: ' ' }, { __typename: 'EmptyValue', code: 'EMPTY_VALUE', field: 'name' }],
  ['an over-long description', { slug: 'lang', description: 'x'.repeat(1001) }, { __typename: 'ValueTooLong', code: 'VALUE_TOO_LONG', field: 'description' }],
  ['an unknown neighbourhood', { neighbourhoodId: stableId('neighbourhood:atlantis') }, { __typename: 'NeighbourhoodNotFound', code: 'NEIGHBOURHOOD_NOT_FOUND', field: 'neighbourhoodId' }],
])('refuses %s and writes nothing', async (_case, overrides, expected) => {
  const before = await c.count('theme');
  expect((await c.ok(ADD, { input: input(overrides) }, steward)).addTheme).toEqual(expected);
  expect(await c.count('theme')).toBe(before);
});

it('lets only stewards and admins of the neighbourhood add themes', async () => {
  expect(errorCodes(await c.execute(ADD, { input: input({ slug: 'a' }) }, anonymous))).toEqual([{ path: 'addTheme', code: 'UNAUTHENTICATED' }]);
  expect(errorCodes(await c.execute(ADD, { input: input({ slug: 'b' }) }, memberViewer('Naaister Noor', KLARENDAL)))).toEqual([{ path: 'addTheme', code: 'FORBIDDEN' }]);
  expect(errorCodes(await c.execute(ADD, { input: input({ slug: 'c' }) }, memberViewer('Penningmeester Pieter', SPIJKERKWARTIER, ['steward'])))).toEqual([{ path: 'addTheme', code: 'FORBIDDEN' }]);
  expect((await c.ok(ADD, { input: input({ slug: 'd' }) }, adminViewer(KLARENDAL))).addTheme.__typename).toBe('AddThemeSuccess');
});
