import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * Through the real gateway and subgraphs: a role lets a member do exactly
 * what it should, in its own neighbourhood only, and nothing is written
 * when the answer is no.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const klarendal = stableId('neighbourhood:klarendal');
const fenna = stableId('member:Fietsende Fenna');
const pieter = stableId('member:Penningmeester Pieter');
const account = (neighbourhood: string, code: string) => stableId(`account:${neighbourhood}:${code}`);

const postEntry = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on PostEntrySuccess { entry { sequence } } } }`;
const entryInput = (neighbourhood: string, key: string) => ({
  neighbourhoodId: neighbourhood,
  idempotencyKey: key,
  bookingDate: '2026-11-20',
  description: 'Drukwerk wijkkrant',
  lines: [
    { accountId: account(neighbourhood, '4900'), side: 'DEBIT', amount: '45.00', unit: 'EUR' },
    { accountId: account(neighbourhood, '1600'), side: 'CREDIT', amount: '45.00', unit: 'EUR' },
  ],
});
const chainHead = `query ($id: ID!) { neighbourhood(id: $id) { chainHead { sequence } } }`;

describe('roles through the gateway', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  const head = async (neighbourhood: string) => (await platform.query<any>(chainHead, { id: neighbourhood })).body.data!.neighbourhood.chainHead?.sequence ?? 0;

  it('refuses a resident posting a ledger entry, and writes nothing', async () => {
    const before = await head(spijkerkwartier);
    const token = await platform.token(fenna, [{ role: 'resident', neighbourhood: spijkerkwartier }]);
    const { body } = await platform.query<any>(postEntry, { input: entryInput(spijkerkwartier, 'resident-try') }, { token });
    expect(body.data).toBeNull();
    expect(body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(await head(spijkerkwartier)).toBe(before);
  });

  it('refuses the anonymous public posting, with UNAUTHENTICATED', async () => {
    const { body } = await platform.query<any>(postEntry, { input: entryInput(spijkerkwartier, 'anonymous-try') });
    expect(body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it("refuses a steward of the Spijkerkwartier writing in Klarendal's books", async () => {
    const before = await head(klarendal);
    const token = await platform.token(pieter, [{ role: 'steward', neighbourhood: spijkerkwartier }]);
    const { body } = await platform.query<any>(postEntry, { input: entryInput(klarendal, 'other-books') }, { token });
    expect(body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(await head(klarendal)).toBe(before);
  });

  it('lets the steward post in their own books', async () => {
    const before = await head(spijkerkwartier);
    const token = await platform.token(pieter, [{ role: 'steward', neighbourhood: spijkerkwartier }]);
    const { body } = await platform.query<any>(postEntry, { input: entryInput(spijkerkwartier, 'own-books') }, { token });
    expect(body.errors).toBeUndefined();
    expect(body.data!.postEntry).toEqual({ __typename: 'PostEntrySuccess', entry: { sequence: before + 1 } });
  });

  it('refuses a resident deciding a Right to Challenge bid, and the bid stays in assessment', async () => {
    const bid = stableId('bid:community-centre');
    const status = async () => (await platform.query<any>(`{ rightToChallengeBid(id: "${bid}") { status } }`)).body.data!.rightToChallengeBid.status;
    expect(await status()).toBe('IN_ASSESSMENT');
    const token = await platform.token(fenna, [{ role: 'resident', neighbourhood: spijkerkwartier }]);
    const { body } = await platform.query<any>(
      `mutation ($input: DecideBidInput!) { decideRightToChallengeBid(input: $input) { __typename } }`,
      { input: { bidId: bid, outcome: 'HONOURED', rationale: 'Ik vind het een goed plan.' } },
      { token },
    );
    expect(body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(await status()).toBe('IN_ASSESSMENT');
  });
});
