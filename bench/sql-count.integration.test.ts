import { startPlatform, type RunningPlatform } from '../test/platform';
import { loadCity } from './seed/city';
import { asOwners } from './seed/migrate';
import { DASHBOARD, LEDGER_PAGE, MEMBERS_FAN_OUT } from './operations';

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
  platform = await startPlatform({ seed: false });
  const url = platform.subgraphs.community.adminUrl;
  await loadCity(asOwners({ community: url, projects: url, ledger: url, impact: url }), { shape: SMALL_CITY, verify: false });
}, 180_000);

afterAll(() => platform?.stop());

/** SQL statements per subgraph for one request. */
async function statements(query: string, variables: Record<string, unknown>): Promise<Record<string, number>> {
  const before = Object.fromEntries(Object.entries(platform.subgraphs).map(([name, s]) => [name, s.queries.count]));
  const { body } = await platform.query(query, variables);
  expect(body.errors).toBeUndefined();
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
