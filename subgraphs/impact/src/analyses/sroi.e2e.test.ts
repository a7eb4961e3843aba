import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { defaultAccountId } from '../../../ledger/src/accounts/default-chart';
import { Q, within } from '../testing/rational';

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

  /** Books spending (or, in HOUR, volunteer hours) on a project as a steward would: the ledger's postEntry mutation, through the gateway. */
  let entry = 0;
  async function bookSpending(amount: string, description: string, { bookingDate = '2026-05-01', projectId = playStreet, unit = 'EUR' } = {}): Promise<void> {
    const [debit, credit] = unit === 'EUR' ? ['4000', '1000'] : ['9100', '9800'];
    const { body } = await platform.query<any>(
      `mutation($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on LedgerError { code message } } }`,
      {
        input: {
          neighbourhoodId: spijkerkwartier,
          idempotencyKey: `impact-e2e-${++entry}`,
          bookingDate,
          description,
          projectId,
          lines: [
            { accountId: defaultAccountId(spijkerkwartier, debit), side: 'DEBIT', amount, unit },
            { accountId: defaultAccountId(spijkerkwartier, credit), side: 'CREDIT', amount, unit },
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

  /*
   * The solar-roofs project, evaluated over the first half of 2026: 100 households × €30, one year, no discounting:
   * PV €3 000. Its books: €175.00 of the demo (2025), then, booked here,
   *   €500.00 on 2025-12-31 and €700.00 on 2026-07-01 (outside the period), €1 000.00 on 2026-03-01 and 10 hours
   *   on 2026-02-01 (inside), the hours at €15.125: inputs 1000 + 151.25 = 1151.25, ratio 3000 / 1151.25 = 2.6058…
   * Spending booked outside the period changes nothing. Published, the analysis keeps that result; €1 000.00 more
   * inside the period afterwards moves the live ratio to 3000 / 2151.25 = 1.3945…, and the published one not at all.
   */
  it('counts only the books within the period, and keeps the published result while the books move', async () => {
    const solarRoofs = stableId('project:solar-roofs');
    const created = await gql(
      `mutation($input: CreateSroiAnalysisInput!) { createSroiAnalysis(input: $input) { ... on SroiAnalysisPayload { analysis { id } } } }`,
      {
        input: {
          projectId: solarRoofs,
          neighbourhoodId: spijkerkwartier,
          kind: 'EVALUATIVE',
          title: 'Evaluatie collectieve zonnepanelen, eerste halfjaar 2026',
          periodStart: '2026-01-01',
          periodEnd: '2026-06-30',
          discountRate: '0',
          stakeholders: [{ name: 'Huishoudens', description: 'Deelnemers aan de collectieve inkoop' }],
          volunteerHourRate: { rate: '15.125', source: 'Landelijk tarief vrijwilligersuur 2026' },
        },
      },
      stewardToken,
    );
    const id = created.createSroiAnalysis.analysis.id;
    const because = (value: string) => ({ value, rationale: 'Uit de deelnemersenquête.' });
    await gql(
      `mutation($id: ID!, $input: OutcomeInput!) { addSroiOutcome(analysisId: $id, input: $input) { __typename } }`,
      {
        id,
        input: {
          stakeholder: 'Huishoudens',
          description: 'Lagere energierekening',
          indicator: 'Huishoudens met panelen in bedrijf',
          quantity: '100',
          financialProxy: { value: '30', description: 'Besparing per huishouden in het halfjaar', source: 'Milieu Centraal 2026' },
          durationYears: 1,
          dropOff: because('0'),
          deadweight: because('0'),
          displacement: because('0'),
          attribution: because('0'),
        },
      },
      stewardToken,
    );
    const RESULT = `kind asOf ratioExact inputsExact inputsUsed { monetaryExact spendingOutsidePeriodExact volunteerHours { hours valueExact } }`;
    const read = async () =>
      (
        await gql(`query($id: ID!) { project(id: $id) { sroiAnalyses { id publishedAt result { ${RESULT} } publishedSnapshot { ${RESULT} } } } }`, { id: solarRoofs }, stewardToken)
      ).project.sroiAnalyses.find((a: any) => a.id === id);

    await bookSpending('500.00', 'Zonnepanelen: aanbetaling 2025', { projectId: solarRoofs, bookingDate: '2025-12-31' });
    await bookSpending('1000.00', 'Zonnepanelen: installatiekosten', { projectId: solarRoofs, bookingDate: '2026-03-01' });
    await bookSpending('700.00', 'Zonnepanelen: nazorg', { projectId: solarRoofs, bookingDate: '2026-07-01' });
    await bookSpending('10.00', 'Vrijwilligersuren energiecoaches', { projectId: solarRoofs, bookingDate: '2026-02-01', unit: 'HOUR' });
    const draft = await read();
    expect(draft.result.inputsUsed).toEqual({ monetaryExact: '1000', spendingOutsidePeriodExact: '1375', volunteerHours: { hours: '10', valueExact: '151.25' } });
    expect(draft.result.inputsExact).toBe('1151.25');
    expect(within(draft.result.ratioExact, Q.int(3000).div(Q.parse('1151.25')))).toBe(true);

    await bookSpending('999.00', 'Zonnepanelen: uitbreiding, na het halfjaar', { projectId: solarRoofs, bookingDate: '2026-11-15' });
    await bookSpending('5.00', 'Vrijwilligersuren na afloop', { projectId: solarRoofs, bookingDate: '2026-07-02', unit: 'HOUR' });
    const outside = await read();
    expect(outside.result.ratioExact).toBe(draft.result.ratioExact);
    expect(outside.result.inputsUsed).toEqual({ ...draft.result.inputsUsed, spendingOutsidePeriodExact: '2374' });

    const published = await gql(`mutation($id: ID!) { publishSroiAnalysis(id: $id) { __typename } }`, { id }, stewardToken);
    expect(published.publishSroiAnalysis.__typename).toBe('SroiAnalysisPayload');
    const atPublication = await read();
    expect(atPublication.publishedSnapshot).toMatchObject({ kind: 'AS_PUBLISHED', asOf: atPublication.publishedAt, ratioExact: draft.result.ratioExact, inputsExact: '1151.25' });
    expect(atPublication.result.kind).toBe('LIVE');
    // The snapshot names the signed checkpoint of the books it was read from: the ledger keeps that very checkpoint,
    // and it covers every entry booked before publication.
    const { booksCheckpoint } = (
      await gql(`query($id: ID!) { sroiAnalysis(id: $id) { publishedSnapshot { booksCheckpoint { origin treeSize rootHash note } } } }`, { id })
    ).sroiAnalysis.publishedSnapshot;
    expect(booksCheckpoint.origin).toBe(`dbwe.test/books/${spijkerkwartier}`);
    const log = (
      await gql(`query($id: ID!) { neighbourhood(id: $id) { transparencyLog { checkpointAt(size: ${booksCheckpoint.treeSize}) { rootHash note } } } }`, {
        id: spijkerkwartier,
      })
    ).neighbourhood;
    expect(log.transparencyLog.checkpointAt).toEqual({ rootHash: booksCheckpoint.rootHash, note: booksCheckpoint.note });

    await bookSpending('1000.00', 'Zonnepanelen: extra omvormers', { projectId: solarRoofs, bookingDate: '2026-04-01' });
    const moved = await read();
    expect(moved.result.inputsExact).toBe('2151.25');
    expect(within(moved.result.ratioExact, Q.int(3000).div(Q.parse('2151.25')))).toBe(true);
    expect(moved.publishedSnapshot).toEqual(atPublication.publishedSnapshot);
    // The public sees both, labelled, through the project's current analysis too.
    const current = await gql(`query($id: ID!) { project(id: $id) { sroi { kind ratio analysis { publishedSnapshot { kind ratio } } } } }`, { id: solarRoofs });
    expect(current.project.sroi).toEqual({ kind: 'LIVE', ratio: '1.39', analysis: { publishedSnapshot: { kind: 'AS_PUBLISHED', ratio: '2.61' } } });
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
        impactSummary { projectsCounted presentValue presentValueExact inputs inputsExact netPresentValue ratio ratioExact complete results { analysis { title } } }
        projects(first: 100) { edges { node { id finances { spent { minorUnits } } sroi { presentValue presentValueExact inputs inputsExact } } } }
      }
    }`);
    const { impactSummary, projects } = data.neighbourhood;
    // Park greenery (forecast), neighbourhood kitchen (evaluation), and the play street and solar roofs published above.
    const withSroi = projects.edges.map((e: any) => e.node).filter((p: any) => p.sroi);
    expect(withSroi).toHaveLength(4);
    expect(impactSummary.projectsCounted).toBe(4);
    expect(impactSummary.complete).toBe(true);
    // Inputs are exact cents: the sum of the projects' inputs, each its ledger spending plus in-kind.
    const cents = (amount: string) => Math.round(Number(amount) * 100);
    const inputs = withSroi.reduce((sum: number, p: any) => sum + cents(p.sroi.inputs), 0);
    const presentValue = withSroi.reduce((sum: number, p: any) => sum + cents(p.sroi.presentValue), 0);
    expect(cents(impactSummary.inputs)).toBe(inputs);
    // Each project's present value is rounded to cents on its own: the total may differ by a cent per project.
    expect(Math.abs(cents(impactSummary.presentValue) - presentValue)).toBeLessThanOrEqual(4);
    expect(impactSummary.ratio).toBe((cents(impactSummary.presentValue) / cents(impactSummary.inputs)).toFixed(2));
    expect(cents(impactSummary.netPresentValue)).toBe(cents(impactSummary.presentValue) - cents(impactSummary.inputs));
    // The exact forms add up exactly: the combined ratio is total PV over total inputs, not a mean of ratios.
    const total = (field: string) => withSroi.reduce((sum: Q, p: any) => sum.plus(Q.parse(p.sroi[field])), Q.int(0));
    expect(Q.parse(impactSummary.inputsExact).compare(total('inputsExact'))).toBe(0);
    expect(within(impactSummary.presentValueExact, total('presentValueExact'))).toBe(true);
    expect(within(impactSummary.ratioExact, total('presentValueExact').div(total('inputsExact')))).toBe(true);
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
