import { randomUUID } from 'node:crypto';
import { stableId } from '@dbwe/platform';
import { defaultAccountId } from '@dbwe/ledger/src/accounts/default-chart';
import { startGatewayFor, startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * Anonymous answers are kept in the gateway for as long as the subgraphs' cache hints allow
 * (ledger types 10 s, community 60 s): a repeated anonymous query does not reach the subgraphs.
 * Signed-in callers always get the books as they are, answers with errors are never kept, and
 * a kept answer expires with the shortest hint in it, or sooner: every kept answer is dropped
 * after a mutation through the gateway, and when the platform's event feed shows a change made
 * elsewhere (another gateway replica here).
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const steward = stableId('member:Penningmeester Pieter');
const bank = defaultAccountId(spijkerkwartier, '1000');
const BALANCE = `query Bank($id: ID!) { ledgerAccount(id: $id) { code balance { minorUnits } } }`;
const POST = `
  mutation Post($input: PostEntryInput!) {
    postEntry(input: $input) { __typename ... on LedgerError { code message } }
  }`;

describe('the response cache for anonymous answers', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ env: { RESPONSE_CACHE: 'true' } });
    // The demo data's events still travelling would drop what the first test expects kept.
    await platform.eventsSettled();
  });
  afterAll(() => platform.stop());

  const anonymous = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { age: response.headers.get('age'), cacheControl: response.headers.get('cache-control'), body: (await response.json()) as any };
  };
  const stewardToken = () => platform.token(steward, [{ role: 'steward', neighbourhood: spijkerkwartier }]);
  const entry = (minorUnits: number) => {
    const amount = (minorUnits / 100).toFixed(2);
    return {
      neighbourhoodId: spijkerkwartier,
      bookingDate: '2026-11-30',
      description: 'Gift from the street party',
      idempotencyKey: randomUUID(),
      lines: [
        { accountId: bank, side: 'DEBIT', amount, unit: 'EUR' },
        { accountId: defaultAccountId(spijkerkwartier, '8200'), side: 'CREDIT', amount, unit: 'EUR' },
      ],
    };
  };
  const receiveEuros = async (minorUnits: number) => {
    const { body } = await platform.query(POST, { input: entry(minorUnits) }, { token: await stewardToken() });
    expect(body.data).toEqual({ postEntry: { __typename: 'PostEntrySuccess' } });
  };

  it('answers a repeated anonymous query from memory, without asking the subgraphs', async () => {
    const query = '{ neighbourhoods { slug name } }';
    const first = await anonymous(query);
    expect(first.age).toBeNull();
    const asked = platform.subgraphRequests();
    const again = await anonymous(query);
    expect(again.age).toMatch(/^\d+$/);
    expect(again.body).toEqual(first.body);
    expect(platform.subgraphRequests()).toBe(asked);
    // A POST answer is still not for shared caches; the gateway's own cache is another matter.
    expect(again.cacheControl).toBe('no-store');
  });

  it("never hands a signed-in member's answer to the anonymous public, nor the public's kept answer to a member", async () => {
    const token = await stewardToken();
    const who = (answer: { body: { data?: { me: { id: string } | null } } }) => answer.body.data?.me?.id ?? null;
    // Signed in first: were it kept, the anonymous reader after would be answered as Pieter.
    const first = '{ me { id displayName } neighbourhoods { slug } }';
    expect(who(await platform.query(first, {}, { token }))).toBe(steward);
    expect(who(await anonymous(first))).toBeNull();
    // Anonymous first, kept: the member after still gets their own answer.
    const second = '{ me { id } neighbourhoods { name } }';
    expect(who(await anonymous(second))).toBeNull();
    expect((await anonymous(second)).age).toMatch(/^\d+$/);
    expect(who(await platform.query(second, {}, { token }))).toBe(steward);
  });

  it('keeps an answer no longer than its shortest hint (the ledger: 10 s)', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await anonymous(BALANCE, { id: bank });
    const kept = await anonymous(BALANCE, { id: bank });
    expect(kept.age).toMatch(/^\d+$/);
    await new Promise((resolve) => setTimeout(resolve, 10_500));
    expect((await anonymous(BALANCE, { id: bank })).age).toBeNull();
  }, 30_000);

  it('drops the kept answers when a change passes through the gateway: a new entry shows at once, to everyone', async () => {
    const before = (await anonymous(BALANCE, { id: bank })).body.data.ledgerAccount.balance.minorUnits as string;
    expect((await anonymous(BALANCE, { id: bank })).age).toMatch(/^\d+$/);
    await receiveEuros(1234);
    const expected = String(BigInt(before) + 1234n);
    const after = await anonymous(BALANCE, { id: bank });
    expect(after.age).toBeNull();
    expect(after.body.data.ledgerAccount.balance.minorUnits).toBe(expected);
    const signedIn = await platform.query(BALANCE, { id: bank }, { token: await stewardToken() });
    expect(signedIn.body.data).toEqual({ ledgerAccount: { code: '1000', balance: { minorUnits: expected } } });
  });

  it('drops them when the event feed shows a change made elsewhere (through another gateway replica)', async () => {
    const replica = await startGatewayFor(platform.subgraphs);
    try {
      const before = (await anonymous(BALANCE, { id: bank })).body.data.ledgerAccount.balance.minorUnits as string;
      expect((await anonymous(BALANCE, { id: bank })).age).toMatch(/^\d+$/);
      const token = await stewardToken();
      const posted = await fetch(replica.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: POST, variables: { input: entry(555) } }),
      });
      expect(((await posted.json()) as any).data).toEqual({ postEntry: { __typename: 'PostEntrySuccess' } });
      const expected = String(BigInt(before) + 555n);
      // The ledger records entry.posted; community applies it to the feed; this gateway sees the feed grow (well within the ledger's 10 s).
      let seen = before;
      const started = Date.now();
      while (seen !== expected && Date.now() - started < 9_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        seen = (await anonymous(BALANCE, { id: bank })).body.data.ledgerAccount.balance.minorUnits;
      }
      expect(seen).toBe(expected);
    } finally {
      await replica.gateway.stop();
    }
  }, 30_000);

  it('answers a request that asks for a fresh answer (Cache-Control: no-cache) from the subgraphs, as a subgraph checking a reference does', async () => {
    await anonymous(BALANCE, { id: bank });
    expect((await anonymous(BALANCE, { id: bank })).age).toMatch(/^\d+$/);
    const asked = platform.subgraphRequests();
    const fresh = await anonymous(BALANCE, { id: bank }, { 'cache-control': 'no-cache' });
    expect(fresh.age).toBeNull();
    expect(platform.subgraphRequests()).toBeGreaterThan(asked);
  });

  it('never serves an export from the cache: an export reads the books as they are', async () => {
    const entries = async () => (await (await fetch(new URL('/export/v1/neighbourhoods/spijkerkwartier/ledger_entries.csv', platform.gatewayUrl))).text()).trim().split('\n').length;
    const before = await entries();
    await receiveEuros(500);
    // An export is cut at a fresh checkpoint, and the ledger signs at most one a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await entries()).toBe(before + 1);
  });

  it('never keeps an answer with errors', async () => {
    const query = `{ member(id: "${stableId('member:Buurtkok Bram')}") { personalData { email } } }`;
    const first = await anonymous(query);
    expect(first.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asked = platform.subgraphRequests();
    const again = await anonymous(query);
    expect(again.age).toBeNull();
    expect(platform.subgraphRequests()).toBeGreaterThan(asked);
  });

  // Last: it stops a subgraph.
  it('never keeps a partial answer while a subgraph is down', async () => {
    await platform.subgraphs.impact.server.http.close();
    const query = `{ project(id: "${stableId('project:park-greenery')}") { title sroi { ratio } } }`;
    const first = await anonymous(query);
    expect(first.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(first.body.data.project.title).toEqual(expect.any(String));
    expect((await anonymous(query)).age).toBeNull();
  });
});
