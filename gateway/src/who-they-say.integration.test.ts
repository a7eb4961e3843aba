import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * Through the real gateway: a newcomer learns their member id before registering (to give it to
 * an admin), and cannot register under a look-alike of a name their neighbourhood already has.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const register = `mutation ($input: RegisterMemberInput!) { registerMember(input: $input) {
  __typename ... on CommunityError { code field } ... on RegisterMemberSuccess { member { displayName } } } }`;
const whoAmI = `{ whoAmI { memberId member { displayName } neighbourhood { slug } roles { role neighbourhood { slug } } } }`;
const registration = (displayName: string) => ({ neighbourhoodId: spijkerkwartier, displayName, kind: 'ORGANISATION', domain: 'GOVERNMENT', fullName: 'Nieuw Iemand' });

describe('members are who they say, through the gateway', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  it('shows a newcomer their id, refuses a look-alike display name, then registers them under their own', async () => {
    const newcomer = stableId('identity:who-they-say');
    const token = await platform.token(newcomer, []);
    const before = await platform.query<any>(whoAmI, {}, { token });
    expect(before.body.data.whoAmI).toEqual({ memberId: newcomer, member: null, neighbourhood: null, roles: [] });

    const lookAlike = await platform.query<any>(register, { input: registration('penningmeester piëter') }, { token });
    expect(lookAlike.body.data.registerMember).toEqual({ __typename: 'DisplayNameTaken', code: 'DISPLAY_NAME_TAKEN', field: 'displayName' });
    expect((await platform.query<any>(whoAmI, {}, { token })).body.data.whoAmI.member).toBeNull();

    const own = await platform.query<any>(register, { input: registration('Nieuwe Buur') }, { token });
    expect(own.body.data.registerMember).toEqual({ __typename: 'RegisterMemberSuccess', member: { displayName: 'Nieuwe Buur' } });
    const after = await platform.query<any>(whoAmI, {}, { token });
    expect(after.body.data.whoAmI).toMatchObject({ memberId: newcomer, member: { displayName: 'Nieuwe Buur' }, neighbourhood: { slug: 'spijkerkwartier' } });
  });

  it('never serves one caller\'s whoAmI to another or to the public', async () => {
    const pieter = stableId('member:Penningmeester Pieter');
    const token = await platform.token(pieter, [{ role: 'steward', neighbourhood: spijkerkwartier }]);
    expect((await platform.query<any>(whoAmI, {}, { token })).body.data.whoAmI).toMatchObject({
      memberId: pieter,
      // Registered there (resident) and steward by the office the platform records; the token's steward role is the same one.
      roles: [
        { role: 'RESIDENT', neighbourhood: { slug: 'spijkerkwartier' } },
        { role: 'STEWARD', neighbourhood: { slug: 'spijkerkwartier' } },
      ],
    });
    expect((await platform.query<any>(whoAmI)).body.data.whoAmI).toEqual({ memberId: null, member: null, neighbourhood: null, roles: [] });
  });
});
