import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { stableId } from '@dbwe/platform';
import { projects } from '../server';

/*
 * A nightly refresh asks only for projects and bids changed since the last
 * pull: after a steward edits one project, the next pull returns just it.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const steward = { memberId: stableId('member:Penningmeester Pieter'), roles: [{ role: 'steward' as const, neighbourhood: spijkerkwartier }] };

describe('incremental sync of projects and bids', () => {
  let db: Awaited<ReturnType<typeof cloneTestDatabase>>;
  let subgraph: TestSubgraph<unknown, unknown>;
  beforeAll(async () => {
    db = await cloneTestDatabase();
    subgraph = (await startTestSubgraph(projects, db.url, { seed: true })) as TestSubgraph<unknown, unknown>;
  });
  afterAll(async () => {
    await subgraph.stop();
    await db.drop();
  });

  const changed = async (since: string) => {
    const { data, errors } = await subgraph.execute<any>(
      `query ($n: [_Any!]!, $since: DateTime) { _entities(representations: $n) { ... on Neighbourhood {
        projects(first: 100, updatedSince: $since) { totalCount edges { node { title } } }
        rightToChallengeBids(first: 100, updatedSince: $since) { totalCount }
      } } }`,
      { n: [{ __typename: 'Neighbourhood', id: spijkerkwartier }], since },
    );
    expect(errors).toBeUndefined();
    return data._entities[0];
  };

  it('returns only what changed after the last pull', async () => {
    const everything = await changed('2000-01-01T00:00:00Z');
    expect(everything.projects.totalCount).toBe(5);
    expect(everything.rightToChallengeBids.totalCount).toBe(2);

    const lastPull = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    expect(await changed(lastPull)).toEqual({ projects: { totalCount: 0, edges: [] }, rightToChallengeBids: { totalCount: 0 } });

    const edit = await subgraph.execute<any>(
      `mutation ($id: ID!) { updateProject(input: { projectId: $id, summary: "Elke eerste en derde zaterdag van de maand repareren buurtbewoners samen." }) { __typename } }`,
      { id: stableId('project:repair-cafe') },
      steward,
    );
    expect(edit.data.updateProject.__typename).toBe('ProjectPayload');
    expect(await changed(lastPull)).toEqual({
      projects: { totalCount: 1, edges: [{ node: { title: 'Repair Café Spijkerkwartier' } }] },
      rightToChallengeBids: { totalCount: 0 },
    });
  });
});
