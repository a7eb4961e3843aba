import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { defaultAccountId } from '../../../ledger/src/accounts/default-chart';

/*
 * Through the real gateway, with all four subgraphs: a steward writes and
 * publishes an SROI analysis of the play-street project; spending booked in
 * the ledger then flows into the ratio through federation (Project.sroi
 * @requires the ledger's Project.finances.spent).
 *
 * The analysis: 50 children × €60 a year, deadweight 20%, attribution 25%,
 * one year, r = 3.5% with year 1 discounted:
 *   impact_y1 = 50 × 60 × 0.8 × 0.75 = 1800; PV = 1800 / 1.035 = 1739.130435 → "1739.13"
 * In kind: 40 volunteer hours × €18.50 = €740.00.
 *   after €1 200.00 of spending: inputs 1940.00, ratio 1739.130435 / 1940 = 0.8965 → "0.90"
 *   after €300.00 more:          inputs 2240.00, ratio 1739.130435 / 2240 = 0.7764 → "0.78"
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const playStreet = stableId('project:play-street');
const pieter = stableId('member:Penningmeester Pieter');

describe('SROI from the real books, through the gateway', () => {
  let platform: RunningPlatform;
  let stewardToken: string;
  beforeAll(async () => {
    platform = await startPlatform();
    stewardToken = await platform.token(pieter, [{ role: 'steward', neighbourhood: spijkerkwartier }]);
  });
  afterAll(() => platform.stop());

  /** Books spending on the project as a steward would: the ledger's postEntry mutation, through the gateway. */
  let entry = 0;
  async function bookSpending(amount: string, description: string): Promise<void> {
    const { body } = await platform.query<any>(
      `mutation($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on LedgerError { code message } } }`,
      {
        input: {
          neighbourhoodId: spijkerkwartier,
          idempotencyKey: `impact-e2e-${++entry}`,
          bookingDate: '2026-05-01',
          description,
          projectId: playStreet,
          lines: [
            { accountId: defaultAccountId(spijkerkwartier, '4000'), side: 'DEBIT', amount, unit: 'EUR' },
            { accountId: defaultAccountId(spijkerkwartier, '1000'), side: 'CREDIT', amount, unit: 'EUR' },
          ],
        },
      },
      { token: stewardToken },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.postEntry.__typename).toBe('PostEntrySuccess');
  }

  async function gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T> {
    const { body } = await platform.query<T>(query, variables, { token });
    expect(body.errors).toBeUndefined();
    return body.data!;
  }

  const readSroi = `
    query($id: ID!) {
      project(id: $id) {
        finances { spent { amount } }
        sroi { presentValue inputs inputsUsed { basis monetary inKind total } ratio netPresentValue paybackMonths
               sensitivity { outcome { description } variations { assumption lowRatio highRatio } breakEvenProxy } }
      }
    }`;

  it('uses the spending in the books plus the in-kind inputs, and the ratio follows new spending', async () => {
    const created = await gql(
      `mutation($input: CreateSroiAnalysisInput!) { createSroiAnalysis(input: $input) { __typename ... on SroiAnalysisPayload { analysis { id } } } }`,
      {
        input: {
          projectId: playStreet,
          neighbourhoodId: spijkerkwartier,
          kind: 'FORECAST',
          title: 'Prognose speelstraat',
          periodStart: '2026-05-01',
          periodEnd: '2027-04-30',
          stakeholders: [{ name: 'Kinderen', description: 'Kinderen uit de straat die buiten spelen' }],
          inKindInputs: [{ description: 'Vrijwilligersuren straatcoaches', quantity: '40', unit: 'uur', rate: '18.50', source: 'CAO Hoveniers 2025, vervangingswaarde' }],
        },
      },
      stewardToken,
    );
    const id = created.createSroiAnalysis.analysis.id;
    const because = (value: string) => ({ value, rationale: 'Uit de buurtpeiling.' });
    await gql(
      `mutation($id: ID!, $input: OutcomeInput!) { addSroiOutcome(analysisId: $id, input: $input) { __typename } }`,
      {
        id,
        input: {
          stakeholder: 'Kinderen',
          description: 'Meer buiten spelen',
          indicator: 'Kinderen die minstens drie middagen per week buiten spelen',
          quantity: '50',
          financialProxy: { value: '60', description: 'Vermeden kosten van georganiseerde sport', source: 'Mulier Instituut, kosten sportdeelname 2025' },
          durationYears: 1,
          dropOff: because('0'),
          deadweight: because('0.2'),
          displacement: because('0'),
          attribution: because('0.25'),
        },
      },
      stewardToken,
    );
    const published = await gql(`mutation($id: ID!) { publishSroiAnalysis(id: $id) { __typename } }`, { id }, stewardToken);
    expect(published.publishSroiAnalysis.__typename).toBe('SroiAnalysisPayload');

    const before = await gql(readSroi, { id: playStreet });
    expect(before.project.finances.spent.amount).toBe('0.00');
    expect(before.project.sroi).toMatchObject({ inputs: '740.00', ratio: '2.35' });

    await bookSpending('1200.00', 'Speelstraat: verkeersborden en krijt');
    const first = await gql(readSroi, { id: playStreet });
    expect(first.project.finances.spent.amount).toBe('1200.00');
    expect(first.project.sroi).toMatchObject({
      presentValue: '1739.13',
      inputs: '1940.00',
      inputsUsed: { basis: 'LEDGER_SPENDING', monetary: '1200.00', inKind: '740.00', total: '1940.00' },
      ratio: '0.90',
      netPresentValue: '-200.87',
      // 1940 / (1800 / 12) = 12.93 months
      paybackMonths: '12.9',
    });

    await bookSpending('300.00', 'Speelstraat: extra afzethekken');
    const second = await gql(readSroi, { id: playStreet });
    expect(second.project.finances.spent.amount).toBe('1500.00');
    expect(second.project.sroi).toMatchObject({ inputs: '2240.00', ratio: '0.78' });

    /*
     * Sensitivity, recomputed: PV = 50 × 60 × (1 − dw) × (1 − 0.25) / 1.035, inputs 2240.
     *   deadweight 0.1: 2025 / 1.035 / 2240 = 0.8735 → "0.87"; 0.3: 1575 / 1.035 / 2240 = 0.6793 → "0.68"
     *   proxy ×0.8 / ×1.2: 0.7764 × 0.8 = 0.6211 → "0.62", × 1.2 = 0.9317 → "0.93"
     *   duration 1 → 1 (at least one year) and 2: (1800/1.035 + 1800/1.035²) / 2240 = 1.5265 → "1.53"
     *   break-even proxy: 2240 / (50 × 0.8 × 0.75 / 1.035) = 2240 / 28.985507 = 77.28
     */
    const [s] = second.project.sroi.sensitivity;
    const ratios = Object.fromEntries(s.variations.map((v: any) => [v.assumption, [v.lowRatio, v.highRatio]]));
    expect(ratios.DEADWEIGHT).toEqual(['0.87', '0.68']);
    expect(ratios.FINANCIAL_PROXY).toEqual(['0.62', '0.93']);
    expect(ratios.DURATION).toEqual(['0.78', '1.53']);
    expect(s.breakEvenProxy).toBe('77.28');
  });

  it('shows the current published analysis to everyone and drafts to stewards only', async () => {
    const list = `query($id: ID!) { project(id: $id) { sroiAnalyses { status title result { inputs } } } }`;
    await gql(
      `mutation($input: CreateSroiAnalysisInput!) { createSroiAnalysis(input: $input) { __typename } }`,
      {
        input: {
          projectId: playStreet,
          neighbourhoodId: spijkerkwartier,
          kind: 'EVALUATIVE',
          title: 'Evaluatie speelstraat (concept)',
          periodStart: '2026-05-01',
          periodEnd: '2027-04-30',
          stakeholders: [],
        },
      },
      stewardToken,
    );
    const asPublic = await gql(list, { id: playStreet });
    expect(asPublic.project.sroiAnalyses.map((a: any) => a.status)).toEqual(['PUBLISHED']);
    const asSteward = await gql(list, { id: playStreet }, stewardToken);
    expect(asSteward.project.sroiAnalyses.map((a: any) => [a.status, a.result.inputs])).toEqual([
      ['DRAFT', '1500.00'],
      ['PUBLISHED', '2240.00'],
    ]);
  });

  it("adds up the neighbourhood's published analyses, with each project's inputs from the books", async () => {
    const data = await gql(`{
      neighbourhood(slug: "spijkerkwartier") {
        impactSummary { projectsCounted presentValue inputs netPresentValue ratio complete results { analysis { title } } }
        projects(first: 100) { edges { node { id finances { spent { minorUnits } } sroi { presentValue inputs } } } }
      }
    }`);
    const { impactSummary, projects } = data.neighbourhood;
    // Park greenery (forecast), neighbourhood kitchen (evaluation) and the play street published above.
    const withSroi = projects.edges.map((e: any) => e.node).filter((p: any) => p.sroi);
    expect(withSroi).toHaveLength(3);
    expect(impactSummary.projectsCounted).toBe(3);
    expect(impactSummary.complete).toBe(true);
    // Inputs are exact cents: the sum of the projects' inputs, each its ledger spending plus in-kind.
    const cents = (amount: string) => Math.round(Number(amount) * 100);
    const inputs = withSroi.reduce((sum: number, p: any) => sum + cents(p.sroi.inputs), 0);
    const presentValue = withSroi.reduce((sum: number, p: any) => sum + cents(p.sroi.presentValue), 0);
    expect(cents(impactSummary.inputs)).toBe(inputs);
    // Each project's present value is rounded to cents on its own: the total may differ by a cent per project.
    expect(Math.abs(cents(impactSummary.presentValue) - presentValue)).toBeLessThanOrEqual(3);
    expect(impactSummary.ratio).toBe((cents(impactSummary.presentValue) / cents(impactSummary.inputs)).toFixed(2));
    expect(cents(impactSummary.netPresentValue)).toBe(cents(impactSummary.presentValue) - cents(impactSummary.inputs));
  });

  it("extends the projects subgraph's Right to Challenge bid with the forecast a steward links to it", async () => {
    const bid = stableId('bid:lindenplein-greenery');
    const forecast = stableId('sroi:park-greenery-forecast');
    const read = `query($id: ID!) { rightToChallengeBid(id: $id) { task sroiForecast { id kind title } } }`;
    const demo = await gql(read, { id: bid });
    expect(demo.rightToChallengeBid.task).toMatch(/Lindenplein/i);
    expect(demo.rightToChallengeBid.sroiForecast).toMatchObject({ id: forecast, kind: 'FORECAST' });

    const other = stableId('bid:community-centre');
    const linked = await gql(
      `mutation($bid: ID!, $a: ID!) { linkBidSroiForecast(bidId: $bid, analysisId: $a) { __typename ... on BidForecastPayload { bid { task } forecast { id } } } }`,
      { bid: other, a: forecast },
      stewardToken,
    );
    expect(linked.linkBidSroiForecast.__typename).toBe('BidForecastPayload');
    expect(linked.linkBidSroiForecast.bid.task).toBeTruthy();
    expect((await gql(read, { id: other })).rightToChallengeBid.sroiForecast.id).toBe(forecast);
  });

  it('gives the demo forecast of the park-greenery bid and its sources through the graph', async () => {
    const data = await gql(`{ project(id: "${stableId('project:park-greenery')}") { sroi { analysis { kind stakeholders { name } outcomes { financialProxy { source } } } byStakeholder { stakeholder presentValue } } } }`);
    const { analysis, byStakeholder } = data.project.sroi;
    expect(analysis.kind).toBe('FORECAST');
    expect(analysis.stakeholders.map((s: any) => s.name)).toEqual(['Omwonenden', 'Vrijwilligers', 'Gemeente Arnhem', 'Lokale ondernemers']);
    expect(analysis.outcomes.every((o: any) => o.financialProxy.source.length > 10)).toBe(true);
    expect(byStakeholder.map((s: any) => s.stakeholder)).toEqual(['Omwonenden', 'Vrijwilligers', 'Gemeente Arnhem', 'Lokale ondernemers']);
  });
});
