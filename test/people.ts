import { randomUUID } from 'node:crypto';
import { stableId, type RoleGrant } from '@dbwe/platform';
import type { RunningPlatform } from './platform';

/** The demo's places and people, as every subgraph names them (stableId), for tests through the gateway. */
export const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');
export const KLARENDAL = stableId('neighbourhood:klarendal');
export const demoMember = (displayName: string) => stableId(`member:${displayName}`);
/** An id nobody handed out: no member, wish, project or bid has it. */
export const INVENTED = '00000000-0000-4000-8000-00000000dead';

/** A token of a demo member with the given roles, all in one neighbourhood. */
export function tokenOf(platform: RunningPlatform, displayName: string, roles: RoleGrant['role'][], neighbourhood: string): Promise<string> {
  return platform.token(demoMember(displayName), roles.map((role) => ({ role, neighbourhood })));
}

/**
 * Registers a new member of the neighbourhood through the graph and has them
 * erase themself (eraseMe): their id stays valid, and is the id of an erased
 * member from then on.
 */
export async function erasedMember(platform: RunningPlatform, neighbourhoodId: string, domain = 'CITIZEN'): Promise<string> {
  const id = randomUUID();
  const token = await platform.token(id, [{ role: 'resident', neighbourhood: neighbourhoodId }]);
  const registered = await platform.query<any>(
    `mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { __typename } }`,
    { input: { neighbourhoodId, displayName: `Vertrekkende ${id.slice(0, 8)}`, kind: 'PERSON', domain, fullName: 'Iemand die vertrekt' } },
    { token },
  );
  if (registered.body.data?.registerMember?.__typename !== 'RegisterMemberSuccess') throw new Error(`registration failed: ${JSON.stringify(registered.body)}`);
  const erased = await platform.query<any>(`mutation { eraseMe { member { id erased } } }`, {}, { token });
  if (erased.body.data?.eraseMe?.member?.erased !== true) throw new Error(`erasure failed: ${JSON.stringify(erased.body)}`);
  return id;
}

/**
 * A neighbourhood the installation starts to serve, added as an operator
 * does (there is no mutation for it): from then on the graph knows it.
 */
export async function addNeighbourhood(platform: RunningPlatform, slug: string): Promise<string> {
  const id = stableId(`neighbourhood:${slug}`);
  await platform.subgraphs.community.admin.query(`INSERT INTO community.municipality (code, name) VALUES ('GM0202', 'Arnhem') ON CONFLICT DO NOTHING`);
  await platform.subgraphs.community.admin.query(
    `INSERT INTO community.neighbourhood (id, slug, name, municipality_name, municipality_code) VALUES ($1, $2, $3, 'Arnhem', 'GM0202')`,
    [id, slug, slug],
  );
  return id;
}
