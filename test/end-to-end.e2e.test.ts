import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from './platform';

/*
 * One query through the real gateway that touches all four subgraphs on the
 * demo data: the Spijkerkwartier (community) with its projects (projects),
 * each project's spending (ledger) and SROI ratio (impact).
 */
describe('the federated graph end to end', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  const dashboard = `
    query Dashboard($slug: String!) {
      neighbourhood(slug: $slug) {
        name
        municipality { cbsCode }
        members(first: 100) { totalCount }
        projects(first: 10) {
          totalCount
          edges { node { title status coordinator { displayName } finances { spent { amount minorUnits unit } } sroi { presentValue inputs ratio } } }
        }
      }
    }`;

  it('answers a query that crosses community, projects, ledger and impact', async () => {
    const { status, body } = await platform.query<any>(dashboard, { slug: 'spijkerkwartier' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const n = body.data.neighbourhood;
    expect(n.name).toBe('Spijkerkwartier');
    expect(n.municipality.cbsCode).toBe('GM0202');
    expect(n.members.totalCount).toBe(24);
    expect(n.projects.totalCount).toBe(5);
    const park = n.projects.edges.map((e: any) => e.node).find((p: any) => p.title === 'Groenonderhoud Lindenplein');
    expect(park.coordinator.displayName).toBe('Tuinman Teun');
    // Plantgoed 4125 + aanhanger 189 + maaiwerk 9250, plus the double booking of 4125 and its reversal.
    expect(park.finances.spent).toEqual({ amount: '13564.00', minorUnits: '1356400', unit: 'EUR' });
    // Inputs are the ledger's spending plus the declared in-kind inputs (10 360.00).
    expect(park.sroi.inputs).toBe('23924.00');
    expect(Number(park.sroi.ratio)).toBeGreaterThan(0);
    expect(park.sroi.ratio).toBe((Number(park.sroi.presentValue) / 23924).toFixed(2));
  });

  it('resolves entity references across subgraphs with _entities behind the gateway', async () => {
    const { body } = await platform.query<any>(`{ project(id: "${stableId('project:repair-cafe')}") { title neighbourhood { slug } coordinator { displayName } finances { spent { amount } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.project).toEqual({
      title: 'Repair Café Spijkerkwartier',
      neighbourhood: { slug: 'spijkerkwartier' },
      coordinator: { displayName: 'Klusser Kees' },
      finances: { spent: { amount: '312.40' } },
    });
  });
});
