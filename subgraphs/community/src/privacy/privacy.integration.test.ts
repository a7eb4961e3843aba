import { stableId } from '@dbwe/platform';
import {
  adminViewer,
  anonymous,
  demoMemberId,
  demoPollId,
  demoWishId,
  errorCodes,
  memberViewer,
  newcomerViewer,
  SPIJKERKWARTIER,
  startCommunity,
  type CommunityTest,
} from '../testing/community.fixtures';

/*
 * The AVG rights of access and erasure, on Oma Ria: in the demo she supports
 * four wishes and divided her points in the Spijkerpeil. Groene Gerda posted
 * the Lindenplein wish, which Ria supports.
 */
let c: CommunityTest;
beforeAll(async () => {
  c = await startCommunity();
});
afterAll(() => c.teardown());

const EXPORT = `mutation { exportMyData { exportedAt data } }`;
const ERASE = `mutation { eraseMe { member { id displayName erased roles personalData { fullName } } } }`;
const gerda = memberViewer('Groene Gerda');
const ria = memberViewer('Oma Ria');

describe('exportMyData', () => {
  it('gives a member everything held about them', async () => {
    const { exportMyData } = await c.ok(EXPORT, {}, gerda);
    expect(Date.parse(exportMyData.exportedAt)).toBeGreaterThan(Date.parse('2026-01-01'));
    expect(exportMyData.data).toEqual({
      member: {
        id: demoMemberId('Groene Gerda'),
        neighbourhoodId: SPIJKERKWARTIER,
        displayName: 'Groene Gerda',
        kind: 'PERSON',
        domain: 'CITIZEN',
        claimedDomain: null,
        domainConfirmedAt: '2025-01-12T09:00:00.000Z',
        domainConfirmedBy: null,
        roles: ['RESIDENT'],
        joinedAt: '2025-01-12T09:00:00.000Z',
        updatedAt: '2025-01-12T09:00:00.000Z',
        fullName: 'Gerda van Dijk',
        email: 'gerda.van.dijk@example.nl',
        phone: expect.any(String),
        address: 'Spijkerstraat 3, Arnhem',
      },
      wishes: [
        {
          id: demoWishId('groen-lindenplein'),
          neighbourhoodId: SPIJKERKWARTIER,
          title: 'Het Lindenplein groener en beter onderhouden',
          description: expect.any(String),
          createdAt: '2025-03-08T10:00:00.000Z',
          archivedAt: null,
        },
      ],
      supports: [{ wishId: demoWishId('zonnedaken'), title: 'Zonnepanelen op de daken van de Spijkerstraat', supportedAt: '2025-03-19T10:00:00.000Z' }],
      pollAllocations: [
        {
          pollId: demoPollId('spijkerpeil-2025'),
          title: 'Spijkerpeil 2025: waar gaat onze energie naartoe?',
          updatedAt: '2025-09-04T08:00:00.000Z',
          allocations: [
            { themeId: expect.any(String), theme: 'Groen', points: 60 },
            { themeId: expect.any(String), theme: 'Energie', points: 30 },
            { themeId: expect.any(String), theme: 'Ontmoeting', points: 10 },
          ],
        },
      ],
      webhookSubscriptions: [],
    });
  });

  it('is a federated entity only the member themself can read, through _entities too', async () => {
    const ENTITY = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on MyDataExport { memberId erased data } } }`;
    const reps = [{ __typename: 'MyDataExport', memberId: demoMemberId('Groene Gerda') }];
    const own = await c.ok(ENTITY, { reps }, gerda);
    expect(own._entities).toEqual([{ memberId: demoMemberId('Groene Gerda'), erased: false, data: expect.objectContaining({ member: expect.objectContaining({ fullName: 'Gerda van Dijk' }) }) }]);
    for (const viewer of [ria, adminViewer(SPIJKERKWARTIER)]) {
      const result = await c.execute<any>(ENTITY, { reps }, viewer);
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(result.data)).not.toContain('Gerda van Dijk');
    }
    expect(errorCodes(await c.execute(ENTITY, { reps }, anonymous))).toEqual([{ path: '_entities', code: 'UNAUTHENTICATED' }]);
  });

  it('is empty for an identity that never registered, and needs sign-in', async () => {
    expect((await c.ok(EXPORT, {}, newcomerViewer('export'))).exportMyData.data).toEqual({});
    expect(errorCodes(await c.execute(EXPORT, {}, anonymous))).toEqual([{ path: 'exportMyData', code: 'UNAUTHENTICATED' }]);
  });
});

describe('eraseMe', () => {
  const riaId = demoMemberId('Oma Ria');
  const lindenplein = demoWishId('groen-lindenplein');
  const spijkerpeil = demoPollId('spijkerpeil-2025');
  const PUBLIC = `query ($wish: ID!, $poll: ID!) { wish(id: $wish) { supportCount } poll(id: $poll) { participantCount results { points } } }`;

  it('removes personal data and pseudonym but keeps the id, the counts and the wishes', async () => {
    // Ria posts a wish first, so there is a wish whose author is erased.
    const posted = await c.ok(
      `mutation ($input: PostWishInput!) { postWish(input: $input) { ... on PostWishSuccess { wish { id } } } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Bankje bij de bushalte', description: '', themeIds: [] } },
      ria,
    );
    const riasWish = posted.postWish.wish.id;
    const before = await c.ok(PUBLIC, { wish: lindenplein, poll: spijkerpeil });

    const erased = await c.ok(ERASE, {}, ria);
    expect(erased.eraseMe.member).toEqual({ id: riaId, displayName: expect.stringMatching(/^Anonymous member [0-9a-f]{6}$/), erased: true, roles: [], personalData: null });
    const label = erased.eraseMe.member.displayName;

    // Personal fields are gone from the database, not just hidden.
    const [row] = await c.db.query(`SELECT display_name, full_name, email, phone, address FROM community.member WHERE id = $1`, [riaId]);
    expect(row).toEqual({ display_name: label, full_name: null, email: null, phone: null, address: null });
    expect(await c.db.query(`SELECT 1 FROM community.wish_support WHERE member_id = $1 UNION ALL SELECT 1 FROM community.poll_ballot WHERE member_id = $1`, [riaId])).toEqual([]);

    // Even an admin now finds nothing, without an error; the export is empty.
    const asAdmin = await c.execute(`query ($id: ID!) { member(id: $id) { displayName personalData { fullName } } }`, { id: riaId }, adminViewer(SPIJKERKWARTIER));
    expect(asAdmin.errors).toBeUndefined();
    expect(asAdmin.data).toEqual({ member: { displayName: label, personalData: null } });
    expect((await c.ok(EXPORT, {}, ria)).exportMyData.data).toEqual({});

    // Her wish stays, with the anonymous author; supports and points still count.
    const wish = await c.ok(`query ($id: ID!) { wish(id: $id) { title author { id displayName erased } } }`, { id: riasWish });
    expect(wish.wish).toEqual({ title: 'Bankje bij de bushalte', author: { id: riaId, displayName: label, erased: true } });
    expect(await c.ok(PUBLIC, { wish: lindenplein, poll: spijkerpeil })).toEqual(before);
    expect((await c.ok(`query ($id: ID!) { wish(id: $id) { supportedByMe } }`, { id: lindenplein }, ria)).wish.supportedByMe).toBe(false);
    expect((await c.ok(`query ($id: ID!) { poll(id: $id) { myAllocation { total } } }`, { id: spijkerpeil }, ria)).poll.myAllocation).toBeNull();

    // Other subgraphs' references to the id still resolve.
    const entities = await c.ok(`query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Member { id displayName } } }`, {
      reps: [{ __typename: 'Member', id: riaId }],
    });
    expect(entities._entities).toEqual([{ id: riaId, displayName: label }]);

    // The old pseudonym is not findable any more.
    const list = await c.ok(`query ($n: ID!) { neighbourhood(id: $n) { members(first: 100) { totalCount edges { node { displayName } } } } }`, { n: SPIJKERKWARTIER });
    expect(list.neighbourhood.members.totalCount).toBe(24);
    expect(list.neighbourhood.members.edges.map((e: any) => e.node.displayName)).not.toContain('Oma Ria');
  });

  it('is backed by the database: an erased member cannot hold personal data again', async () => {
    await expect(c.db.query(`UPDATE community.member SET email = 'ria@example.nl' WHERE id = $1`, [riaId])).rejects.toThrow(/member_erased_holds_no_personal_data/);
  });

  it('leaves an erased member unable to act, and erasing again changes nothing', async () => {
    const result = await c.execute(
      `mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { __typename } }`,
      { input: { displayName: 'Oma Ria' } },
      ria,
    );
    expect(errorCodes(result)).toEqual([{ path: 'updateMyProfile', code: 'FORBIDDEN' }]);
    expect(errorCodes(await c.execute(`mutation ($id: ID!) { supportWish(wishId: $id) { __typename } }`, { id: demoWishId('buurtmaaltijd') }, ria))).toEqual([
      { path: 'supportWish', code: 'FORBIDDEN' },
    ]);
    const again = await c.ok(ERASE, {}, ria);
    expect(again.eraseMe.member.erased).toBe(true);
  });

  it('needs a signed-in, registered identity', async () => {
    expect(errorCodes(await c.execute(ERASE, {}, anonymous))).toEqual([{ path: 'eraseMe', code: 'UNAUTHENTICATED' }]);
    expect(errorCodes(await c.execute(ERASE, {}, newcomerViewer('never')))).toEqual([{ path: 'eraseMe', code: 'FORBIDDEN' }]);
    expect(await c.ok(`query ($id: ID!) { member(id: $id) { id } }`, { id: stableId('identity:never') })).toEqual({ member: null });
  });
});
