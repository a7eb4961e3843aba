import { stableId, type RoleGrant, type Viewer } from '@dbwe/platform';
import type { TestSubgraph } from '@dbwe/platform/testing';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import type { Loaders } from '../loaders';
import type { ProjectsServices } from '../integrity/references.service';

/** The demo's people and places, and viewers in each role the tests need. */
export const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');
export const KLARENDAL = stableId('neighbourhood:klarendal');
/** A neighbourhood of another municipality (Nijmegen); its officials have no say in Arnhem. */
export const NIJMEGEN_OOST = stableId('neighbourhood:nijmegen-oost');

export const memberId = (displayName: string) => stableId(`member:${displayName}`);
export const projectId = (key: string) => stableId(`project:${key}`);
export const bidId = (key: string) => stableId(`bid:${key}`);
export const wishId = (key: string) => stableId(`wish:${key}`);
export const themeId = (slug: string) => stableId(`theme:spijkerkwartier:${slug}`);

const viewer = (displayName: string, ...roles: [RoleGrant['role'], string][]): Viewer => ({
  memberId: memberId(displayName),
  roles: roles.map(([role, neighbourhood]) => ({ role, neighbourhood })),
});

export const as = {
  anonymous: { memberId: null, roles: [] } as Viewer,
  resident: viewer('Fietsende Fenna', ['resident', SPIJKERKWARTIER]),
  /** Drafts the bids in these tests. */
  challenger: viewer('Lezende Lotte', ['resident', SPIJKERKWARTIER]),
  coChallenger: viewer('Muzikale Mo', ['resident', SPIJKERKWARTIER]),
  steward: viewer('Penningmeester Pieter', ['resident', SPIJKERKWARTIER], ['steward', SPIJKERKWARTIER]),
  official: viewer('Wijkregisseur Anouk', ['official', SPIJKERKWARTIER]),
  /** Same municipality, other neighbourhood: roles are scoped per neighbourhood. */
  officialOfKlarendal: viewer('Wijkagent Wim', ['official', KLARENDAL]),
  officialOfOtherMunicipality: viewer('Ambtenaar Nijmegen', ['official', NIJMEGEN_OOST]),
  admin: viewer('Beheerder', ['admin', '*']),
  residentOfKlarendal: viewer('Buurvrouw Bep', ['resident', KLARENDAL]),
};

export interface ProjectsTest extends TestSubgraph<Loaders, ProjectsServices> {
  /** The whole platform around it, for what a client does through the gateway. */
  platform: RunningPlatform;
  teardown(): Promise<void>;
}

/**
 * The projects subgraph with its demo data, in the whole platform (with the
 * community's demo data): the ids a write names are checked through the graph.
 */
export async function startProjects(): Promise<ProjectsTest> {
  const platform = await startPlatform({ seed: ['community', 'projects'] });
  const subgraph = platform.subgraphs.projects as unknown as TestSubgraph<Loaders, ProjectsServices>;
  return { ...subgraph, platform, teardown: () => platform.stop() };
}
