import { randomUUID } from 'node:crypto';
import { stableId } from '@dbwe/platform';
import { ASSESSMENT_CRITERIA } from '@dbwe/projects/src/bids/bid-lifecycle';
import { startPlatform, type RunningPlatform } from './platform';

/*
 * Issue 20's whole story, through the real gateway as production runs it
 * (TOKEN_ROLES=ignore: every token below claims no role at all, so whatever
 * anyone may do comes from the platform's own records). A platform admin
 * registers Nijmegen, with the municipality's admin, and onboards
 * Nijmegen-Oost with its first admin; that admin appoints a steward, the
 * municipality's admin an official; the steward opens the books and posts
 * the first entry; a resident registers, posts a wish and votes in the
 * steward's poll; the resident's Right to Challenge bid is decided by the
 * official. At every step the wrong hands are refused, and nothing changes.
 */
const ONBOARD = `mutation ($input: OnboardNeighbourhoodInput!) { onboardNeighbourhood(input: $input) {
  __typename ... on OnboardNeighbourhoodSuccess { neighbourhood { id slug themes { id slug } } firstAdmin { id } } } }`;
const REGISTER_MUNICIPALITY = `mutation ($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { __typename } }`;
const REGISTER = `mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { __typename ... on CommunityError { code } } }`;
const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { __typename ... on CommunityError { code } } }`;
const OPEN_BOOKS = `mutation ($id: ID!) { openNeighbourhoodBooks(neighbourhoodId: $id) { __typename } }`;
const POST = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on PostEntrySuccess { entry { sequence } } } }`;
const WISH = `mutation ($input: PostWishInput!) { postWish(input: $input) { __typename ... on PostWishSuccess { wish { id } } } }`;
const OPEN_POLL = `mutation ($input: OpenPollInput!) { openPoll(input: $input) { __typename ... on OpenPollSuccess { poll { id pointsBudget } } } }`;
const VOTE = `mutation ($input: AllocatePointsInput!) { allocatePoints(input: $input) { __typename } }`;
const DRAFT = `mutation ($input: DraftBidInput!) { draftRightToChallengeBid(input: $input) { __typename ... on BidPayload { bid { id status } } } }`;
const STEP = (name: string, input: string) => `mutation ($input: ${input}!) { ${name}(input: $input) { __typename ... on BidPayload { bid { status } } } }`;

describe('a new neighbourhood from nothing to a decided bid, with roles held by the platform', () => {
  let platform: RunningPlatform;
  const platformAdmin = randomUUID();
  const municipalityAdmin = randomUUID();
  const admin = randomUUID();
  const steward = randomUUID();
  const official = randomUUID();
  const resident = randomUUID();
  const stranger = randomUUID();
  let nb: string;
  let themes: { id: string; slug: string }[];

  /** Asks as the identity with a token that claims no roles, returning data or the first error's code. */
  const as = async (who: string, query: string, variables: Record<string, unknown>): Promise<any> => {
    const { body } = await platform.query<any>(query, variables, { token: await platform.token(who, []) });
    return body.errors?.length ? { refused: body.errors[0].extensions?.code } : body.data;
  };
  const registration = (displayName: string) => ({ neighbourhoodId: nb, displayName, kind: 'PERSON', domain: 'CITIZEN', fullName: `${displayName} (test)` });
  const account = (code: string) => stableId(`account:${nb}:${code}`);
  const entry = (key: string) => ({
    neighbourhoodId: nb,
    idempotencyKey: key,
    bookingDate: new Date().toISOString().slice(0, 10),
    description: 'Startsubsidie gemeente Nijmegen',
    lines: [
      { accountId: account('1000'), side: 'DEBIT', amount: '2500.00', unit: 'EUR' },
      { accountId: account('8000'), side: 'CREDIT', amount: '2500.00', unit: 'EUR' },
    ],
  });

  beforeAll(async () => {
    platform = await startPlatform({ env: { TOKEN_ROLES: 'ignore' } });
    // The installation's first admin comes from the command line (npm run neighbourhood -- grant-platform-admin), as here.
    await platform.subgraphs.community.admin.query(
      `INSERT INTO community.role_grant (id, member_id, role, scope, grant_reason) VALUES ($1, $2, 'ADMIN', 'PLATFORM', 'Installed the platform')`,
      [randomUUID(), platformAdmin],
    );
  }, 240_000);
  afterAll(() => platform.stop());

  it('has the platform admin register the municipality and onboard the neighbourhood; nobody else may', async () => {
    const municipality = { code: 'GM0268', name: 'Nijmegen', reason: 'Nijmegen sluit aan', firstAdminId: municipalityAdmin };
    expect(await as(municipalityAdmin, REGISTER_MUNICIPALITY, { input: municipality })).toEqual({ refused: 'FORBIDDEN' });
    expect(await as(platformAdmin, REGISTER_MUNICIPALITY, { input: municipality })).toEqual({ registerMunicipality: { __typename: 'RegisterMunicipalitySuccess' } });

    const input = {
      municipalityCode: 'GM0268',
      name: 'Nijmegen-Oost',
      slug: 'nijmegen-oost',
      description: 'Wijkeconomie van Nijmegen-Oost.',
      cbsWijkCode: 'WK026802',
      cbsBuurtCodes: ['BU02680200'],
      firstAdmin: { memberId: admin, displayName: 'Beheerder Bas', kind: 'PERSON', domain: 'CITIZEN', fullName: 'Bas Hendriks' },
      reason: 'Bewoners starten hun wijkeconomie',
    };
    // A resident of another neighbourhood, and a stranger, onboard nothing.
    expect(await as(stableId('member:Fietsende Fenna'), ONBOARD, { input })).toEqual({ refused: 'FORBIDDEN' });
    expect(await as(stranger, ONBOARD, { input })).toEqual({ refused: 'FORBIDDEN' });
    const onboarded = (await as(platformAdmin, ONBOARD, { input })).onboardNeighbourhood;
    expect(onboarded.__typename).toBe('OnboardNeighbourhoodSuccess');
    expect(onboarded.firstAdmin.id).toBe(admin);
    nb = onboarded.neighbourhood.id;
    themes = onboarded.neighbourhood.themes;
    expect(themes.length).toBeGreaterThan(0);
    expect((await as(admin, `{ whoAmI { roles { role neighbourhood { slug } } } }`, {})).whoAmI.roles).toEqual([
      { role: 'RESIDENT', neighbourhood: { slug: 'nijmegen-oost' } },
      { role: 'ADMIN', neighbourhood: { slug: 'nijmegen-oost' } },
    ]);
  });

  it("has the neighbourhood's admin appoint the steward and the municipality's admin the official", async () => {
    expect(await as(steward, REGISTER, { input: registration('Penningmeester Petra') })).toEqual({ registerMember: { __typename: 'RegisterMemberSuccess' } });
    const stewardOffice = { memberId: steward, role: 'STEWARD', neighbourhoodId: nb, reason: 'Gekozen door de ledenvergadering' };
    expect(await as(steward, GRANT, { input: stewardOffice })).toEqual({ refused: 'FORBIDDEN' });
    expect(await as(municipalityAdmin, GRANT, { input: stewardOffice })).toEqual({ refused: 'FORBIDDEN' });
    expect(await as(admin, GRANT, { input: stewardOffice })).toEqual({ grantRole: { __typename: 'GrantRoleSuccess' } });

    const officialOffice = { memberId: official, role: 'OFFICIAL', neighbourhoodId: nb, reason: 'Wijkregisseur van Nijmegen-Oost' };
    expect(await as(admin, GRANT, { input: officialOffice })).toEqual({ refused: 'FORBIDDEN' });
    expect(await as(steward, GRANT, { input: officialOffice })).toEqual({ refused: 'FORBIDDEN' });
    expect(await as(municipalityAdmin, GRANT, { input: officialOffice })).toEqual({ grantRole: { __typename: 'GrantRoleSuccess' } });

    const offices = await platform.query<any>(`query ($id: ID!) { neighbourhood(id: $id) { offices { edges { node { role holderId } } } } }`, { id: nb });
    expect(offices.body.data.neighbourhood.offices.edges.map((e: any) => e.node)).toEqual([
      { role: 'ADMIN', holderId: admin },
      { role: 'STEWARD', holderId: steward },
      { role: 'OFFICIAL', holderId: official },
    ]);
  });

  it('has the steward open the books and post the first entry; a resident and the official may not', async () => {
    expect(await as(resident, REGISTER, { input: registration('Buurvrouw Ruth') })).toEqual({ registerMember: { __typename: 'RegisterMemberSuccess' } });
    expect(await as(resident, OPEN_BOOKS, { id: nb })).toEqual({ refused: 'FORBIDDEN' });
    expect(await as(steward, OPEN_BOOKS, { id: nb })).toEqual({ openNeighbourhoodBooks: { __typename: 'OpenBooksPayload' } });
    // The chart of accounts is the template chosen at onboarding (the Dutch wijkeconomie's, docs/chart-template.md).
    const chart = await platform.query<any>(`query ($id: ID!) { neighbourhood(id: $id) { chartTemplate accounts { code taakveld } } }`, { id: nb });
    expect(chart.body.data.neighbourhood.chartTemplate).toBe('DUTCH_WIJKECONOMIE_2026');
    expect(chart.body.data.neighbourhood.accounts).toEqual(expect.arrayContaining([{ code: '4100', taakveld: '5.7' }, { code: '4600', taakveld: '7.4' }]));
    expect(await as(resident, POST, { input: entry('first-by-resident') })).toEqual({ refused: 'FORBIDDEN' });
    expect(await as(official, POST, { input: entry('first-by-official') })).toEqual({ refused: 'FORBIDDEN' });
    expect(await as(steward, POST, { input: entry('first-entry') })).toEqual({ postEntry: { __typename: 'PostEntrySuccess', entry: { sequence: 1 } } });
    const books = await platform.query<any>(`query ($id: ID!) { neighbourhood(id: $id) { chainHead { sequence } } }`, { id: nb });
    expect(books.body.data.neighbourhood.chainHead.sequence).toBe(1);
  });

  it('has a registered resident post a wish and vote in the steward’s poll; the unregistered and the resident opening polls are refused', async () => {
    const wish = { neighbourhoodId: nb, title: 'Meer bankjes in het park', description: 'Om elkaar te ontmoeten.', themeIds: [themes[0].id] };
    expect(await as(stranger, WISH, { input: wish })).toEqual({ refused: 'FORBIDDEN' });
    expect((await as(resident, WISH, { input: wish })).postWish.__typename).toBe('PostWishSuccess');

    const poll = { neighbourhoodId: nb, title: 'Waar gaat het wijkbudget heen?', themeIds: themes.slice(0, 2).map((t) => t.id) };
    expect(await as(resident, OPEN_POLL, { input: poll })).toEqual({ refused: 'FORBIDDEN' });
    const opened = (await as(steward, OPEN_POLL, { input: poll })).openPoll;
    expect(opened.__typename).toBe('OpenPollSuccess');
    const budget = opened.poll.pointsBudget as number;
    const vote = { pollId: opened.poll.id, allocations: [{ themeId: themes[0].id, points: budget }] };
    expect(await as(stranger, VOTE, { input: vote })).toEqual({ refused: 'FORBIDDEN' });
    expect(await as(resident, VOTE, { input: vote })).toEqual({ allocatePoints: { __typename: 'AllocatePointsSuccess' } });
  });

  it("has the official, and nobody else, decide the resident's Right to Challenge bid", async () => {
    const draft = {
      neighbourhoodId: nb,
      task: 'Onderhoud van het buurtpark',
      taskDescription: 'Maaien, snoeien en zwerfvuil ruimen in het buurtpark.',
      mode: 'TAKE_OVER',
      currentAnnualCost: '12000.00',
      budgetLine: 'Openbaar groen',
      taakveld: '5.7',
      proposedAnnualBudget: '10500.00',
      socialAddedValue: 'Werkervaring voor buurtbewoners en meer toezicht in het park.',
    };
    expect(await as(stranger, DRAFT, { input: draft })).toEqual({ refused: 'FORBIDDEN' });
    const drafted = (await as(resident, DRAFT, { input: draft })).draftRightToChallengeBid;
    expect(drafted.bid.status).toBe('DRAFT');
    const bidId = drafted.bid.id;
    expect((await as(resident, STEP('submitRightToChallengeBid', 'BidStepInput'), { input: { bidId } })).submitRightToChallengeBid.bid.status).toBe('SUBMITTED');

    for (const who of [resident, steward]) {
      expect(await as(who, STEP('startBidAssessment', 'BidStepInput'), { input: { bidId } })).toEqual({ refused: 'FORBIDDEN' });
    }
    expect((await as(official, STEP('startBidAssessment', 'BidStepInput'), { input: { bidId } })).startBidAssessment.bid.status).toBe('IN_ASSESSMENT');
    for (const criterion of ASSESSMENT_CRITERIA) {
      const assessed = await as(official, STEP('assessBidCriterion', 'AssessCriterionInput'), { input: { bidId, criterion, score: 4, reason: 'Goed onderbouwd.' } });
      expect(assessed.assessBidCriterion.__typename).toBe('BidPayload');
    }
    const decision = { bidId, outcome: 'HONOURED', rationale: 'Goedkoper en met meer betrokkenheid van de buurt.' };
    for (const who of [resident, steward, stranger]) {
      expect(await as(who, STEP('decideRightToChallengeBid', 'DecideBidInput'), { input: decision })).toEqual({ refused: 'FORBIDDEN' });
    }
    expect((await as(official, STEP('decideRightToChallengeBid', 'DecideBidInput'), { input: decision })).decideRightToChallengeBid.bid.status).toBe('HONOURED');
  });

  it("keeps every admin, steward and official step in the neighbourhood's audit trail, with actor and reason", async () => {
    const TRAIL = `query ($id: ID!) { neighbourhood(id: $id) { auditTrail(first: 100) { totalCount edges { node { action actorId reason public } } } } }`;
    const wanted = ['community.neighbourhood.onboarded', 'community.role.granted', 'ledger.books.opened', 'community.poll.opened', 'projects.bid.decided'].map((a) => `nl.dbwe.${a}`);
    let actions: string[] = [];
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      const trail = (await as(admin, TRAIL, { id: nb })).neighbourhood.auditTrail;
      actions = trail.edges.map((e: any) => e.node.action);
      if (wanted.every((a) => actions.includes(a))) break;
    }
    expect(actions).toEqual(expect.arrayContaining(wanted));
    const trail = (await as(admin, TRAIL, { id: nb })).neighbourhood.auditTrail.edges.map((e: any) => e.node);
    expect(trail.find((r: any) => r.action === 'nl.dbwe.projects.bid.decided')).toMatchObject({ actorId: official, reason: 'Goedkoper en met meer betrokkenheid van de buurt.', public: true });
    expect(trail.filter((r: any) => r.action === 'nl.dbwe.community.role.granted').map((r: any) => r.actorId).sort()).toEqual([platformAdmin, admin, municipalityAdmin].sort());
  });
});
