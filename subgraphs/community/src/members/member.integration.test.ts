import { stableId } from '@dbwe/platform';
import {
  adminViewer,
  anonymous,
  demoMemberId,
  demoWishId,
  errorCodes,
  KLARENDAL,
  memberViewer,
  newcomerViewer,
  SPIJKERKWARTIER,
  startCommunity,
  steward,
  type CommunityTest,
} from '../testing/community.fixtures';

/*
 * Members through the real community server on the demo data. Groene Gerda
 * (Spijkerkwartier, citizen) is the member whose personal data every path
 * must guard: only she and an admin of the Spijkerkwartier may read it.
 */
let c: CommunityTest;
beforeAll(async () => {
  c = await startCommunity();
});
afterAll(() => c.teardown());

const gerda = demoMemberId('Groene Gerda');
const gerdaPersonal = { fullName: 'Gerda van Dijk', email: 'gerda.van.dijk@example.nl', phone: expect.any(String), address: 'Spijkerstraat 3, Arnhem' };

describe('public member data', () => {
  it('shows pseudonym, kind, domain, roles, neighbourhood and join date to anyone', async () => {
    const data = await c.ok(`query ($id: ID!) { member(id: $id) { id displayName kind domain roles joinedAt erased updatedAt neighbourhood { slug } } }`, {
      id: demoMemberId('Penningmeester Pieter'),
    });
    expect(data.member).toEqual({
      id: demoMemberId('Penningmeester Pieter'),
      displayName: 'Penningmeester Pieter',
      kind: 'PERSON',
      domain: 'CITIZEN',
      roles: ['RESIDENT', 'STEWARD'],
      joinedAt: '2025-01-21T09:00:00.000Z',
      erased: false,
      updatedAt: '2025-01-21T09:00:00.000Z',
      neighbourhood: { slug: 'spijkerkwartier' },
    });
  });

  it('answers null for an unknown or malformed id', async () => {
    const data = await c.ok(`{ a: member(id: "${stableId('nobody')}") { id } b: member(id: "not-a-uuid") { id } }`);
    expect(data).toEqual({ a: null, b: null });
  });

  it('lists the wishes a member posted', async () => {
    const data = await c.ok(`query ($id: ID!) { member(id: $id) { wishes { totalCount edges { node { id } } } } }`, { id: gerda });
    expect(data.member.wishes).toEqual({ totalCount: 1, edges: [{ node: { id: demoWishId('groen-lindenplein') } }] });
  });

  it('returns the caller as me, and null for the anonymous public', async () => {
    expect((await c.ok(`{ me { displayName } }`, {}, memberViewer('Groene Gerda'))).me).toEqual({ displayName: 'Groene Gerda' });
    expect((await c.ok(`{ me { displayName } }`, {}, anonymous)).me).toBeNull();
    expect((await c.ok(`{ me { displayName } }`, {}, newcomerViewer('nieuw'))).me).toBeNull();
  });
});

describe('whoAmI', () => {
  const WHO = `{ whoAmI { memberId member { displayName } neighbourhood { slug } roles { role everyNeighbourhood neighbourhoodId neighbourhood { slug } } } }`;

  it('tells a newcomer the id to give an admin, before they register', async () => {
    const viewer = newcomerViewer('who-am-i');
    expect((await c.ok(WHO, {}, viewer)).whoAmI).toEqual({ memberId: viewer.memberId, member: null, neighbourhood: null, roles: [] });
  });

  it('shows a registered member where they registered and the roles this request is checked against', async () => {
    expect((await c.ok(WHO, {}, steward)).whoAmI).toEqual({
      memberId: demoMemberId('Penningmeester Pieter'),
      member: { displayName: 'Penningmeester Pieter' },
      neighbourhood: { slug: 'spijkerkwartier' },
      roles: [
        { role: 'RESIDENT', everyNeighbourhood: false, neighbourhoodId: SPIJKERKWARTIER, neighbourhood: { slug: 'spijkerkwartier' } },
        { role: 'STEWARD', everyNeighbourhood: false, neighbourhoodId: SPIJKERKWARTIER, neighbourhood: { slug: 'spijkerkwartier' } },
      ],
    });
    const everywhere = { memberId: stableId('identity:operator'), roles: [{ role: 'admin' as const, neighbourhood: '*' }] };
    expect((await c.ok(WHO, {}, everywhere)).whoAmI.roles).toEqual([{ role: 'ADMIN', everyNeighbourhood: true, neighbourhoodId: null, neighbourhood: null }]);
  });

  it('answers the anonymous public with no id and no roles', async () => {
    expect((await c.ok(WHO)).whoAmI).toEqual({ memberId: null, member: null, neighbourhood: null, roles: [] });
  });
});

describe('personal data on every path', () => {
  const paths = {
    'member(id)': { query: `query ($id: ID!) { member(id: $id) { personalData { fullName email phone address } } }`, pick: (d: any) => d?.member?.personalData, errorPath: 'member.personalData' },
    'nested under a wish author': {
      query: `query ($wish: ID!) { wish(id: $wish) { author { personalData { fullName email phone address } } } }`,
      pick: (d: any) => d?.wish?.author?.personalData,
      errorPath: 'wish.author.personalData',
    },
    'nested in a members connection': {
      query: `query ($n: ID!) { neighbourhood(id: $n) { members(first: 3) { edges { node { id personalData { fullName email phone address } } } } } }`,
      pick: (d: any) => d?.neighbourhood?.members.edges.find((e: any) => e.node.id === gerda)?.node.personalData,
      errorPath: 'neighbourhood.members.edges.2.node.personalData',
    },
    _entities: {
      query: `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Member { personalData { fullName email phone address } } } }`,
      pick: (d: any) => d?._entities?.[0]?.personalData,
      errorPath: '_entities.0.personalData',
    },
  };
  const variables = { id: gerda, wish: demoWishId('groen-lindenplein'), n: SPIJKERKWARTIER, reps: [{ __typename: 'Member', id: gerda }] };
  const refused = {
    'an anonymous caller': anonymous,
    'another resident': memberViewer('Tuinman Teun'),
    'a steward of the neighbourhood': steward,
    'an admin of another neighbourhood': adminViewer(KLARENDAL),
  };
  const allowed = { 'the member themself': memberViewer('Groene Gerda'), 'an admin of the neighbourhood': adminViewer(SPIJKERKWARTIER), 'an admin of every neighbourhood': adminViewer('*') };

  for (const [pathName, path] of Object.entries(paths)) {
    for (const [who, viewer] of Object.entries(refused)) {
      it(`${pathName}: ${who} gets null and FORBIDDEN`, async () => {
        const result = await c.execute(path.query, variables, viewer);
        expect(path.pick(result.data)).toBeNull();
        expect(errorCodes(result)).toContainEqual({ path: path.errorPath, code: 'FORBIDDEN' });
        expect(JSON.stringify(result)).not.toContain('Gerda van Dijk');
        expect(JSON.stringify(result)).not.toContain('gerda.van.dijk@example.nl');
      });
    }
    for (const [who, viewer] of Object.entries(allowed)) {
      it(`${pathName}: ${who} reads it`, async () => {
        const result = await c.execute(path.query, variables, viewer);
        expect(errorCodes(result).filter((e) => e.path === path.errorPath)).toEqual([]);
        expect(path.pick(result.data)).toEqual(gerdaPersonal);
      });
    }
  }
});

describe('registerMember', () => {
  const REGISTER = `mutation ($input: RegisterMemberInput!) { registerMember(input: $input) {
    __typename
    ... on RegisterMemberSuccess { member { id displayName kind domain roles neighbourhood { slug } personalData { fullName email phone address } } }
    ... on CommunityError { code field message }
    ... on ValueTooLong { maxLength }
    ... on AlreadyRegistered { member { displayName } } } }`;
  const input = (overrides: Record<string, unknown> = {}) => ({
    neighbourhoodId: KLARENDAL,
    displayName: '  Nieuwe Nina ',
    kind: 'PERSON',
    domain: 'CITIZEN',
    fullName: 'Nina de Nieuwe',
    email: 'nina@example.nl',
    ...overrides,
  });

  it('makes the signed-in identity a resident member with its own id', async () => {
    const viewer = newcomerViewer('nina');
    const data = await c.ok(REGISTER, { input: input() }, viewer);
    expect(data.registerMember).toEqual({
      __typename: 'RegisterMemberSuccess',
      member: {
        id: viewer.memberId,
        displayName: 'Nieuwe Nina',
        kind: 'PERSON',
        domain: 'CITIZEN',
        roles: ['RESIDENT'],
        neighbourhood: { slug: 'klarendal' },
        personalData: { fullName: 'Nina de Nieuwe', email: 'nina@example.nl', phone: null, address: null },
      },
    });
    const again = await c.ok(REGISTER, { input: input({ neighbourhoodId: SPIJKERKWARTIER }) }, viewer);
    expect(again.registerMember).toMatchObject({ __typename: 'AlreadyRegistered', code: 'ALREADY_REGISTERED', member: { displayName: 'Nieuwe Nina' } });
    expect((await c.ok(`query ($id: ID!) { member(id: $id) { neighbourhood { slug } } }`, { id: viewer.memberId })).member.neighbourhood.slug).toBe('klarendal');
  });

  it.each([
    ['an unknown neighbourhood', { neighbourhoodId: stableId('neighbourhood:atlantis') }, { __typename: 'NeighbourhoodNotFound', code: 'NEIGHBOURHOOD_NOT_FOUND', field: 'neighbourhoodId' }],
    ['a malformed neighbourhood id', { neighbourhoodId: 'atlantis' }, { __typename: 'NeighbourhoodNotFound', code: 'NEIGHBOURHOOD_NOT_FOUND', field: 'neighbourhoodId' }],
    ['an empty display name', { displayName: '   ' }, { __typename: 'EmptyValue', code: 'EMPTY_VALUE', field: 'displayName' }],
    ['an over-long display name', { displayName: 'x'.repeat(81) }, { __typename: 'ValueTooLong', code: 'VALUE_TOO_LONG', field: 'displayName', maxLength: 80 }],
    ['an empty full name', { fullName: '' }, { __typename: 'EmptyValue', code: 'EMPTY_VALUE', field: 'fullName' }],
    ['an over-long e-mail address', { email: `${'a'.repeat(250)}@x.nl` }, { __typename: 'ValueTooLong', code: 'VALUE_TOO_LONG', field: 'email', maxLength: 254 }],
  ])('refuses %s and writes nothing', async (_case, overrides, expected) => {
    const before = await c.count('member');
    const data = await c.ok(REGISTER, { input: input(overrides) }, newcomerViewer('refused'));
    expect(data.registerMember).toMatchObject(expected);
    expect(await c.count('member')).toBe(before);
  });

  // "Penningmeester Pieter" is Spijkerkwartier's treasurer; a look-alike there would pass for him.
  it.each(['Penningmeester Pieter', 'penningmeester piëter', 'PENNINGMEESTER PIËTER', 'Pénningmeester Pieter'])(
    'refuses the display name %s, already Spijkerkwartier\'s, writing nothing',
    async (displayName) => {
      const before = await c.count('member');
      const data = await c.ok(REGISTER, { input: input({ neighbourhoodId: SPIJKERKWARTIER, displayName }) }, newcomerViewer('look-alike'));
      expect(data.registerMember).toMatchObject({ __typename: 'DisplayNameTaken', code: 'DISPLAY_NAME_TAKEN', field: 'displayName' });
      expect(await c.count('member')).toBe(before);
    },
  );

  it('allows a name that is taken in another neighbourhood only', async () => {
    const data = await c.ok(REGISTER, { input: input({ neighbourhoodId: KLARENDAL, displayName: 'penningmeester piëter' }) }, newcomerViewer('klarendal-pieter'));
    expect(data.registerMember).toMatchObject({ __typename: 'RegisterMemberSuccess', member: { displayName: 'penningmeester piëter', neighbourhood: { slug: 'klarendal' } } });
  });

  it('needs a signed-in identity', async () => {
    const result = await c.execute(REGISTER, { input: input() }, anonymous);
    expect(errorCodes(result)).toEqual([{ path: 'registerMember', code: 'UNAUTHENTICATED' }]);
  });

  it('refuses an identity whose subject is not a UUID', async () => {
    const result = await c.execute(REGISTER, { input: input() }, { memberId: 'auth0|12345', roles: [] });
    expect(errorCodes(result)).toEqual([{ path: 'registerMember', code: 'BAD_USER_INPUT' }]);
  });
});

describe('updateMyProfile', () => {
  const UPDATE = `mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
    __typename ... on UpdateMyProfileSuccess { member { displayName updatedAt personalData { fullName email phone address } } }
    ... on CommunityError { code field } } }`;

  it('changes only the given fields; null clears a contact field', async () => {
    const viewer = memberViewer('Yoga Yara');
    const data = await c.ok(UPDATE, { input: { displayName: 'Yoga Yara Zen', phone: null, address: 'Spijkerlaan 9, Arnhem' } }, viewer);
    expect(data.updateMyProfile.__typename).toBe('UpdateMyProfileSuccess');
    expect(data.updateMyProfile.member).toMatchObject({
      displayName: 'Yoga Yara Zen',
      personalData: { fullName: 'Yara Bos', email: 'yara.bos@example.nl', phone: null, address: 'Spijkerlaan 9, Arnhem' },
    });
    expect(Date.parse(data.updateMyProfile.member.updatedAt)).toBeGreaterThan(Date.parse('2026-01-01'));
    const read = await c.ok(`query ($id: ID!) { member(id: $id) { displayName } }`, { id: viewer.memberId });
    expect(read.member.displayName).toBe('Yoga Yara Zen');
  });

  it('refuses an empty display name and an over-long address, changing nothing', async () => {
    const viewer = memberViewer('Lezende Lotte');
    expect((await c.ok(UPDATE, { input: { displayName: '' } }, viewer)).updateMyProfile).toEqual({ __typename: 'EmptyValue', code: 'EMPTY_VALUE', field: 'displayName' });
    expect((await c.ok(UPDATE, { input: { displayName: 'Lotte L', address: 'x'.repeat(301) } }, viewer)).updateMyProfile).toEqual({
      __typename: 'ValueTooLong',
      code: 'VALUE_TOO_LONG',
      field: 'address',
    });
    const read = await c.ok(`query ($id: ID!) { member(id: $id) { displayName } }`, { id: viewer.memberId });
    expect(read.member.displayName).toBe('Lezende Lotte');
  });

  it('refuses another member\'s display name in any case or accents, and lets a member restyle their own', async () => {
    const viewer = memberViewer('Groene Gerda');
    expect((await c.ok(UPDATE, { input: { displayName: 'PENNINGMEESTER PIËTER' } }, viewer)).updateMyProfile).toEqual({
      __typename: 'DisplayNameTaken',
      code: 'DISPLAY_NAME_TAKEN',
      field: 'displayName',
    });
    expect((await c.ok(`query ($id: ID!) { member(id: $id) { displayName } }`, { id: viewer.memberId })).member.displayName).toBe('Groene Gerda');
    expect((await c.ok(UPDATE, { input: { displayName: 'groene gërda' } }, viewer)).updateMyProfile).toMatchObject({ __typename: 'UpdateMyProfileSuccess', member: { displayName: 'groene gërda' } });
    await c.ok(UPDATE, { input: { displayName: 'Groene Gerda' } }, viewer);
  });

  it('needs sign-in and a registration', async () => {
    expect(errorCodes(await c.execute(UPDATE, { input: { displayName: 'X' } }, anonymous))).toEqual([{ path: 'updateMyProfile', code: 'UNAUTHENTICATED' }]);
    expect(errorCodes(await c.execute(UPDATE, { input: { displayName: 'X' } }, newcomerViewer('nobody')))).toEqual([{ path: 'updateMyProfile', code: 'FORBIDDEN' }]);
  });
});

describe('neighbourhoods', () => {
  it('lists neighbourhoods by name and finds one by id or slug', async () => {
    const data = await c.ok(`{ neighbourhoods { slug } bySlug: neighbourhood(slug: "klarendal") { id name updatedAt municipality { name cbsCode } } }`);
    expect(data.neighbourhoods).toEqual([{ slug: 'klarendal' }, { slug: 'spijkerkwartier' }]);
    expect(data.bySlug).toEqual({ id: KLARENDAL, name: 'Klarendal', updatedAt: '2025-01-06T09:00:00.000Z', municipality: { name: 'Arnhem', cbsCode: 'GM0202' } });
    const byId = await c.ok(`query ($id: ID!) { neighbourhood(id: $id) { slug } }`, { id: SPIJKERKWARTIER });
    expect(byId.neighbourhood).toEqual({ slug: 'spijkerkwartier' });
    expect(errorCodes(await c.execute(`{ neighbourhood { slug } }`))).toEqual([{ path: 'neighbourhood', code: 'BAD_USER_INPUT' }]);
  });

  it('resolves Neighbourhood, Member and Theme references through _entities', async () => {
    const data = await c.ok(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) {
        ... on Neighbourhood { slug } ... on Member { displayName } ... on Theme { slug neighbourhood { slug } } } }`,
      {
        reps: [
          { __typename: 'Neighbourhood', id: SPIJKERKWARTIER },
          { __typename: 'Member', id: gerda },
          { __typename: 'Theme', id: stableId('theme:klarendal:groen') },
          { __typename: 'Member', id: stableId('member:nobody') },
        ],
      },
    );
    expect(data._entities).toEqual([{ slug: 'spijkerkwartier' }, { displayName: 'Groene Gerda' }, { slug: 'groen', neighbourhood: { slug: 'klarendal' } }, null]);
  });

  it('pages members oldest first with stable cursors and filters by domain and join date', async () => {
    const Q = `query ($n: ID!, $after: String, $domain: MemberDomain, $from: DateTime, $before: DateTime) { neighbourhood(id: $n) {
      members(first: 10, after: $after, domain: $domain, joinedFrom: $from, joinedBefore: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { displayName domain joinedAt } } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: any = (await c.ok(Q, { n: SPIJKERKWARTIER, after })).neighbourhood.members;
      expect(page.totalCount).toBe(24);
      seen.push(...page.edges.map((e: any) => e.node.displayName));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(24);
    expect(seen[0]).toBe('Fietsende Fenna');

    const gov = (await c.ok(Q, { n: SPIJKERKWARTIER, domain: 'GOVERNMENT' })).neighbourhood.members;
    expect(gov.totalCount).toBe(3);
    expect(gov.edges.every((e: any) => e.node.domain === 'GOVERNMENT')).toBe(true);

    const window = (await c.ok(Q, { n: SPIJKERKWARTIER, from: '2025-01-06T09:00:00Z', before: '2025-01-12T09:00:00Z' })).neighbourhood.members;
    expect(window.edges.map((e: any) => e.node.displayName)).toEqual(['Fietsende Fenna', 'Buurtkok Bram']);
  });

  it('refuses pages over 100 and cursors it did not hand out', async () => {
    const Q = `query ($n: ID!, $first: Int, $after: String) { neighbourhood(id: $n) { members(first: $first, after: $after) { totalCount } } }`;
    expect(errorCodes(await c.execute(Q, { n: SPIJKERKWARTIER, first: 101 }))).toEqual([{ path: 'neighbourhood.members', code: 'BAD_USER_INPUT' }]);
    const forged = Buffer.from(JSON.stringify(['2025-01-01', "x'; DROP TABLE member"])).toString('base64url');
    expect(errorCodes(await c.execute(Q, { n: SPIJKERKWARTIER, after: forged }))).toEqual([{ path: 'neighbourhood.members', code: 'BAD_USER_INPUT' }]);
  });

  it('lists the themes of a neighbourhood by name', async () => {
    const data = await c.ok(`query ($n: ID!) { neighbourhood(id: $n) { themes { slug name updatedAt } } }`, { n: SPIJKERKWARTIER });
    expect(data.neighbourhood.themes.map((t: any) => t.name)).toEqual(['Economie', 'Energie', 'Groen', 'Ontmoeting', 'Veiligheid', 'Zorg']);
  });
});
