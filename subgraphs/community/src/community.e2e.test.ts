import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../test/platform';

/*
 * Through the real gateway with all four subgraphs and the demo data. A
 * wish's status needs the projects subgraph (@requires). Klusser Kees
 * coordinates the Repair Café project (projects subgraph, which knows him
 * only by id): his personal data is guarded when reached through the
 * project, and after he erases himself the project's coordinator still
 * resolves, now under an anonymous label.
 */
describe('community through the gateway: derived wish status, polls, members reached from other subgraphs and erasure', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  const kees = stableId('member:Klusser Kees');
  const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
  const PROJECT = `query ($id: ID!) { project(id: $id) { title coordinator { id displayName erased personalData { fullName email } } } }`;
  const project = stableId('project:repair-cafe');
  const asKees = () => platform.token(kees, [{ role: 'resident', neighbourhood: spijkerkwartier }]);
  const asAdmin = () => platform.token(stableId('identity:admin'), [{ role: 'admin', neighbourhood: spijkerkwartier }]);
  const asNeighbour = () => platform.token(stableId('member:Oma Ria'), [{ role: 'resident', neighbourhood: spijkerkwartier }]);

  it('derives each wish’s status through the graph for a whole page (community → projects → community)', async () => {
    const { body } = await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") {
      wishes(first: 10) { totalCount edges { node { title status supportCount projects { id } } } } } }`);
    expect(body.errors).toBeUndefined();
    const wishes = body.data.neighbourhood.wishes;
    expect(wishes.totalCount).toBe(6);
    for (const { node } of wishes.edges) {
      const expected = node.title.startsWith('Straatfeest') ? 'ARCHIVED' : node.projects.length > 0 ? 'ADOPTED' : 'OPEN';
      expect(node.status).toBe(expected);
    }
  });

  it('serves poll results and the caller’s own division through the gateway', async () => {
    const Q = `query ($id: ID!) { poll(id: $id) { participantCount results { theme { slug } points } myAllocation { total } } }`;
    const id = stableId('poll:spijkerpeil-2025');
    const gerda = await platform.token(stableId('member:Groene Gerda'), [{ role: 'resident', neighbourhood: spijkerkwartier }]);
    const own = await platform.query<any>(Q, { id }, { token: gerda });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.poll.participantCount).toBe(12);
    expect(own.body.data.poll.results.reduce((sum: number, r: any) => sum + r.points, 0)).toBe(1190);
    expect(own.body.data.poll.myAllocation).toEqual({ total: 100 });
    expect((await platform.query<any>(Q, { id }, { token: await asAdmin() })).body.data.poll.myAllocation).toBeNull();
  });

  it('guards personal data nested under a project: null and FORBIDDEN for the public and other residents', async () => {
    for (const token of [undefined, await asNeighbour()]) {
      const { status, body } = await platform.query<any>(PROJECT, { id: project }, { token });
      expect(status).toBe(200);
      expect(body.data.project.coordinator).toEqual({ id: kees, displayName: 'Klusser Kees', erased: false, personalData: null });
      expect(body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['project.coordinator.personalData', 'FORBIDDEN']]);
      expect(JSON.stringify(body)).not.toContain('Kees de Boer');
    }
  });

  it('shows it to the member himself and to an admin of the neighbourhood', async () => {
    for (const token of [await asKees(), await asAdmin()]) {
      const { body } = await platform.query<any>(PROJECT, { id: project }, { token });
      expect(body.errors).toBeUndefined();
      expect(body.data.project.coordinator.personalData).toEqual({ fullName: 'Kees de Boer', email: 'kees.de.boer@example.nl' });
    }
  });

  it('after erasure, the project still resolves its coordinator, anonymously, and nothing personal is left', async () => {
    const token = await asKees();
    const erased = await platform.query<any>(`mutation { eraseMe { member { id displayName } } }`, {}, { token });
    expect(erased.body.errors).toBeUndefined();
    const label = erased.body.data.eraseMe.member.displayName;
    expect(label).toMatch(/^Anonymous member /);

    for (const viewerToken of [token, await asAdmin()]) {
      const { body } = await platform.query<any>(PROJECT, { id: project }, { token: viewerToken });
      expect(body.errors).toBeUndefined();
      expect(body.data.project).toEqual({ title: 'Repair Café Spijkerkwartier', coordinator: { id: kees, displayName: label, erased: true, personalData: null } });
    }

    const exported = await platform.query<any>(`mutation { exportMyData { data } }`, {}, { token });
    expect(exported.body.data.exportMyData.data).toEqual({});

    // His wish is still there, its author the same anonymous member.
    const wish = await platform.query<any>(`query ($id: ID!) { wish(id: $id) { title supporters author { id displayName } } }`, { id: stableId('wish:repair-cafe') });
    expect(wish.body.errors).toBeUndefined();
    // Four supporters stay too few to publish.
    expect(wish.body.data.wish).toEqual({ title: 'Een maandelijks Repair Café', supporters: null, author: { id: kees, displayName: label } });

    // The ledger's facts about the neighbourhood are untouched; the whole dashboard still answers.
    const dashboard = await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") { members(first: 100) { totalCount } projects(first: 10) { edges { node { coordinator { displayName } } } } } }`);
    expect(dashboard.body.errors).toBeUndefined();
    expect(dashboard.body.data.neighbourhood.members.totalCount).toBe(24);
    expect(dashboard.body.data.neighbourhood.projects.edges.map((e: any) => e.node.coordinator?.displayName)).not.toContain('Klusser Kees');
  });
});
