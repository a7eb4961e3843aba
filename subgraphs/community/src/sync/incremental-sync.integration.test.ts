import { memberViewer, SPIJKERKWARTIER, startCommunity, type CommunityTest } from '../testing/community.fixtures';

/*
 * A nightly refresh asks only for what changed since the last one: after
 * one member changes their profile and one wish gets support, the second
 * pull returns exactly that member and that wish.
 */
const fenna = memberViewer('Fietsende Fenna');
const bram = memberViewer('Buurtkok Bram');

describe('incremental sync of community data', () => {
  let subgraph: CommunityTest;
  beforeAll(async () => {
    subgraph = await startCommunity();
  });
  afterAll(() => subgraph.teardown());

  const changed = async (since: string) => {
    const { data, errors } = await subgraph.execute<any>(
      `query ($id: ID!, $since: DateTime) { neighbourhood(id: $id) {
        members(first: 100, updatedSince: $since) { totalCount edges { node { displayName } } }
        wishes(first: 100, filter: { updatedSince: $since }) { totalCount edges { node { title } } }
        polls(first: 100, updatedSince: $since) { totalCount }
      } }`,
      { id: SPIJKERKWARTIER, since },
    );
    expect(errors).toBeUndefined();
    return data.neighbourhood;
  };

  it('returns everything for an old time, and only the changes after a later one', async () => {
    const everything = await changed('2000-01-01T00:00:00Z');
    expect(everything.members.totalCount).toBe(24);
    expect(everything.wishes.totalCount).toBeGreaterThan(1);

    const lastPull = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    expect(await changed(lastPull)).toEqual({ members: { totalCount: 0, edges: [] }, wishes: { totalCount: 0, edges: [] }, polls: { totalCount: 0 } });

    const profile = await subgraph.execute<any>(
      `mutation { updateMyProfile(input: { displayName: "Fenna op de fiets" }) { __typename } }`,
      {},
      fenna,
    );
    expect(profile.data.updateMyProfile.__typename).toBe('UpdateMyProfileSuccess');
    const wishes = await subgraph.execute<any>(`query ($id: ID!) { neighbourhood(id: $id) { wishes(first: 100) { edges { node { id title status supportedByMe } } } } }`, { id: SPIJKERKWARTIER }, bram);
    const unsupported = wishes.data.neighbourhood.wishes.edges.map((e: any) => e.node).find((w: any) => !w.supportedByMe && w.status === 'OPEN');
    const support = await subgraph.execute<any>(`mutation ($id: ID!) { supportWish(wishId: $id) { __typename } }`, { id: unsupported.id }, bram);
    expect(support.data.supportWish.__typename).toBe('SupportWishSuccess');

    const next = await changed(lastPull);
    expect(next.members.edges.map((e: any) => e.node.displayName)).toEqual(['Fenna op de fiets']);
    expect(next.wishes.edges.map((e: any) => e.node.title)).toEqual([unsupported.title]);
    expect(next.polls.totalCount).toBe(0);
  });
});
