import { anonymous, stableId, type Role, type Viewer } from '@dbwe/platform';
import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { community } from '../server';
import { demoMemberId, demoNeighbourhoodId, demoPollId, demoThemeId, demoWishId } from '../demo/demo.seed';
import type { Loaders } from '../loaders';
import type { CommunityServices } from '../services';

export { anonymous, demoMemberId, demoNeighbourhoodId, demoPollId, demoThemeId, demoWishId };

export const SPIJKERKWARTIER = demoNeighbourhoodId('spijkerkwartier');
export const KLARENDAL = demoNeighbourhoodId('klarendal');

/** A demo member signed in with the given roles in their own neighbourhood (resident by default). */
export function memberViewer(displayName: string, neighbourhoodId = SPIJKERKWARTIER, roles: Role[] = ['resident']): Viewer {
  return { memberId: demoMemberId(displayName), roles: roles.map((role) => ({ role, neighbourhood: neighbourhoodId })) };
}

/** Penningmeester Pieter, resident and steward of the Spijkerkwartier. */
export const steward = memberViewer('Penningmeester Pieter', SPIJKERKWARTIER, ['resident', 'steward']);

/** An admin of one neighbourhood who is not a member anywhere. */
export function adminViewer(neighbourhoodId = SPIJKERKWARTIER): Viewer {
  return { memberId: stableId('identity:admin'), roles: [{ role: 'admin', neighbourhood: neighbourhoodId }] };
}

/** A signed-in identity that has not registered as a member yet. */
export function newcomerViewer(name: string): Viewer {
  return { memberId: stableId(`identity:${name}`), roles: [] };
}

export interface CommunityTest extends TestSubgraph<Loaders, CommunityServices> {
  /** Runs an operation and fails the test on any GraphQL error; returns the data as JSON a client would get. */
  ok<T = any>(query: string, variables?: Record<string, unknown>, viewer?: Viewer): Promise<T>;
  /** Counts rows of a community table, to show that nothing was written. */
  count(table: string): Promise<number>;
  teardown(): Promise<void>;
}

/** The community subgraph on a fresh copy of the test database, with the demo data. */
export async function startCommunity(env: Record<string, string> = {}): Promise<CommunityTest> {
  const database = await cloneTestDatabase();
  const subgraph = await startTestSubgraph(community, database.url, { seed: true, env });
  return {
    ...subgraph,
    async ok(query, variables, viewer = anonymous) {
      const result = await subgraph.execute(query, variables, viewer);
      if (result.errors) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
      // As a client sees it on the wire: instants as ISO strings.
      return JSON.parse(JSON.stringify(result.data));
    },
    async count(table) {
      const [row] = await subgraph.db.query(`SELECT count(*)::int AS n FROM community.${table}`);
      return row.n;
    },
    async teardown() {
      await subgraph.stop();
      await database.drop();
    },
  };
}

/** The error codes of a result, by path. */
export function errorCodes(result: { errors?: readonly { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] }) {
  return (result.errors ?? []).map((e) => ({ path: e.path?.join('.'), code: e.extensions?.code }));
}
