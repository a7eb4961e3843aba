import { stableId, type SubgraphModule } from '@dbwe/platform';
import { cloneTestDatabase, runtimeUrlFor, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { community } from '@dbwe/community';
import { projects } from '@dbwe/projects';
import { waitFor } from './reliability/processes';
import { startGatewayFor } from './platform';
import type { Gateway } from '@dbwe/gateway';

/*
 * Each subgraph may have a database of its own (README, "Configuration");
 * its events then go through the one database all of them reach,
 * EVENTS_DATABASE_URL. Here projects runs on a database of its own and
 * community on another, which also holds the engine: a proposal recorded in
 * the first reaches community through the second. The engine of projects'
 * own database stays empty. Projects checks the wish and member a proposal
 * names in the public graph: the real gateway in front of community.
 */
describe('domain events between subgraphs on separate databases', () => {
  let ownDatabase: { url: string; drop: () => Promise<void> };
  let sharedDatabase: { url: string; drop: () => Promise<void> };
  let producer: TestSubgraph<unknown, unknown>;
  let consumer: TestSubgraph<unknown, unknown> & { url: string };
  let gateway: Gateway;

  beforeAll(async () => {
    ownDatabase = await cloneTestDatabase();
    sharedDatabase = await cloneTestDatabase();
    consumer = await startTestSubgraph(community as SubgraphModule<unknown, unknown>, sharedDatabase.url, { seed: true, listen: true });
    const absent = { url: 'http://127.0.0.1:9/graphql' };
    const graph = await startGatewayFor({ community: consumer, projects: absent, ledger: absent, impact: absent });
    gateway = graph.gateway;
    producer = await startTestSubgraph(projects as SubgraphModule<unknown, unknown>, ownDatabase.url, {
      env: { EVENTS_DATABASE_URL: runtimeUrlFor(sharedDatabase.url, 'projects'), GRAPH_URL: graph.gatewayUrl },
    });
  });
  afterAll(async () => {
    await producer?.stop();
    await gateway?.stop();
    await consumer?.stop();
    await ownDatabase?.drop();
    await sharedDatabase?.drop();
  });

  it('delivers what the producer recorded in its own database to the consumer in the other', async () => {
    const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
    const wishId = stableId('wish:veilige-schoolroute');
    const proposed = await producer.execute<any>(
      `mutation ($input: ProposeProjectInput!) { proposeProject(input: $input) { __typename ... on ProjectPayload { project { id } } } }`,
      { input: { neighbourhoodId: spijkerkwartier, title: 'Veilige schoolroute', summary: '', originatingWishes: [{ wishId, neighbourhoodId: spijkerkwartier }] } },
      { memberId: stableId('member:Spelende Sem'), roles: [{ role: 'resident', neighbourhood: spijkerkwartier }] },
    );
    const projectId = proposed.data?.proposeProject.project.id;
    expect(projectId).toEqual(expect.any(String));

    await waitFor('community to apply the adoption', async () => (await consumer.admin.query(`SELECT 1 FROM community.wish_adoption WHERE project_id = $1`, [projectId])).length === 1, 60_000, 100);
    expect(await producer.admin.query(`SELECT type FROM projects.event_outbox WHERE published_at IS NOT NULL ORDER BY position`)).toEqual([
      { type: 'nl.dbwe.projects.project.proposed' },
      { type: 'nl.dbwe.projects.wish.adopted' },
    ]);
    // The jobs are in the shared database's engine, none in the producer's own.
    expect(await consumer.admin.query(`SELECT count(*)::int AS n FROM events.job WHERE name = 'community.from-projects'`)).toEqual([{ n: 2 }]);
    expect(await producer.admin.query(`SELECT count(*)::int AS n FROM events.job`)).toEqual([{ n: 0 }]);
  });
});
