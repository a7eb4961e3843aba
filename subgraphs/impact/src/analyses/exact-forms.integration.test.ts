import { stableId } from '@dbwe/platform';
import { demoAnalysisId } from '../demo/demo.seed';
import { SPIJKERKWARTIER, finances, startImpact, steward, type ImpactTest } from '../testing/impact.fixtures';
import { Q, reference, rounded, within, type RefOutcome } from '../testing/rational';

/*
 * What a reviewer reproduces from what the subgraph returns: every number in
 * its exact form next to its display form, both checked against an exact
 * rational computation; what the API accepts it returns unchanged; the books
 * count only within the analysis period; an evaluation uses its measured
 * quantities; a published analysis keeps its result as published.
 */
let subgraph: ImpactTest;
beforeAll(async () => {
  subgraph = await startImpact();
});
afterAll(() => subgraph.teardown());

const project = stableId('project:repair-cafe');
const because = (value: string) => ({ value, rationale: 'Uit de bezoekersenquête.' });

async function ok<T = any>(query: string, variables: Record<string, unknown>): Promise<T> {
  const { data, errors } = await subgraph.execute<any>(query, variables, steward);
  expect(errors).toBeUndefined();
  return data;
}

async function createDraft(over: Record<string, unknown> = {}): Promise<string> {
  const data = await ok(
    `mutation($input: CreateSroiAnalysisInput!) { createSroiAnalysis(input: $input) { __typename ... on SroiAnalysisPayload { analysis { id } } ... on ImpactError { message } } }`,
    {
      input: {
        projectId: project,
        neighbourhoodId: SPIJKERKWARTIER,
        kind: 'FORECAST',
        title: 'Prognose Repair Café',
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        stakeholders: [{ name: 'Bezoekers', description: 'Mensen die iets laten repareren' }],
        ...over,
      },
    },
  );
  expect(data.createSroiAnalysis.__typename).toBe('SroiAnalysisPayload');
  return data.createSroiAnalysis.analysis.id;
}

const outcomeInput = (over: Record<string, unknown> = {}) => ({
  stakeholder: 'Bezoekers',
  description: 'Minder weggegooide spullen',
  indicator: 'Gerepareerde apparaten',
  quantity: '300',
  financialProxy: { value: '40', description: 'Vermeden aanschaf', source: 'Milieu Centraal 2025' },
  durationYears: 2,
  dropOff: because('0.5'),
  deadweight: because('0.1'),
  displacement: because('0'),
  attribution: because('0.2'),
  ...over,
});

async function addOutcome(analysisId: string, over: Record<string, unknown> = {}): Promise<string> {
  const data = await ok(
    `mutation($id: ID!, $input: OutcomeInput!) { addSroiOutcome(analysisId: $id, input: $input) { __typename ... on SroiOutcomePayload { outcome { id } } ... on ImpactError { message } } }`,
    { id: analysisId, input: outcomeInput(over) },
  );
  expect(data.addSroiOutcome.__typename).toBe('SroiOutcomePayload');
  return data.addSroiOutcome.outcome.id;
}

const RESULT = `
  kind asOf presentValue presentValueExact inputs inputsExact netPresentValue netPresentValueExact
  ratio ratioExact netRatio netRatioExact paybackMonths paybackMonthsExact
  inputsUsed { basis monetary monetaryExact spendingOutsidePeriodExact inKind inKindExact declaredInKindExact total totalExact
               volunteerHours { hours rate source value valueExact } }
  byOutcome { quantityUsed quantityBasis quantityMeasurement { value measuredOn } impactYear1 impactYear1Exact valuesByYear valuesByYearExact presentValue presentValueExact }
  byStakeholder { stakeholder presentValue presentValueExact }
  byYear { year value valueExact presentValue presentValueExact }
  warnings { code message outcome { id } }`;

const readResult = async (id: string) => (await ok(`query($id: ID!) { sroiAnalysis(id: $id) { result { ${RESULT} } } }`, { id })).sroiAnalysis.result;

describe('every number has an exact form next to its display form', () => {
  it('reads back what was accepted, unchanged: the cases of issue 18', async () => {
    const id = await createDraft({
      discountRate: '0.0000001',
      plannedInputs: '1000',
      inKindInputs: [{ description: 'Vrijwilligersuren', quantity: '600.5', unit: 'uur', rate: '15.125', source: 'Landelijk tarief vrijwilligersuur' }],
    });
    const outcomeId = await addOutcome(id, { quantity: '320.005', financialProxy: { value: '0.123456789012', description: 'x', source: 'y' }, deadweight: because('0.000000000001') });
    const { sroiAnalysis } = await ok(
      `query($id: ID!) { sroiAnalysis(id: $id) { discountRate plannedInputs inKindTotal inKindTotalExact inKindInputs { quantity rate value valueExact }
         outcomes { id quantity financialProxy { value } deadweight { value } } } }`,
      { id },
    );
    expect(sroiAnalysis).toEqual({
      discountRate: '0.0000001',
      plannedInputs: '1000.00',
      // 600.5 h × €15.125 = €9 082.5625: shown to the cent, given exactly.
      inKindTotal: '9082.56',
      inKindTotalExact: '9082.5625',
      inKindInputs: [{ quantity: '600.5', rate: '15.125', value: '9082.56', valueExact: '9082.5625' }],
      outcomes: [{ id: outcomeId, quantity: '320.005', financialProxy: { value: '0.123456789012' }, deadweight: { value: '0.000000000001' } }],
    });
  });

  it('gives every figure of the result exactly (to 1e-9 against rationals) and displays it correctly rounded', async () => {
    const outcomes: RefOutcome[] = [
      { stakeholder: 'Bezoekers', quantity: '1000000000000', proxy: '0.123456789012', years: 4, dropOff: '0.123456789012', deadweight: '0.25', displacement: '0.000000000001', attribution: '0.2' },
      { stakeholder: 'Vrijwilligers', quantity: '12', proxy: '900', years: 2, dropOff: '0.2', deadweight: '0.1', displacement: '0', attribution: '0.25', negative: true },
    ];
    const id = await createDraft({
      discountRate: '0.035',
      discountFirstYear: false,
      plannedInputs: '12345678.91',
      stakeholders: [
        { name: 'Bezoekers', description: 'Bezoekers' },
        { name: 'Vrijwilligers', description: 'Reparateurs' },
      ],
      inKindInputs: [{ description: 'Uren', quantity: '600.5', unit: 'uur', rate: '15.125', source: 'Landelijk tarief' }],
    });
    for (const o of outcomes) {
      await addOutcome(id, {
        stakeholder: o.stakeholder,
        quantity: o.quantity,
        financialProxy: { value: o.proxy, description: 'x', source: 'y' },
        durationYears: o.years,
        dropOff: because(o.dropOff),
        deadweight: because(o.deadweight),
        displacement: because(o.displacement),
        attribution: because(o.attribution),
        negative: o.negative ?? false,
      });
    }
    const inputs = Q.parse('12345678.91').plus(Q.parse('600.5').times(Q.parse('15.125')));
    const expected = reference(outcomes, { rate: '0.035', discountFirstYear: false, inputs });
    const r = await readResult(id);
    const figure = (label: string, display: string | null, exactForm: string | null, value: Q | null, decimals: number) => {
      expect([label, display === null, exactForm === null]).toEqual([label, value === null, value === null]);
      if (value === null) return;
      expect([label, within(exactForm!, value), display]).toEqual([label, true, rounded(value, decimals)]);
      expect([label, /e|^-0(\.0*)?$/i.test(exactForm!)]).toEqual([label, false]);
    };
    figure('presentValue', r.presentValue, r.presentValueExact, expected.presentValue, 2);
    figure('inputs', r.inputs, r.inputsExact, inputs, 2);
    figure('netPresentValue', r.netPresentValue, r.netPresentValueExact, expected.netPresentValue, 2);
    figure('ratio', r.ratio, r.ratioExact, expected.ratio, 2);
    figure('netRatio', r.netRatio, r.netRatioExact, expected.netRatio, 2);
    figure('paybackMonths', r.paybackMonths, r.paybackMonthsExact, expected.paybackMonths, 1);
    r.byOutcome.forEach((o: any, i: number) => {
      figure(`impactYear1 ${i}`, o.impactYear1, o.impactYear1Exact, expected.impactYear1[i], 2);
      figure(`presentValue ${i}`, o.presentValue, o.presentValueExact, expected.presentValues[i], 2);
      o.valuesByYear.forEach((v: string, t: number) => figure(`value ${i} ${t}`, v, o.valuesByYearExact[t], expected.values[i][t], 2));
    });
    r.byYear.forEach((y: any, t: number) => {
      figure(`year ${t}`, y.value, y.valueExact, expected.byYearValue[t], 2);
      figure(`year pv ${t}`, y.presentValue, y.presentValueExact, expected.byYearPresentValue[t], 2);
    });
    r.byStakeholder.forEach((s: any) => figure(s.stakeholder, s.presentValue, s.presentValueExact, expected.byStakeholder.get(s.stakeholder)!, 2));
    expect(r.inputsUsed).toMatchObject({ basis: 'PLANNED_INPUTS', monetaryExact: '12345678.91', declaredInKindExact: '9082.5625', totalExact: '12354761.4725', spendingOutsidePeriodExact: null });
  });

  it('never shows a negative zero', async () => {
    // PV 999.999 over inputs 1000: NPV −0.001 rounds to "0.00", net ratio −0.000001 to "0.00".
    const id = await createDraft({ discountRate: '0', plannedInputs: '1000' });
    await addOutcome(id, { quantity: '1', financialProxy: { value: '999.999', description: 'x', source: 'y' }, durationYears: 1, dropOff: because('0'), deadweight: because('0'), attribution: because('0') });
    const r = await readResult(id);
    expect([r.netPresentValue, r.netPresentValueExact, r.netRatio, r.netRatioExact, r.ratio]).toEqual(['0.00', '-0.001', '0.00', '-0.000001', '1.00']);
  });

  it('accepts a discount rate of 3.5 (350%) with a warning that says so', async () => {
    const id = await createDraft({ discountRate: '3.5', plannedInputs: '100' });
    await addOutcome(id, { durationYears: 12, dropOff: because('1') });
    const { sroiAnalysis } = await ok(`query($id: ID!) { sroiAnalysis(id: $id) { warnings { code message outcome { description } } result { warnings { code } } } }`, { id });
    expect(sroiAnalysis.warnings.map((w: any) => [w.code, w.outcome?.description ?? null])).toEqual([
      ['DISCOUNT_RATE_ABOVE_20_PERCENT', null],
      ['DROP_OFF_100_PERCENT', 'Minder weggegooide spullen'],
      ['DURATION_OVER_10_YEARS', 'Minder weggegooide spullen'],
      ['OUTCOME_OVER_90_PERCENT_OF_VALUE', 'Minder weggegooide spullen'],
    ]);
    expect(sroiAnalysis.warnings[0].message).toBe(
      'The discount rate is 3.5 (350% a year), above 0.2; the SROI Guide\'s rate is 0.035. A rate is written as a fraction: "0.035" for 3.5%.',
    );
    expect(sroiAnalysis.warnings[1].message).toMatch(/nothing of it is left after the first year, although it is said to last 12 years/);
    expect(sroiAnalysis.result.warnings.map((w: any) => w.code)).toEqual(sroiAnalysis.warnings.map((w: any) => w.code));
  });
});

describe('inputs from the books, within the analysis period', () => {
  const read = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Project { sroiAnalyses { id result { ${RESULT} } } } } }`;

  it('counts only spending and volunteer hours booked from periodStart to periodEnd', async () => {
    const id = await createDraft({ kind: 'EVALUATIVE', volunteerHourRate: { rate: '15.125', source: 'Landelijk tarief vrijwilligersuur 2026' } });
    await addOutcome(id);
    const books = finances(
      ['2025-12-31', '500000', '1000'], // the day before: not counted
      ['2026-01-01', '12345', '60050'], // first day: €123.45, 600.50 hours
      ['2026-12-31', '100', '0'], // last day
      ['2027-01-01', '99999900', '99900'], // the day after: not counted
    );
    const { _entities } = await ok(read, { reps: [{ __typename: 'Project', id: project, finances: books }] });
    const { result } = _entities[0].sroiAnalyses.find((a: any) => a.id === id);
    expect(result.inputsUsed).toEqual({
      basis: 'LEDGER_SPENDING',
      monetary: '124.45',
      monetaryExact: '124.45',
      spendingOutsidePeriodExact: '1004999',
      // 600.5 h × €15.125 = €9 082.5625
      inKind: '9082.56',
      inKindExact: '9082.5625',
      declaredInKindExact: '0',
      total: '9207.01',
      totalExact: '9207.0125',
      volunteerHours: { hours: '600.5', rate: '15.125', source: 'Landelijk tarief vrijwilligersuur 2026', value: '9082.56', valueExact: '9082.5625' },
    });
  });

  it('uses the latest measured quantity within the period in an evaluation, and says when there is none', async () => {
    const id = await createDraft({ kind: 'EVALUATIVE' });
    const measured = await addOutcome(id);
    await addOutcome(id, { description: 'Meer contact tussen buren' });
    const record = `mutation($id: ID!, $input: MeasurementInput!) { recordSroiMeasurement(outcomeId: $id, input: $input) { __typename ... on ImpactError { code message } } }`;
    for (const [measuredOn, value, measuresQuantity] of [
      ['2026-03-01', '120', true],
      ['2026-11-30', '310', true],
      ['2026-12-15', '7.5', false], // a score, not the quantity
      ['2027-02-01', '400', true], // after the period
    ] as const) {
      const data = await ok(record, { id: measured, input: { measuredOn, value, measuresQuantity, source: 'Turflijst' } });
      expect(data.recordSroiMeasurement.__typename).toBe('SroiMeasurementPayload');
    }
    const negative = await ok(record, { id: measured, input: { measuredOn: '2026-06-01', value: '-3', measuresQuantity: true, source: 'Turflijst' } });
    expect(negative.recordSroiMeasurement).toMatchObject({ __typename: 'NegativeQuantityError', code: 'NEGATIVE_QUANTITY' });

    const { _entities } = await ok(read, { reps: [{ __typename: 'Project', id: project, finances: finances(['2026-06-01', '100000']) }] });
    const { result } = _entities[0].sroiAnalyses.find((a: any) => a.id === id);
    expect(result.byOutcome.map((o: any) => [o.quantityUsed, o.quantityBasis, o.quantityMeasurement])).toEqual([
      ['310', 'MEASURED', { value: '310', measuredOn: '2026-11-30' }],
      ['300', 'STATED', null],
    ]);
    // 310 × €40 × 0.9 × 0.8 = €8 928 in year 1.
    expect(result.byOutcome[0].impactYear1Exact).toBe('8928');
    expect(result.warnings.filter((w: any) => w.code === 'QUANTITY_NOT_MEASURED')).toEqual([
      {
        code: 'QUANTITY_NOT_MEASURED',
        message: '"Meer contact tussen buren" has no measurement of its quantity from 2026-01-01 to 2026-12-31, so this evaluation uses its stated quantity, 300.',
        outcome: { id: expect.any(String) },
      },
    ]);
  });
});

describe('a published analysis keeps its result as published', () => {
  it('records the snapshot when it is published, with the books as the ledger has them', async () => {
    const id = await createDraft({ kind: 'EVALUATIVE' });
    await addOutcome(id);
    const published = await ok(`mutation($id: ID!) { publishSroiAnalysis(id: $id) { ... on SroiAnalysisPayload { analysis { publishedAt publishedSnapshot { ${RESULT} booksCheckpoint { origin } } } } } }`, { id });
    const { publishedAt, publishedSnapshot } = published.publishSroiAnalysis.analysis;
    // The repair café has no books in this ledger: inputs 0, so no ratio.
    expect(publishedSnapshot).toMatchObject({ kind: 'AS_PUBLISHED', asOf: publishedAt, inputsExact: '0', ratio: null, booksCheckpoint: null });
    expect(publishedSnapshot.inputsUsed).toMatchObject({ basis: 'LEDGER_SPENDING', monetaryExact: '0', spendingOutsidePeriodExact: '0' });
    // Read again through any path, it is the same.
    const again = await subgraph.execute<any>(`query($id: ID!) { sroiAnalysis(id: $id) { publishedSnapshot { ${RESULT} } } }`, { id });
    expect(again.data!.sroiAnalysis.publishedSnapshot).toEqual(
      Object.fromEntries(Object.entries(publishedSnapshot).filter(([key]) => key !== 'booksCheckpoint')),
    );
    // The service may not even try; an operator at a psql prompt is refused by the triggers.
    await expect(subgraph.db.query(`UPDATE impact.published_snapshot SET ratio = 99 WHERE analysis_id = $1`, [id])).rejects.toThrow(/permission denied/);
    await expect(subgraph.admin.query(`UPDATE impact.published_snapshot SET ratio = 99 WHERE analysis_id = $1`, [id])).rejects.toThrow(/published SROI analysis .* is immutable/);
    await expect(subgraph.admin.query(`DELETE FROM impact.published_snapshot WHERE analysis_id = $1`, [id])).rejects.toThrow(/published SROI analysis .* is immutable/);
  });

  it('has none for a draft, nor for analyses published before snapshots were kept', async () => {
    const draft = await createDraft();
    const read = `query($id: ID!) { sroiAnalysis(id: $id) { status publishedSnapshot { kind } } }`;
    expect((await ok(read, { id: draft })).sroiAnalysis).toEqual({ status: 'DRAFT', publishedSnapshot: null });
    expect((await ok(read, { id: demoAnalysisId('neighbourhood-kitchen-evaluation') })).sroiAnalysis).toEqual({ status: 'PUBLISHED', publishedSnapshot: null });
  });
});
