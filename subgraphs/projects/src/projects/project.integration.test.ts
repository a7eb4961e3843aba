import type { Viewer } from '@dbwe/platform';
import { as, KLARENDAL, memberId, projectId, SPIJKERKWARTIER, themeId, wishId, startProjects, type ProjectsTest } from '../testing/fixtures';

/*
 * Projects through the real subgraph server on real PostgreSQL, with the demo
 * data: five Spijkerkwartier projects (park-greenery and repair-cafe ACTIVE,
 * neighbourhood-kitchen COMPLETED, solar-roofs PROPOSED, play-street CANCELLED),
 * with milestones, participants, adopted wishes and lessons.
 */
describe('projects through the projects subgraph', () => {
  let subgraph: ProjectsTest;
  beforeAll(async () => {
    subgraph = await startProjects();
  });
  afterAll(() => subgraph?.teardown());

  const run = (query: string, variables: Record<string, unknown>, viewer: Viewer) => subgraph.execute<any>(query, variables, viewer);
  const errorCode = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.code;
  const OUTCOME = `__typename ... on ProjectPayload { project { id status updatedAt } } ... on ProjectsError { code message field }`;
  const mutate = (name: string, type: string, input: Record<string, unknown>, viewer: Viewer, selection = OUTCOME) =>
    run(`mutation ($input: ${type}!) { r: ${name}(input: $input) { ${selection} } }`, { input }, viewer);
  const countRows = async (table: string) => Number((await subgraph.db.query(`SELECT count(*) AS n FROM projects.${table}`))[0].n);
  const neighbourhoodProjects = (args: string, viewer: Viewer = as.anonymous) =>
    run(`{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood {
      projects(${args}) { totalCount edges { cursor node { title status } } pageInfo { hasNextPage endCursor } } } } }`, {}, viewer);

  describe('reading', () => {
    it('shows a project with themes, wishes, participants, milestones, timeline and lessons to anyone', async () => {
      const { data, errors } = await run(
        `query ($id: ID!) { project(id: $id) {
          title status plannedStart plannedEnd neighbourhood { id } themes { id } originatingWishes { id } coordinator { id }
          participants { member { id } role joinedAt } milestones { title plannedOn reached reachedOn }
          timeline { kind fromStatus toStatus actor { id } reason milestone { title } wish { id } }
          lessons { title forWhom recordedBy { id } } executes { status } createdAt updatedAt } }`,
        { id: projectId('park-greenery') },
        as.anonymous,
      );
      expect(errors).toBeUndefined();
      const p = data.project;
      expect(p).toMatchObject({
        title: 'Groenonderhoud Lindenplein',
        status: 'ACTIVE',
        plannedStart: '2025-04-01',
        plannedEnd: '2027-03-31',
        neighbourhood: { id: SPIJKERKWARTIER },
        themes: [{ id: themeId('groen') }, { id: themeId('ontmoeting') }],
        originatingWishes: [{ id: wishId('groen-lindenplein') }],
        coordinator: { id: memberId('Tuinman Teun') },
        executes: { status: 'IN_EXECUTION' },
      });
      expect(p.participants[0]).toMatchObject({ member: { id: memberId('Tuinman Teun') }, role: 'COORDINATOR' });
      expect(p.participants.map((x: any) => x.role)).toEqual(['COORDINATOR', 'VOLUNTEER', 'VOLUNTEER', 'SUPPLIER', 'PARTNER']);
      expect(p.milestones.map((m: any) => m.reached)).toEqual([true, true, true, false]);
      expect(p.milestones[3]).toEqual({ title: 'Evaluatie eerste jaar met de gemeente', plannedOn: '2026-04-15', reached: false, reachedOn: null });
      expect(p.timeline.map((e: any) => e.kind)).toEqual(['PROPOSED', 'WISH_ADOPTED', 'MILESTONE_REACHED', 'STATUS_CHANGED', 'MILESTONE_REACHED', 'MILESTONE_REACHED']);
      expect(p.timeline[3]).toMatchObject({ fromStatus: 'PROPOSED', toStatus: 'ACTIVE', actor: { id: memberId('Tuinman Teun') } });
      expect(p.timeline[3].reason).toContain('uitdaagrecht');
      expect(p.lessons).toHaveLength(1);
    });

    it('returns null for an unknown or malformed id', async () => {
      const { data } = await run(`{ a: project(id: "00000000-0000-4000-8000-000000000000") { id } b: project(id: "nope") { id } }`, {}, as.anonymous);
      expect(data).toEqual({ a: null, b: null });
    });

    it('pages a neighbourhood’s projects newest first with stable cursors', async () => {
      const first = (await neighbourhoodProjects('first: 2')).data._entities[0].projects;
      expect(first.totalCount).toBe(5);
      expect(first.edges.map((e: any) => e.node.title)).toEqual(['Zon op Spijkerdaken', 'Speelstraat Spijkerstraat']);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = (await neighbourhoodProjects(`first: 10, after: "${first.pageInfo.endCursor}"`)).data._entities[0].projects;
      expect(second.edges.map((e: any) => e.node.title)).toEqual(['Buurtkeuken', 'Repair Café Spijkerkwartier', 'Groenonderhoud Lindenplein']);
      expect(second.pageInfo.hasNextPage).toBe(false);
    });

    it.each([
      ['status: ACTIVE', ['Repair Café Spijkerkwartier', 'Groenonderhoud Lindenplein']],
      [`theme: "${themeId('zorg')}"`, ['Buurtkeuken']],
      [`theme: "${themeId('ontmoeting')}", status: CANCELLED`, ['Speelstraat Spijkerstraat']],
      ['plannedFrom: "2026-01-01"', ['Zon op Spijkerdaken', 'Repair Café Spijkerkwartier', 'Groenonderhoud Lindenplein']],
      ['plannedUntil: "2025-02-28"', ['Buurtkeuken']],
      ['plannedFrom: "2025-06-01", plannedUntil: "2025-06-30"', ['Speelstraat Spijkerstraat', 'Buurtkeuken', 'Repair Café Spijkerkwartier', 'Groenonderhoud Lindenplein']],
    ])('filters by %s', async (args, titles) => {
      const { data } = await neighbourhoodProjects(args);
      expect(data._entities[0].projects.edges.map((e: any) => e.node.title)).toEqual(titles);
      expect(data._entities[0].projects.totalCount).toBe(titles.length);
    });

    it.each(['first: 101', 'first: -1', 'after: "garbage"', 'theme: "green"', 'plannedFrom: "2026-01-01", plannedUntil: "2025-01-01"'])('refuses %s', async (args) => {
      expect(errorCode(await neighbourhoodProjects(args))).toBe('BAD_USER_INPUT');
    });

    it('resolves Project, Wish, Member and Neighbourhood references with _entities', async () => {
      const { data, errors } = await run(
        `query ($reps: [_Any!]!) { _entities(representations: $reps) {
          ... on Project { title }
          ... on Wish { id wishProjects: projects { id title } }
          ... on Member { id memberProjects: projects(first: 10) { totalCount edges { node { title } } } }
          ... on Neighbourhood { proposed: projects(status: PROPOSED) { totalCount } } } }`,
        {
          reps: [
            { __typename: 'Project', id: projectId('repair-cafe') },
            { __typename: 'Wish', id: wishId('groen-lindenplein') },
            { __typename: 'Wish', id: wishId('veilige-schoolroute') },
            { __typename: 'Member', id: memberId('Oma Ria') },
            { __typename: 'Neighbourhood', id: SPIJKERKWARTIER },
            { __typename: 'Project', id: 'nope' },
          ],
        },
        as.anonymous,
      );
      expect(errors).toBeUndefined();
      expect(data._entities).toEqual([
        { title: 'Repair Café Spijkerkwartier' },
        { id: wishId('groen-lindenplein'), wishProjects: [{ id: projectId('park-greenery'), title: 'Groenonderhoud Lindenplein' }] },
        { id: wishId('veilige-schoolroute'), wishProjects: [] },
        { id: memberId('Oma Ria'), memberProjects: { totalCount: 2, edges: [{ node: { title: 'Buurtkeuken' } }, { node: { title: 'Groenonderhoud Lindenplein' } }] } },
        { proposed: { totalCount: 1 } },
        null,
      ]);
    });

    it('loads nested lists in batches, not per project', async () => {
      const before = subgraph.queries.count;
      const { errors } = await run(
        `{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { projects(first: 100) { edges { node {
          themes { id } originatingWishes { id } participants { member { id } } milestones { id } timeline { milestone { id } } lessons { id } executes { id challengers { id } } } } } } } }`,
        {},
        as.anonymous,
      );
      expect(errors).toBeUndefined();
      // count + page, then one query per nested list, whatever the number of projects.
      expect(subgraph.queries.count - before).toBeLessThanOrEqual(10);
    });
  });

  describe('proposing', () => {
    const input = (overrides: Record<string, unknown> = {}) => ({
      neighbourhoodId: SPIJKERKWARTIER,
      title: 'Veilige schoolroute',
      summary: 'Samen met De Wijkwijzer een veilige fietsroute naar school.',
      themeIds: [themeId('veiligheid')],
      originatingWishes: [{ wishId: wishId('veilige-schoolroute'), neighbourhoodId: SPIJKERKWARTIER }],
      plannedStart: '2026-03-01',
      plannedEnd: '2026-09-01',
      milestones: [{ title: 'Route geschouwd met ouders', plannedOn: '2026-04-01' }],
      ...overrides,
    });

    it('needs a signed-in resident or steward of the neighbourhood', async () => {
      expect(errorCode(await mutate('proposeProject', 'ProposeProjectInput', input(), as.anonymous))).toBe('UNAUTHENTICATED');
      expect(errorCode(await mutate('proposeProject', 'ProposeProjectInput', input(), as.residentOfKlarendal))).toBe('FORBIDDEN');
      expect(errorCode(await mutate('proposeProject', 'ProposeProjectInput', input(), as.official))).toBe('FORBIDDEN');
    });

    it.each([
      [{ plannedEnd: '2026-02-01' }, 'DatesOutOfOrder', 'END_BEFORE_START', 'plannedEnd'],
      [{ title: '' }, 'InvalidInput', 'TEXT_LENGTH', 'title'],
      [{ title: 'x'.repeat(201) }, 'InvalidInput', 'TEXT_LENGTH', 'title'],
      [{ originatingWishes: [{ wishId: wishId('sportveld-klarendal'), neighbourhoodId: KLARENDAL }] }, 'WishInOtherNeighbourhood', 'WISH_IN_OTHER_NEIGHBOURHOOD', 'wishes'],
    ])('refuses %j with %s and writes nothing', async (overrides, typename, code, field) => {
      const before = [await countRows('project'), await countRows('project_wish'), await countRows('project_event')];
      const { data } = await mutate('proposeProject', 'ProposeProjectInput', input(overrides), as.resident);
      expect(data.r).toMatchObject({ __typename: typename, code, field });
      expect([await countRows('project'), await countRows('project_wish'), await countRows('project_event')]).toEqual(before);
    });

    it('names the wish from another neighbourhood', async () => {
      const { data } = await mutate('proposeProject', 'ProposeProjectInput', input({ originatingWishes: [{ wishId: wishId('sportveld-klarendal'), neighbourhoodId: KLARENDAL }] }), as.resident,
        `... on WishInOtherNeighbourhood { message wish { id } }`);
      expect(data.r.wish).toEqual({ id: wishId('sportveld-klarendal') });
      expect(data.r.message).toContain('of its own neighbourhood');
    });

    it('proposes: the proposer coordinates, the wish is adopted, the timeline starts', async () => {
      const { data, errors } = await mutate('proposeProject', 'ProposeProjectInput', input(), as.resident,
        `... on ProjectPayload { project { status coordinator { id } participants { member { id } role } themes { id } originatingWishes { id }
          milestones { title reached } timeline { kind toStatus actor { id } wish { id } } } }`);
      expect(errors).toBeUndefined();
      expect(data.r.project).toEqual({
        status: 'PROPOSED',
        coordinator: { id: memberId('Fietsende Fenna') },
        participants: [{ member: { id: memberId('Fietsende Fenna') }, role: 'COORDINATOR' }],
        themes: [{ id: themeId('veiligheid') }],
        originatingWishes: [{ id: wishId('veilige-schoolroute') }],
        milestones: [{ title: 'Route geschouwd met ouders', reached: false }],
        timeline: [
          { kind: 'PROPOSED', toStatus: 'PROPOSED', actor: { id: memberId('Fietsende Fenna') }, wish: null },
          { kind: 'WISH_ADOPTED', toStatus: null, actor: { id: memberId('Fietsende Fenna') }, wish: { id: wishId('veilige-schoolroute') } },
        ],
      });
      const wish = await run(`{ _entities(representations: [{ __typename: "Wish", id: "${wishId('veilige-schoolroute')}" }]) { ... on Wish { projects { title } } } }`, {}, as.anonymous);
      expect(wish.data._entities[0].projects).toEqual([{ title: 'Veilige schoolroute' }]);
    });

    it('also refuses a foreign wish in the database itself', async () => {
      await expect(
        subgraph.db.query(`INSERT INTO projects.project_wish (project_id, wish_id, wish_neighbourhood_id, adopted_by) VALUES ($1, gen_random_uuid(), $2, gen_random_uuid())`, [
          projectId('solar-roofs'),
          KLARENDAL,
        ]),
      ).rejects.toThrow(/project_wish_same_neighbourhood/);
    });
  });

  describe('running a project', () => {
    let id: string;
    beforeAll(async () => {
      const { data } = await mutate('proposeProject', 'ProposeProjectInput', { neighbourhoodId: SPIJKERKWARTIER, title: 'Geveltuinen', summary: 'Geveltuintjes in de hele wijk.', plannedStart: '2026-04-01' }, as.challenger);
      id = data.r.project.id;
    });

    it('lets the coordinator or a steward change the plan, and checks the dates against what is stored', async () => {
      expect(errorCode(await mutate('updateProject', 'UpdateProjectInput', { projectId: id, title: 'Mine' }, as.resident))).toBe('FORBIDDEN');
      expect(errorCode(await mutate('updateProject', 'UpdateProjectInput', { projectId: id, title: 'Mine' }, as.official))).toBe('FORBIDDEN');
      expect((await mutate('updateProject', 'UpdateProjectInput', { projectId: id, plannedEnd: '2026-03-01' }, as.challenger)).data.r).toMatchObject({
        __typename: 'DatesOutOfOrder', code: 'END_BEFORE_START', field: 'plannedEnd',
      });
      const { data } = await mutate('updateProject', 'UpdateProjectInput', { projectId: id, plannedEnd: '2026-10-01', themeIds: [themeId('groen')] }, as.steward,
        `... on ProjectPayload { project { plannedStart plannedEnd themes { id } } }`);
      expect(data.r.project).toEqual({ plannedStart: '2026-04-01', plannedEnd: '2026-10-01', themes: [{ id: themeId('groen') }] });
    });

    it('enforces the lifecycle and publishes each change with who and why', async () => {
      const change = (status: string, reason: string, viewer: Viewer) => mutate('changeProjectStatus', 'ChangeProjectStatusInput', { projectId: id, status, reason }, viewer);
      expect(errorCode(await change('ACTIVE', 'Go.', as.anonymous))).toBe('UNAUTHENTICATED');
      expect(errorCode(await change('ACTIVE', 'Go.', as.resident))).toBe('FORBIDDEN');
      expect(errorCode(await change('ACTIVE', 'Go.', as.officialOfOtherMunicipality))).toBe('FORBIDDEN');
      expect((await change('COMPLETED', 'Done.', as.challenger)).data.r).toEqual({
        __typename: 'ProjectRuleViolation', code: 'ILLEGAL_PROJECT_TRANSITION', field: 'status', message: 'A PROPOSED project can become ACTIVE or CANCELLED, not COMPLETED.',
      });
      expect((await change('ACTIVE', '  ', as.challenger)).data.r).toMatchObject({ code: 'REASON_REQUIRED', field: 'reason' });
      expect((await change('ACTIVE', 'Twenty households signed up.', as.challenger)).data.r.project.status).toBe('ACTIVE');
      expect((await change('CANCELLED', 'The housing corporation withdrew its permission.', as.steward)).data.r.project.status).toBe('CANCELLED');
      expect((await change('ACTIVE', 'Try again.', as.steward)).data.r).toMatchObject({ code: 'ILLEGAL_PROJECT_TRANSITION', message: 'A CANCELLED project is final; it cannot become ACTIVE.' });
      const { data } = await run(`{ project(id: "${id}") { timeline { kind fromStatus toStatus actor { id } reason } } }`, {}, as.anonymous);
      expect(data.project.timeline.filter((e: any) => e.kind === 'STATUS_CHANGED')).toEqual([
        { kind: 'STATUS_CHANGED', fromStatus: 'PROPOSED', toStatus: 'ACTIVE', actor: { id: memberId('Lezende Lotte') }, reason: 'Twenty households signed up.' },
        { kind: 'STATUS_CHANGED', fromStatus: 'ACTIVE', toStatus: 'CANCELLED', actor: { id: memberId('Penningmeester Pieter') }, reason: 'The housing corporation withdrew its permission.' },
      ]);
      // Not by the service (it may only add events), and not by a superuser either.
      await expect(subgraph.db.query(`DELETE FROM projects.project_event WHERE project_id = $1`, [id])).rejects.toThrow('permission denied for table project_event');
      await expect(subgraph.admin.query(`DELETE FROM projects.project_event WHERE project_id = $1`, [id])).rejects.toThrow(/public record/);
    });
  });

  describe('participants, milestones and wishes', () => {
    const repair = projectId('repair-cafe');
    const solar = projectId('solar-roofs');
    const PARTICIPANTS = `... on ProjectPayload { project { participants { member { id } role } } } ... on ProjectsError { code field }`;

    it('lets a resident join and leave, and the coordinator or a steward add others', async () => {
      const add = (memberIdToAdd: string, role: string, viewer: Viewer) => mutate('addProjectParticipant', 'AddParticipantInput', { projectId: repair, memberId: memberIdToAdd, role }, viewer, PARTICIPANTS);
      expect(errorCode(await add(memberId('Fietsende Fenna'), 'VOLUNTEER', as.anonymous))).toBe('UNAUTHENTICATED');
      expect(errorCode(await add(memberId('Yoga Yara'), 'VOLUNTEER', as.resident))).toBe('FORBIDDEN');
      expect(errorCode(await add(memberId('Buurvrouw Bep'), 'VOLUNTEER', as.residentOfKlarendal))).toBe('FORBIDDEN');
      expect(errorCode(await add(memberId('Yoga Yara'), 'COORDINATOR', as.steward))).toBe('BAD_USER_INPUT');
      const joined = (await add(memberId('Fietsende Fenna'), 'VOLUNTEER', as.resident)).data.r.project.participants;
      expect(joined.at(-1)).toEqual({ member: { id: memberId('Fietsende Fenna') }, role: 'VOLUNTEER' });
      expect((await add(memberId('Fietsende Fenna'), 'ADVISOR', as.resident)).data.r).toEqual({ code: 'ALREADY_PARTICIPATING', field: 'memberId' });
      expect((await add(memberId('Yoga Yara'), 'VOLUNTEER', as.steward)).data.r.project.participants).toHaveLength(6);

      const member = await run(`{ _entities(representations: [{ __typename: "Member", id: "${memberId('Fietsende Fenna')}" }]) { ... on Member { projects { edges { node { title } } } } } }`, {}, as.anonymous);
      // Fenna also coordinates the project she proposed above.
      expect(member.data._entities[0].projects.edges).toEqual([{ node: { title: 'Veilige schoolroute' } }, { node: { title: 'Repair Café Spijkerkwartier' } }]);

      const remove = (memberIdToRemove: string, viewer: Viewer) => mutate('removeProjectParticipant', 'RemoveParticipantInput', { projectId: repair, memberId: memberIdToRemove }, viewer, PARTICIPANTS);
      expect(errorCode(await remove(memberId('Yoga Yara'), as.resident))).toBe('FORBIDDEN');
      expect((await remove(memberId('Klusser Kees'), as.steward)).data.r).toEqual({ code: 'COORDINATOR_CANNOT_LEAVE', field: 'memberId' });
      expect((await remove(memberId('Fietsende Fenna'), as.resident)).data.r.project.participants).toHaveLength(5);
      expect(errorCode(await remove(memberId('Fietsende Fenna'), as.resident))).toBe('NOT_FOUND');
    });

    it('plans milestones and records them as reached only while the project is active, once', async () => {
      const MILESTONE = `... on MilestonePayload { milestone { id title reached reachedOn reachedNote } project { timeline { kind milestone { title } reason } } } ... on ProjectsError { code field }`;
      expect(errorCode(await mutate('addMilestone', 'AddMilestoneInput', { projectId: repair, milestone: { title: 'x', plannedOn: '2026-01-01' } }, as.resident, MILESTONE))).toBe('FORBIDDEN');
      expect((await mutate('addMilestone', 'AddMilestoneInput', { projectId: repair, milestone: { title: '', plannedOn: '2026-01-01' } }, as.steward, MILESTONE)).data.r).toEqual({
        code: 'TEXT_LENGTH', field: 'milestone.title',
      });
      const planned = (await mutate('addMilestone', 'AddMilestoneInput', { projectId: repair, milestone: { title: 'Tweehonderdste reparatie', plannedOn: '2026-06-01' } }, as.steward, MILESTONE)).data.r;
      expect(planned.milestone).toMatchObject({ title: 'Tweehonderdste reparatie', reached: false, reachedOn: null });

      const reach = (milestoneId: string, viewer: Viewer) =>
        mutate('reachMilestone', 'ReachMilestoneInput', { milestoneId, reachedOn: '2026-05-02', note: 'Een stofzuiger uit 1982.' }, viewer, MILESTONE);
      expect(errorCode(await reach(planned.milestone.id, as.resident))).toBe('FORBIDDEN');
      const reached = (await reach(planned.milestone.id, as.steward)).data.r;
      expect(reached.milestone).toMatchObject({ reached: true, reachedOn: '2026-05-02', reachedNote: 'Een stofzuiger uit 1982.' });
      expect(reached.project.timeline.at(-1)).toEqual({ kind: 'MILESTONE_REACHED', milestone: { title: 'Tweehonderdste reparatie' }, reason: 'Een stofzuiger uit 1982.' });
      expect((await reach(planned.milestone.id, as.steward)).data.r).toEqual({ code: 'MILESTONE_ALREADY_REACHED', field: 'milestoneId' });

      const solarMilestone = (await run(`{ project(id: "${solar}") { milestones { id } } }`, {}, as.anonymous)).data.project.milestones[0].id;
      expect((await reach(solarMilestone, as.steward)).data.r).toEqual({ code: 'PROJECT_NOT_ACTIVE', field: 'milestoneId' });
      expect(errorCode(await reach('00000000-0000-4000-8000-000000000000', as.steward))).toBe('NOT_FOUND');
    });

    it('adopts a wish of its own neighbourhood once, and refuses one from elsewhere', async () => {
      const adopt = (wish: Record<string, string>, viewer: Viewer) => mutate('adoptWish', 'AdoptWishInput', { projectId: solar, wish }, viewer,
        `... on ProjectPayload { project { originatingWishes { id } } } ... on ProjectsError { code field }`);
      const ownWish = { wishId: wishId('straatfeest-2024'), neighbourhoodId: SPIJKERKWARTIER };
      expect(errorCode(await adopt(ownWish, as.resident))).toBe('FORBIDDEN');
      expect((await adopt({ wishId: wishId('kringloop-leerplekken'), neighbourhoodId: KLARENDAL }, as.steward)).data.r).toEqual({ code: 'WISH_IN_OTHER_NEIGHBOURHOOD', field: 'wishes' });
      const expected = [{ id: wishId('zonnedaken') }, { id: wishId('straatfeest-2024') }];
      expect((await adopt(ownWish, as.steward)).data.r.project.originatingWishes).toEqual(expected);
      const events = await countRows('project_event');
      expect((await adopt(ownWish, as.steward)).data.r.project.originatingWishes).toEqual(expected);
      expect(await countRows('project_event')).toBe(events);
    });
  });
});
