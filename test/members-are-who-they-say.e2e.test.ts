import { randomUUID } from 'node:crypto';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from './platform';
import { demoMember, KLARENDAL, SPIJKERKWARTIER, tokenOf } from './people';

/*
 * Issue 20, "Members are who they say", through the real gateway with the
 * demo data. A role in a token is not membership: a token holder who never
 * registered in the Spijkerkwartier proposes nothing and drafts no bid there,
 * and nothing is written, until they register; a member of Klarendal does not
 * propose in the Spijkerkwartier; a steward's token alone writes no SROI
 * analysis. A domain other than CITIZEN is a claim: the
 * public sees CITIZEN until an admin of the member's own neighbourhood
 * confirms it, with a reason that goes into the event's audit facts.
 */
let platform: RunningPlatform;
beforeAll(async () => {
  platform = await startPlatform({ seed: ['community', 'projects', 'impact'] });
});
afterAll(() => platform?.stop());

const asResidentOf = (id: string, neighbourhood = SPIJKERKWARTIER) => platform.token(id, [{ role: 'resident', neighbourhood }]);
const count = async (sql: string) => Number((await platform.subgraphs.projects.admin.query(sql))[0].n);
const projects = () => count(`SELECT count(*) AS n FROM projects.project`);
const bids = () => count(`SELECT count(*) AS n FROM projects.bid`);

async function mutate(name: string, type: string, input: Record<string, unknown>, token: string, selection = '__typename') {
  return platform.query<any>(`mutation ($input: ${type}!) { r: ${name}(input: $input) { ${selection} } }`, { input }, { token });
}
const refusal = (result: Awaited<ReturnType<typeof mutate>>) => ({ data: result.body.data, code: result.body.errors?.[0]?.extensions?.code, message: result.body.errors?.[0]?.message });

async function register(id: string, domain: string, neighbourhoodId = SPIJKERKWARTIER, kind = 'PERSON') {
  const result = await mutate(
    'registerMember',
    'RegisterMemberInput',
    { neighbourhoodId, displayName: `Nieuw ${id.slice(0, 8)}`, kind, domain, fullName: 'Nieuwe Buur' },
    await asResidentOf(id, neighbourhoodId),
    '__typename ... on RegisterMemberSuccess { member { domain claimedDomain domainConfirmed } }',
  );
  expect(result.body.errors).toBeUndefined();
  return result.body.data.r;
}

const proposal = (neighbourhoodId = SPIJKERKWARTIER) => ({ neighbourhoodId, title: 'Buurtmoestuin', summary: 'Een moestuin op het braakliggende hoekje.' });
const bid = () => ({
  neighbourhoodId: SPIJKERKWARTIER,
  task: 'Beheer buurtmoestuin',
  taskDescription: 'Bewoners nemen het beheer van het groen op de hoek over.',
  mode: 'TAKE_OVER',
  currentAnnualCost: '4000.00',
  budgetLine: 'Openbaar groen',
  proposedAnnualBudget: '3500.00',
  socialAddedValue: 'Buren ontmoeten elkaar.',
});

describe('registration is required to act', () => {
  it('refuses an unregistered token holder with a resident role, writes nothing, and lets them act once registered', async () => {
    const newcomer = randomUUID();
    const token = await asResidentOf(newcomer);
    const [projectsBefore, bidsBefore] = [await projects(), await bids()];

    const proposed = refusal(await mutate('proposeProject', 'ProposeProjectInput', proposal(), token));
    expect(proposed).toEqual({ data: null, code: 'FORBIDDEN', message: 'Register in this neighbourhood to propose a project.' });
    const drafted = refusal(await mutate('draftRightToChallengeBid', 'DraftBidInput', bid(), token));
    expect(drafted).toEqual({ data: null, code: 'FORBIDDEN', message: 'Register in this neighbourhood to draft a Right to Challenge bid.' });
    expect([await projects(), await bids()]).toEqual([projectsBefore, bidsBefore]);

    await register(newcomer, 'CITIZEN');
    const project = await mutate('proposeProject', 'ProposeProjectInput', proposal(), token, '__typename ... on ProjectPayload { project { coordinator { id } } }');
    expect(project.body).toEqual({ data: { r: { __typename: 'ProjectPayload', project: { coordinator: { id: newcomer } } } } });
    const draft = await mutate('draftRightToChallengeBid', 'DraftBidInput', bid(), token, '__typename ... on BidPayload { bid { challengers { id } } }');
    expect(draft.body).toEqual({ data: { r: { __typename: 'BidPayload', bid: { challengers: [{ id: newcomer }] } } } });
    expect([await projects(), await bids()]).toEqual([projectsBefore + 1, bidsBefore + 1]);
  });

  it('refuses a member of Klarendal who holds a resident role in the Spijkerkwartier too', async () => {
    const before = await projects();
    const sven = await platform.token(demoMember('Sportieve Sven'), [
      { role: 'resident', neighbourhood: KLARENDAL },
      { role: 'resident', neighbourhood: SPIJKERKWARTIER },
    ]);
    expect(refusal(await mutate('proposeProject', 'ProposeProjectInput', proposal(), sven))).toEqual({
      data: null,
      code: 'FORBIDDEN',
      message: 'Register in this neighbourhood to propose a project.',
    });
    expect(await projects()).toBe(before);
    // In his own neighbourhood he proposes.
    expect((await mutate('proposeProject', 'ProposeProjectInput', proposal(KLARENDAL), sven)).body.data.r.__typename).toBe('ProjectPayload');
  });

  it('refuses an SROI analysis by a steward who never registered in the neighbourhood, and takes it from one who did', async () => {
    const analyses = () => platform.subgraphs.impact.admin.query(`SELECT count(*) AS n FROM impact.analysis`).then((r: any) => Number(r[0].n));
    const input = { projectId: stableId('project:repair-cafe'), neighbourhoodId: SPIJKERKWARTIER, kind: 'FORECAST', title: 'Prognose', periodStart: '2026-01-01', periodEnd: '2026-12-31', stakeholders: [] };
    const before = await analyses();
    const stranger = await platform.token(randomUUID(), [{ role: 'steward', neighbourhood: SPIJKERKWARTIER }]);
    expect(refusal(await mutate('createSroiAnalysis', 'CreateSroiAnalysisInput', input, stranger))).toEqual({
      data: null,
      code: 'FORBIDDEN',
      message: 'Register in this neighbourhood to write SROI analyses.',
    });
    expect(await analyses()).toBe(before);
    const pieter = await tokenOf(platform, 'Penningmeester Pieter', ['steward'], SPIJKERKWARTIER);
    expect((await mutate('createSroiAnalysis', 'CreateSroiAnalysisInput', input, pieter)).body.data.r.__typename).toBe('SroiAnalysisPayload');
    expect(await analyses()).toBe(before + 1);
  });

  it('still tells a registered member that an invented neighbourhood is not served (a typed refusal, nothing written)', async () => {
    const before = await projects();
    const admin = await tokenOf(platform, 'Penningmeester Pieter', ['admin'], '*');
    const invented = stableId('neighbourhood:nergenshuizen');
    const result = await mutate('proposeProject', 'ProposeProjectInput', proposal(invented), admin, '__typename ... on ProjectsError { code }');
    expect(result.body).toEqual({ data: { r: { __typename: 'NeighbourhoodNotServed', code: 'UNKNOWN_NEIGHBOURHOOD' } } });
    expect(await projects()).toBe(before);
  });
});

describe('a claimed domain waits for an admin', () => {
  const MEMBER = `query ($id: ID!) { member(id: $id) { domain claimedDomain domainConfirmed } }`;
  const publicView = async (id: string) => (await platform.query<any>(MEMBER, { id })).body.data.member;
  const decision = (success: string) => `__typename ... on ${success} { member { domain claimedDomain domainConfirmed } } ... on CommunityError { code field }`;
  const confirm = (memberId: string, token: string, reason = 'KvK-uittreksel gezien') =>
    mutate('confirmMemberDomain', 'ConfirmMemberDomainInput', { memberId, reason }, token, decision('ConfirmMemberDomainSuccess'));
  const reject = (memberId: string, token: string, reason = 'Geen onderneming gevonden') =>
    mutate('rejectMemberDomain', 'RejectMemberDomainInput', { memberId, reason }, token, decision('RejectMemberDomainSuccess'));
  const adminOf = (neighbourhood: string) => platform.token(stableId(`identity:admin-${neighbourhood}`), [{ role: 'admin', neighbourhood }]);
  const domainEvents = (memberId: string) =>
    platform.subgraphs.community.admin.query(`SELECT type, data FROM community.event_outbox WHERE subject = $1 ORDER BY position`, [`members/${memberId}`]);

  it('shows an ENTREPRENEUR as CITIZEN until an admin of the neighbourhood confirms; a steward and another neighbourhood’s admin are refused', async () => {
    const baker = randomUUID();
    expect(await register(baker, 'ENTREPRENEUR', SPIJKERKWARTIER, 'ORGANISATION')).toEqual({
      __typename: 'RegisterMemberSuccess',
      member: { domain: 'CITIZEN', claimedDomain: 'ENTREPRENEUR', domainConfirmed: false },
    });
    expect(await publicView(baker)).toEqual({ domain: 'CITIZEN', claimedDomain: 'ENTREPRENEUR', domainConfirmed: false });
    // The directory's filter by domain counts the confirmed domain: the claim is not among the entrepreneurs.
    const entrepreneurs = async () =>
      (await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") { members(domain: ENTREPRENEUR, first: 100) { edges { node { id } } } } }`)).body.data.neighbourhood.members.edges.map(
        (e: any) => e.node.id,
      );
    expect(await entrepreneurs()).not.toContain(baker);

    const steward = await tokenOf(platform, 'Penningmeester Pieter', ['resident', 'steward'], SPIJKERKWARTIER);
    for (const token of [steward, await adminOf(KLARENDAL), await asResidentOf(baker)]) {
      const refused = refusal(await confirm(baker, token));
      expect([refused.data, refused.code]).toEqual([null, 'FORBIDDEN']);
    }
    const anonymous = await platform.query<any>(`mutation ($input: ConfirmMemberDomainInput!) { confirmMemberDomain(input: $input) { __typename } }`, {
      input: { memberId: baker, reason: 'x' },
    });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await confirm(baker, await adminOf(SPIJKERKWARTIER), '   ')).body.data.r).toEqual({ __typename: 'EmptyValue', code: 'EMPTY_VALUE', field: 'reason' });
    expect((await domainEvents(baker)).map((e: any) => e.type)).toEqual(['nl.dbwe.community.member.registered']);
    await platform.eventsSettled();
    expect(await publicView(baker)).toEqual({ domain: 'CITIZEN', claimedDomain: 'ENTREPRENEUR', domainConfirmed: false });

    const admin = await adminOf(SPIJKERKWARTIER);
    expect((await confirm(baker, admin)).body.data.r).toEqual({
      __typename: 'ConfirmMemberDomainSuccess',
      member: { domain: 'ENTREPRENEUR', claimedDomain: 'ENTREPRENEUR', domainConfirmed: true },
    });
    await platform.eventsSettled();
    expect(await publicView(baker)).toEqual({ domain: 'ENTREPRENEUR', claimedDomain: 'ENTREPRENEUR', domainConfirmed: true });
    expect(await entrepreneurs()).toContain(baker);
    // Decided once: a second confirmation or a late rejection finds nothing to decide.
    expect((await confirm(baker, admin)).body.data.r).toEqual({ __typename: 'NothingToConfirm', code: 'NOTHING_TO_CONFIRM', field: 'memberId' });
    expect((await reject(baker, admin)).body.data.r).toEqual({ __typename: 'NothingToConfirm', code: 'NOTHING_TO_CONFIRM', field: 'memberId' });

    const [registered, confirmed] = await domainEvents(baker);
    expect(registered.data).toMatchObject({ domain: 'CITIZEN', claimedDomain: 'ENTREPRENEUR' });
    expect(confirmed).toEqual({
      type: 'nl.dbwe.community.member.domain-confirmed',
      data: {
        memberId: baker,
        domain: 'ENTREPRENEUR',
        claimedDomain: 'ENTREPRENEUR',
        decidedAt: expect.any(String),
        audit: { actorId: stableId(`identity:admin-${SPIJKERKWARTIER}`), role: 'admin', reason: 'KvK-uittreksel gezien', public: true },
      },
    });
  });

  it('keeps a rejected claim a CITIZEN, and has nothing to confirm for a citizen or an unknown member', async () => {
    const school = randomUUID();
    await register(school, 'EDUCATION_SCIENCE', SPIJKERKWARTIER, 'ORGANISATION');
    const admin = await adminOf(SPIJKERKWARTIER);
    expect((await reject(school, admin)).body.data.r).toEqual({
      __typename: 'RejectMemberDomainSuccess',
      member: { domain: 'CITIZEN', claimedDomain: 'CITIZEN', domainConfirmed: true },
    });
    expect((await domainEvents(school)).map((e: any) => [e.type, e.data.domain, e.data.claimedDomain])).toEqual([
      ['nl.dbwe.community.member.registered', 'CITIZEN', 'EDUCATION_SCIENCE'],
      ['nl.dbwe.community.member.domain-rejected', 'CITIZEN', 'EDUCATION_SCIENCE'],
    ]);
    expect((await confirm(demoMember('Groene Gerda'), admin)).body.data.r).toEqual({ __typename: 'NothingToConfirm', code: 'NOTHING_TO_CONFIRM', field: 'memberId' });
    expect((await confirm(randomUUID(), admin)).body.data.r).toEqual({ __typename: 'MemberNotFound', code: 'MEMBER_NOT_FOUND', field: 'memberId' });
    // Two admins deciding at once decide once: the other finds nothing left to decide, and one event is recorded.
    const shop = randomUUID();
    await register(shop, 'ENTREPRENEUR', SPIJKERKWARTIER, 'ORGANISATION');
    const outcomes = await Promise.all([confirm(shop, admin), reject(shop, await adminOf(SPIJKERKWARTIER))]);
    expect(outcomes.map((o) => o.body.data.r.__typename).filter((t: string) => t === 'NothingToConfirm')).toHaveLength(1);
    expect(await domainEvents(shop)).toHaveLength(2);
    // The demo's organisations count as confirmed, as every member who was there before.
    expect(await publicView(demoMember('Wijkregisseur Anouk'))).toEqual({ domain: 'GOVERNMENT', claimedDomain: 'GOVERNMENT', domainConfirmed: true });
  });
});
