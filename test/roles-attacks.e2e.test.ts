import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { stableId } from '@dbwe/platform';
import { startGatewayFor, startPlatform, type RunningPlatform } from './platform';

/*
 * Issue 20 as its attackers would try it, through the real gateway as production runs it
 * (TOKEN_ROLES=ignore). Every token below claims to be admin everywhere, so whatever anyone
 * may do comes from the platform's records alone. The cast: the platform's operator; Arnhem's
 * municipality admin (GM0202) and Nijmegen's (GM0268); Nijmegen-Oost's first admin; Spijkerkwartier's
 * members from the demo. Every attempt below is refused, and writes nothing.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const klarendal = stableId('neighbourhood:klarendal');
const pieter = stableId('member:Penningmeester Pieter');

const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { __typename ... on CommunityError { code } ... on GrantRoleSuccess { office { id } } } }`;
const REVOKE = `mutation ($input: RevokeRoleInput!) { revokeRole(input: $input) { __typename ... on CommunityError { code } } }`;
const REGISTER = `mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { __typename ... on CommunityError { code } } }`;
const REGISTER_MUNICIPALITY = `mutation ($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { __typename ... on CommunityError { code } } }`;
const ONBOARD = `mutation ($input: OnboardNeighbourhoodInput!) { onboardNeighbourhood(input: $input) {
  __typename ... on CommunityError { code } ... on OnboardNeighbourhoodSuccess { neighbourhood { id } } } }`;
const ERASE = `mutation { eraseMe { member { erased } } }`;
const CONFIRM = `mutation ($input: ConfirmMemberDomainInput!) { confirmMemberDomain(input: $input) { __typename ... on CommunityError { code } } }`;
const REJECT = `mutation ($input: RejectMemberDomainInput!) { rejectMemberDomain(input: $input) { __typename ... on CommunityError { code } } }`;
const WHO = `{ whoAmI { platformRoles { role neighbourhoodId everyNeighbourhood } } }`;
const OFFICES = `query ($id: ID!) { neighbourhood(id: $id) { offices(first: 100, held: false) { totalCount edges { node { id role holderId } } } } }`;

describe('attacks on the roles held by the platform', () => {
  let platform: RunningPlatform;
  const operator = randomUUID();
  const arnhemAdmin = randomUUID();
  const nijmegenAdmin = randomUUID();
  const oostAdmin = randomUUID();
  let oost: string;

  /** Asks with a token that claims admin everywhere; returns the data, or the first error's code as `refused`. */
  const as = async (who: string, query: string, variables: Record<string, unknown> = {}): Promise<any> => {
    const { body } = await platform.query<any>(query, variables, { token: await platform.token(who, [{ role: 'admin', neighbourhood: '*' }]) });
    return body.errors?.length ? { refused: body.errors[0].extensions?.code } : body.data;
  };
  /** The outcome's typename or error code, or the refusal. */
  const outcome = (answer: any) => ('refused' in answer ? answer.refused : ((Object.values(answer)[0] as any).code ?? (Object.values(answer)[0] as any).__typename));
  const registration = (neighbourhoodId: string, displayName: string, domain = 'CITIZEN') => ({
    neighbourhoodId,
    displayName,
    kind: 'PERSON',
    domain,
    fullName: `${displayName} (test)`,
  });
  const grants = async () => Number((await platform.subgraphs.community.admin.query(`SELECT count(*) AS n FROM community.role_grant`))[0].n);
  const neighbourhoods = async () => Number((await platform.subgraphs.community.admin.query(`SELECT count(*) AS n FROM community.neighbourhood`))[0].n);
  const onboarding = (municipalityCode: string, slug: string, firstAdminId: string = randomUUID()) => ({
    municipalityCode,
    name: slug,
    slug,
    firstAdmin: { memberId: firstAdminId, displayName: `Beheerder ${slug}`, kind: 'PERSON', domain: 'CITIZEN', fullName: 'Eerste Beheerder' },
    reason: 'Aangesloten',
  });

  beforeAll(async () => {
    platform = await startPlatform({ env: { TOKEN_ROLES: 'ignore' } });
    await platform.subgraphs.community.admin.query(
      `INSERT INTO community.role_grant (id, member_id, role, scope, grant_reason) VALUES ($1, $2, 'ADMIN', 'PLATFORM', 'Installed the platform')`,
      [randomUUID(), operator],
    );
    const nijmegen = await as(operator, REGISTER_MUNICIPALITY, { input: { code: 'GM0268', name: 'Nijmegen', reason: 'Nijmegen sluit aan', firstAdminId: nijmegenAdmin } });
    expect(nijmegen.registerMunicipality.__typename).toBe('RegisterMunicipalitySuccess');
    const onboarded = await as(operator, ONBOARD, { input: onboarding('GM0268', 'nijmegen-oost', oostAdmin) });
    oost = onboarded.onboardNeighbourhood.neighbourhood.id;
    const arnhem = await as(operator, GRANT, { input: { memberId: arnhemAdmin, role: 'ADMIN', municipalityCode: 'GM0202', reason: 'Arnhem appoints its coordinator' } });
    expect(arnhem.grantRole.__typename).toBe('GrantRoleSuccess');
  }, 240_000);
  afterAll(() => platform.stop());

  it('refuses every reach beyond the neighbourhood or municipality one administers, writing nothing', async () => {
    const spijkerOffices = (await platform.query<any>(OFFICES, { id: spijkerkwartier })).body.data.neighbourhood.offices.edges.map((e: any) => e.node);
    const pieterStewardship = spijkerOffices.find((o: any) => o.holderId === pieter && o.role === 'STEWARD').id;
    const oostOfficial = (await as(nijmegenAdmin, GRANT, { input: { memberId: randomUUID(), role: 'OFFICIAL', neighbourhoodId: oost, reason: 'Beoordeelt biedingen' } })).grantRole.office.id;
    const erasedInOost = randomUUID();
    expect(outcome(await as(erasedInOost, REGISTER, { input: registration(oost, 'Vertrokken Vera') }))).toBe('RegisterMemberSuccess');
    expect((await as(erasedInOost, ERASE)).eraseMe.member.erased).toBe(true);
    const [grantsBefore, neighbourhoodsBefore] = [await grants(), await neighbourhoods()];

    const attempts: [string, string, string, Record<string, unknown>, string][] = [
      ['an Arnhem municipality admin appoints an official in Nijmegen-Oost', arnhemAdmin, GRANT, { memberId: randomUUID(), role: 'OFFICIAL', neighbourhoodId: oost, reason: 'x' }, 'FORBIDDEN'],
      ['an Arnhem municipality admin revokes a Nijmegen-Oost official', arnhemAdmin, REVOKE, { officeId: oostOfficial, reason: 'x' }, 'FORBIDDEN'],
      ['an Arnhem municipality admin onboards into Nijmegen', arnhemAdmin, ONBOARD, onboarding('GM0268', 'nijmegen-west'), 'FORBIDDEN'],
      ['… or with a code that only trims to Nijmegen', arnhemAdmin, ONBOARD, onboarding(' GM0268 ', 'nijmegen-west'), 'FORBIDDEN'],
      ['an Arnhem municipality admin makes itself admin of Nijmegen', arnhemAdmin, GRANT, { memberId: arnhemAdmin, role: 'ADMIN', municipalityCode: 'GM0268', reason: 'x' }, 'FORBIDDEN'],
      ['an Arnhem municipality admin makes itself steward in Spijkerkwartier', arnhemAdmin, GRANT, { memberId: arnhemAdmin, role: 'STEWARD', neighbourhoodId: spijkerkwartier, reason: 'x' }, 'FORBIDDEN'],
      ['a neighbourhood admin makes itself platform admin', oostAdmin, GRANT, { memberId: oostAdmin, role: 'ADMIN', reason: 'x' }, 'FORBIDDEN'],
      ['a neighbourhood admin makes itself admin of its municipality', oostAdmin, GRANT, { memberId: oostAdmin, role: 'ADMIN', municipalityCode: 'GM0268', reason: 'x' }, 'FORBIDDEN'],
      ['a neighbourhood admin appoints in another neighbourhood by an upper-case id', oostAdmin, GRANT, { memberId: pieter, role: 'ADMIN', neighbourhoodId: spijkerkwartier.toUpperCase(), reason: 'x' }, 'FORBIDDEN'],
      ["a neighbourhood admin revokes another neighbourhood's steward by its id", oostAdmin, REVOKE, { officeId: pieterStewardship, reason: 'x' }, 'FORBIDDEN'],
      ['… by its id in upper case', oostAdmin, REVOKE, { officeId: pieterStewardship.toUpperCase(), reason: 'x' }, 'FORBIDDEN'],
      ['a neighbourhood admin makes a member of another neighbourhood its steward', oostAdmin, GRANT, { memberId: pieter.toUpperCase(), role: 'STEWARD', neighbourhoodId: oost, reason: 'x' }, 'NOT_REGISTERED_HERE'],
      ['a neighbourhood admin makes an erased member its steward', oostAdmin, GRANT, { memberId: erasedInOost, role: 'STEWARD', neighbourhoodId: oost, reason: 'x' }, 'NOT_REGISTERED_HERE'],
      ['a neighbourhood admin onboards a neighbourhood', oostAdmin, ONBOARD, onboarding('GM0268', 'nijmegen-noord'), 'FORBIDDEN'],
      ["a platform admin onboards with someone else's member id as first admin", operator, ONBOARD, onboarding('GM0268', 'nijmegen-zuid', pieter.toUpperCase()), 'ALREADY_REGISTERED'],
      ['a platform admin onboards with an erased member as first admin', operator, ONBOARD, onboarding('GM0268', 'nijmegen-zuid', erasedInOost), 'ALREADY_REGISTERED'],
      ['a resident registers a second time, in another neighbourhood', pieter, REGISTER, registration(klarendal, 'Pieter Twee'), 'ALREADY_REGISTERED'],
      ['an erased member registers again', erasedInOost, REGISTER, registration(oost, 'Vera Terug'), 'FORBIDDEN'],
      ['a token holder with a made-up id gives an office', randomUUID(), GRANT, { memberId: randomUUID(), role: 'STEWARD', neighbourhoodId: oost, reason: 'x' }, 'FORBIDDEN'],
      ['… or revokes one', randomUUID(), REVOKE, { officeId: oostOfficial, reason: 'x' }, 'FORBIDDEN'],
    ];
    const answered: [string, string][] = [];
    for (const [what, who, query, input] of attempts) answered.push([what, outcome(await as(who, query, { input }))]);
    expect(answered).toEqual(attempts.map(([what, , , , expected]) => [what, expected]));
    expect([await grants(), await neighbourhoods()]).toEqual([grantsBefore, neighbourhoodsBefore]);
  });

  it('holds nothing for an erased neighbourhood admin', async () => {
    const admin = randomUUID();
    expect(outcome(await as(admin, REGISTER, { input: registration(oost, 'Vertrekkende Voorzitter') }))).toBe('RegisterMemberSuccess');
    expect(outcome(await as(oostAdmin, GRANT, { input: { memberId: admin, role: 'ADMIN', neighbourhoodId: oost, reason: 'Tweede beheerder' } }))).toBe('GrantRoleSuccess');
    expect((await as(admin, ERASE)).eraseMe.member.erased).toBe(true);
    expect((await as(admin, WHO)).whoAmI.platformRoles).toEqual([]);
    const newcomer = randomUUID();
    expect(outcome(await as(newcomer, REGISTER, { input: registration(oost, 'Nieuwe Nel') }))).toBe('RegisterMemberSuccess');
    expect(outcome(await as(admin, GRANT, { input: { memberId: newcomer, role: 'STEWARD', neighbourhoodId: oost, reason: 'x' } }))).toBe('FORBIDDEN');
  });

  it("holds nothing for an erased municipality admin: no officials appointed, no neighbourhood onboarded", async () => {
    const coordinator = randomUUID();
    expect(outcome(await as(coordinator, REGISTER, { input: registration(klarendal, 'Coördinator Cor') }))).toBe('RegisterMemberSuccess');
    expect(outcome(await as(operator, GRANT, { input: { memberId: coordinator, role: 'ADMIN', municipalityCode: 'GM0202', reason: 'Arnhem’s second coordinator' } }))).toBe(
      'GrantRoleSuccess',
    );
    expect((await as(coordinator, ERASE)).eraseMe.member.erased).toBe(true);
    const [grantsBefore, neighbourhoodsBefore] = [await grants(), await neighbourhoods()];
    expect(outcome(await as(coordinator, GRANT, { input: { memberId: randomUUID(), role: 'OFFICIAL', neighbourhoodId: spijkerkwartier, reason: 'x' } }))).toBe('FORBIDDEN');
    expect(outcome(await as(coordinator, ONBOARD, { input: onboarding('GM0202', 'arnhem-presikhaaf') }))).toBe('FORBIDDEN');
    expect([await grants(), await neighbourhoods()]).toEqual([grantsBefore, neighbourhoodsBefore]);
  });

  it('has no admin confirm the domain they claimed themselves; another admin of the neighbourhood may', async () => {
    const claimant = randomUUID();
    expect(outcome(await as(claimant, REGISTER, { input: registration(oost, 'Ambtenaar Anton', 'GOVERNMENT') }))).toBe('RegisterMemberSuccess');
    expect(outcome(await as(oostAdmin, GRANT, { input: { memberId: claimant, role: 'ADMIN', neighbourhoodId: oost, reason: 'Derde beheerder' } }))).toBe('GrantRoleSuccess');
    expect(outcome(await as(claimant, CONFIRM, { input: { memberId: claimant, reason: 'I say so' } }))).toBe('FORBIDDEN');
    expect(outcome(await as(claimant, REJECT, { input: { memberId: claimant, reason: 'Changed my mind' } }))).toBe('FORBIDDEN');
    expect(outcome(await as(oostAdmin, CONFIRM, { input: { memberId: claimant, reason: 'Checked with the municipality' } }))).toBe('ConfirmMemberDomainSuccess');
  });
});

describe('the roles when community does not answer', () => {
  let platform: RunningPlatform;
  let silent: Server;
  const sockets: Socket[] = [];
  let gateway: Awaited<ReturnType<typeof startGatewayFor>>;

  beforeAll(async () => {
    platform = await startPlatform({ env: { TOKEN_ROLES: 'ignore' } });
    // A community that takes the connection and never answers: the roles cannot be read.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    gateway = await startGatewayFor({ ...platform.subgraphs, community: { url: `http://127.0.0.1:${port}/` } }, { TOKEN_ROLES: 'ignore', SUBGRAPH_TIMEOUT_MS: '1000' });
  }, 240_000);
  afterAll(async () => {
    await gateway?.gateway.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await platform?.stop();
  });

  it('refuses a signed-in request with 503 (nothing done on the token’s word), and still serves the anonymous', async () => {
    const token = await platform.token(randomUUID(), [{ role: 'admin', neighbourhood: '*' }]);
    const post = (headers: Record<string, string>) =>
      fetch(gateway.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ __typename }' }) });
    const signedIn = await post({ authorization: `Bearer ${token}` });
    expect([signedIn.status, signedIn.headers.get('retry-after'), ((await signedIn.json()) as any).errors[0].extensions.code]).toEqual([503, '2', 'SERVICE_UNAVAILABLE']);
    const download = await fetch(`${gateway.gatewayUrl}export/v1/openapi.json`, { headers: { authorization: `Bearer ${token}` } });
    expect(download.status).toBe(503);
    const anonymous = await post({});
    expect([anonymous.status, ((await anonymous.json()) as any).data]).toEqual([200, { __typename: 'Query' }]);
  });
});
