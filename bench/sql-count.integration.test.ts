import { randomUUID } from 'node:crypto';
import { defaultAccountId } from '@dbwe/ledger/src/accounts/default-chart';
import { startPlatform, type RunningPlatform } from '../test/platform';
import { loadCity } from './seed/city';
import { asOwners } from './seed/migrate';
import { cityPlan, memberDomain, memberId, projectId, STEWARD } from './seed/plan';
import { DASHBOARD, LEDGER_PAGE, MEMBERS_FAN_OUT, POST_ENTRY } from './operations';

/**
 * No N+1 anywhere on the benchmark's read paths: the SQL statements each
 * subgraph sends for operations 1, 2 and 4 are the same for a page of 10 as
 * for a page of 100. The data is a two-neighbourhood city from the
 * benchmark's own generator, with more than 100 of everything paged.
 */
const SMALL_CITY = {
  neighbourhoods: 2,
  members: 400,
  projects: 240,
  entries: 600,
  freshEntries: 300,
  wishesPerNeighbourhood: 130,
  bidsPerNeighbourhood: 60,
};

let platform: RunningPlatform;

beforeAll(async () => {
  // Only the request's own statements count: no event relay and no checkpoint signing in the background.
  platform = await startPlatform({ seed: false, subgraphEnv: { EVENTS_DELIVERY: 'false', LEDGER_CHECKPOINT_INTERVAL_SECONDS: '3600' } });
  const url = platform.subgraphs.community.adminUrl;
  await loadCity(asOwners({ community: url, projects: url, ledger: url, impact: url }), { shape: SMALL_CITY, verify: false });
}, 180_000);

afterAll(() => platform?.stop());

/** SQL statements per subgraph for one request. */
async function statements(query: string, variables: Record<string, unknown>, token?: string, expected?: unknown): Promise<Record<string, number>> {
  const before = Object.fromEntries(Object.entries(platform.subgraphs).map(([name, s]) => [name, s.queries.count]));
  const { body } = await platform.query(query, variables, { token });
  expect(body.errors).toBeUndefined();
  if (expected !== undefined) expect(body.data).toMatchObject(expected as object);
  return Object.fromEntries(Object.entries(platform.subgraphs).map(([name, s]) => [name, s.queries.count - before[name]]));
}

describe.each([
  ['1. the neighbourhood dashboard', DASHBOARD, (first: number) => ({ slug: 'wijk-001', first })],
  ['2. a page of ledger entries with lines and accounts', LEDGER_PAGE, (first: number) => ({ slug: 'wijk-001', first, afterSequence: 0 })],
  ['4. members with their projects and hours', MEMBERS_FAN_OUT, (first: number) => ({ slug: 'wijk-001', first })],
])('%s', (_name, query, variables) => {
  test('sends as many SQL statements for 100 items as for 10', async () => {
    await statements(query, variables(10));
    const ten = await statements(query, variables(10));
    const hundred = await statements(query, variables(100));
    expect(hundred).toEqual(ten);
  });
});

/*
 * The hot write path: a posting that names a member and a project and has
 * counterparties. The ledger checks those ids through the graph (community
 * and projects answer), and keeps what it learned for a few seconds: the
 * same references again ask the graph nothing. Whether the writer was
 * erased is asked on every write: community answers one statement for it;
 * and what the writer may do (the roles the platform holds, read by the
 * gateway for every signed-in request): one more.
 */
describe('5. postEntry with a member, a project and three counterparties', () => {
  const nb = cityPlan(1, SMALL_CITY).neighbourhoods[0];
  const counterparties = [3, 4, 5].map((j) => ({ memberId: memberId(nb, j), domain: memberDomain(j) }));
  const input = () => ({
    neighbourhoodId: nb.id,
    bookingDate: '2025-11-26',
    description: 'Onderhoud en materiaal',
    idempotencyKey: randomUUID(),
    memberId: memberId(nb, 7),
    projectId: projectId(nb, 4),
    lines: [
      ...counterparties.map((counterparty) => ({ accountId: defaultAccountId(nb.id, '4100'), side: 'DEBIT', amount: '10.00', unit: 'EUR', counterparty })),
      { accountId: defaultAccountId(nb.id, '1600'), side: 'CREDIT', amount: '30.00', unit: 'EUR' },
    ],
  });

  test('a posting with the same references asks projects nothing and community only about the writer (standing and roles); the ledger sends as many statements for it as for the first', async () => {
    const token = await platform.token(memberId(nb, STEWARD), [{ role: 'steward', neighbourhood: nb.id }]);
    const booked = { postEntry: { __typename: 'PostEntrySuccess' } };
    const first = await statements(POST_ENTRY, { input: input() }, token, booked);
    const again = await statements(POST_ENTRY, { input: input() }, token, booked);
    process.stdout.write(`SQL statements for one postEntry: first ${JSON.stringify(first)}, again ${JSON.stringify(again)}\n`);
    expect(again).toEqual({ community: 2, projects: 0, ledger: first.ledger, impact: 0 });
  });
});
