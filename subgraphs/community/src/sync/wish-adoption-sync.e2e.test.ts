import { stableId } from '@dbwe/platform';
import { waitFor } from '../../../../test/reliability/processes';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';

/*
 * Issue 16: "a wish becoming ADOPTED does not move its updatedAt, so since=
 * sync misses it". Through the real gateway, with all four subgraphs: a
 * resident proposes a project from an open wish. The projects subgraph
 * records nl.dbwe.projects.wish.adopted in the transaction of the proposal,
 * its relay hands it to the engine, and community applies it: the wish's
 * updatedAt moves, so a pull of what changed since just before the proposal
 * returns the wish, now ADOPTED. Its status is still read from projects, as
 * before.
 */
describe('a wish taken up by a project, as a nightly sync sees it', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.stop());

  const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
  const wishId = stableId('wish:veilige-schoolroute');
  const CHANGED = `query ($since: DateTime!) { neighbourhood(slug: "spijkerkwartier") {
    wishes(first: 100, filter: { updatedSince: $since }) { edges { node { id status updatedAt } } } } }`;

  it('moves the adopted wish into the changes since the last pull', async () => {
    const lastPull = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const before = await platform.query<any>(CHANGED, { since: lastPull });
    expect(before.body.errors).toBeUndefined();
    expect(before.body.data.neighbourhood.wishes.edges).toEqual([]);

    const token = await platform.token(stableId('member:Spelende Sem'), [{ role: 'resident', neighbourhood: spijkerkwartier }]);
    const proposed = await platform.query<any>(
      `mutation ($input: ProposeProjectInput!) { proposeProject(input: $input) { __typename ... on ProjectPayload { project { id } } } }`,
      { input: { neighbourhoodId: spijkerkwartier, title: 'Veilige schoolroute', summary: '', originatingWishes: [{ wishId, neighbourhoodId: spijkerkwartier }] } },
      { token },
    );
    expect(proposed.body.data.proposeProject.__typename).toBe('ProjectPayload');

    let changed: { id: string; status: string; updatedAt: string }[] = [];
    await waitFor('community to apply wish.adopted', async () => {
      const after = await platform.query<any>(CHANGED, { since: lastPull });
      changed = after.body.data.neighbourhood.wishes.edges.map((e: any) => e.node);
      return changed.length > 0;
    }, 30_000, 100);
    expect(changed).toEqual([{ id: wishId, status: 'ADOPTED', updatedAt: expect.any(String) }]);
    expect(new Date(changed[0].updatedAt).getTime()).toBeGreaterThan(new Date(lastPull).getTime());

    // Exactly once: the inbox holds the event once, and the adoption is kept once.
    const community = platform.subgraphs.community;
    const inbox = await community.admin.query(`SELECT type, duplicates FROM community.event_inbox WHERE consumer = 'from-projects' ORDER BY sequence`);
    expect(inbox).toEqual([
      { type: 'nl.dbwe.projects.project.proposed', duplicates: 0 },
      { type: 'nl.dbwe.projects.wish.adopted', duplicates: 0 },
    ]);
    const adoptions = await community.admin.query(`SELECT project_id FROM community.wish_adoption WHERE wish_id = $1`, [wishId]);
    expect(adoptions).toEqual([{ project_id: proposed.body.data.proposeProject.project.id }]);
  });

  it('keeps each recorded event a valid CloudEvent with its neighbourhood and its place in the stream', async () => {
    const rows = await platform.subgraphs.projects.admin.query(
      `SELECT id, type, subject, neighbourhood_id, sequence::int AS sequence, published_at IS NOT NULL AS published FROM projects.event_outbox ORDER BY position`,
    );
    expect(rows.map((r: any) => [r.type, r.subject, r.neighbourhood_id, r.sequence, r.published])).toEqual([
      ['nl.dbwe.projects.project.proposed', expect.stringMatching(/^projects\//), spijkerkwartier, 1, true],
      ['nl.dbwe.projects.wish.adopted', `wishes/${wishId}`, spijkerkwartier, 2, true],
    ]);
  });
});
