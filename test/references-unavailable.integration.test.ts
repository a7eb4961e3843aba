import { randomUUID } from 'node:crypto';
import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { projects } from '@dbwe/projects';
import { ledger } from '@dbwe/ledger';
import { defaultAccountId } from '@dbwe/ledger/src/accounts/default-chart';
import { stableId, type SubgraphModule } from '@dbwe/platform';
import { demoMember, SPIJKERKWARTIER } from './people';

/*
 * A subgraph that cannot read the public graph (here: no gateway at its
 * GRAPH_URL) refuses a write whose ids it must check, with
 * SERVICE_UNAVAILABLE, and writes nothing: it never stores an id it could not
 * check. Writes that name no other subgraph's ids go on as before.
 */
describe('when the graph cannot be read', () => {
  let database: { url: string; drop(): Promise<void> };
  const running: TestSubgraph<unknown, unknown>[] = [];
  beforeAll(async () => {
    database = await cloneTestDatabase();
  });
  afterAll(async () => {
    for (const subgraph of running) await subgraph.stop();
    await database.drop();
  });
  const start = async (module: SubgraphModule<unknown, unknown>) => {
    const subgraph = await startTestSubgraph(module, database.url, { seed: true });
    running.push(subgraph);
    return subgraph;
  };
  const steward = { memberId: demoMember('Penningmeester Pieter'), roles: [{ role: 'steward' as const, neighbourhood: SPIJKERKWARTIER }] };
  const count = async (subgraph: TestSubgraph<unknown, unknown>, table: string) => (await subgraph.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it('the ledger refuses an entry about a member, and still books one that names nobody', async () => {
    const books = await start(ledger as SubgraphModule<unknown, unknown>);
    const entry = (extra: Record<string, unknown>) => ({
      neighbourhoodId: SPIJKERKWARTIER,
      idempotencyKey: randomUUID(),
      bookingDate: '2026-11-30',
      description: 'Vrijwilligersuren',
      lines: [
        { accountId: defaultAccountId(SPIJKERKWARTIER, '9100'), side: 'DEBIT', amount: '2.00', unit: 'HOUR' },
        { accountId: defaultAccountId(SPIJKERKWARTIER, '9800'), side: 'CREDIT', amount: '2.00', unit: 'HOUR' },
      ],
      ...extra,
    });
    const POST = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`;
    const before = await count(books, 'ledger.entry');
    const refused = await books.execute<any>(POST, { input: entry({ memberId: demoMember('Oma Ria') }) }, steward);
    expect(refused.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(await count(books, 'ledger.entry')).toBe(before);
    expect((await books.execute<any>(POST, { input: entry({}) }, steward)).data?.postEntry.__typename).toBe('PostEntrySuccess');
  });

  it('projects refuses to add a participant', async () => {
    const subgraph = await start(projects as SubgraphModule<unknown, unknown>);
    const before = await count(subgraph, 'projects.project_participant');
    const real = await subgraph.execute<any>(
      `mutation ($input: AddParticipantInput!) { addProjectParticipant(input: $input) { __typename } }`,
      { input: { projectId: stableId('project:repair-cafe'), memberId: demoMember('Yoga Yara'), role: 'VOLUNTEER' } },
      steward,
    );
    expect(real.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(await count(subgraph, 'projects.project_participant')).toBe(before);
  });
});
