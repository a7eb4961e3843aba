import { randomUUID } from 'node:crypto';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';

/*
 * Through the real gateway: a platform admin registers Nijmegen and onboards Nijmegen-Oost with
 * its first admin; the graph then shows the neighbourhood with its themes and its admin as its
 * member. Everyone else is refused, and every refusal leaves the database as it was.
 */
describe('onboarding a municipality and a neighbourhood through the gateway', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  const platformAdmin = () => platform.token(stableId('identity:platform-admin'), [{ role: 'admin', neighbourhood: '*' }]);
  const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');

  const REGISTER = `mutation ($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) {
    __typename
    ... on RegisterMunicipalitySuccess { municipality { cbsCode name neighbourhoods { slug } } firstAdminGrantId }
    ... on CommunityError { code field message }
  } }`;
  const ONBOARD = `mutation ($input: OnboardNeighbourhoodInput!) { onboardNeighbourhood(input: $input) {
    __typename
    ... on OnboardNeighbourhoodSuccess { neighbourhood { id slug name chartTemplate pollPointsBudget cbsWijkCode cbsBuurtCodes municipality { cbsCode name } } firstAdmin { id displayName } firstAdminGrantId }
    ... on CommunityError { code field message }
  } }`;

  const counts = async () => {
    const [row] = await platform.subgraphs.community.admin.query(`SELECT
      (SELECT count(*) FROM community.municipality)::int AS municipalities,
      (SELECT count(*) FROM community.neighbourhood)::int AS neighbourhoods,
      (SELECT count(*) FROM community.theme)::int AS themes,
      (SELECT count(*) FROM community.member)::int AS members,
      (SELECT count(*) FROM community.role_grant)::int AS grants,
      (SELECT count(*) FROM community.event_outbox)::int AS events`);
    return row;
  };

  const onboarding = (overrides: Record<string, unknown> = {}) => ({
    municipalityCode: 'GM0268',
    name: 'Nijmegen-Oost',
    slug: 'nijmegen-oost',
    description: 'Wijk ten oosten van het centrum van Nijmegen.',
    cbsWijkCode: 'WK026801',
    cbsBuurtCodes: ['BU02680100', 'BU02680101'],
    firstAdmin: { memberId: randomUUID(), displayName: 'Beheerder Bas', kind: 'PERSON', domain: 'CITIZEN', fullName: 'Bas Hendriks', email: 'bas@example.nl' },
    reason: 'Bewoners van Nijmegen-Oost starten hun wijkeconomie.',
    ...overrides,
  });

  let municipalityAdmin: string;
  let onboardedAdmin: string;

  it('lets a platform admin register a municipality with its first admin, recorded as a grant and an event', async () => {
    municipalityAdmin = randomUUID();
    const { body } = await platform.query<any>(
      REGISTER,
      { input: { code: 'GM0268', name: 'Nijmegen', reason: 'Nijmegen sluit aan bij de wijkeconomie.', firstAdminId: municipalityAdmin } },
      { token: await platformAdmin() },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.registerMunicipality).toMatchObject({ __typename: 'RegisterMunicipalitySuccess', municipality: { cbsCode: 'GM0268', name: 'Nijmegen', neighbourhoods: [] } });
    const [grant] = await platform.subgraphs.community.admin.query(`SELECT member_id, role, scope, municipality_code, granted_by FROM community.role_grant WHERE id = $1`, [
      body.data.registerMunicipality.firstAdminGrantId,
    ]);
    expect(grant).toEqual({ member_id: municipalityAdmin, role: 'ADMIN', scope: 'MUNICIPALITY', municipality_code: 'GM0268', granted_by: stableId('identity:platform-admin') });
    const events = await platform.subgraphs.community.admin.query(`SELECT type, data FROM community.event_outbox WHERE type LIKE '%municipality.registered' OR type LIKE '%role.granted' ORDER BY position`);
    expect(events.map((e: any) => e.type)).toEqual(['nl.dbwe.community.municipality.registered', 'nl.dbwe.community.role.granted']);
    expect(events[0].data.audit).toEqual({ actorId: stableId('identity:platform-admin'), role: 'admin', reason: 'Nijmegen sluit aan bij de wijkeconomie.', public: true });

    const again = await platform.query<any>(REGISTER, { input: { code: 'GM0268', name: 'Nijmegen', reason: 'Nog eens.' } }, { token: await platformAdmin() });
    expect(again.body.data.registerMunicipality).toMatchObject({ __typename: 'MunicipalityCodeTaken', code: 'MUNICIPALITY_CODE_TAKEN' });
    const badCode = await platform.query<any>(REGISTER, { input: { code: 'GM268', name: 'Nijmegen', reason: 'Typfout.' } }, { token: await platformAdmin() });
    expect(badCode.body.data.registerMunicipality).toMatchObject({ __typename: 'InvalidCbsCode', field: 'code' });
  });

  it('refuses to register a municipality for anyone but a platform admin', async () => {
    const before = await counts();
    const neighbourhoodAdmin = await platform.token(stableId('identity:admin'), [{ role: 'admin', neighbourhood: spijkerkwartier }]);
    for (const token of [neighbourhoodAdmin, undefined]) {
      const { body } = await platform.query<any>(REGISTER, { input: { code: 'GM0344', name: 'Utrecht', reason: 'Zomaar.' } }, { token });
      expect(body.data).toBeNull();
      expect(body.errors?.[0].extensions?.code).toBe(token ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
    expect(await counts()).toEqual(before);
  });

  it('onboards a neighbourhood in one step: themes, the first admin as member with an admin grant, events', async () => {
    const input = onboarding();
    onboardedAdmin = input.firstAdmin.memberId;
    const { body } = await platform.query<any>(ONBOARD, { input }, { token: await platformAdmin() });
    expect(body.errors).toBeUndefined();
    const result = body.data.onboardNeighbourhood;
    expect(result).toMatchObject({
      __typename: 'OnboardNeighbourhoodSuccess',
      neighbourhood: {
        slug: 'nijmegen-oost',
        chartTemplate: 'DUTCH_WIJKECONOMIE_2026',
        pollPointsBudget: 100,
        cbsWijkCode: 'WK026801',
        cbsBuurtCodes: ['BU02680100', 'BU02680101'],
        municipality: { cbsCode: 'GM0268', name: 'Nijmegen' },
      },
      firstAdmin: { id: onboardedAdmin, displayName: 'Beheerder Bas' },
    });
    const id = result.neighbourhood.id;

    // The public graph, anonymously.
    const read = await platform.query<any>(
      `query ($slug: String!) { neighbourhood(slug: $slug) { id themes { slug } members { totalCount edges { node { id displayName neighbourhood { slug } } } } }
        municipality(cbsCode: "GM0268") { neighbourhoods { slug } } municipalities { cbsCode } }`,
      { slug: 'nijmegen-oost' },
    );
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.neighbourhood.themes.map((t: any) => t.slug).sort()).toEqual(['economie', 'energie', 'groen', 'ontmoeting', 'zorg']);
    expect(read.body.data.neighbourhood.members).toEqual({ totalCount: 1, edges: [{ node: { id: onboardedAdmin, displayName: 'Beheerder Bas', neighbourhood: { slug: 'nijmegen-oost' } } }] });
    expect(read.body.data.municipality.neighbourhoods).toEqual([{ slug: 'nijmegen-oost' }]);
    expect(read.body.data.municipalities.map((m: any) => m.cbsCode)).toEqual(expect.arrayContaining(['GM0202', 'GM0268']));

    const [grant] = await platform.subgraphs.community.admin.query(`SELECT member_id, role, scope, neighbourhood_id, granted_by, grant_reason FROM community.role_grant WHERE id = $1`, [result.firstAdminGrantId]);
    expect(grant).toEqual({ member_id: onboardedAdmin, role: 'ADMIN', scope: 'NEIGHBOURHOOD', neighbourhood_id: id, granted_by: stableId('identity:platform-admin'), grant_reason: input.reason });
    const events = await platform.subgraphs.community.admin.query(`SELECT type, data FROM community.event_outbox WHERE neighbourhood_id = $1 ORDER BY sequence`, [id]);
    expect(events.map((e: any) => e.type.replace('nl.dbwe.community.', ''))).toEqual([
      'neighbourhood.onboarded', 'theme.added', 'theme.added', 'theme.added', 'theme.added', 'theme.added', 'member.registered', 'role.granted',
    ]);
    const onboarded = events[0].data;
    expect(onboarded).toMatchObject({ neighbourhoodId: id, municipalityCode: 'GM0268', cbsWijkCode: 'WK026801', chartTemplate: 'dutch-wijkeconomie-2026', firstAdminId: onboardedAdmin });
    expect(onboarded.audit).toEqual({ actorId: stableId('identity:platform-admin'), role: 'admin', reason: input.reason, public: true });
    // No personal data in any event.
    expect(JSON.stringify(events)).not.toMatch(/Bas Hendriks|bas@example|Beheerder Bas/);
  });

  it('lets the municipality’s admin onboard, and gives a poll the neighbourhood’s budget when it names none', async () => {
    const token = await platform.token(municipalityAdmin, []);
    const input = onboarding({ name: 'Nijmegen-Noord', slug: 'nijmegen-noord', cbsWijkCode: 'WK026802', cbsBuurtCodes: [], pollPointsBudget: 50, themes: [{ slug: 'groen', name: 'Groen' }, { slug: 'spelen', name: 'Spelen' }] });
    const { body } = await platform.query<any>(ONBOARD, { input }, { token });
    expect(body.errors).toBeUndefined();
    expect(body.data.onboardNeighbourhood).toMatchObject({ __typename: 'OnboardNeighbourhoodSuccess', neighbourhood: { pollPointsBudget: 50 } });
    const id = body.data.onboardNeighbourhood.neighbourhood.id;
    const themes = await platform.query<any>(`query ($id: ID!) { neighbourhood(id: $id) { themes { id slug } } }`, { id });
    const steward = await platform.token(randomUUID(), [{ role: 'steward', neighbourhood: id }]);
    const poll = await platform.query<any>(
      `mutation ($input: OpenPollInput!) { openPoll(input: $input) { __typename ... on OpenPollSuccess { poll { pointsBudget } } } }`,
      { input: { neighbourhoodId: id, title: 'Eerste peiling', themeIds: themes.body.data.neighbourhood.themes.map((t: any) => t.id) } },
      { token: steward },
    );
    expect(poll.body.errors).toBeUndefined();
    expect(poll.body.data.openPoll).toEqual({ __typename: 'OpenPollSuccess', poll: { pointsBudget: 50 } });
  });

  it('refuses a steward, a neighbourhood admin and another municipality’s admin, writing nothing', async () => {
    const before = await counts();
    const tokens = [
      await platform.token(stableId('member:Penningmeester Pieter'), [{ role: 'steward', neighbourhood: spijkerkwartier }]),
      await platform.token(stableId('identity:admin'), [{ role: 'admin', neighbourhood: spijkerkwartier }]),
      await platform.token(municipalityAdmin, []),
    ];
    const inputs = [onboarding({ slug: 'wijk-a', cbsWijkCode: null, cbsBuurtCodes: [] }), onboarding({ slug: 'wijk-b', cbsWijkCode: null, cbsBuurtCodes: [] }), onboarding({ municipalityCode: 'GM0202', slug: 'wijk-c', cbsWijkCode: null, cbsBuurtCodes: [] })];
    for (const [i, token] of tokens.entries()) {
      const { body } = await platform.query<any>(ONBOARD, { input: inputs[i] }, { token });
      expect(body.data).toBeNull();
      expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['a buurt code of the wrong form', { slug: 'nijmegen-west', cbsWijkCode: 'WK026803', cbsBuurtCodes: ['BU02680300', 'BU0268031'] }, { __typename: 'InvalidCbsCode', field: 'cbsBuurtCodes[1]' }],
    ['a buurt code of another wijk', { slug: 'nijmegen-west', cbsWijkCode: 'WK026803', cbsBuurtCodes: ['BU02680100'] }, { __typename: 'CbsCodeMismatch', field: 'cbsBuurtCodes[0]' }],
    ['a wijk code of another municipality', { slug: 'nijmegen-west', cbsWijkCode: 'WK020201', cbsBuurtCodes: [] }, { __typename: 'CbsCodeMismatch', field: 'cbsWijkCode' }],
    ['a wijk that is another neighbourhood’s', { slug: 'nijmegen-west', cbsWijkCode: 'WK026801', cbsBuurtCodes: [] }, { __typename: 'CbsCodeTaken', field: 'cbsWijkCode' }],
    ['the same slug twice', { cbsWijkCode: 'WK026803', cbsBuurtCodes: [] }, { __typename: 'NeighbourhoodSlugTaken', field: 'slug' }],
    ['an invalid slug', { slug: 'Nijmegen West', cbsWijkCode: null, cbsBuurtCodes: [] }, { __typename: 'InvalidSlug', field: 'slug' }],
    ['an unknown municipality', { municipalityCode: 'GM0344', slug: 'utrecht-oost', cbsWijkCode: null, cbsBuurtCodes: [] }, { __typename: 'MunicipalityNotFound', field: 'municipalityCode' }],
    ['an empty display name', { slug: 'nijmegen-west', cbsWijkCode: null, firstAdmin: { memberId: randomUUID(), displayName: ' ', kind: 'PERSON', domain: 'CITIZEN', fullName: 'X' } }, { __typename: 'EmptyValue', field: 'firstAdmin.displayName' }],
    ['a theme slug twice', { slug: 'nijmegen-west', cbsWijkCode: null, cbsBuurtCodes: [], themes: [{ slug: 'groen', name: 'Groen' }, { slug: 'groen', name: 'Ook groen' }] }, { __typename: 'DuplicateValue', field: 'themes' }],
    ['a poll budget out of range', { slug: 'nijmegen-west', cbsWijkCode: null, cbsBuurtCodes: [], pollPointsBudget: 5 }, { __typename: 'ValueOutOfRange', field: 'pollPointsBudget' }],
  ])('refuses %s with a typed error, writing nothing', async (_name, overrides, expected) => {
    const before = await counts();
    const { body } = await platform.query<any>(ONBOARD, { input: onboarding(overrides) }, { token: await platformAdmin() });
    expect(body.errors).toBeUndefined();
    expect(body.data.onboardNeighbourhood).toMatchObject(expected);
    expect(await counts()).toEqual(before);
  });

  it('refuses a first admin who is a member elsewhere already, writing nothing', async () => {
    const before = await counts();
    const fenna = stableId('member:Fietsende Fenna');
    const input = onboarding({ slug: 'nijmegen-west', cbsWijkCode: null, cbsBuurtCodes: [], firstAdmin: { memberId: fenna, displayName: 'Fenna', kind: 'PERSON', domain: 'CITIZEN', fullName: 'Fenna de Wit' } });
    const { body } = await platform.query<any>(ONBOARD, { input }, { token: await platformAdmin() });
    expect(body.data.onboardNeighbourhood).toMatchObject({ __typename: 'AlreadyRegistered', field: 'firstAdmin.memberId' });
    expect(await counts()).toEqual(before);
  });
});
