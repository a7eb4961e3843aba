import { stableId, type Viewer } from '@dbwe/platform';
import { demoAnalysisId, demoBidId, demoOutcomeId } from '../demo/demo.seed';
import { SPIJKERKWARTIER, finances, startImpact, steward, type ImpactTest } from '../testing/impact.fixtures';

/*
 * The impact subgraph on real PostgreSQL through its real server: stewards
 * write drafts, publish and revise; broken rules come back as error types and
 * write nothing; the database itself refuses to change a published analysis.
 */
const klarendal = stableId('neighbourhood:klarendal');
const project = stableId('project:repair-cafe');
const otherSteward: Viewer = { memberId: stableId('member:Klarendal'), roles: [{ role: 'steward', neighbourhood: klarendal }] };
const resident: Viewer = { memberId: stableId('member:Buurvrouw Bep'), roles: [{ role: 'resident', neighbourhood: SPIJKERKWARTIER }] };

let subgraph: ImpactTest;
beforeAll(async () => {
  subgraph = await startImpact();
});
afterAll(() => subgraph.teardown());

const ERROR_FIELDS = '... on ImpactError { __typename code field message }';

const create = `
  mutation Create($input: CreateSroiAnalysisInput!) {
    createSroiAnalysis(input: $input) {
      __typename
      ... on SroiAnalysisPayload { analysis { id status kind discountRate discountFirstYear inKindTotal stakeholders { name } } }
      ${ERROR_FIELDS}
    }
  }`;

const addOutcome = `
  mutation Add($analysisId: ID!, $input: OutcomeInput!) {
    addSroiOutcome(analysisId: $analysisId, input: $input) {
      __typename
      ... on SroiOutcomePayload { outcome { id stakeholder quantity deadweight { value rationale } financialProxy { value source } } }
      ${ERROR_FIELDS}
    }
  }`;

const publish = `
  mutation Publish($id: ID!) {
    publishSroiAnalysis(id: $id) { __typename ... on SroiAnalysisPayload { analysis { id status publishedAt } } ${ERROR_FIELDS} }
  }`;

const because = (value: string) => ({ value, rationale: 'Uit de bewonerspeiling.' });

const repairOutcome = (over: Record<string, unknown> = {}) => ({
  stakeholder: 'Bezoekers',
  description: 'Minder weggegooide spullen',
  indicator: 'Gerepareerde apparaten per jaar',
  quantity: '300',
  financialProxy: { value: '40', description: 'Vermeden aanschaf van een vervangend apparaat', source: 'Milieu Centraal, prijzen 2025' },
  durationYears: 2,
  dropOff: because('0.5'),
  deadweight: because('0.1'),
  displacement: because('0'),
  attribution: because('0.2'),
  ...over,
});

const newDraft = (over: Record<string, unknown> = {}) => ({
  projectId: project,
  neighbourhoodId: SPIJKERKWARTIER,
  kind: 'EVALUATIVE',
  title: 'Evaluatie Repair Café',
  periodStart: '2025-01-01',
  periodEnd: '2025-12-31',
  stakeholders: [
    { name: 'Bezoekers', description: 'Mensen die iets laten repareren' },
    { name: 'Vrijwilligers', description: 'Reparateurs' },
  ],
  inKindInputs: [{ description: 'Vrijwilligersuren', quantity: '96', unit: 'uur', rate: '18.50', source: 'CAO Hoveniers 2025' }],
  ...over,
});

async function createDraft(over: Record<string, unknown> = {}): Promise<string> {
  const { data, errors } = await subgraph.execute<any>(create, { input: newDraft(over) }, steward);
  expect(errors).toBeUndefined();
  expect(data.createSroiAnalysis.__typename).toBe('SroiAnalysisPayload');
  return data.createSroiAnalysis.analysis.id;
}

const countRows = async (table: string, where = 'true', params: unknown[] = []) =>
  Number((await subgraph.db.query(`SELECT count(*)::int AS n FROM impact.${table} WHERE ${where}`, params))[0].n);

describe('writing an analysis', () => {
  it('lets a steward create a draft with the Guide defaults', async () => {
    const { data } = await subgraph.execute<any>(create, { input: newDraft() }, steward);
    expect(data.createSroiAnalysis.analysis).toMatchObject({
      status: 'DRAFT',
      kind: 'EVALUATIVE',
      discountRate: '0.035',
      discountFirstYear: true,
      // 96 hours × €18.50
      inKindTotal: '1776.00',
      stakeholders: [{ name: 'Bezoekers' }, { name: 'Vrijwilligers' }],
    });
  });

  it('accepts a discount rate of 0 and an undiscounted year 1', async () => {
    const { data } = await subgraph.execute<any>(create, { input: newDraft({ discountRate: '0', discountFirstYear: false }) }, steward);
    expect(data.createSroiAnalysis.analysis).toMatchObject({ discountRate: '0', discountFirstYear: false });
  });

  it('refuses the public, residents and stewards of another neighbourhood', async () => {
    for (const viewer of [undefined, resident, otherSteward]) {
      const { errors } = await subgraph.execute(create, { input: newDraft() }, viewer);
      expect(errors?.[0].extensions?.code).toBe(viewer ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
  });

  it.each([
    [{ discountRate: '-0.01' }, 'NegativeDiscountRateError', 'NEGATIVE_DISCOUNT_RATE'],
    [{ periodEnd: '2024-12-31' }, 'InvalidPeriodError', 'PERIOD_ENDS_BEFORE_START'],
    [{ plannedInputs: '20000' }, 'PlannedInputsNotAllowedError', 'PLANNED_INPUTS_ONLY_FOR_FORECASTS'],
    [{ inKindInputs: [{ description: 'uren', quantity: '-5', unit: 'uur', rate: '18.50', source: 'CAO' }] }, 'NegativeQuantityError', 'NEGATIVE_QUANTITY'],
  ])('refuses %j naming the rule, and writes nothing', async (change, typename, code) => {
    const before = await countRows('analysis');
    const { data } = await subgraph.execute<any>(create, { input: newDraft(change) }, steward);
    expect(data.createSroiAnalysis).toMatchObject({ __typename: typename, code });
    expect(await countRows('analysis')).toBe(before);
  });

  it.each([
    [{ deadweight: because('1.5') }, 'FractionOutOfRangeError', 'FRACTION_OUT_OF_RANGE', 'deadweight.value'],
    [{ attribution: because('-0.2') }, 'FractionOutOfRangeError', 'FRACTION_OUT_OF_RANGE', 'attribution.value'],
    [{ quantity: '-1' }, 'NegativeQuantityError', 'NEGATIVE_QUANTITY', 'quantity'],
    [{ durationYears: -2 }, 'InvalidDurationError', 'INVALID_DURATION', 'durationYears'],
    [{ dropOff: { value: '0.1', rationale: '' } }, 'MissingRationaleError', 'MISSING_RATIONALE', 'dropOff.rationale'],
    [{ stakeholder: 'Onbekenden' }, 'UnknownStakeholderError', 'UNKNOWN_STAKEHOLDER', 'stakeholder'],
  ])('refuses the outcome %j naming the rule, and writes nothing', async (change, typename, code, field) => {
    const id = await createDraft();
    const { data } = await subgraph.execute<any>(addOutcome, { analysisId: id, input: repairOutcome(change) }, steward);
    expect(data.addSroiOutcome).toMatchObject({ __typename: typename, code, field });
    expect(await countRows('outcome', 'analysis_id = $1', [id])).toBe(0);
  });

  it('adds, updates and removes outcomes of a draft, then publishes it', async () => {
    const id = await createDraft();
    const added = await subgraph.execute<any>(addOutcome, { analysisId: id, input: repairOutcome() }, steward);
    const outcome = added.data.addSroiOutcome.outcome;
    expect(outcome).toMatchObject({ stakeholder: 'Bezoekers', quantity: '300', deadweight: { value: '0.1', rationale: 'Uit de bewonerspeiling.' }, financialProxy: { value: '40.00' } });

    const updated = await subgraph.execute<any>(
      `mutation($id: ID!, $input: OutcomeInput!) { updateSroiOutcome(id: $id, input: $input) { __typename ... on SroiOutcomePayload { outcome { quantity } } } }`,
      { id: outcome.id, input: repairOutcome({ quantity: '320' }) },
      steward,
    );
    expect(updated.data!.updateSroiOutcome).toEqual({ __typename: 'SroiOutcomePayload', outcome: { quantity: '320' } });

    const second = await subgraph.execute<any>(addOutcome, { analysisId: id, input: repairOutcome({ stakeholder: 'Vrijwilligers' }) }, steward);
    const removed = await subgraph.execute<any>(
      `mutation($id: ID!) { removeSroiOutcome(id: $id) { __typename ... on SroiOutcomeRemovedPayload { removedOutcomeId analysis { outcomes { id } } } } }`,
      { id: second.data.addSroiOutcome.outcome.id },
      steward,
    );
    expect(removed.data!.removeSroiOutcome.analysis.outcomes).toEqual([{ id: outcome.id }]);

    const published = await subgraph.execute<any>(publish, { id }, steward);
    expect(published.data.publishSroiAnalysis.analysis.status).toBe('PUBLISHED');
  });

  it('refuses malformed ids and empty texts as bad input before touching the database', async () => {
    const bad = await subgraph.execute(publish, { id: 'not-an-id' }, steward);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const empty = await subgraph.execute(create, { input: newDraft({ title: '  ' }) }, steward);
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
    const missing = await subgraph.execute(publish, { id: stableId('no such analysis') }, steward);
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('records measured indicator values of an evaluation over time', async () => {
    const id = await createDraft();
    const added = await subgraph.execute<any>(addOutcome, { analysisId: id, input: repairOutcome() }, steward);
    const outcomeId = added.data.addSroiOutcome.outcome.id;
    const record = `mutation($id: ID!, $input: MeasurementInput!) { recordSroiMeasurement(outcomeId: $id, input: $input) { __typename ... on SroiMeasurementPayload { outcome { measurements { measuredOn value source } } } ${ERROR_FIELDS} } }`;
    await subgraph.execute(record, { id: outcomeId, input: { measuredOn: '2025-06-30', value: '140', source: 'Turflijst reparaties' } }, steward);
    const { data } = await subgraph.execute<any>(record, { id: outcomeId, input: { measuredOn: '2025-12-31', value: '310', source: 'Turflijst reparaties' } }, steward);
    expect(data.recordSroiMeasurement.outcome.measurements).toEqual([
      { measuredOn: '2025-06-30', value: '140', source: 'Turflijst reparaties' },
      { measuredOn: '2025-12-31', value: '310', source: 'Turflijst reparaties' },
    ]);
    const noSource = await subgraph.execute<any>(record, { id: outcomeId, input: { measuredOn: '2026-01-31', value: '1', source: ' ' } }, steward);
    expect(noSource.data!.recordSroiMeasurement).toMatchObject({ __typename: 'MissingSourceError', code: 'MISSING_SOURCE' });

    const forecast = await createDraft({ kind: 'FORECAST' });
    const forecastOutcome = await subgraph.execute<any>(addOutcome, { analysisId: forecast, input: repairOutcome() }, steward);
    const refused = await subgraph.execute<any>(record, { id: forecastOutcome.data.addSroiOutcome.outcome.id, input: { measuredOn: '2025-06-30', value: '1', source: 'x' } }, steward);
    expect(refused.data!.recordSroiMeasurement).toMatchObject({ __typename: 'NotAnEvaluationError', code: 'MEASUREMENTS_ONLY_FOR_EVALUATIONS' });
  });

  it('updates a draft and refuses to drop a stakeholder that still has outcomes', async () => {
    const id = await createDraft();
    await subgraph.execute(addOutcome, { analysisId: id, input: repairOutcome() }, steward);
    const update = `mutation($id: ID!, $input: UpdateSroiAnalysisInput!) { updateSroiAnalysis(id: $id, input: $input) { __typename ... on SroiAnalysisPayload { analysis { title discountRate stakeholders { name description } inKindTotal } } ${ERROR_FIELDS} } }`;
    const dropped = await subgraph.execute<any>(update, { id, input: { stakeholders: [{ name: 'Vrijwilligers', description: 'Reparateurs' }] } }, steward);
    expect(dropped.data!.updateSroiAnalysis).toMatchObject({ __typename: 'StakeholderInUseError', code: 'STAKEHOLDER_IN_USE' });
    const { data } = await subgraph.execute<any>(
      update,
      { id, input: { title: 'Evaluatie Repair Café 2025', discountRate: '0.04', stakeholders: [{ name: 'Bezoekers', description: 'Bezoekers van het café' }], inKindInputs: [] } },
      steward,
    );
    expect(data.updateSroiAnalysis.analysis).toEqual({
      title: 'Evaluatie Repair Café 2025',
      discountRate: '0.04',
      stakeholders: [{ name: 'Bezoekers', description: 'Bezoekers van het café' }],
      inKindTotal: '0.00',
    });
  });

  it('never lets an outcome slip into an analysis that is being published at the same time', async () => {
    const id = await createDraft();
    await subgraph.execute(addOutcome, { analysisId: id, input: repairOutcome() }, steward);
    const adds = Array.from({ length: 6 }, () => subgraph.execute<any>(addOutcome, { analysisId: id, input: repairOutcome() }, steward));
    const [published, ...results] = await Promise.all([subgraph.execute<any>(publish, { id }, steward), ...adds]);
    expect(published.data!.publishSroiAnalysis.analysis.status).toBe('PUBLISHED');
    const kinds = results.map((r) => r.data!.addSroiOutcome.__typename);
    expect(kinds.every((k) => k === 'SroiOutcomePayload' || k === 'AnalysisPublishedError')).toBe(true);
    // Every outcome that was accepted was written before publication; none after.
    const added = kinds.filter((k) => k === 'SroiOutcomePayload').length;
    expect(await countRows('outcome', 'analysis_id = $1', [id])).toBe(1 + added);
    const [{ late }] = await subgraph.db.query(
      `SELECT count(*)::int AS late FROM impact.outcome o JOIN impact.analysis a ON a.id = o.analysis_id WHERE a.id = $1 AND o.created_at > a.published_at`,
      [id],
    );
    expect(late).toBe(0);
  });

  it('refuses to publish an analysis without outcomes', async () => {
    const id = await createDraft();
    const { data } = await subgraph.execute<any>(publish, { id }, steward);
    expect(data.publishSroiAnalysis).toMatchObject({ __typename: 'NoOutcomesError', code: 'NO_OUTCOMES' });
  });
});

describe('published analyses are immutable', () => {
  const kitchen = demoAnalysisId('neighbourhood-kitchen-evaluation');
  const kitchenOutcome = demoOutcomeId('neighbourhood-kitchen-evaluation', 0);

  it('refuses every change through the API, naming the rule', async () => {
    const calls: [string, Record<string, unknown>, string][] = [
      [`mutation($id: ID!) { updateSroiAnalysis(id: $id, input: { title: "Anders" }) { __typename ${ERROR_FIELDS} } }`, { id: kitchen }, 'updateSroiAnalysis'],
      [`mutation($id: ID!, $input: OutcomeInput!) { addSroiOutcome(analysisId: $id, input: $input) { __typename ${ERROR_FIELDS} } }`, { id: kitchen, input: repairOutcome({ stakeholder: 'Vrijwilligers' }) }, 'addSroiOutcome'],
      [`mutation($id: ID!, $input: OutcomeInput!) { updateSroiOutcome(id: $id, input: $input) { __typename ${ERROR_FIELDS} } }`, { id: kitchenOutcome, input: repairOutcome({ stakeholder: 'Vrijwilligers' }) }, 'updateSroiOutcome'],
      [`mutation($id: ID!) { removeSroiOutcome(id: $id) { __typename ${ERROR_FIELDS} } }`, { id: kitchenOutcome }, 'removeSroiOutcome'],
      [`mutation($id: ID!) { recordSroiMeasurement(outcomeId: $id, input: { measuredOn: "2026-02-01", value: "4", source: "enquête" }) { __typename ${ERROR_FIELDS} } }`, { id: kitchenOutcome }, 'recordSroiMeasurement'],
      [publish, { id: kitchen }, 'publishSroiAnalysis'],
    ];
    for (const [query, variables, field] of calls) {
      const { data, errors } = await subgraph.execute<any>(query, variables, steward);
      expect(errors).toBeUndefined();
      expect(data[field]).toMatchObject({ __typename: 'AnalysisPublishedError', code: 'PUBLISHED_ANALYSIS_IMMUTABLE' });
    }
    const [row] = await subgraph.db.query(`SELECT title FROM impact.analysis WHERE id = $1`, [kitchen]);
    expect(row.title).toBe('Evaluatie Buurtkeuken 2025');
  });

  it.each([
    [`UPDATE impact.analysis SET title = 'x' WHERE id = $1`, 'analysis'],
    [`DELETE FROM impact.analysis WHERE id = $1`, 'analysis'],
    [`UPDATE impact.outcome SET quantity = 99 WHERE analysis_id = $1`, 'outcome'],
    [`DELETE FROM impact.outcome WHERE analysis_id = $1`, 'outcome'],
    [`INSERT INTO impact.stakeholder (analysis_id, name, description, position) VALUES ($1, 'Nieuw', '', 9)`, 'stakeholder'],
    [`DELETE FROM impact.in_kind_input WHERE analysis_id = $1`, 'in-kind input'],
    [`UPDATE impact.measurement SET value = 1 WHERE outcome_id IN (SELECT id FROM impact.outcome WHERE analysis_id = $1)`, 'measurement'],
    [`UPDATE impact.measurement SET outcome_id = (SELECT id FROM impact.outcome WHERE analysis_id <> $1 LIMIT 1) WHERE outcome_id IN (SELECT id FROM impact.outcome WHERE analysis_id = $1)`, 'measurement moved out'],
  ])('the database refuses raw SQL, even a superuser\'s: %s', async (sql) => {
    await expect(subgraph.admin.query(sql, [kitchen])).rejects.toThrow(/published SROI analysis .* is immutable|cannot move to another/);
  });

  it('a revision copies the impact map into a new draft that supersedes the original', async () => {
    const revise = `mutation($id: ID!) { reviseSroiAnalysis(id: $id) { __typename ... on SroiAnalysisPayload { analysis { id status supersedes { id } outcomes { stakeholder description measurements { value } } inKindTotal } } ${ERROR_FIELDS} } }`;
    const { data } = await subgraph.execute<any>(revise, { id: kitchen }, steward);
    const revision = data.reviseSroiAnalysis.analysis;
    expect(revision).toMatchObject({ status: 'DRAFT', supersedes: { id: kitchen }, inKindTotal: '7585.00' });
    expect(revision.outcomes.map((o: any) => o.description)).toEqual(['Minder eenzaamheid', 'Gezondere voeding', 'Werkervaring en zelfvertrouwen', 'Extra omzet voor de bakker in de wijk']);
    // The measured evidence goes along with the outcomes.
    expect(revision.outcomes[0].measurements.map((m: any) => m.value)).toEqual(['6.1', '5.2', '4.6']);

    const again = await subgraph.execute<any>(revise, { id: kitchen }, steward);
    expect(again.data!.reviseSroiAnalysis).toMatchObject({ __typename: 'AlreadyRevisedError', code: 'ALREADY_REVISED' });
    const ofDraft = await subgraph.execute<any>(revise, { id: revision.id }, steward);
    expect(ofDraft.data!.reviseSroiAnalysis).toMatchObject({ __typename: 'AnalysisNotPublishedError' });

    // The draft revision is for stewards only; the public sees the original without it.
    const asPublic = await subgraph.execute<any>(`query($id: ID!) { sroiAnalysis(id: $id) { supersededBy { id } } }`, { id: kitchen });
    expect(asPublic.data!.sroiAnalysis.supersededBy).toBeNull();
    const asSteward = await subgraph.execute<any>(`query($id: ID!) { sroiAnalysis(id: $id) { supersededBy { id } } }`, { id: kitchen }, steward);
    expect(asSteward.data!.sroiAnalysis.supersededBy).toEqual({ id: revision.id });

    // Once the revision is published it is the project's current analysis; the original stays, unchanged.
    expect((await subgraph.execute<any>(publish, { id: revision.id }, steward)).data!.publishSroiAnalysis.analysis.status).toBe('PUBLISHED');
    const current = await subgraph.execute<any>(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Project { sroi { analysis { id supersedes { id status supersededBy { id } } } } sroiAnalyses { id } } } }`,
      { reps: [{ __typename: 'Project', id: stableId('project:neighbourhood-kitchen'), finances: finances(['2025-06-01', '75130']) }] },
    );
    const [kitchenProject] = current.data!._entities;
    expect(kitchenProject.sroi.analysis).toEqual({ id: revision.id, supersedes: { id: kitchen, status: 'PUBLISHED', supersededBy: { id: revision.id } } });
    expect(kitchenProject.sroiAnalyses.map((a: any) => a.id)).toEqual([revision.id, kitchen]);
  });
});

describe('reading', () => {
  it('hides drafts from everyone but the stewards, also through _entities', async () => {
    const id = await createDraft();
    const byId = `query($id: ID!) { sroiAnalysis(id: $id) { id } }`;
    expect((await subgraph.execute<any>(byId, { id })).data!.sroiAnalysis).toBeNull();
    expect((await subgraph.execute<any>(byId, { id }, resident)).data!.sroiAnalysis).toBeNull();
    expect((await subgraph.execute<any>(byId, { id }, otherSteward)).data!.sroiAnalysis).toBeNull();
    expect((await subgraph.execute<any>(byId, { id }, steward)).data!.sroiAnalysis).toEqual({ id });

    const entities = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on SroiAnalysis { id } } }`;
    expect((await subgraph.execute<any>(entities, { reps: [{ __typename: 'SroiAnalysis', id }] })).data!._entities).toEqual([null]);
  });

  it('resolves SroiAnalysis and Outcome through _entities', async () => {
    const { data, errors } = await subgraph.execute<any>(
      `query($reps: [_Any!]!) {
        _entities(representations: $reps) {
          ... on SroiAnalysis { id kind title outcomes { id } }
          ... on Outcome { id stakeholder financialProxy { value source } measurements { measuredOn value source } analysis { id } }
        }
      }`,
      {
        reps: [
          { __typename: 'SroiAnalysis', id: demoAnalysisId('neighbourhood-kitchen-evaluation') },
          { __typename: 'Outcome', id: demoOutcomeId('neighbourhood-kitchen-evaluation', 0) },
          { __typename: 'Outcome', id: stableId('no such outcome') },
        ],
      },
    );
    expect(errors).toBeUndefined();
    const [analysis, outcome, missing] = data._entities;
    expect(analysis).toMatchObject({ kind: 'EVALUATIVE', title: 'Evaluatie Buurtkeuken 2025' });
    expect(analysis.outcomes).toHaveLength(4);
    expect(outcome).toMatchObject({
      stakeholder: 'Deelnemers buurtmaaltijd',
      financialProxy: { value: '420.00' },
      analysis: { id: demoAnalysisId('neighbourhood-kitchen-evaluation') },
    });
    expect(outcome.financialProxy.source).toMatch(/Zorginstituut/);
    expect(outcome.measurements.map((m: any) => [m.measuredOn, m.value])).toEqual([
      ['2025-02-05', '6.1'],
      ['2025-07-02', '5.2'],
      ['2025-12-17', '4.6'],
    ]);
    expect(missing).toBeNull();
  });

  it('computes Project.sroi from the spending the gateway hands over, and the forecast behind a bid', async () => {
    // €135.64 spent plus 560 h × €18.50 = €10 360 in kind: inputs €23 924.00.
    const { data, errors } = await subgraph.execute<any>(
      `query($reps: [_Any!]!) {
        _entities(representations: $reps) {
          ... on Project { sroi { inputs inputsUsed { basis monetary inKind total } ratio analysis { kind } } }
          ... on RightToChallengeBid { sroiForecast { id kind result { inputs } } }
        }
      }`,
      {
        reps: [
          { __typename: 'Project', id: stableId('project:park-greenery'), finances: finances(['2025-06-01', '1356400']) },
          { __typename: 'RightToChallengeBid', id: demoBidId('lindenplein-greenery'), executingProject: null },
          {
            __typename: 'RightToChallengeBid',
            id: demoBidId('lindenplein-greenery'),
            executingProject: { id: stableId('project:park-greenery'), finances: finances(['2025-06-01', '1356400']) },
          },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data._entities[0].sroi).toMatchObject({
      inputs: '23924.00',
      inputsUsed: { basis: 'LEDGER_SPENDING', monetary: '13564.00', inKind: '10360.00', total: '23924.00' },
      analysis: { kind: 'FORECAST' },
    });
    // Before the bid is honoured there is no executing project, so no spending to compute a result with.
    expect(data._entities[1].sroiForecast).toEqual({ id: demoAnalysisId('park-greenery-forecast'), kind: 'FORECAST', result: null });
    // Executed by the forecast's own project, the forecast's result uses that project's books.
    expect(data._entities[2].sroiForecast.result).toEqual({ inputs: '23924.00' });
  });

  it('loads any number of projects\' results with the same handful of queries (no N+1)', async () => {
    const query = `query($reps: [_Any!]!) {
      _entities(representations: $reps) {
        ... on Project {
          sroi { ratio byOutcome { outcome { measurements { value } } } sensitivity { outcome { id } breakEvenProxy }
                 analysis { stakeholders { name outcomes { id } } inKindInputs { value } outcomes { dropOff { value } } } }
          sroiAnalyses { title result { ratio } }
        }
      }
    }`;
    const rep = (key: string) => ({ __typename: 'Project', id: stableId(`project:${key}`), finances: finances(['2025-06-01', '100000']) });
    const count = async (reps: unknown[]) => {
      const before = subgraph.queries.count;
      const { errors } = await subgraph.execute(query, { reps });
      expect(errors).toBeUndefined();
      return subgraph.queries.count - before;
    };
    // A forecast and an evaluation, then five projects.
    const two = await count([rep('park-greenery'), rep('neighbourhood-kitchen')]);
    const many = await count(['park-greenery', 'neighbourhood-kitchen', 'repair-cafe', 'solar-roofs', 'play-street'].map(rep));
    expect(many).toBe(two);
    // Analyses by project, outcomes, in-kind inputs, stakeholders: one query each. Measurements: one for the
    // evaluations' results (the quantities they measured), one for the measurements field of the others' outcomes.
    expect(two).toBe(6);
  });

  it("sums a neighbourhood's current analyses from the projects and spending the gateway hands over", async () => {
    const project = (key: string, minorUnits: string) => ({ node: { id: stableId(`project:${key}`), finances: finances(['2025-06-01', minorUnits]) } });
    const { data, errors } = await subgraph.execute<any>(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Neighbourhood { impactSummary { projectsCounted presentValue inputs ratio ratioUndefinedReason complete results { inputs } } } } }`,
      {
        reps: [
          // 150 projects in all: only the 100 newest reach the summary, which says it is incomplete.
          { __typename: 'Neighbourhood', id: SPIJKERKWARTIER, projects: { totalCount: 150, edges: [project('park-greenery', '1356400'), project('solar-roofs', '17500')] } },
          { __typename: 'Neighbourhood', id: klarendal, projects: { totalCount: 0, edges: [] } },
        ],
      },
    );
    expect(errors).toBeUndefined();
    const [spijker, empty] = data._entities.map((n: any) => n.impactSummary);
    // Only park greenery has a published analysis: €13 564.00 spent + €10 360.00 in kind.
    expect(spijker).toMatchObject({ projectsCounted: 1, inputs: '23924.00', complete: false, results: [{ inputs: '23924.00' }], ratioUndefinedReason: null });
    expect(spijker.ratio).toBe((Number(spijker.presentValue) / 23924).toFixed(2));
    expect(empty).toMatchObject({ projectsCounted: 0, presentValue: '0.00', inputs: '0.00', ratio: null, complete: true });
    expect(empty.ratioUndefinedReason).toMatch(/inputs are zero/);
  });

  it('says explicitly when the ratio is undefined because the inputs are zero', async () => {
    const id = await createDraft({ kind: 'FORECAST', plannedInputs: '0', inKindInputs: [] });
    await subgraph.execute(addOutcome, { analysisId: id, input: repairOutcome() }, steward);
    const { data } = await subgraph.execute<any>(
      `query($id: ID!) { sroiAnalysis(id: $id) { result { inputs inputsUsed { basis } ratio netRatio ratioUndefinedReason sensitivity { breakEvenProxy breakEvenExplanation } } } }`,
      { id },
      steward,
    );
    expect(data.sroiAnalysis.result).toMatchObject({ inputs: '0.00', inputsUsed: { basis: 'PLANNED_INPUTS' }, ratio: null, netRatio: null });
    expect(data.sroiAnalysis.result.ratioUndefinedReason).toMatch(/inputs are zero/);
    expect(data.sroiAnalysis.result.sensitivity[0]).toMatchObject({ breakEvenProxy: null });
  });
});

describe('linking a forecast to a bid', () => {
  const link = `mutation($bid: ID!, $a: ID!) { linkBidSroiForecast(bidId: $bid, analysisId: $a) { __typename ... on BidForecastPayload { bid { id } forecast { id } } ${ERROR_FIELDS} } }`;
  // The community centre bid of the demo, in assessment: public, and of the forecast's neighbourhood.
  const bid = stableId('bid:community-centre');

  it('links a forecast, refuses an evaluation, and only stewards may do it', async () => {
    const forecast = demoAnalysisId('park-greenery-forecast');
    const evaluation = demoAnalysisId('neighbourhood-kitchen-evaluation');
    expect((await subgraph.execute<any>(link, { bid, a: forecast }, resident)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await subgraph.execute<any>(link, { bid, a: evaluation }, steward)).data!.linkBidSroiForecast).toMatchObject({ __typename: 'NotAForecastError', code: 'NOT_A_FORECAST' });
    expect((await subgraph.execute<any>(link, { bid, a: forecast }, steward)).data!.linkBidSroiForecast).toEqual({
      __typename: 'BidForecastPayload',
      bid: { id: bid },
      forecast: { id: forecast },
    });
  });
});
