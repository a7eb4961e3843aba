import { stableId } from '@dbwe/platform';
import {
  adminViewer,
  anonymous,
  demoPollId,
  demoThemeId,
  errorCodes,
  KLARENDAL,
  memberViewer,
  SPIJKERKWARTIER,
  startCommunity,
  steward,
  type CommunityTest,
} from '../testing/community.fixtures';

/*
 * Priority polls (Spijkerpeil). The demo has one closed poll in which twelve
 * residents divided 100 points over five themes. Each test below opens its
 * own poll so the sums it checks are its own.
 */
let c: CommunityTest;
beforeAll(async () => {
  c = await startCommunity();
});
afterAll(() => c.teardown());

const theme = (slug: string) => demoThemeId('spijkerkwartier', slug);
const fenna = memberViewer('Fietsende Fenna');
const bram = memberViewer('Buurtkok Bram');
const kees = memberViewer('Klusser Kees');

const OPEN = `mutation ($input: OpenPollInput!) { openPoll(input: $input) { __typename
  ... on OpenPollSuccess { poll { id title description pointsBudget status openedAt closedAt themes { slug } participantCount results { theme { slug } points } } }
  ... on CommunityError { code field } ... on ValueOutOfRange { min max } ... on UnknownTheme { themeId } ... on ValueTooLong { maxLength } } }`;
const ALLOCATE = `mutation ($input: AllocatePointsInput!) { allocatePoints(input: $input) { __typename
  ... on AllocatePointsSuccess { allocation { total points { theme { slug } points } } poll { participantCount results { theme { slug } points } } }
  ... on CommunityError { code field } ... on OverBudget { budget allocated } ... on UnknownTheme { themeId } } }`;
const CLOSE = `mutation ($id: ID!) { closePoll(pollId: $id) { __typename ... on ClosePollSuccess { poll { status closedAt } } ... on CommunityError { code field } } }`;
const POLL = `query ($id: ID!) { poll(id: $id) { title status participantCount results { theme { slug } points } myAllocation { total points { theme { slug } points } } } }`;

async function openPoll(themes = ['groen', 'energie', 'zorg'], pointsBudget = 10): Promise<string> {
  const data = await c.ok(OPEN, { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Proefpeiling', themeIds: themes.map(theme), pointsBudget } }, steward);
  return data.openPoll.poll.id;
}
const allocate = (pollId: string, points: Record<string, number>, viewer = fenna) =>
  c.ok(ALLOCATE, { input: { pollId, allocations: Object.entries(points).map(([slug, p]) => ({ themeId: theme(slug), points: p })) } }, viewer);

describe('the demo Spijkerpeil', () => {
  it('publishes results that are exactly the sums of the stored divisions', async () => {
    const id = demoPollId('spijkerpeil-2025');
    const data = await c.ok(POLL, { id });
    const sums: { slug: string; points: number }[] = await c.db.query(
      `SELECT t.slug, coalesce(sum(a.points), 0)::int AS points FROM community.poll_theme pt JOIN community.theme t ON t.id = pt.theme_id
         LEFT JOIN community.poll_allocation a ON a.poll_id = pt.poll_id AND a.theme_id = pt.theme_id
        WHERE pt.poll_id = $1 GROUP BY t.slug, pt.position ORDER BY pt.position`,
      [id],
    );
    expect(data.poll).toMatchObject({ status: 'CLOSED', participantCount: 12, myAllocation: null });
    expect(data.poll.results).toEqual(sums.map((s) => ({ theme: { slug: s.slug }, points: s.points })));
    expect(data.poll.results).toEqual([
      { theme: { slug: 'groen' }, points: 315 },
      { theme: { slug: 'energie' }, points: 225 },
      { theme: { slug: 'zorg' }, points: 220 },
      { theme: { slug: 'veiligheid' }, points: 175 },
      { theme: { slug: 'ontmoeting' }, points: 255 },
    ]);
  });

  it('shows a participant their own division, and nobody else theirs', async () => {
    const id = demoPollId('spijkerpeil-2025');
    const own = await c.ok(POLL, { id }, memberViewer('Groene Gerda'));
    expect(own.poll.myAllocation).toEqual({
      total: 100,
      points: [
        { theme: { slug: 'groen' }, points: 60 },
        { theme: { slug: 'energie' }, points: 30 },
        { theme: { slug: 'zorg' }, points: 0 },
        { theme: { slug: 'veiligheid' }, points: 0 },
        { theme: { slug: 'ontmoeting' }, points: 10 },
      ],
    });
    for (const viewer of [anonymous, memberViewer('Oma Ria'), adminViewer(SPIJKERKWARTIER), memberViewer('Beleidsadviseur Joris')]) {
      const other = await c.ok(POLL, { id }, viewer);
      expect(other.poll.myAllocation?.points?.[0]?.points).not.toBe(60);
    }
    // Joris did not take part; an admin is not a participant either.
    expect((await c.ok(POLL, { id }, adminViewer(SPIJKERKWARTIER))).poll.myAllocation).toBeNull();
    expect((await c.ok(POLL, { id }, memberViewer('Beleidsadviseur Joris'))).poll.myAllocation).toBeNull();
  });

  it('lists a neighbourhood’s polls newest first, filtered by status, and resolves Poll through _entities', async () => {
    const Q = `query ($n: ID!, $status: PollStatus) { neighbourhood(id: $n) { polls(status: $status) { totalCount edges { node { id status } } } } }`;
    expect((await c.ok(Q, { n: KLARENDAL })).neighbourhood.polls).toEqual({ totalCount: 0, edges: [] });
    const closed = (await c.ok(Q, { n: SPIJKERKWARTIER, status: 'CLOSED' })).neighbourhood.polls;
    expect(closed.edges[closed.edges.length - 1].node).toEqual({ id: demoPollId('spijkerpeil-2025'), status: 'CLOSED' });
    const entities = await c.ok(`query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Poll { title participantCount } } }`, {
      reps: [{ __typename: 'Poll', id: demoPollId('spijkerpeil-2025') }],
    });
    expect(entities._entities).toEqual([{ title: 'Spijkerpeil 2025: waar gaat onze energie naartoe?', participantCount: 12 }]);
  });
});

describe('a poll from opening to close', () => {
  const HIDDEN_WHILE_OPEN = { results: [], resultsPublished: false, resultsHidden: 'POLL_OPEN' };
  const PUBLIC_POLL = `query ($id: ID!) { poll(id: $id) { status participantCount minimumParticipants resultsPublished resultsHidden results { theme { slug } points } } }`;

  it('keeps the totals hidden while open, counts each resident once, and publishes the exact sums once closed with five participants', async () => {
    const opened = await c.ok(
      OPEN,
      { input: { neighbourhoodId: SPIJKERKWARTIER, title: ' Spijkerpeil 2026 ', description: 'Verdeel 10 punten.', themeIds: [theme('groen'), theme('energie'), theme('zorg')], pointsBudget: 10 } },
      steward,
    );
    const poll = opened.openPoll.poll;
    expect(poll).toMatchObject({
      title: 'Spijkerpeil 2026',
      description: 'Verdeel 10 punten.',
      pointsBudget: 10,
      status: 'OPEN',
      closedAt: null,
      themes: [{ slug: 'groen' }, { slug: 'energie' }, { slug: 'zorg' }],
      participantCount: 0,
      results: [],
    });

    // Fenna 6/4/0, Bram 0/3/7, Kees 5/0/4 (9 of 10: using less than the budget is allowed).
    const first = await allocate(poll.id, { groen: 6, energie: 4 }, fenna);
    expect(first.allocatePoints.allocation).toEqual({
      total: 10,
      points: [
        { theme: { slug: 'groen' }, points: 6 },
        { theme: { slug: 'energie' }, points: 4 },
        { theme: { slug: 'zorg' }, points: 0 },
      ],
    });
    // With one participant the totals would be Fenna's division: nobody, Fenna included, reads them.
    expect(first.allocatePoints.poll).toEqual({ participantCount: 1, results: [] });
    expect((await c.ok(PUBLIC_POLL, { id: poll.id })).poll).toMatchObject({ participantCount: 1, minimumParticipants: 5, ...HIDDEN_WHILE_OPEN });
    await allocate(poll.id, { energie: 3, zorg: 7 }, bram);
    const third = await allocate(poll.id, { groen: 5, zorg: 4 }, kees);
    expect(third.allocatePoints.poll).toEqual({ participantCount: 3, results: [] });

    // Fenna changes her mind: her new division replaces the old one, she still counts once.
    const changed = await allocate(poll.id, { zorg: 10 }, fenna);
    expect(changed.allocatePoints.poll).toEqual({ participantCount: 3, results: [] });
    expect((await c.ok(POLL, { id: poll.id }, fenna)).poll.myAllocation.total).toBe(10);
    expect((await c.ok(POLL, { id: poll.id }, bram)).poll.myAllocation.points.map((p: any) => p.points)).toEqual([0, 3, 7]);

    // Gerda 10/0/0 and Ria 0/2/8 make five; still hidden, even to a steward and an admin, while open.
    await allocate(poll.id, { groen: 10 }, memberViewer('Groene Gerda'));
    await allocate(poll.id, { energie: 2, zorg: 8 }, memberViewer('Oma Ria'));
    for (const viewer of [anonymous, steward, adminViewer(SPIJKERKWARTIER)]) {
      expect((await c.ok(PUBLIC_POLL, { id: poll.id }, viewer)).poll).toMatchObject({ participantCount: 5, ...HIDDEN_WHILE_OPEN });
    }

    const closed = await c.ok(CLOSE, { id: poll.id }, steward);
    expect(closed.closePoll).toMatchObject({ __typename: 'ClosePollSuccess', poll: { status: 'CLOSED', closedAt: expect.any(String) } });

    const late = await allocate(poll.id, { groen: 10 }, memberViewer('Yoga Yara'));
    expect(late.allocatePoints).toEqual({ __typename: 'PollClosed', code: 'POLL_CLOSED', field: 'pollId' });
    const again = await c.ok(CLOSE, { id: poll.id }, steward);
    expect(again.closePoll).toEqual({ __typename: 'PollClosed', code: 'POLL_CLOSED', field: 'pollId' });
    // Groen 5 + 10, energie 3 + 2, zorg 21 + 8: exactly the sums of the five divisions.
    expect((await c.ok(PUBLIC_POLL, { id: poll.id })).poll).toEqual({
      status: 'CLOSED',
      participantCount: 5,
      minimumParticipants: 5,
      resultsPublished: true,
      resultsHidden: null,
      results: [
        { theme: { slug: 'groen' }, points: 15 },
        { theme: { slug: 'energie' }, points: 5 },
        { theme: { slug: 'zorg' }, points: 29 },
      ],
    });
  });

  it('keeps the totals of a closed poll hidden for good when fewer than five took part', async () => {
    const id = await openPoll();
    await allocate(id, { groen: 10 }, fenna);
    await allocate(id, { energie: 10 }, bram);
    await c.ok(CLOSE, { id }, steward);
    for (const viewer of [anonymous, fenna, steward, adminViewer(SPIJKERKWARTIER)]) {
      expect((await c.ok(PUBLIC_POLL, { id }, viewer)).poll).toEqual({
        status: 'CLOSED',
        participantCount: 2,
        minimumParticipants: 5,
        resultsPublished: false,
        resultsHidden: 'TOO_FEW_PARTICIPANTS',
        results: [],
      });
    }
    // Each participant still sees their own division.
    expect((await c.ok(POLL, { id }, fenna)).poll.myAllocation.points.map((p: any) => p.points)).toEqual([10, 0, 0]);
  });

  it('takes the minimum group size from the setting PRIVACY_MIN_GROUP_SIZE', async () => {
    const small = await startCommunity({ PRIVACY_MIN_GROUP_SIZE: '2' });
    try {
      const opened = await small.ok(OPEN, { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Twee stemmen', themeIds: [theme('groen'), theme('energie')], pointsBudget: 10 } }, steward);
      const id = opened.openPoll.poll.id;
      const divide = (points: number[], viewer: typeof fenna) =>
        small.ok(ALLOCATE, { input: { pollId: id, allocations: [{ themeId: theme('groen'), points: points[0] }, { themeId: theme('energie'), points: points[1] }] } }, viewer);
      await divide([7, 3], fenna);
      await small.ok(CLOSE, { id }, steward);
      expect((await small.ok(PUBLIC_POLL, { id })).poll).toMatchObject({ participantCount: 1, minimumParticipants: 2, resultsHidden: 'TOO_FEW_PARTICIPANTS', results: [] });

      const other = await small.ok(OPEN, { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Twee stemmen, twee mensen', themeIds: [theme('groen'), theme('energie')], pointsBudget: 10 } }, steward);
      const otherId = other.openPoll.poll.id;
      for (const [viewer, points] of [[fenna, [7, 3]], [bram, [1, 9]]] as const) {
        await small.ok(ALLOCATE, { input: { pollId: otherId, allocations: [{ themeId: theme('groen'), points: points[0] }, { themeId: theme('energie'), points: points[1] }] } }, viewer);
      }
      await small.ok(CLOSE, { id: otherId }, steward);
      expect((await small.ok(PUBLIC_POLL, { id: otherId })).poll.results.map((r: any) => r.points)).toEqual([8, 12]);
    } finally {
      await small.teardown();
    }
  });
});

describe('bad divisions', () => {
  let pollId: string;
  beforeAll(async () => {
    pollId = await openPoll(['groen', 'energie', 'zorg'], 10);
    await allocate(pollId, { groen: 10 }, bram);
  });

  it.each([
    ['more points than the budget', { input: { groen: 6, energie: 5 } }, { __typename: 'OverBudget', code: 'OVER_BUDGET', field: 'allocations', budget: 10, allocated: 11 }],
    ['a theme that is not in the poll', { input: { veiligheid: 1 } }, { __typename: 'UnknownTheme', code: 'UNKNOWN_THEME', field: 'allocations', themeId: theme('veiligheid') }],
    ['negative points', { input: { groen: 12, energie: -2 } }, { __typename: 'InvalidAllocation', code: 'INVALID_ALLOCATION', field: 'allocations' }],
  ])('refuses %s and keeps the earlier division', async (_case, { input }, expected) => {
    const before = [await c.count('poll_ballot'), await c.count('poll_allocation')];
    const data = await allocate(pollId, input, bram);
    expect(data.allocatePoints).toEqual(expected);
    expect([await c.count('poll_ballot'), await c.count('poll_allocation')]).toEqual(before);
    expect((await c.ok(POLL, { id: pollId }, bram)).poll.myAllocation.points.map((p: any) => p.points)).toEqual([10, 0, 0]);
  });

  it('refuses a theme named twice', async () => {
    const data = await c.ok(ALLOCATE, { input: { pollId, allocations: [{ themeId: theme('groen'), points: 1 }, { themeId: theme('groen'), points: 2 }] } }, bram);
    expect(data.allocatePoints).toEqual({ __typename: 'InvalidAllocation', code: 'INVALID_ALLOCATION', field: 'allocations' });
  });

  it('answers POLL_NOT_FOUND for an unknown poll', async () => {
    const data = await c.ok(ALLOCATE, { input: { pollId: stableId('poll:none'), allocations: [] } }, bram);
    expect(data.allocatePoints).toEqual({ __typename: 'PollNotFound', code: 'POLL_NOT_FOUND', field: 'pollId' });
  });

  it('is backed by the database: no ballot over budget or in a closed poll, whatever the application sends', async () => {
    const [ballot] = await c.db.query(`SELECT id FROM community.poll_ballot WHERE poll_id = $1`, [pollId]);
    await expect(
      c.db.query(`INSERT INTO community.poll_allocation (ballot_id, poll_id, theme_id, points) VALUES ($1, $2, $3, 1)`, [ballot.id, pollId, theme('energie')]),
    ).rejects.toThrow(/budget/);
    await c.db.query(`UPDATE community.poll SET closed_at = now() WHERE id = $1`, [pollId]);
    // The service never changes an allocation in place (it replaces them); an operator who does meets the trigger.
    await expect(c.db.query(`UPDATE community.poll_allocation SET points = 9 WHERE ballot_id = $1`, [ballot.id])).rejects.toThrow('permission denied for table poll_allocation');
    await expect(c.admin.query(`UPDATE community.poll_allocation SET points = 9 WHERE ballot_id = $1`, [ballot.id])).rejects.toThrow(/closed/);
  });

  it('needs a signed-in resident of the poll’s neighbourhood', async () => {
    const open = await openPoll();
    const input = { pollId: open, allocations: [{ themeId: theme('groen'), points: 1 }] };
    expect(errorCodes(await c.execute(ALLOCATE, { input }, anonymous))).toEqual([{ path: 'allocatePoints', code: 'UNAUTHENTICATED' }]);
    expect(errorCodes(await c.execute(ALLOCATE, { input }, memberViewer('Buurvrouw Bep', KLARENDAL)))).toEqual([{ path: 'allocatePoints', code: 'FORBIDDEN' }]);
    expect(errorCodes(await c.execute(ALLOCATE, { input }, adminViewer(SPIJKERKWARTIER)))).toEqual([{ path: 'allocatePoints', code: 'FORBIDDEN' }]);
  });
});

describe('opening and closing polls', () => {
  const input = (overrides: Record<string, unknown> = {}) => ({
    neighbourhoodId: SPIJKERKWARTIER,
    title: 'Peiling',
    themeIds: [theme('groen'), theme('zorg')],
    pointsBudget: 100,
    ...overrides,
  });

  it.each([
    ['an empty title', { title: ' ' }, { __typename: 'EmptyValue', code: 'EMPTY_VALUE', field: 'title' }],
    ['an over-long title', { title: 'p'.repeat(121) }, { __typename: 'ValueTooLong', code: 'VALUE_TOO_LONG', field: 'title', maxLength: 120 }],
    ['a single theme', { themeIds: [theme('groen')] }, { __typename: 'ValueOutOfRange', code: 'VALUE_OUT_OF_RANGE', field: 'themeIds', min: 2, max: 12 }],
    ['a theme named twice', { themeIds: [theme('groen'), theme('groen'), theme('zorg')] }, { __typename: 'ValueOutOfRange', code: 'VALUE_OUT_OF_RANGE', field: 'themeIds' }],
    ['an unknown theme', { themeIds: [theme('groen'), demoThemeId('klarendal', 'zorg')] }, { __typename: 'UnknownTheme', code: 'UNKNOWN_THEME', themeId: demoThemeId('klarendal', 'zorg') }],
    ['a budget of 0', { pointsBudget: 0 }, { __typename: 'ValueOutOfRange', code: 'VALUE_OUT_OF_RANGE', field: 'pointsBudget', min: 1, max: 1000 }],
    ['an unknown neighbourhood', { neighbourhoodId: stableId('neighbourhood:atlantis') }, { __typename: 'NeighbourhoodNotFound', code: 'NEIGHBOURHOOD_NOT_FOUND' }],
  ])('refuses %s and writes nothing', async (_case, overrides, expected) => {
    const before = [await c.count('poll'), await c.count('poll_theme')];
    expect((await c.ok(OPEN, { input: input(overrides) }, steward)).openPoll).toMatchObject(expected);
    expect([await c.count('poll'), await c.count('poll_theme')]).toEqual(before);
  });

  it('lets only stewards (and admins) of the neighbourhood open and close polls', async () => {
    expect(errorCodes(await c.execute(OPEN, { input: input() }, anonymous))).toEqual([{ path: 'openPoll', code: 'UNAUTHENTICATED' }]);
    expect(errorCodes(await c.execute(OPEN, { input: input() }, fenna))).toEqual([{ path: 'openPoll', code: 'FORBIDDEN' }]);
    expect(errorCodes(await c.execute(OPEN, { input: input() }, memberViewer('Buurvrouw Bep', KLARENDAL, ['steward'])))).toEqual([{ path: 'openPoll', code: 'FORBIDDEN' }]);
    expect((await c.ok(OPEN, { input: input() }, adminViewer(SPIJKERKWARTIER))).openPoll.__typename).toBe('OpenPollSuccess');

    const id = await openPoll();
    expect(errorCodes(await c.execute(CLOSE, { id }, anonymous))).toEqual([{ path: 'closePoll', code: 'UNAUTHENTICATED' }]);
    expect(errorCodes(await c.execute(CLOSE, { id }, fenna))).toEqual([{ path: 'closePoll', code: 'FORBIDDEN' }]);
    expect((await c.ok(CLOSE, { id: stableId('poll:none') }, steward)).closePoll).toEqual({ __typename: 'PollNotFound', code: 'POLL_NOT_FOUND', field: 'pollId' });
    expect((await c.ok(`query ($id: ID!) { poll(id: $id) { status } }`, { id })).poll.status).toBe('OPEN');
  });
});

describe('loading', () => {
  it('reads a page of polls with themes, results, counts and the caller’s division in a fixed number of queries', async () => {
    const Q = `query ($n: ID!) { neighbourhood(id: $n) { polls(first: 50) { totalCount edges { node {
      themes { name } results { theme { name } points } participantCount myAllocation { total points { theme { slug } points } } } } } } }`;
    c.queries.count = 0;
    const data = await c.ok(Q, { n: SPIJKERKWARTIER }, fenna);
    expect(data.neighbourhood.polls.totalCount).toBeGreaterThan(5);
    // neighbourhood, count, page, poll themes, themes, sums, participants, ballots: independent of the number of polls.
    expect(c.queries.count).toBeLessThanOrEqual(9);
  });
});
