import { randomUUID } from 'node:crypto';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * Roles held by the platform, through the real gateway as production runs it
 * (TOKEN_ROLES=ignore): a token says who someone is and nothing more; what they
 * may do is being registered and the offices admins gave, read fresh on every
 * request, so a grant holds and a revocation bites on the very next request.
 * What the graph shows as roles is what the checks enforce.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const klarendal = stableId('neighbourhood:klarendal');
const member = (name: string) => stableId(`member:${name}`);
const fenna = member('Fietsende Fenna');
const bram = member('Buurtkok Bram');
const gerda = member('Groene Gerda');
const pieter = member('Penningmeester Pieter');
const noor = member('Naaister Noor');
const account = (neighbourhood: string, code: string) => stableId(`account:${neighbourhood}:${code}`);

const POST = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`;
const entry = (key: string) => ({
  neighbourhoodId: spijkerkwartier,
  idempotencyKey: key,
  bookingDate: '2026-11-20',
  description: 'Drukwerk wijkkrant',
  lines: [
    { accountId: account(spijkerkwartier, '4900'), side: 'DEBIT', amount: '12.50', unit: 'EUR' },
    { accountId: account(spijkerkwartier, '1600'), side: 'CREDIT', amount: '12.50', unit: 'EUR' },
  ],
});
const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) {
  __typename ... on CommunityError { code field }
  ... on GrantRoleSuccess { office { id role scope holderId holder { displayName } neighbourhood { slug } municipalityCode grantedById held reason } } } }`;
const REVOKE = `mutation ($input: RevokeRoleInput!) { revokeRole(input: $input) {
  __typename ... on CommunityError { code } ... on RevokeRoleSuccess { office { held revokedById revokeReason } } } }`;
const WHO = `{ whoAmI { roles { role everyNeighbourhood neighbourhood { slug } } platformRoles { role } } }`;
const ROLES = `query ($id: ID!) { member(id: $id) { roles } }`;
const OFFICES = `query ($id: ID!, $held: Boolean) { neighbourhood(id: $id) { offices(first: 100, held: $held) { totalCount edges { node { role holderId held } } } } }`;

describe('offices held by the platform, with token roles ignored', () => {
  let platform: RunningPlatform;
  const operator = randomUUID();
  const municipalAdmin = randomUUID();
  const official = randomUUID();
  /** A token that names the identity and, for the attempt's sake, claims to be admin everywhere. */
  const tokenOf = (id: string) => platform.token(id, [{ role: 'admin', neighbourhood: '*' }]);
  const ask = async (query: string, variables: Record<string, unknown>, as: string): Promise<any> => (await platform.query<any>(query, variables, { token: await tokenOf(as) })).body;
  const offices = async (held = true) => (await platform.query<any>(OFFICES, { id: spijkerkwartier, held })).body.data.neighbourhood.offices;

  beforeAll(async () => {
    platform = await startPlatform({ env: { TOKEN_ROLES: 'ignore' } });
    // The installation's first admin is given from the command line; here as the CLI writes it.
    await platform.subgraphs.community.admin.query(
      `INSERT INTO community.role_grant (id, member_id, role, scope, grant_reason) VALUES ($1, $2, 'ADMIN', 'PLATFORM', 'Installed the platform')`,
      [randomUUID(), operator],
    );
  });
  afterAll(() => platform.stop());

  it("believes nothing a token claims: a registered resident is a resident, whatever the token says", async () => {
    const who = (await ask(WHO, {}, fenna)).data.whoAmI;
    expect(who.roles).toEqual([{ role: 'RESIDENT', everyNeighbourhood: false, neighbourhood: { slug: 'spijkerkwartier' } }]);
    expect(who.platformRoles).toEqual([{ role: 'RESIDENT' }]);
    const { errors } = await ask(POST, { input: entry('fenna-claims-admin') }, fenna);
    expect(errors[0].extensions.code).toBe('FORBIDDEN');
    // An identity that never registered holds nothing at all.
    expect((await ask(WHO, {}, randomUUID())).data.whoAmI.roles).toEqual([]);
  });

  it('lets a steward whose office the platform records keep the books, with a token that claims nothing', async () => {
    const token = await platform.token(pieter, []);
    const { body } = await platform.query<any>(POST, { input: entry('pieter-office') }, { token });
    expect(body.data.postEntry.__typename).toBe('PostEntrySuccess');
    expect((await platform.query<any>(ROLES, { id: pieter })).body.data.member.roles).toEqual(['RESIDENT', 'STEWARD']);
  });

  it("has the platform admin appoint a neighbourhood's admin, who appoints a steward; the steward acts from the next request", async () => {
    const admin = await ask(GRANT, { input: { memberId: fenna, role: 'ADMIN', neighbourhoodId: spijkerkwartier, reason: 'Chosen at the members meeting of 2026-11-20' } }, operator);
    expect(admin.data.grantRole).toMatchObject({
      __typename: 'GrantRoleSuccess',
      office: { role: 'ADMIN', scope: 'NEIGHBOURHOOD', holderId: fenna, holder: { displayName: 'Fietsende Fenna' }, neighbourhood: { slug: 'spijkerkwartier' }, grantedById: operator, held: true },
    });
    expect((await platform.query<any>(ROLES, { id: fenna })).body.data.member.roles).toEqual(['RESIDENT', 'ADMIN']);

    expect((await ask(POST, { input: entry('bram-before') }, bram)).errors[0].extensions.code).toBe('FORBIDDEN');
    const steward = await ask(GRANT, { input: { memberId: bram, role: 'STEWARD', neighbourhoodId: spijkerkwartier, reason: 'Second treasurer' } }, fenna);
    expect(steward.data.grantRole).toMatchObject({ __typename: 'GrantRoleSuccess', office: { role: 'STEWARD', grantedById: fenna, reason: 'Second treasurer' } });
    expect((await ask(POST, { input: entry('bram-after') }, bram)).data.postEntry.__typename).toBe('PostEntrySuccess');
    expect((await platform.query<any>(ROLES, { id: bram })).body.data.member.roles).toEqual(['RESIDENT', 'STEWARD']);
    expect((await offices()).edges.map((e: any) => [e.node.role, e.node.holderId])).toEqual(
      expect.arrayContaining([
        ['STEWARD', pieter],
        ['ADMIN', fenna],
        ['STEWARD', bram],
      ]),
    );

    // Revoked: the very next request is refused, and the graph says so.
    const revoked = await ask(REVOKE, { input: { officeId: steward.data.grantRole.office.id, reason: 'Stepped down' } }, fenna);
    expect(revoked.data.revokeRole).toEqual({ __typename: 'RevokeRoleSuccess', office: { held: false, revokedById: fenna, revokeReason: 'Stepped down' } });
    expect((await ask(POST, { input: entry('bram-revoked') }, bram)).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await platform.query<any>(ROLES, { id: bram })).body.data.member.roles).toEqual(['RESIDENT']);
    expect((await offices(false)).edges.some((e: any) => e.node.holderId === bram && !e.node.held)).toBe(true);
    expect((await ask(REVOKE, { input: { officeId: steward.data.grantRole.office.id, reason: 'Again' } }, fenna)).data.revokeRole.__typename).toBe('OfficeAlreadyRevoked');
    // Nor can anyone with the database undo it, or rewrite why the office was given: the record is written once, revoked once.
    const db = platform.subgraphs.community.admin;
    await expect(db.query(`UPDATE community.role_grant SET revoked_at = NULL, revoke_reason = NULL, revoked_by = NULL WHERE id = $1`, [steward.data.grantRole.office.id])).rejects.toThrow(/a revocation is final/);
    const held = (await db.query(`SELECT id FROM community.role_grant WHERE member_id = $1 AND revoked_at IS NULL`, [pieter]))[0].id;
    await expect(db.query(`UPDATE community.role_grant SET grant_reason = 'Rewritten' WHERE id = $1`, [held])).rejects.toThrow(/may only be revoked/);
  });

  it("refuses every grant by the wrong hands, and writes nothing", async () => {
    const before = (await offices(false)).totalCount;
    const attempts: [string, Record<string, unknown>][] = [
      // A steward gives no offices.
      [pieter, { memberId: gerda, role: 'STEWARD', neighbourhoodId: spijkerkwartier, reason: 'x' }],
      // A resident neither.
      [gerda, { memberId: gerda, role: 'ADMIN', neighbourhoodId: spijkerkwartier, reason: 'x' }],
      // The neighbourhood's admin appoints no officials: the municipality does.
      [fenna, { memberId: official, role: 'OFFICIAL', neighbourhoodId: spijkerkwartier, reason: 'x' }],
      // Nor does it give offices in another neighbourhood, or the platform's.
      [fenna, { memberId: noor, role: 'STEWARD', neighbourhoodId: klarendal, reason: 'x' }],
      [fenna, { memberId: fenna, role: 'ADMIN', reason: 'x' }],
      [fenna, { memberId: fenna, role: 'ADMIN', municipalityCode: 'GM0202', reason: 'x' }],
    ];
    for (const [as, input] of attempts) {
      const body = await ask(GRANT, { input }, as);
      expect([as, body.errors?.[0]?.extensions?.code]).toEqual([as, 'FORBIDDEN']);
    }
    const refusals: [Record<string, unknown>, string][] = [
      [{ memberId: noor, role: 'STEWARD', neighbourhoodId: spijkerkwartier, reason: 'Lives elsewhere' }, 'NOT_REGISTERED_HERE'],
      [{ memberId: pieter, role: 'STEWARD', neighbourhoodId: spijkerkwartier, reason: 'Twice' }, 'OFFICE_ALREADY_HELD'],
      [{ memberId: gerda, role: 'RESIDENT', neighbourhoodId: spijkerkwartier, reason: 'Residents register' }, 'INVALID_OFFICE'],
      [{ memberId: gerda, role: 'STEWARD', neighbourhoodId: spijkerkwartier, reason: '   ' }, 'EMPTY_VALUE'],
      [{ memberId: gerda, role: 'STEWARD', neighbourhoodId: spijkerkwartier, reason: 'x'.repeat(501) }, 'VALUE_TOO_LONG'],
      [{ memberId: gerda, role: 'STEWARD', neighbourhoodId: randomUUID(), reason: 'No such place' }, 'NEIGHBOURHOOD_NOT_FOUND'],
    ];
    const answered: [string, unknown][] = [];
    for (const [input, code] of refusals) {
      const body = await ask(GRANT, { input }, fenna);
      answered.push([code, body.data?.grantRole?.code ?? body.errors?.[0]?.message]);
    }
    expect(answered).toEqual(refusals.map(([, code]) => [code, code]));
    expect((await offices(false)).totalCount).toBe(before);
  });

  it("has the municipality's admin appoint an official, who need not live in the neighbourhood", async () => {
    const municipal = await ask(GRANT, { input: { memberId: municipalAdmin, role: 'ADMIN', municipalityCode: 'GM0202', reason: 'Arnhem appoints its coordinator' } }, operator);
    expect(municipal.data.grantRole).toMatchObject({ office: { scope: 'MUNICIPALITY', municipalityCode: 'GM0202', holder: null } });
    expect((await ask(GRANT, { input: { memberId: municipalAdmin, role: 'ADMIN', municipalityCode: 'GM9999', reason: 'x' } }, operator)).data.grantRole.code).toBe('MUNICIPALITY_NOT_FOUND');
    // A municipality's admin is no admin of its neighbourhoods: its office is to appoint officials.
    expect((await ask(WHO, {}, municipalAdmin)).data.whoAmI.roles).toEqual([]);

    const appointed = await ask(GRANT, { input: { memberId: official, role: 'OFFICIAL', neighbourhoodId: spijkerkwartier, reason: 'Assesses Right to Challenge bids' } }, municipalAdmin);
    expect(appointed.data.grantRole).toMatchObject({ office: { role: 'OFFICIAL', holderId: official, holder: null } });
    expect((await ask(WHO, {}, official)).data.whoAmI.roles).toEqual([{ role: 'OFFICIAL', everyNeighbourhood: false, neighbourhood: { slug: 'spijkerkwartier' } }]);
  });
});
