import { stableId, type Viewer } from '@dbwe/platform';
import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { impact } from '../server';

export const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');

/** The treasurer, Penningmeester Pieter, a steward of the Spijkerkwartier. */
export const steward: Viewer = { memberId: stableId('member:Penningmeester Pieter'), roles: [{ role: 'steward', neighbourhood: SPIJKERKWARTIER }] };

export interface ImpactTest extends TestSubgraph<ReturnType<typeof impact.createLoaders>> {
  teardown(): Promise<void>;
}

/** The impact subgraph on a fresh copy of the test database, with the demo analyses. */
export async function startImpact(): Promise<ImpactTest> {
  const database = await cloneTestDatabase();
  const subgraph = await startTestSubgraph(impact, database.url, { seed: true });
  return {
    ...subgraph,
    async teardown() {
      await subgraph.stop();
      await database.drop();
    },
  };
}
