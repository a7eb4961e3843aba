import { randomUUID } from 'node:crypto';
import { stableId } from '@dbwe/platform';
import { defaultAccountId } from '@dbwe/ledger/src/accounts/default-chart';
import { startPlatform, type RunningPlatform } from './platform';
import { demoMember, INVENTED, SPIJKERKWARTIER, tokenOf } from './people';

/*
 * References that hold, read back through the real gateway. A new member of
 * the Spijkerkwartier, Karin, ends up in every public list that can name a
 * member: she posts a wish, joins the Repair Café and records a lesson
 * there, proposes a project and takes a wish up in it, co-challenges a
 * submitted bid, puts in volunteer hours and is paid as a supplier. Then she
 * erases herself. Every one of those lists still reads without an error,
 * with Karin in it as an erased member. And references stored before ids
 * were checked, to a member, wish or theme nobody knows, make one item null
 * in the lists that replace the old ones, never the whole list.
 */
let platform: RunningPlatform;
const karin = randomUUID();
let karinsToken: string;
let karinsProject: string;
let bid: string;
const repairCafe = stableId('project:repair-cafe');

async function ok(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const { body } = await platform.query<any>(query, variables, { token });
  expect(body.errors).toBeUndefined();
  return body.data;
}

beforeAll(async () => {
  platform = await startPlatform();
  karinsToken = await platform.token(karin, [{ role: 'resident', neighbourhood: SPIJKERKWARTIER }]);
  const steward = await tokenOf(platform, 'Penningmeester Pieter', ['resident', 'steward'], SPIJKERKWARTIER);
  const lotte = await tokenOf(platform, 'Lezende Lotte', ['resident'], SPIJKERKWARTIER);

  await ok(`mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { __typename } }`, {
    input: { neighbourhoodId: SPIJKERKWARTIER, displayName: 'Klussende Karin', kind: 'PERSON', domain: 'ENTREPRENEUR', fullName: 'Karin de Klusser' },
  }, karinsToken);
  // She is paid as an entrepreneur: an admin of the neighbourhood confirmed the domain she registered with.
  const admin = await platform.token(stableId('identity:admin'), [{ role: 'admin', neighbourhood: SPIJKERKWARTIER }]);
  const confirmed = await ok(`mutation ($input: ConfirmMemberDomainInput!) { confirmMemberDomain(input: $input) { __typename } }`, {
    input: { memberId: karin, reason: 'Ingeschreven bij de KvK als klusbedrijf.' },
  }, admin);
  expect(confirmed.confirmMemberDomain.__typename).toBe('ConfirmMemberDomainSuccess');
  await ok(`mutation ($input: PostWishInput!) { postWish(input: $input) { __typename } }`, {
    input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Een gereedschapsbieb', description: 'Boren en ladders delen.', themeIds: [] },
  }, karinsToken);
  await ok(`mutation ($input: AddParticipantInput!) { addProjectParticipant(input: $input) { __typename } }`, { input: { projectId: repairCafe, memberId: karin, role: 'VOLUNTEER' } }, karinsToken);
  await ok(`mutation ($input: RecordLessonInput!) { recordLesson(input: $input) { __typename } }`, {
    input: { projectId: repairCafe, title: 'Gereedschap klaarleggen', whatWorked: 'Vooraf sorteren.', whatDidNotWork: 'Te weinig stopcontacten.', forWhom: 'Repair cafés' },
  }, karinsToken);
  const proposed = await ok(`mutation ($input: ProposeProjectInput!) { proposeProject(input: $input) { ... on ProjectPayload { project { id } } } }`, {
    input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Gereedschapsbieb', summary: 'Delen wat je zelden gebruikt.', originatingWishes: [{ wishId: stableId('wish:repair-cafe') }] },
  }, karinsToken);
  karinsProject = proposed.proposeProject.project.id;
  const drafted = await ok(`mutation ($input: DraftBidInput!) { draftRightToChallengeBid(input: $input) { ... on BidPayload { bid { id } } } }`, {
    input: {
      neighbourhoodId: SPIJKERKWARTIER, coChallengerIds: [karin], task: 'Onderhoud van de bankjes', taskDescription: 'Schuren en lakken.', mode: 'TAKE_OVER',
      currentAnnualCost: '3000.00', budgetLine: 'Straatmeubilair', proposedAnnualBudget: '2500.00', socialAddedValue: 'Buren aan het werk.',
    },
  }, lotte);
  bid = drafted.draftRightToChallengeBid.bid.id;
  await ok(`mutation ($input: BidStepInput!) { submitRightToChallengeBid(input: $input) { __typename } }`, { input: { bidId: bid } }, lotte);
  const account = (code: string) => defaultAccountId(SPIJKERKWARTIER, code);
  for (const input of [
    { description: 'Uren Karin', memberId: karin, lines: [{ accountId: account('9100'), side: 'DEBIT', amount: '6.00', unit: 'HOUR' }, { accountId: account('9800'), side: 'CREDIT', amount: '6.00', unit: 'HOUR' }] },
    { description: 'Schroeven en lak', lines: [
      { accountId: account('4100'), side: 'DEBIT', amount: '42.00', unit: 'EUR', counterparty: { memberId: karin, domain: 'ENTREPRENEUR' } },
      { accountId: account('1600'), side: 'CREDIT', amount: '42.00', unit: 'EUR' },
    ] },
  ]) {
    const posted = await ok(`mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`, {
      input: { neighbourhoodId: SPIJKERKWARTIER, idempotencyKey: randomUUID(), bookingDate: '2026-11-30', ...input },
    }, steward);
    expect(posted.postEntry.__typename).toBe('PostEntrySuccess');
  }
  await ok(`mutation { eraseMe { member { id } } }`, {}, karinsToken);
});
afterAll(() => platform?.stop());

/** An anonymous read that must come back whole: no error, and no value the gateway had to null for lack of one. */
async function readable(query: string, variables: Record<string, unknown> = {}) {
  const { body } = await platform.query<any>(query, variables);
  expect(body.errors).toBeUndefined();
  expect(body.extensions?.valueCompletion).toBeUndefined();
  return body.data;
}

const ERASED = { id: karin, erased: true };
const MEMBER = `id erased displayName domain neighbourhood { slug }`;

describe('after eraseMe, every public list that named the member reads whole', () => {
  it("the projects she took part in, coordinated and learned in, with their timelines", async () => {
    const data = await readable(`query ($a: ID!, $b: ID!) {
      a: project(id: $a) { participants { role member { ${MEMBER} } } lessons { recordedBy { ${MEMBER} } } }
      b: project(id: $b) { coordinator { ${MEMBER} } participants { member { ${MEMBER} } } timeline { kind actor { ${MEMBER} } wish { title } }
        wishAdoptions { wish { title status } adoptedBy { ${MEMBER} } } originatingWishes { title } } }`, { a: repairCafe, b: karinsProject });
    expect(data.a.participants.map((p: any) => p.member)).toContainEqual(expect.objectContaining(ERASED));
    expect(data.a.lessons.map((l: any) => l.recordedBy)).toContainEqual(expect.objectContaining(ERASED));
    expect(data.b.coordinator).toMatchObject(ERASED);
    expect(data.b.timeline.every((e: any) => e.actor.erased)).toBe(true);
    expect(data.b.wishAdoptions).toEqual([{ wish: { title: expect.any(String), status: 'ADOPTED' }, adoptedBy: expect.objectContaining(ERASED) }]);
  });

  it('the bid she co-challenges, in the old and the new list of challengers', async () => {
    const data = await readable(`query ($id: ID!) { rightToChallengeBid(id: $id) {
      challengers { ${MEMBER} } bidChallengers { memberId drafter member { ${MEMBER} } } timeline { actor { ${MEMBER} } } } }`, { id: bid });
    expect(data.rightToChallengeBid.challengers[1]).toMatchObject(ERASED);
    expect(data.rightToChallengeBid.bidChallengers[1]).toEqual({ memberId: karin, drafter: false, member: expect.objectContaining(ERASED) });
  });

  it("the neighbourhood's members, wishes, entries and local economy", async () => {
    const data = await readable(`query ($member: ID!) { neighbourhood(slug: "spijkerkwartier") {
      members(first: 100) { edges { node { ${MEMBER} } } }
      wishes(first: 100) { edges { node { title author { ${MEMBER} } } } }
      ledgerEntries(member: $member) { edges { node { description member { ${MEMBER} } recordedBy { id } } } }
      all: ledgerEntries(from: "2026-11-30") { edges { node { lines { counterparty { domain member { ${MEMBER} } } } } } }
      localEconomy { staysShare counterparties { domain amount { amount } member { ${MEMBER} } } } } }`, { member: karin });
    const n = data.neighbourhood;
    expect(n.members.edges.map((e: any) => e.node)).toContainEqual(expect.objectContaining(ERASED));
    expect(n.wishes.edges.map((e: any) => e.node.author)).toContainEqual(expect.objectContaining(ERASED));
    expect(n.ledgerEntries.edges.map((e: any) => e.node.member)).toEqual([expect.objectContaining(ERASED)]);
    expect(n.all.edges.flatMap((e: any) => e.node.lines.map((l: any) => l.counterparty?.member)).filter(Boolean)).toContainEqual(expect.objectContaining(ERASED));
    // The books keep the fact: money paid to a member of the neighbourhood, who was an entrepreneur when paid.
    expect(n.localEconomy.counterparties).toContainEqual({ domain: 'ENTREPRENEUR', amount: { amount: '42.00' }, member: expect.objectContaining(ERASED) });
  });

  it('the member herself, with her projects, wishes and hours', async () => {
    const data = await readable(`query ($id: ID!) { member(id: $id) { ${MEMBER} projects { edges { node { title } } } wishes { edges { node { title } } } volunteerHours { amount } } }`, { id: karin });
    expect(data.member).toMatchObject({ ...ERASED, volunteerHours: { amount: '6.00' } });
    expect(data.member.projects.edges.map((e: any) => e.node.title)).toEqual(expect.arrayContaining(['Gereedschapsbieb', 'Repair Café Spijkerkwartier']));
  });

  it('lessons learned across every neighbourhood', async () => {
    const data = await readable(`{ lessonsLearned(search: "gereedschap") { edges { node { title recordedBy { ${MEMBER} } project { title } } } } }`);
    expect(data.lessonsLearned.edges.map((e: any) => e.node.recordedBy)).toContainEqual(expect.objectContaining(ERASED));
  });
});

describe('references stored before ids were checked', () => {
  beforeAll(async () => {
    // As an operator could find them in an installation from before: a participant, a challenger, a wish and a theme nobody knows.
    const sql = platform.subgraphs.projects.admin;
    await sql.query(`INSERT INTO projects.project_participant (project_id, member_id, role) VALUES ($1, $2, 'VOLUNTEER')`, [repairCafe, INVENTED]);
    await sql.query(`INSERT INTO projects.bid_challenger (bid_id, member_id, position) VALUES ($1, $2, 9)`, [bid, INVENTED]);
    await sql.query(`INSERT INTO projects.project_wish (project_id, wish_id, wish_neighbourhood_id, adopted_by, adopted_at) VALUES ($1, $2, $3, $4, now())`, [
      repairCafe, INVENTED, SPIJKERKWARTIER, demoMember('Klusser Kees'),
    ]);
    await sql.query(`UPDATE projects.project SET theme_ids = theme_ids || $2::uuid WHERE id = $1`, [repairCafe, INVENTED]);
  });

  it('make one item null in the lists that replace the old ones, and leave the rest of each list readable', async () => {
    const { body } = await platform.query<any>(`query ($p: ID!, $b: ID!) {
      project(id: $p) { participants { member { displayName } } projectThemes { themeId theme { name } } wishAdoptions { wishId wish { title } } }
      rightToChallengeBid(id: $b) { bidChallengers { memberId member { displayName } } } }`, { p: repairCafe, b: bid });
    expect(body.errors).toBeUndefined();
    const { project, rightToChallengeBid } = body.data;
    expect(project.participants.at(-1)).toEqual({ member: null });
    expect(project.participants.filter((p: any) => p.member !== null).length).toBeGreaterThan(1);
    expect(project.projectThemes.at(-1)).toEqual({ themeId: INVENTED, theme: null });
    expect(project.projectThemes[0].theme).toEqual({ name: expect.any(String) });
    expect(project.wishAdoptions.find((w: any) => w.wishId === INVENTED)).toEqual({ wishId: INVENTED, wish: null });
    expect(project.wishAdoptions.filter((w: any) => w.wish !== null)).not.toHaveLength(0);
    expect(rightToChallengeBid.bidChallengers.at(-1)).toEqual({ memberId: INVENTED, member: null });
    expect(rightToChallengeBid.bidChallengers[0].member).toEqual({ displayName: 'Lezende Lotte' });
  });
});
