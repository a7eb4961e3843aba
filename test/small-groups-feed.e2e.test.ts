import { startPlatform, type RunningPlatform } from './platform';
import { SPIJKERKWARTIER, tokenOf } from './people';
import { waitFor } from './reliability/processes';

/*
 * A wish's support is published only from the minimum group size on
 * (docs/privacy.md, "Privacy of small groups"); below it `supporters` is
 * null, zero included, because "the step from 0 to hidden would tell that
 * one person just acted". The BI feed (and so webhooks, which carry the same
 * events) must not tell it either: a `wish.support-changed` event whose
 * change the public cannot see would say exactly that, with the time, for
 * every wish, forever, to be matched against the feed's other events (a
 * member who registered a moment before, say). Here the minimum is 2:
 * Bram's support (0 → 1) is not public, Gerda's (1 → 2) is, and her
 * withdrawal (2 → 1, the figure goes hidden again) is too.
 */
const FEED = '/export/v1/neighbourhoods/spijkerkwartier/events.jsonl';
const SUPPORT_CHANGED = 'nl.dbwe.community.wish.support-changed';

describe('the event feed and the privacy of small groups', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphEnv: { PRIVACY_MIN_GROUP_SIZE: '2' } });
  });
  afterAll(() => platform?.stop());

  const ok = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const { body } = await platform.query<any>(query, variables, token ? { token } : {});
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const feed = async () => {
    const response = await fetch(new URL(FEED, platform.gatewayUrl));
    expect(response.status).toBe(200);
    return (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
  };
  const postWish = async (title: string, token: string) =>
    (await ok(`mutation ($input: PostWishInput!) { postWish(input: $input) { ... on PostWishSuccess { wish { id } } } }`, { input: { neighbourhoodId: SPIJKERKWARTIER, title, description: 'Samen.', themeIds: [] } }, token))
      .postWish.wish.id as string;

  it('carries a change of support only when it changes what the public sees', async () => {
    const bram = await tokenOf(platform, 'Buurtkok Bram', ['resident'], SPIJKERKWARTIER);
    const gerda = await tokenOf(platform, 'Groene Gerda', ['resident'], SPIJKERKWARTIER);
    const wishId = await postWish('Een bankje bij de school', bram);
    const supporters = async () => (await ok(`query ($id: ID!) { wish(id: $id) { supporters } }`, { id: wishId }, undefined)).wish.supporters;

    expect((await ok(`mutation ($id: ID!) { supportWish(wishId: $id) { __typename } }`, { id: wishId }, bram)).supportWish.__typename).toBe('SupportWishSuccess');
    expect(await supporters()).toBeNull();
    expect((await ok(`mutation ($id: ID!) { supportWish(wishId: $id) { __typename } }`, { id: wishId }, gerda)).supportWish.__typename).toBe('SupportWishSuccess');
    expect(await supporters()).toBe(2);
    expect((await ok(`mutation ($id: ID!) { withdrawSupport(wishId: $id) { __typename } }`, { id: wishId }, gerda)).withdrawSupport.__typename).toBe('WithdrawSupportSuccess');
    expect(await supporters()).toBeNull();

    // A later change of community's: once it is in the feed, so is every earlier one (the feed keeps each source's order).
    const marker = await postWish('Een later verzoek', bram);
    let events: any[] = [];
    await waitFor('the feed to hold the later wish', async () => (events = await feed()).some((e) => e.subject === `wishes/${marker}`), 30_000, 200);
    const changes = events.filter((e) => e.type === SUPPORT_CHANGED && e.subject === `wishes/${wishId}`);
    // Gerda's support and her withdrawal, with the published figure; Bram's first support not at all.
    expect(changes.map((e) => e.data.supporters)).toEqual([2, null]);
  }, 90_000);
});
