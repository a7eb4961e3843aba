import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { demoMember, erasedMember, INVENTED, KLARENDAL, SPIJKERKWARTIER, tokenOf } from '../../../../test/people';

/*
 * Through the real gateway, with the demo data: every id a projects write
 * stores is checked in the public graph when it is written. An invented id,
 * an id of another neighbourhood and an erased member's id are each refused
 * with a named error type and nothing is written; the same write with ids of
 * the project's own neighbourhood goes through.
 */
let platform: RunningPlatform;
let erased: string;
beforeAll(async () => {
  platform = await startPlatform({ seed: ['community', 'projects'] });
  erased = await erasedMember(platform, SPIJKERKWARTIER);
});
afterAll(() => platform?.stop());

const repairCafe = stableId('project:repair-cafe');
const solarRoofs = stableId('project:solar-roofs');
const wish = (key: string) => stableId(`wish:${key}`);
const theme = (neighbourhood: string, slug: string) => stableId(`theme:${neighbourhood}:${slug}`);
const steward = () => tokenOf(platform, 'Penningmeester Pieter', ['resident', 'steward'], SPIJKERKWARTIER);
const resident = () => tokenOf(platform, 'Lezende Lotte', ['resident'], SPIJKERKWARTIER);

const ERROR = `__typename ... on ProjectsError { code field }`;
async function mutate(name: string, type: string, input: Record<string, unknown>, token: string, selection = ERROR) {
  const { body } = await platform.query<any>(`mutation ($input: ${type}!) { r: ${name}(input: $input) { ${selection} } }`, { input }, { token });
  expect(body.errors).toBeUndefined();
  return body.data.r;
}
/** The three kinds of member id every reference check refuses. */
const member = (who: 'invented' | 'klarendal' | 'erased') => ({ invented: INVENTED, klarendal: demoMember('Sportieve Sven'), erased })[who];
const rows = async (sql: string, params: unknown[] = []) => Number((await platform.subgraphs.projects.admin.query(sql, params))[0].n);

describe('addProjectParticipant', () => {
  const participants = () => rows(`SELECT count(*) AS n FROM projects.project_participant WHERE project_id = $1`, [repairCafe]);

  it.each([
    ['an invented id', 'invented', 'UnknownParticipant', 'UNKNOWN_MEMBER'],
    ['a member of Klarendal', 'klarendal', 'ParticipantInOtherNeighbourhood', 'MEMBER_IN_OTHER_NEIGHBOURHOOD'],
    ['an erased member', 'erased', 'ParticipantErased', 'MEMBER_ERASED'],
  ] as const)('refuses %s (%s) with %s and adds nobody', async (_case, who, typename, code) => {
    const memberId = () => member(who);
    const before = await participants();
    const refused = await mutate('addProjectParticipant', 'AddParticipantInput', { projectId: repairCafe, memberId: memberId(), role: 'VOLUNTEER' }, await steward(),
      `${ERROR} ... on UnknownParticipant { memberId } ... on ParticipantInOtherNeighbourhood { memberId member { neighbourhood { slug } } } ... on ParticipantErased { memberId }`);
    expect(refused).toMatchObject({ __typename: typename, code, field: 'memberId', memberId: memberId() });
    if (typename === 'ParticipantInOtherNeighbourhood') expect(refused.member).toEqual({ neighbourhood: { slug: 'klarendal' } });
    expect(await participants()).toBe(before);
  });

  it('adds a member of the project\'s own neighbourhood', async () => {
    const added = await mutate('addProjectParticipant', 'AddParticipantInput', { projectId: repairCafe, memberId: demoMember('Yoga Yara'), role: 'VOLUNTEER' }, await steward(),
      `... on ProjectPayload { project { participants { member { displayName } role } } }`);
    expect(added.project.participants).toContainEqual({ member: { displayName: 'Yoga Yara' }, role: 'VOLUNTEER' });
  });
});

describe('draftRightToChallengeBid: co-challengers', () => {
  const bids = () => rows(`SELECT count(*) AS n FROM projects.bid`);
  const draft = (coChallengerIds: string[]) => ({
    neighbourhoodId: SPIJKERKWARTIER,
    coChallengerIds,
    task: 'Beheer van de moestuin aan de Spijkerlaan',
    taskDescription: 'Bewoners nemen het dagelijkse beheer over.',
    mode: 'TAKE_OVER',
    currentAnnualCost: '8000.00',
    budgetLine: 'Openbaar groen',
    proposedAnnualBudget: '6500.00',
    socialAddedValue: 'Buren ontmoeten elkaar in de tuin.',
  });

  it.each([
    ['an invented id', 'invented', 'UnknownCoChallenger', 'UNKNOWN_MEMBER'],
    ['a member of Klarendal', 'klarendal', 'CoChallengerInOtherNeighbourhood', 'MEMBER_IN_OTHER_NEIGHBOURHOOD'],
    ['an erased member', 'erased', 'CoChallengerErased', 'MEMBER_ERASED'],
  ] as const)('refuses %s (%s) with %s and drafts nothing', async (_case, who, typename, code) => {
    const memberId = () => member(who);
    const before = await bids();
    const refused = await mutate('draftRightToChallengeBid', 'DraftBidInput', draft([demoMember('Muzikale Mo'), memberId()]), await resident());
    expect(refused).toEqual({ __typename: typename, code, field: 'coChallengerIds.1' });
    expect(await bids()).toBe(before);
  });

  it('drafts with co-challengers of the neighbourhood, who are then its challengers', async () => {
    const drafted = await mutate('draftRightToChallengeBid', 'DraftBidInput', draft([demoMember('Muzikale Mo')]), await resident(),
      `... on BidPayload { bid { bidChallengers { member { displayName } drafter } } }`);
    expect(drafted.bid.bidChallengers).toEqual([
      { member: { displayName: 'Lezende Lotte' }, drafter: true },
      { member: { displayName: 'Muzikale Mo' }, drafter: false },
    ]);
  });
});

describe('adoptWish and proposeProject: wishes', () => {
  const adoptions = () => rows(`SELECT count(*) AS n FROM projects.project_wish`);

  it("takes the wish's neighbourhood from the graph, not from the client", async () => {
    const before = await adoptions();
    // The client claims the Klarendal wish is a Spijkerkwartier one.
    const refused = await mutate('adoptWish', 'AdoptWishInput', { projectId: solarRoofs, wish: { wishId: wish('sportveld-klarendal'), neighbourhoodId: SPIJKERKWARTIER } }, await steward(),
      `${ERROR} ... on WishInOtherNeighbourhood { wish { neighbourhood { slug } } }`);
    expect(refused).toEqual({ __typename: 'WishInOtherNeighbourhood', code: 'WISH_IN_OTHER_NEIGHBOURHOOD', field: 'wishes', wish: { neighbourhood: { slug: 'klarendal' } } });
    expect(await adoptions()).toBe(before);
  });

  it('refuses a wish nobody posted, and adopts one of its own neighbourhood without the client naming its neighbourhood', async () => {
    const before = await adoptions();
    expect(await mutate('adoptWish', 'AdoptWishInput', { projectId: solarRoofs, wish: { wishId: INVENTED } }, await steward())).toEqual({
      __typename: 'UnknownWish', code: 'UNKNOWN_WISH', field: 'wish.wishId',
    });
    expect(await adoptions()).toBe(before);
    const adopted = await mutate('adoptWish', 'AdoptWishInput', { projectId: solarRoofs, wish: { wishId: wish('veilige-schoolroute') } }, await steward(),
      `... on ProjectPayload { project { wishAdoptions { wish { title status } adoptedBy { displayName } } } }`);
    expect(adopted.project.wishAdoptions.at(-1)).toEqual({ wish: { title: expect.any(String), status: 'ADOPTED' }, adoptedBy: { displayName: 'Penningmeester Pieter' } });
  });

  const proposal = (overrides: Record<string, unknown>) => ({ neighbourhoodId: SPIJKERKWARTIER, title: 'Buurtbieb', summary: 'Een minibieb op elke hoek.', ...overrides });
  const projectCount = () => rows(`SELECT count(*) AS n FROM projects.project`);

  it.each([
    ['an invented wish', { originatingWishes: [{ wishId: INVENTED }] }, 'UnknownWish', 'UNKNOWN_WISH', 'originatingWishes.0.wishId'],
    ['a Klarendal wish said to be ours', { originatingWishes: [{ wishId: wish('kringloop-leerplekken'), neighbourhoodId: SPIJKERKWARTIER }] }, 'WishInOtherNeighbourhood', 'WISH_IN_OTHER_NEIGHBOURHOOD', 'wishes'],
    ['a theme of Klarendal', { themeIds: [theme('klarendal', 'groen')] }, 'ThemeNotInNeighbourhood', 'THEME_NOT_IN_NEIGHBOURHOOD', 'themeIds.0'],
    ['an invented theme', { themeIds: [theme('spijkerkwartier', 'groen'), INVENTED] }, 'ThemeNotInNeighbourhood', 'THEME_NOT_IN_NEIGHBOURHOOD', 'themeIds.1'],
  ])('proposeProject refuses %s with %s and proposes nothing', async (_case, overrides, typename, code, field) => {
    const before = await projectCount();
    expect(await mutate('proposeProject', 'ProposeProjectInput', proposal(overrides), await resident())).toEqual({ __typename: typename, code, field });
    expect(await projectCount()).toBe(before);
  });

  it('proposeProject refuses a neighbourhood this installation does not serve', async () => {
    const before = await projectCount();
    const admin = await platform.token(demoMember('Penningmeester Pieter'), [{ role: 'admin', neighbourhood: '*' }]);
    expect(await mutate('proposeProject', 'ProposeProjectInput', proposal({ neighbourhoodId: INVENTED }), admin)).toEqual({
      __typename: 'NeighbourhoodNotServed', code: 'UNKNOWN_NEIGHBOURHOOD', field: 'neighbourhoodId',
    });
    expect(await projectCount()).toBe(before);
  });

  it('updateProject refuses a theme of another neighbourhood and keeps the old ones', async () => {
    const themes = async () => (await platform.query<any>(`{ project(id: "${repairCafe}") { projectThemes { themeId } } }`)).body.data.project.projectThemes;
    const before = await themes();
    expect(await mutate('updateProject', 'UpdateProjectInput', { projectId: repairCafe, themeIds: [theme('klarendal', 'economie')] }, await steward())).toEqual({
      __typename: 'ThemeNotInNeighbourhood', code: 'THEME_NOT_IN_NEIGHBOURHOOD', field: 'themeIds.0',
    });
    expect(await themes()).toEqual(before);
  });

  it('a Klarendal resident proposes in Klarendal with a Klarendal wish and theme', async () => {
    const token = await tokenOf(platform, 'Sportieve Sven', ['resident'], KLARENDAL);
    const proposed = await mutate('proposeProject', 'ProposeProjectInput',
      proposal({ neighbourhoodId: KLARENDAL, themeIds: [theme('klarendal', 'groen')], originatingWishes: [{ wishId: wish('sportveld-klarendal') }] }), token,
      `... on ProjectPayload { project { neighbourhood { slug } projectThemes { theme { name } } wishAdoptions { wish { title } } } }`);
    expect(proposed.project).toEqual({ neighbourhood: { slug: 'klarendal' }, projectThemes: [{ theme: { name: 'Groen' } }], wishAdoptions: [{ wish: { title: expect.any(String) } }] });
  });
});
