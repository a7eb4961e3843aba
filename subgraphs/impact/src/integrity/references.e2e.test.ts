import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { INVENTED, KLARENDAL, SPIJKERKWARTIER, tokenOf } from '../../../../test/people';

/*
 * Through the real gateway, with the demo data: a Klarendal steward tries to
 * put Klarendal's figures on a Spijkerkwartier project and bid (issue 16: a
 * ratio of 4,515,052,375,470.75 : 1 on a Spijkerkwartier project, linked to
 * a bid under assessment). Both are refused with a named error and nothing
 * is written; the Spijkerkwartier's steward analyses and links as before.
 */
let platform: RunningPlatform;
let klarendalProject: string;
beforeAll(async () => {
  platform = await startPlatform({ seed: ['community', 'projects', 'impact'] });
  const proposed = await platform.query<any>(
    `mutation { proposeProject(input: { neighbourhoodId: "${KLARENDAL}", title: "Naaiatelier", summary: "Samen kleding herstellen." }) { ... on ProjectPayload { project { id } } } }`,
    {},
    { token: await tokenOf(platform, 'Naaister Noor', ['resident'], KLARENDAL) },
  );
  klarendalProject = proposed.body.data.proposeProject.project.id;
});
afterAll(() => platform?.stop());

const parkGreenery = stableId('project:park-greenery');
const communityCentre = stableId('bid:community-centre');
const ours = () => tokenOf(platform, 'Penningmeester Pieter', ['steward'], SPIJKERKWARTIER);
const klarendals = () => tokenOf(platform, 'Buurvrouw Bep', ['steward'], KLARENDAL);

const analysis = (neighbourhoodId: string, projectId: string) => ({
  neighbourhoodId,
  projectId,
  kind: 'FORECAST',
  title: 'Verwachte waarde',
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  plannedInputs: '1000',
  stakeholders: [{ name: 'Bewoners', description: 'Wie in de buurt woont' }],
});

async function create(token: string, input: Record<string, unknown>) {
  const { body } = await platform.query<any>(
    `mutation ($input: CreateSroiAnalysisInput!) { createSroiAnalysis(input: $input) { __typename ... on ImpactError { code field } ... on SroiAnalysisPayload { analysis { id } } } }`,
    { input },
    { token },
  );
  expect(body.errors).toBeUndefined();
  return body.data.createSroiAnalysis;
}

async function link(token: string, bidId: string, analysisId: string) {
  const { body } = await platform.query<any>(
    `mutation ($bid: ID!, $a: ID!) { linkBidSroiForecast(bidId: $bid, analysisId: $a) { __typename ... on ImpactError { code field } ... on BidForecastPayload { forecast { id } } } }`,
    { bid: bidId, a: analysisId },
    { token },
  );
  expect(body.errors).toBeUndefined();
  return body.data.linkBidSroiForecast;
}

const analysesOf = async (projectId: string) =>
  (await platform.subgraphs.impact.admin.query(`SELECT count(*)::int AS n FROM impact.analysis WHERE project_id = $1`, [projectId]))[0].n as number;
const forecastOf = async (bidId: string) =>
  (await platform.query<any>(`query ($id: ID!) { rightToChallengeBid(id: $id) { sroiForecast { id } } }`, { id: bidId }, { token: await ours() })).body.data.rightToChallengeBid.sroiForecast;

describe('createSroiAnalysis', () => {
  it.each([
    ['a Spijkerkwartier project, for Klarendal', () => analysis(KLARENDAL, parkGreenery), 'ProjectInOtherNeighbourhoodError', 'PROJECT_IN_OTHER_NEIGHBOURHOOD'],
    ['an invented project', () => analysis(KLARENDAL, INVENTED), 'UnknownProjectError', 'UNKNOWN_PROJECT'],
  ])('refuses %s and writes no analysis', async (_case, input, typename, code) => {
    const before = await analysesOf(input().projectId);
    expect(await create(await klarendals(), input())).toEqual({ __typename: typename, code, field: 'projectId' });
    expect(await analysesOf(input().projectId)).toBe(before);
  });

  it("leaves the project's figures to its own neighbourhood's steward", async () => {
    const before = await analysesOf(parkGreenery);
    expect((await create(await ours(), analysis(SPIJKERKWARTIER, parkGreenery))).__typename).toBe('SroiAnalysisPayload');
    expect(await analysesOf(parkGreenery)).toBe(before + 1);
  });
});

describe('linkBidSroiForecast', () => {
  let klarendalForecast: string;
  beforeAll(async () => {
    klarendalForecast = (await create(await klarendals(), analysis(KLARENDAL, klarendalProject))).analysis.id;
  });

  it("refuses a Klarendal forecast on a Spijkerkwartier bid under assessment, and the bid's forecast stays", async () => {
    const before = await forecastOf(communityCentre);
    expect(await link(await klarendals(), communityCentre, klarendalForecast)).toEqual({
      __typename: 'BidInOtherNeighbourhoodError', code: 'BID_IN_OTHER_NEIGHBOURHOOD', field: 'bidId',
    });
    expect(await forecastOf(communityCentre)).toEqual(before);
  });

  it('refuses an invented bid and a draft nobody but its challengers sees', async () => {
    const draft = await platform.query<any>(
      `mutation ($input: DraftBidInput!) { draftRightToChallengeBid(input: $input) { ... on BidPayload { bid { id } } } }`,
      { input: { neighbourhoodId: KLARENDAL, task: 'Buurthuis', taskDescription: 'Beheer', mode: 'TAKE_OVER', currentAnnualCost: '1000.00', budgetLine: 'Buurthuizen', proposedAnnualBudget: '900.00', socialAddedValue: 'Ontmoeting' } },
      { token: await tokenOf(platform, 'Sportieve Sven', ['resident'], KLARENDAL) },
    );
    for (const bid of [INVENTED, draft.body.data.draftRightToChallengeBid.bid.id]) {
      expect(await link(await klarendals(), bid, klarendalForecast)).toEqual({ __typename: 'UnknownBidError', code: 'UNKNOWN_BID', field: 'bidId' });
    }
    expect((await platform.subgraphs.impact.admin.query(`SELECT count(*)::int AS n FROM impact.bid_forecast WHERE analysis_id = $1`, [klarendalForecast]))[0].n).toBe(0);
  });

  it("links the Spijkerkwartier's own forecast to its bid", async () => {
    const forecast = stableId('sroi:park-greenery-forecast');
    expect(await link(await ours(), communityCentre, forecast)).toEqual({ __typename: 'BidForecastPayload', forecast: { id: forecast } });
    expect(await forecastOf(communityCentre)).toEqual({ id: forecast });
  });
});
