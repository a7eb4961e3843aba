import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';

/*
 * Through the real gateway, with all four subgraphs and the demo data: a
 * resident turns the open wish "Veilige fietsroute naar De Wijkwijzer" into a
 * project. The project then shows under the wish (projects subgraph), and the
 * wish reads as adopted (community subgraph, which derives its status from
 * Wish.projects via @requires).
 */
describe('a project created from a wish, through the gateway', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.stop());

  const wishId = stableId('wish:veilige-schoolroute');
  const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
  const WISH = `query ($id: ID!) { wish(id: $id) { title status neighbourhood { id } projects { title status coordinator { displayName } } } }`;

  it('shows the project under Wish.projects and the wish as adopted', async () => {
    const before = await platform.query<any>(WISH, { id: wishId });
    expect(before.body.errors).toBeUndefined();
    expect(before.body.data.wish).toMatchObject({ title: 'Veilige fietsroute naar De Wijkwijzer', status: 'OPEN', projects: [] });

    const token = await platform.token(stableId('member:Spelende Sem'), [{ role: 'resident', neighbourhood: spijkerkwartier }]);
    const proposed = await platform.query<any>(
      `mutation ($input: ProposeProjectInput!) { proposeProject(input: $input) {
        __typename ... on ProjectPayload { project { id originatingWishes { id title } } } ... on ProjectsError { code message } } }`,
      {
        input: {
          neighbourhoodId: spijkerkwartier,
          title: 'Veilige schoolroute',
          summary: 'Met de school en ouders een veilige fietsroute naar De Wijkwijzer inrichten.',
          // The wish's neighbourhood as the client read it from the graph.
          originatingWishes: [{ wishId, neighbourhoodId: before.body.data.wish.neighbourhood.id }],
          plannedStart: '2026-03-01',
          plannedEnd: '2026-08-31',
        },
      },
      { token },
    );
    expect(proposed.body.errors).toBeUndefined();
    expect(proposed.body.data.proposeProject.project.originatingWishes).toEqual([{ id: wishId, title: 'Veilige fietsroute naar De Wijkwijzer' }]);

    const after = await platform.query<any>(WISH, { id: wishId });
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.wish.projects).toEqual([{ title: 'Veilige schoolroute', status: 'PROPOSED', coordinator: { displayName: 'Spelende Sem' } }]);
    expect(after.body.data.wish.status).toBe('ADOPTED');
  });

  it('refuses a wish of another neighbourhood, as the graph reports it', async () => {
    const foreign = stableId('wish:sportveld-klarendal');
    const read = await platform.query<any>(`{ wish(id: "${foreign}") { neighbourhood { id slug } } }`);
    expect(read.body.data.wish.neighbourhood.slug).toBe('klarendal');
    const token = await platform.token(stableId('member:Spelende Sem'), [{ role: 'resident', neighbourhood: spijkerkwartier }]);
    const { body } = await platform.query<any>(
      `mutation ($input: ProposeProjectInput!) { proposeProject(input: $input) { __typename ... on ProjectsError { code field } } }`,
      { input: { neighbourhoodId: spijkerkwartier, title: 'Sportveld', summary: '', originatingWishes: [{ wishId: foreign, neighbourhoodId: read.body.data.wish.neighbourhood.id }] } },
      { token },
    );
    expect(body.data.proposeProject).toEqual({ __typename: 'WishInOtherNeighbourhood', code: 'WISH_IN_OTHER_NEIGHBOURHOOD', field: 'wishes' });
  });

  it('joins bids, projects, members and books across subgraphs', async () => {
    const { body } = await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") {
      rightToChallengeBids(status: IN_EXECUTION) { edges { node {
        task challengers { displayName } expectedAnnualSavings { amount unit }
        decision { outcome decidedBy { displayName } }
        executingProject { title participants { member { displayName } role } finances { spent { amount } } } } } } } }`);
    expect(body.errors).toBeUndefined();
    const bid = body.data.neighbourhood.rightToChallengeBids.edges[0].node;
    expect(bid).toMatchObject({
      task: 'Groenonderhoud van het Lindenplein',
      challengers: [{ displayName: 'Tuinman Teun' }, { displayName: 'Groene Gerda' }, { displayName: 'Oma Ria' }],
      expectedAnnualSavings: { amount: '7250.00', unit: 'EUR' },
      decision: { outcome: 'HONOURED_WITH_CONDITIONS', decidedBy: { displayName: 'Wijkregisseur Anouk' } },
      executingProject: { title: 'Groenonderhoud Lindenplein' },
    });
    expect(bid.executingProject.participants[0]).toEqual({ member: { displayName: 'Tuinman Teun' }, role: 'COORDINATOR' });
    expect(bid.executingProject.finances.spent.amount).toMatch(/^\d+\.\d{2}$/);

    const member = await platform.query<any>(`{ member(id: "${stableId('member:Oma Ria')}") { displayName projects { totalCount edges { node { title } } } } }`);
    expect(member.body.errors).toBeUndefined();
    expect(member.body.data.member.projects.totalCount).toBe(2);
  });
});
