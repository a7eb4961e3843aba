import { stableId, type Viewer } from '@dbwe/platform';
import { demoAnalysisId } from '../demo/demo.seed';
import { SPIJKERKWARTIER, finances, startImpact, steward, type ImpactTest } from '../testing/impact.fixtures';

/*
 * A nightly refresh asks a project only for the analyses that changed since
 * the last pull. Expected: the demo analyses changed when they were published
 * (greenery forecast 2025-04-01, kitchen evaluation 2026-01-20) and not
 * since. A steward's draft evaluation of the kitchen changes with every
 * change to it or to its parts (stakeholders, in-kind inputs, outcomes,
 * measurements) and when it is published; from then on the public gets it,
 * with its outcomes, and only it.
 */
const kitchenProject = stableId('project:neighbourhood-kitchen');
const greeneryProject = stableId('project:park-greenery');

let subgraph: ImpactTest;
beforeAll(async () => {
  subgraph = await startImpact();
});
afterAll(() => subgraph.teardown());

const CHANGED = `query ($reps: [_Any!]!, $since: DateTime) {
  _entities(representations: $reps) { ... on Project { id sroiAnalyses(updatedSince: $since) { id status updatedAt outcomes { description } } } }
}`;

interface Changed {
  id: string;
  status: string;
  updatedAt: string;
  outcomes: { description: string }[];
}

/** The analyses of each project changed after `since`, as the gateway would ask (with the spending the field requires). */
async function changedSince(since: string | null, viewer?: Viewer, projects = [kitchenProject, greeneryProject]): Promise<Changed[][]> {
  const reps = projects.map((id) => ({ __typename: 'Project', id, finances: finances() }));
  const { data, errors } = await subgraph.execute<any>(CHANGED, { reps, since }, viewer);
  expect(errors).toBeUndefined();
  // As a client gets it: times as ISO strings.
  return JSON.parse(JSON.stringify(data))._entities.map((p: { sroiAnalyses: Changed[] }) => p.sroiAnalyses);
}

/** A moment strictly after everything written so far, and strictly before anything written next. */
async function pullTime(): Promise<string> {
  await new Promise((r) => setTimeout(r, 5));
  const at = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 5));
  return at;
}

async function mutate(query: string, variables: Record<string, unknown>): Promise<any> {
  const { data, errors } = await subgraph.execute<any>(query, variables, steward);
  expect(errors).toBeUndefined();
  const [result] = Object.values(data);
  expect((result as { __typename: string }).__typename).toMatch(/Payload$/);
  return result;
}

const because = (value: string) => ({ value, rationale: 'Uit de enquête.' });
const outcome = (description: string) => ({
  stakeholder: 'Deelnemers',
  description,
  indicator: 'Deelnemers die minder eenzaamheid melden',
  quantity: '20',
  financialProxy: { value: '500', description: 'Waarde van minder eenzaamheid per persoon per jaar', source: 'HACT Social Value Bank 2024' },
  durationYears: 1,
  dropOff: because('0'),
  deadweight: because('0.2'),
  displacement: because('0'),
  attribution: because('0.3'),
});

describe('analyses changed since', () => {
  it('returns each project analyses after a time, and none changed after the last pull', async () => {
    expect((await changedSince('2000-01-01T00:00:00Z')).map((list) => list.map((a) => a.id))).toEqual([
      [demoAnalysisId('neighbourhood-kitchen-evaluation')],
      [demoAnalysisId('park-greenery-forecast')],
    ]);
    const [[kitchen], greenery] = await changedSince('2025-06-01T00:00:00Z');
    expect(kitchen).toMatchObject({ id: demoAnalysisId('neighbourhood-kitchen-evaluation'), updatedAt: '2026-01-20T12:00:00.000Z' });
    expect(greenery).toEqual([]);
    expect(await changedSince(await pullTime(), steward)).toEqual([[], []]);
  });

  it('counts every change to a draft and its parts, and its publication', async () => {
    const lastPull = await pullTime();
    const created = await mutate(
      `mutation ($input: CreateSroiAnalysisInput!) { createSroiAnalysis(input: $input) { __typename ... on SroiAnalysisPayload { analysis { id } } } }`,
      {
        input: {
          projectId: kitchenProject,
          neighbourhoodId: SPIJKERKWARTIER,
          kind: 'EVALUATIVE',
          title: 'Evaluatie Buurtkeuken 2026',
          periodStart: '2026-01-01',
          periodEnd: '2026-12-31',
          stakeholders: [{ name: 'Deelnemers', description: 'Mee-eters' }],
        },
      },
    );
    const draft: string = created.analysis.id;
    // Only the steward sees the draft; the public sees nothing new yet.
    expect((await changedSince(lastPull, steward))[0].map((a) => a.id)).toEqual([draft]);
    expect(await changedSince(lastPull)).toEqual([[], []]);

    let outcomeId = '';
    // Each step makes one change; a step that needs a change of its own first returns the time after it.
    const steps: [string, () => Promise<string | void>][] = [
      ['a new stakeholder', async () => void (await mutate(`mutation ($id: ID!, $input: UpdateSroiAnalysisInput!) { updateSroiAnalysis(id: $id, input: $input) { __typename } }`, {
        id: draft,
        input: { stakeholders: [{ name: 'Deelnemers', description: 'Mee-eters' }, { name: 'Vrijwilligers', description: 'Koks' }] },
      }))],
      ['an in-kind input', async () => void (await mutate(`mutation ($id: ID!, $input: UpdateSroiAnalysisInput!) { updateSroiAnalysis(id: $id, input: $input) { __typename } }`, {
        id: draft,
        input: { inKindInputs: [{ description: 'Kookuren', quantity: '40', unit: 'uur', rate: '18.50', source: 'CAO Horeca 2026' }] },
      }))],
      ['a new outcome', async () => {
        const added = await mutate(`mutation ($id: ID!, $input: OutcomeInput!) { addSroiOutcome(analysisId: $id, input: $input) { __typename ... on SroiOutcomePayload { outcome { id } } } }`, {
          id: draft,
          input: outcome('Minder eenzaamheid'),
        });
        outcomeId = added.outcome.id;
      }],
      ['a changed outcome', async () => void (await mutate(`mutation ($id: ID!, $input: OutcomeInput!) { updateSroiOutcome(id: $id, input: $input) { __typename } }`, {
        id: outcomeId,
        input: outcome('Minder eenzaamheid onder ouderen'),
      }))],
      ['a measurement', async () => {
        const before = new Date();
        await mutate(`mutation ($id: ID!, $input: MeasurementInput!) { recordSroiMeasurement(outcomeId: $id, input: $input) { __typename } }`, {
          id: outcomeId,
          input: { measuredOn: '2026-03-01', value: '6.1', source: 'Enquête maart' },
        });
        // The measurements are part of the outcome: it changed too.
        const [row] = await subgraph.db.query(`SELECT updated_at FROM impact.outcome WHERE id = $1`, [outcomeId]);
        expect(row.updated_at.getTime()).toBeGreaterThanOrEqual(before.getTime());
      }],
      ['another outcome, removed again', async () => {
        const added = await mutate(`mutation ($id: ID!, $input: OutcomeInput!) { addSroiOutcome(analysisId: $id, input: $input) { __typename ... on SroiOutcomePayload { outcome { id } } } }`, {
          id: draft,
          input: outcome('Tijdelijk'),
        });
        const since = await pullTime();
        await mutate(`mutation ($id: ID!) { removeSroiOutcome(id: $id) { __typename } }`, { id: added.outcome.id });
        return since;
      }],
    ];
    for (const [change, step] of steps) {
      const before = await pullTime();
      const since = (await step()) ?? before;
      const [changed] = await changedSince(since, steward);
      expect({ change, ids: changed.map((a) => a.id) }).toEqual({ change, ids: [draft] });
      expect(new Date(changed[0].updatedAt).getTime()).toBeGreaterThan(new Date(since).getTime());
    }

    const beforePublish = await pullTime();
    expect(await changedSince(beforePublish, steward)).toEqual([[], []]);
    await mutate(`mutation ($id: ID!) { publishSroiAnalysis(id: $id) { __typename } }`, { id: draft });
    // The public now gets the published analysis with its outcomes (those exported as sroi_outcomes), and nothing else.
    for (const since of [lastPull, beforePublish]) {
      expect(await changedSince(since)).toEqual([[expect.objectContaining({ id: draft, status: 'PUBLISHED', outcomes: [{ description: 'Minder eenzaamheid onder ouderen' }] })], []]);
    }
    expect(await changedSince(await pullTime())).toEqual([[], []]);
  });

  it('refuses a time that is not an ISO 8601 instant', async () => {
    const { errors } = await subgraph.execute(CHANGED, { reps: [{ __typename: 'Project', id: kitchenProject, finances: finances() }], since: 'soon' });
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toMatch(/\$since.*DateTime/s);
  });
});
