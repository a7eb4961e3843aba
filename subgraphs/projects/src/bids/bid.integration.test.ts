import type { Viewer } from '@dbwe/platform';
import { as, bidId, memberId, projectId, SPIJKERKWARTIER, startProjects, type ProjectsTest } from '../testing/fixtures';

/*
 * The Right to Challenge through the real subgraph server on real PostgreSQL,
 * with the demo data: two bids in the Spijkerkwartier (the Lindenplein greenery,
 * honoured with conditions and in execution by project park-greenery; the
 * community centre, in assessment with two of seven criteria scored).
 */
describe('Right to Challenge bids through the projects subgraph', () => {
  let subgraph: ProjectsTest;
  beforeAll(async () => {
    subgraph = await startProjects();
  });
  afterAll(() => subgraph?.teardown());

  const run = async (query: string, variables: Record<string, unknown>, viewer: Viewer) => subgraph.execute<any>(query, variables, viewer);
  const errorCode = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.code;

  const OUTCOME = `
    __typename
    ... on BidPayload { bid { id status updatedAt } }
    ... on ProjectsError { code message field }
    ... on IllegalBidTransition { status missingCriteria }
    ... on ChallengerConflictOfInterest { status }`;
  const step = (mutation: string, input: Record<string, unknown>, viewer: Viewer) =>
    run(`mutation ($input: BidStepInput!) { r: ${mutation}(input: $input) { ${OUTCOME} } }`, { input }, viewer);
  const assess = (input: Record<string, unknown>, viewer: Viewer) =>
    run(`mutation ($input: AssessCriterionInput!) { r: assessBidCriterion(input: $input) { ${OUTCOME} } }`, { input }, viewer);
  const decide = (input: Record<string, unknown>, viewer: Viewer) =>
    run(`mutation ($input: DecideBidInput!) { r: decideRightToChallengeBid(input: $input) { ${OUTCOME} } }`, { input }, viewer);
  const startExecution = (input: Record<string, unknown>, viewer: Viewer) =>
    run(`mutation ($input: StartBidExecutionInput!) { r: startBidExecution(input: $input) { ${OUTCOME} } }`, { input }, viewer);
  const readBid = (id: string, viewer: Viewer) =>
    run(`query ($id: ID!) { rightToChallengeBid(id: $id) { id status task challengers { id } decision { outcome rationale conditions decidedBy { id } }
      timeline { action fromStatus toStatus actor { id } rationale criterion } } }`, { id }, viewer);

  const DRAFT = `mutation ($input: DraftBidInput!) { r: draftRightToChallengeBid(input: $input) {
    __typename
    ... on BidPayload { bid { id status collectiveName challengers { id } currentAnnualCost { amount minorUnits unit }
      proposedAnnualBudget { amount minorUnits unit } expectedAnnualSavings { amount minorUnits } taakveld qualityCommitments supporterCount } }
    ... on ProjectsError { code message field } } }`;
  const draftInput = (overrides: Record<string, unknown> = {}) => ({
    neighbourhoodId: SPIJKERKWARTIER,
    coChallengerIds: [memberId('Muzikale Mo')],
    collectiveName: 'Speeltuinvereniging Spijker',
    task: 'Onderhoud speeltuin Spijkerpark',
    taskDescription: 'De gemeente inspecteert en onderhoudt de speeltoestellen; bewoners nemen het dagelijkse beheer over.',
    mode: 'TAKE_OVER',
    currentAnnualCost: '21000.00',
    budgetLine: 'Speelvoorzieningen',
    taakveld: '5.7',
    proposedAnnualBudget: '18750.5',
    qualityCommitments: ['Dagelijkse veiligheidsronde', 'Jaarlijkse keuring door een erkend bureau'],
    socialAddedValue: 'Ouders uit de buurt leren elkaar kennen; kinderen spelen veiliger.',
    supporterCount: 87,
    ...overrides,
  });
  const countBids = async () => Number((await subgraph.db.query('SELECT count(*) AS n FROM projects.bid'))[0].n);

  describe('reading the demo bids', () => {
    it('shows anyone the honoured bid in execution, with exact money, its decision, assessments and executing project', async () => {
      const { data, errors } = await run(
        `query ($id: ID!) { rightToChallengeBid(id: $id) {
          status mode task collectiveName taakveld budgetLine supporterCount
          currentAnnualCost { amount minorUnits unit } proposedAnnualBudget { amount } expectedAnnualSavings { amount minorUnits unit }
          challengers { id } decision { outcome conditions decidedBy { id } }
          assessments { criterion score reason assessedBy { id } }
          executingProject { id title executes { id } }
          timeline { action toStatus } neighbourhood { id } submittedAt updatedAt } }`,
        { id: bidId('lindenplein-greenery') },
        as.anonymous,
      );
      expect(errors).toBeUndefined();
      const bid = data.rightToChallengeBid;
      expect(bid).toMatchObject({
        status: 'IN_EXECUTION',
        mode: 'TAKE_OVER',
        taakveld: '5.7',
        currentAnnualCost: { amount: '48250.00', minorUnits: '4825000', unit: 'EUR' },
        proposedAnnualBudget: { amount: '41000.00' },
        expectedAnnualSavings: { amount: '7250.00', minorUnits: '725000', unit: 'EUR' },
        decision: { outcome: 'HONOURED_WITH_CONDITIONS', decidedBy: { id: memberId('Wijkregisseur Anouk') } },
        executingProject: { id: projectId('park-greenery'), title: 'Groenonderhoud Lindenplein', executes: { id: bidId('lindenplein-greenery') } },
        neighbourhood: { id: SPIJKERKWARTIER },
      });
      expect(bid.decision.conditions).toContain('tweede coördinator');
      expect(bid.challengers.map((c: any) => c.id)).toEqual([memberId('Tuinman Teun'), memberId('Groene Gerda'), memberId('Oma Ria')]);
      expect(bid.assessments).toHaveLength(7);
      expect(bid.timeline.map((e: any) => e.toStatus)).toEqual([
        'DRAFT', 'SUBMITTED', 'IN_ASSESSMENT', ...Array(7).fill('IN_ASSESSMENT'), 'HONOURED_WITH_CONDITIONS', 'AGREEMENT_SIGNED', 'IN_EXECUTION',
      ]);
    });

    it('lists the neighbourhood’s bids newest first, filtered by status, through _entities', async () => {
      const query = `query ($reps: [_Any!]!, $status: BidStatus) { _entities(representations: $reps) { ... on Neighbourhood {
        rightToChallengeBids(first: 10, status: $status) { totalCount edges { node { task status } } } } } }`;
      const reps = [{ __typename: 'Neighbourhood', id: SPIJKERKWARTIER }];
      const all = await run(query, { reps }, as.anonymous);
      expect(all.data._entities[0].rightToChallengeBids.edges.map((e: any) => e.node.status)).toEqual(['IN_ASSESSMENT', 'IN_EXECUTION']);
      const inAssessment = await run(query, { reps, status: 'IN_ASSESSMENT' }, as.anonymous);
      expect(inAssessment.data._entities[0].rightToChallengeBids).toEqual({ totalCount: 1, edges: [{ node: { task: 'Beheer van buurthuis De Spijker', status: 'IN_ASSESSMENT' } }] });
    });

    it('resolves RightToChallengeBid references with _entities, and null for unknown ids', async () => {
      const { data } = await run(
        `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on RightToChallengeBid { id status } } }`,
        { reps: [{ __typename: 'RightToChallengeBid', id: bidId('community-centre') }, { __typename: 'RightToChallengeBid', id: 'not-a-uuid' }] },
        as.anonymous,
      );
      expect(data._entities).toEqual([{ id: bidId('community-centre'), status: 'IN_ASSESSMENT' }, null]);
    });

    it('loads challengers, assessments, timelines and executing projects in batches, not per bid', async () => {
      const before = subgraph.queries.count;
      const { errors } = await run(
        `{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { rightToChallengeBids(first: 100) { edges { node {
          challengers { id } assessments { score } timeline { action } executingProject { title participants { role } } } } } } } }`,
        {},
        as.anonymous,
      );
      expect(errors).toBeUndefined();
      // count + page, then one query per nested list.
      expect(subgraph.queries.count - before).toBeLessThanOrEqual(7);
    });

    it('refuses a page larger than 100', async () => {
      const result = await run(`query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Neighbourhood { rightToChallengeBids(first: 101) { totalCount } } } }`,
        { reps: [{ __typename: 'Neighbourhood', id: SPIJKERKWARTIER }] }, as.anonymous);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
    });
  });

  describe('drafting', () => {
    it('needs a signed-in resident or steward of the neighbourhood', async () => {
      expect(errorCode(await run(DRAFT, { input: draftInput() }, as.anonymous))).toBe('UNAUTHENTICATED');
      expect(errorCode(await run(DRAFT, { input: draftInput() }, as.residentOfKlarendal))).toBe('FORBIDDEN');
      expect(errorCode(await run(DRAFT, { input: draftInput() }, as.official))).toBe('FORBIDDEN');
    });

    it.each([
      [{ proposedAnnualBudget: '-100.00' }, 'NEGATIVE_AMOUNT', 'proposedAnnualBudget'],
      [{ proposedAnnualBudget: '12,50' }, 'INVALID_AMOUNT', 'proposedAnnualBudget'],
      [{ proposedAnnualBudget: '1e5' }, 'INVALID_AMOUNT', 'proposedAnnualBudget'],
      [{ proposedAnnualBudget: '10.001' }, 'INVALID_AMOUNT', 'proposedAnnualBudget'],
      [{ currentAnnualCost: '-1' }, 'NEGATIVE_AMOUNT', 'currentAnnualCost'],
      [{ taakveld: '57' }, 'INVALID_TAAKVELD', 'taakveld'],
      [{ task: '   ' }, 'TEXT_LENGTH', 'task'],
      [{ supporterCount: -3 }, 'INVALID_COUNT', 'supporterCount'],
    ])('refuses %j with %s and writes nothing', async (overrides, code, field) => {
      const before = await countBids();
      const { data, errors } = await run(DRAFT, { input: draftInput(overrides) }, as.challenger);
      expect(errors).toBeUndefined();
      expect(data.r).toMatchObject({ code, field });
      expect(data.r.message).toMatch(/\w/);
      expect(await countBids()).toBe(before);
    });
  });

  describe('the whole lifecycle, by role', () => {
    let id: string;

    it('drafts a bid: the drafter is the first challenger and the savings are derived', async () => {
      const { data, errors } = await run(DRAFT, { input: draftInput() }, as.challenger);
      expect(errors).toBeUndefined();
      id = data.r.bid.id;
      expect(data.r.bid).toMatchObject({
        status: 'DRAFT',
        challengers: [{ id: memberId('Lezende Lotte') }, { id: memberId('Muzikale Mo') }],
        currentAnnualCost: { amount: '21000.00', minorUnits: '2100000', unit: 'EUR' },
        proposedAnnualBudget: { amount: '18750.50', minorUnits: '1875050', unit: 'EUR' },
        expectedAnnualSavings: { amount: '2249.50', minorUnits: '224950' },
      });
    });

    it('keeps the draft to its challengers (and admins)', async () => {
      for (const viewer of [as.anonymous, as.resident, as.steward, as.official]) expect((await readBid(id, viewer)).data.rightToChallengeBid).toBeNull();
      for (const viewer of [as.challenger, as.coChallenger, as.admin]) expect((await readBid(id, viewer)).data.rightToChallengeBid.status).toBe('DRAFT');
      const entity = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on RightToChallengeBid { status } } }`;
      const reps = [{ __typename: 'RightToChallengeBid', id }];
      for (const viewer of [as.anonymous, as.resident, as.steward, as.official, as.officialOfOtherMunicipality]) {
        expect((await run(entity, { reps }, viewer)).data._entities).toEqual([null]);
      }
      expect((await run(entity, { reps }, as.coChallenger)).data._entities).toEqual([{ status: 'DRAFT' }]);
      const list = `{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { rightToChallengeBids { totalCount } } } }`;
      expect((await run(list, {}, as.resident)).data._entities[0].rightToChallengeBids.totalCount).toBe(2);
      expect((await run(list, {}, as.challenger)).data._entities[0].rightToChallengeBids.totalCount).toBe(3);
    });

    it('lets only challengers edit', async () => {
      const update = `mutation ($input: UpdateBidInput!) { r: updateRightToChallengeBid(input: $input) { __typename
        ... on BidPayload { bid { supporterCount proposedAnnualBudget { amount } } } ... on ProjectsError { code field } } }`;
      expect(errorCode(await run(update, { input: { bidId: id, supporterCount: 1000 } }, as.anonymous))).toBe('UNAUTHENTICATED');
      for (const viewer of [as.resident, as.steward, as.official]) {
        expect(errorCode(await run(update, { input: { bidId: id, supporterCount: 1000 } }, viewer))).toBe('FORBIDDEN');
      }
      expect((await run(update, { input: { bidId: id, proposedAnnualBudget: '-5' } }, as.coChallenger)).data.r).toEqual({
        __typename: 'InvalidAmount', code: 'NEGATIVE_AMOUNT', field: 'proposedAnnualBudget',
      });
      expect((await run(update, { input: { bidId: id, supporterCount: 102, proposedAnnualBudget: '18500' } }, as.coChallenger)).data.r).toEqual({
        __typename: 'BidPayload', bid: { supporterCount: 102, proposedAnnualBudget: { amount: '18500.00' } },
      });
    });

    it('refuses a decision on a draft: FORBIDDEN for a resident, an illegal transition for an official', async () => {
      const input = { bidId: id, outcome: 'HONOURED', rationale: 'Looks good.' };
      expect(errorCode(await decide(input, as.resident))).toBe('FORBIDDEN');
      expect(errorCode(await decide(input, as.challenger))).toBe('FORBIDDEN');
      expect((await decide(input, as.official)).data.r).toMatchObject({ __typename: 'IllegalBidTransition', code: 'ILLEGAL_BID_TRANSITION', status: 'DRAFT' });
      expect((await readBid(id, as.challenger)).data.rightToChallengeBid.status).toBe('DRAFT');
    });

    it('lets only challengers submit, and only once', async () => {
      expect(errorCode(await step('submitRightToChallengeBid', { bidId: id }, as.anonymous))).toBe('UNAUTHENTICATED');
      expect(errorCode(await step('submitRightToChallengeBid', { bidId: id }, as.steward))).toBe('FORBIDDEN');
      expect(errorCode(await step('submitRightToChallengeBid', { bidId: id }, as.official))).toBe('FORBIDDEN');
      expect((await step('submitRightToChallengeBid', { bidId: id }, as.challenger)).data.r.bid.status).toBe('SUBMITTED');
      const twice = (await step('submitRightToChallengeBid', { bidId: id }, as.challenger)).data.r;
      expect(twice).toMatchObject({ code: 'ILLEGAL_BID_TRANSITION', status: 'SUBMITTED' });
      expect(twice.message).toBe('Cannot submit the bid: the bid is SUBMITTED. A bid is submitted once, from DRAFT.');
    });

    it('makes the submitted bid public and fixed', async () => {
      expect((await readBid(id, as.anonymous)).data.rightToChallengeBid.status).toBe('SUBMITTED');
      const update = `mutation ($input: UpdateBidInput!) { r: updateRightToChallengeBid(input: $input) { ... on ProjectsError { code } } }`;
      expect((await run(update, { input: { bidId: id, supporterCount: 5000 } }, as.challenger)).data.r.code).toBe('BID_NOT_EDITABLE');
    });

    it('lets only officials of the neighbourhood start the assessment', async () => {
      for (const viewer of [as.challenger, as.steward, as.officialOfKlarendal, as.officialOfOtherMunicipality]) {
        expect(errorCode(await step('startBidAssessment', { bidId: id }, viewer))).toBe('FORBIDDEN');
      }
      expect((await step('startBidAssessment', { bidId: id }, as.official)).data.r.bid.status).toBe('IN_ASSESSMENT');
    });

    it('refuses a decision before every criterion is scored, naming the missing ones', async () => {
      await assess({ bidId: id, criterion: 'SUPPORT', score: 4, reason: '102 supporters.' }, as.official);
      const { data } = await decide({ bidId: id, outcome: 'REJECTED', rationale: 'Too early.' }, as.official);
      expect(data.r).toMatchObject({ code: 'ASSESSMENT_INCOMPLETE', status: 'IN_ASSESSMENT' });
      expect(data.r.missingCriteria).toEqual(['SOCIAL_ADDED_VALUE', 'COST_NOT_ABOVE_CURRENT', 'EQUAL_OR_BETTER_QUALITY', 'FEASIBILITY', 'NO_PROFIT_MOTIVE', 'CONTINUITY']);
    });

    it('lets only officials of the neighbourhood score criteria, from 1 to 5 with a reason', async () => {
      const input = { bidId: id, criterion: 'FEASIBILITY', score: 3, reason: 'Feasible.' };
      for (const viewer of [as.resident, as.challenger, as.officialOfOtherMunicipality]) expect(errorCode(await assess(input, viewer))).toBe('FORBIDDEN');
      expect(errorCode(await assess(input, as.anonymous))).toBe('UNAUTHENTICATED');
      expect((await assess({ ...input, score: 6 }, as.official)).data.r).toMatchObject({ __typename: 'InvalidInput', code: 'SCORE_OUT_OF_RANGE', field: 'score' });
      expect((await assess({ ...input, reason: '' }, as.official)).data.r).toMatchObject({ code: 'TEXT_LENGTH', field: 'reason' });
      for (const criterion of ['SOCIAL_ADDED_VALUE', 'COST_NOT_ABOVE_CURRENT', 'EQUAL_OR_BETTER_QUALITY', 'FEASIBILITY', 'NO_PROFIT_MOTIVE', 'CONTINUITY']) {
        expect((await assess({ bidId: id, criterion, score: 4, reason: `Meets ${criterion}.` }, as.official)).data.r.__typename).toBe('BidPayload');
      }
    });

    it('needs conditions in writing to honour with conditions, then records the decision', async () => {
      const refused = await decide({ bidId: id, outcome: 'HONOURED_WITH_CONDITIONS', rationale: 'Good bid.' }, as.official);
      expect(refused.data.r).toMatchObject({ code: 'CONDITIONS_REQUIRED', field: 'conditions' });
      expect(errorCode(await decide({ bidId: id, outcome: 'HONOURED', rationale: 'x' }, as.officialOfOtherMunicipality))).toBe('FORBIDDEN');
      const { data } = await decide({ bidId: id, outcome: 'HONOURED_WITH_CONDITIONS', rationale: 'Cheaper and well supported.', conditions: 'Annual safety inspection report.' }, as.official);
      expect(data.r.bid.status).toBe('HONOURED_WITH_CONDITIONS');
      const bid = (await readBid(id, as.anonymous)).data.rightToChallengeBid;
      expect(bid.decision).toEqual({
        outcome: 'HONOURED_WITH_CONDITIONS', rationale: 'Cheaper and well supported.', conditions: 'Annual safety inspection report.', decidedBy: { id: memberId('Wijkregisseur Anouk') },
      });
    });

    it('no longer lets the challengers withdraw after the decision', async () => {
      const { data } = await step('withdrawRightToChallengeBid', { bidId: id, rationale: 'Changed our minds.' }, as.challenger);
      expect(data.r).toMatchObject({ code: 'ILLEGAL_BID_TRANSITION', status: 'HONOURED_WITH_CONDITIONS' });
      expect(data.r.message).toContain('withdrawn only before the decision');
    });

    it('records the agreement (officials) and starts execution with a project of the same neighbourhood', async () => {
      expect(errorCode(await step('signBidAgreement', { bidId: id }, as.challenger))).toBe('FORBIDDEN');
      expect((await startExecution({ bidId: id, projectId: projectId('solar-roofs') }, as.challenger)).data.r).toMatchObject({ code: 'ILLEGAL_BID_TRANSITION', status: 'HONOURED_WITH_CONDITIONS' });
      expect((await step('signBidAgreement', { bidId: id, rationale: 'Signed for two years.' }, as.official)).data.r.bid.status).toBe('AGREEMENT_SIGNED');
      expect(errorCode(await startExecution({ bidId: id, projectId: projectId('solar-roofs') }, as.resident))).toBe('FORBIDDEN');
      expect((await startExecution({ bidId: id, projectId: projectId('park-greenery') }, as.challenger)).data.r).toMatchObject({
        __typename: 'ExecutingProjectMismatch', code: 'PROJECT_ALREADY_EXECUTES_A_BID', field: 'projectId',
      });
      const klarendal = await subgraph.db.query(
        `INSERT INTO projects.project (id, neighbourhood_id, title, summary, status, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, 'Sportveld', '', 'PROPOSED', now(), now()) RETURNING id`,
        [as.residentOfKlarendal.roles[0].neighbourhood],
      );
      expect((await startExecution({ bidId: id, projectId: klarendal[0].id }, as.challenger)).data.r).toMatchObject({ code: 'PROJECT_IN_OTHER_NEIGHBOURHOOD' });
      const { data } = await startExecution({ bidId: id, projectId: projectId('solar-roofs'), rationale: 'Executed by the solar project team.' }, as.coChallenger);
      expect(data.r.bid.status).toBe('IN_EXECUTION');
      const project = await run(`{ project(id: "${projectId('solar-roofs')}") { executes { id } } }`, {}, as.anonymous);
      expect(project.data.project.executes).toEqual({ id });
    });

    it('evaluates with a written evaluation (officials only)', async () => {
      expect(errorCode(await step('evaluateRightToChallengeBid', { bidId: id, rationale: 'Great.' }, as.challenger))).toBe('FORBIDDEN');
      expect((await step('evaluateRightToChallengeBid', { bidId: id }, as.official)).data.r).toMatchObject({ code: 'REASON_REQUIRED', field: 'rationale' });
      expect((await step('evaluateRightToChallengeBid', { bidId: id, rationale: 'Quality kept, 11% saved.' }, as.official)).data.r.bid.status).toBe('EVALUATED');
    });

    it('publishes every step on the timeline with actor, time and rationale', async () => {
      const { timeline } = (await readBid(id, as.anonymous)).data.rightToChallengeBid;
      const steps = timeline.filter((e: any) => e.action !== 'ASSESS_CRITERION');
      expect(steps).toEqual([
        { action: 'DRAFT', fromStatus: null, toStatus: 'DRAFT', actor: { id: memberId('Lezende Lotte') }, rationale: null, criterion: null },
        { action: 'SUBMIT', fromStatus: 'DRAFT', toStatus: 'SUBMITTED', actor: { id: memberId('Lezende Lotte') }, rationale: null, criterion: null },
        { action: 'START_ASSESSMENT', fromStatus: 'SUBMITTED', toStatus: 'IN_ASSESSMENT', actor: { id: memberId('Wijkregisseur Anouk') }, rationale: null, criterion: null },
        { action: 'HONOUR_WITH_CONDITIONS', fromStatus: 'IN_ASSESSMENT', toStatus: 'HONOURED_WITH_CONDITIONS', actor: { id: memberId('Wijkregisseur Anouk') }, rationale: 'Cheaper and well supported.', criterion: null },
        { action: 'SIGN_AGREEMENT', fromStatus: 'HONOURED_WITH_CONDITIONS', toStatus: 'AGREEMENT_SIGNED', actor: { id: memberId('Wijkregisseur Anouk') }, rationale: 'Signed for two years.', criterion: null },
        { action: 'START_EXECUTION', fromStatus: 'AGREEMENT_SIGNED', toStatus: 'IN_EXECUTION', actor: { id: memberId('Muzikale Mo') }, rationale: 'Executed by the solar project team.', criterion: null },
        { action: 'EVALUATE', fromStatus: 'IN_EXECUTION', toStatus: 'EVALUATED', actor: { id: memberId('Wijkregisseur Anouk') }, rationale: 'Quality kept, 11% saved.', criterion: null },
      ]);
      expect(timeline.filter((e: any) => e.action === 'ASSESS_CRITERION')).toHaveLength(7);
      expect(timeline.find((e: any) => e.criterion === 'SUPPORT')).toMatchObject({ rationale: '4/5: 102 supporters.', actor: { id: memberId('Wijkregisseur Anouk') } });
    });

    it('keeps the timeline append-only in the database itself: the service may not change it, nor may a superuser', async () => {
      for (const sql of [`UPDATE projects.bid_event SET rationale = 'rewritten' WHERE bid_id = $1`, `DELETE FROM projects.bid_event WHERE bid_id = $1`]) {
        await expect(subgraph.db.query(sql, [id])).rejects.toThrow('permission denied for table bid_event');
        await expect(subgraph.admin.query(sql, [id])).rejects.toThrow(/public record/);
      }
    });
  });

  it('takes concurrent steps one at a time: of two simultaneous submits exactly one succeeds', async () => {
    const id = (await run(DRAFT, { input: draftInput({ task: 'Zwerfvuil ruimen' }) }, as.challenger)).data.r.bid.id;
    const results = await Promise.all([
      step('submitRightToChallengeBid', { bidId: id }, as.challenger),
      step('submitRightToChallengeBid', { bidId: id }, as.coChallenger),
    ]);
    expect(results.map((r) => r.data.r.__typename).sort()).toEqual(['BidPayload', 'IllegalBidTransition']);
    const events = await subgraph.db.query(`SELECT action FROM projects.bid_event WHERE bid_id = $1 ORDER BY at`, [id]);
    expect(events.map((e: { action: string }) => e.action)).toEqual(['DRAFT', 'SUBMIT']);
  });

  it('lets no official assess or decide a bid she challenges, even with the official role', async () => {
    // Anouk is the neighbourhood's official and also a resident; she co-signs a bid of Lotte's.
    const anouk: Viewer = { memberId: memberId('Wijkregisseur Anouk'), roles: [{ role: 'official', neighbourhood: SPIJKERKWARTIER }, { role: 'resident', neighbourhood: SPIJKERKWARTIER }] };
    const joris: Viewer = { memberId: memberId('Beleidsadviseur Joris'), roles: [{ role: 'official', neighbourhood: SPIJKERKWARTIER }] };
    const id = (await run(DRAFT, { input: draftInput({ task: 'Beheer hondenuitlaatplaats', coChallengerIds: [memberId('Wijkregisseur Anouk')] }) }, as.challenger)).data.r.bid.id;
    expect((await readBid(id, anouk)).data.rightToChallengeBid.challengers.map((c: { id: string }) => c.id)).toContain(memberId('Wijkregisseur Anouk'));
    await step('submitRightToChallengeBid', { bidId: id }, as.challenger);
    const conflict = { __typename: 'ChallengerConflictOfInterest', code: 'CONFLICT_OF_INTEREST', field: 'bidId' };

    expect((await step('startBidAssessment', { bidId: id }, anouk)).data.r).toMatchObject({ ...conflict, message: expect.stringContaining('start the assessment') });
    expect((await step('startBidAssessment', { bidId: id }, joris)).data.r.bid.status).toBe('IN_ASSESSMENT');
    for (const criterion of ['SOCIAL_ADDED_VALUE', 'SUPPORT', 'COST_NOT_ABOVE_CURRENT', 'EQUAL_OR_BETTER_QUALITY', 'FEASIBILITY', 'NO_PROFIT_MOTIVE', 'CONTINUITY']) {
      expect((await assess({ bidId: id, criterion, score: 5, reason: 'Prima.' }, anouk)).data.r).toMatchObject(conflict);
    }
    expect(await subgraph.db.query(`SELECT criterion FROM projects.bid_assessment WHERE bid_id = $1`, [id])).toEqual([]);
    for (const criterion of ['SOCIAL_ADDED_VALUE', 'SUPPORT', 'COST_NOT_ABOVE_CURRENT', 'EQUAL_OR_BETTER_QUALITY', 'FEASIBILITY', 'NO_PROFIT_MOTIVE', 'CONTINUITY']) {
      await assess({ bidId: id, criterion, score: 3, reason: 'Redelijk.' }, joris);
    }
    const decided = await decide({ bidId: id, outcome: 'HONOURED', rationale: 'Mijn eigen bod is goed.' }, anouk);
    expect(decided.data.r).toMatchObject({ ...conflict, status: 'IN_ASSESSMENT', message: expect.stringContaining('honour the bid') });

    // Nothing she tried is on the record: every step was Joris's, and the bid waits for his decision.
    const bid = (await readBid(id, as.anonymous)).data.rightToChallengeBid;
    expect(bid.status).toBe('IN_ASSESSMENT');
    expect(bid.decision).toBeNull();
    expect(bid.timeline.filter((e: { actor: { id: string } }) => e.actor.id === memberId('Wijkregisseur Anouk'))).toEqual([]);
    expect((await decide({ bidId: id, outcome: 'REJECTED', rationale: 'Niet goedkoper dan nu.' }, joris)).data.r.bid.status).toBe('REJECTED');
  });

  it('lets challengers withdraw before the decision, with a rationale', async () => {
    const id = (await run(DRAFT, { input: draftInput({ task: 'Straatverlichting Spijkerstraat' }) }, as.challenger)).data.r.bid.id;
    await step('submitRightToChallengeBid', { bidId: id }, as.challenger);
    await step('startBidAssessment', { bidId: id }, as.official);
    expect((await step('withdrawRightToChallengeBid', { bidId: id }, as.coChallenger)).data.r).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(errorCode(await step('withdrawRightToChallengeBid', { bidId: id, rationale: 'No.' }, as.official))).toBe('FORBIDDEN');
    expect((await step('withdrawRightToChallengeBid', { bidId: id, rationale: 'The municipality renews the lights itself.' }, as.coChallenger)).data.r.bid.status).toBe('WITHDRAWN');
    expect((await step('submitRightToChallengeBid', { bidId: id }, as.challenger)).data.r).toMatchObject({ code: 'ILLEGAL_BID_TRANSITION', status: 'WITHDRAWN' });
  });
});
