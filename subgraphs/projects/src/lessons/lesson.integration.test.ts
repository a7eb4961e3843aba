import type { Viewer } from '@dbwe/platform';
import { as, KLARENDAL, memberId, projectId, SPIJKERKWARTIER, startProjects, type ProjectsTest } from '../testing/fixtures';

/*
 * Lessons learned, recorded by a project's participants and searchable by
 * anyone across every neighbourhood. The demo has three Spijkerkwartier
 * lessons (park greenery, neighbourhood kitchen, play street); the tests add
 * one from a Klarendal project.
 */
describe('lessons learned through the projects subgraph', () => {
  let subgraph: ProjectsTest;
  let klarendalProject: string;
  beforeAll(async () => {
    subgraph = await startProjects();
    const proposed = await subgraph.execute<any>(
      `mutation { proposeProject(input: { neighbourhoodId: "${KLARENDAL}", title: "Buurtmoestuin Klarendal", summary: "Een moestuin op een braakliggend veldje." }) { ... on ProjectPayload { project { id } } } }`,
      {},
      as.residentOfKlarendal,
    );
    klarendalProject = proposed.data!.proposeProject.project.id;
  });
  afterAll(() => subgraph?.teardown());

  const run = (query: string, variables: Record<string, unknown>, viewer: Viewer) => subgraph.execute<any>(query, variables, viewer);
  const errorCode = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.code;
  const RECORD = `mutation ($input: RecordLessonInput!) { r: recordLesson(input: $input) { __typename
    ... on LessonPayload { lesson { id title neighbourhood { id } project { id } recordedBy { id } recordedAt updatedAt } }
    ... on ProjectsError { code field } } }`;
  const SEARCH = `query ($search: String, $neighbourhoodId: ID, $first: Int, $after: String) {
    lessonsLearned(search: $search, neighbourhoodId: $neighbourhoodId, first: $first, after: $after) {
      totalCount edges { cursor node { title neighbourhood { id } project { title } } } pageInfo { hasNextPage endCursor } } }`;
  const titles = (result: any) => result.data.lessonsLearned.edges.map((e: any) => e.node.title);
  const lesson = (overrides: Record<string, unknown> = {}) => ({
    projectId: klarendalProject,
    title: 'Een moestuin groeit met een vaste ploeg en een hovenier voor het zware werk',
    whatWorked: 'Wekelijkse tuinochtend; de hovenier van de gemeente hielp bij het snoeiwerk.',
    whatDidNotWork: 'Oogst verdelen zonder afspraken leidde tot ruzie.',
    forWhom: 'Buurten met een braakliggend veldje en weinig tuinen.',
    ...overrides,
  });

  it('lets the project’s participants and the neighbourhood’s stewards record lessons, nobody else', async () => {
    expect(errorCode(await run(RECORD, { input: lesson() }, as.anonymous))).toBe('UNAUTHENTICATED');
    expect(errorCode(await run(RECORD, { input: lesson() }, as.resident))).toBe('FORBIDDEN');
    expect(errorCode(await run(RECORD, { input: lesson() }, as.steward))).toBe('FORBIDDEN');
    expect(errorCode(await run(RECORD, { input: lesson({ projectId: '00000000-0000-4000-8000-000000000000' }) }, as.residentOfKlarendal))).toBe('NOT_FOUND');
    expect((await run(RECORD, { input: lesson({ forWhom: '' }) }, as.residentOfKlarendal)).data.r).toEqual({ __typename: 'InvalidInput', code: 'TEXT_LENGTH', field: 'forWhom' });
    const { data } = await run(RECORD, { input: lesson() }, as.residentOfKlarendal);
    expect(data.r.lesson).toMatchObject({ neighbourhood: { id: KLARENDAL }, project: { id: klarendalProject }, recordedBy: { id: memberId('Buurvrouw Bep') } });
    const stewardOnPark = await run(RECORD, { input: lesson({
      projectId: projectId('repair-cafe'),
      title: 'Reparateurs blijven als ze zelf ook iets leren',
      whatWorked: 'Ervaren reparateurs leren jongeren solderen.',
      whatDidNotWork: 'Alleen maar repareren voor anderen.',
      forWhom: 'Repair Cafés met weinig vaste vrijwilligers.',
    }) }, as.steward);
    expect(stewardOnPark.data.r.__typename).toBe('LessonPayload');
  });

  it('lists every neighbourhood’s lessons newest first, or one neighbourhood’s', async () => {
    const all = await run(SEARCH, {}, as.anonymous);
    expect(all.data.lessonsLearned.totalCount).toBe(5);
    const klarendal = await run(SEARCH, { neighbourhoodId: KLARENDAL }, as.anonymous);
    expect(titles(klarendal)).toEqual(['Een moestuin groeit met een vaste ploeg en een hovenier voor het zware werk']);
    const spijker = await run(SEARCH, { neighbourhoodId: SPIJKERKWARTIER, first: 2 }, as.anonymous);
    const rest = await run(SEARCH, { neighbourhoodId: SPIJKERKWARTIER, first: 2, after: spijker.data.lessonsLearned.pageInfo.endCursor }, as.anonymous);
    expect([...titles(spijker), ...titles(rest)]).toHaveLength(4);
    expect(new Set([...titles(spijker), ...titles(rest)]).size).toBe(4);
  });

  it('finds lessons across neighbourhoods by Dutch word forms, best match first', async () => {
    // "hoveniers" stems like "hovenier": both the Lindenplein and the Klarendal lessons mention one, in title or text.
    const result = await run(SEARCH, { search: 'hoveniers' }, as.anonymous);
    expect(result.data.lessonsLearned.totalCount).toBe(2);
    expect(result.data.lessonsLearned.edges.map((e: any) => e.node.neighbourhood.id).sort()).toEqual([SPIJKERKWARTIER, KLARENDAL].sort());
    // The Klarendal lesson has the word in its title, which weighs more.
    expect(titles(result)[0]).toBe('Een moestuin groeit met een vaste ploeg en een hovenier voor het zware werk');
  });

  it('supports web-search syntax: phrases and exclusions', async () => {
    expect(titles(await run(SEARCH, { search: '"vaste kookploeg"' }, as.anonymous))).toEqual(['Een buurtmaaltijd draait op een vaste kookploeg, niet op losse vrijwilligers']);
    expect((await run(SEARCH, { search: 'ontheffing' }, as.anonymous)).data.lessonsLearned.totalCount).toBe(1);
    expect((await run(SEARCH, { search: 'hovenier -moestuin' }, as.anonymous)).data.lessonsLearned.totalCount).toBe(1);
    expect((await run(SEARCH, { search: 'zwembad' }, as.anonymous)).data.lessonsLearned.totalCount).toBe(0);
  });

  it('pages search results without repeating or skipping', async () => {
    const first = await run(SEARCH, { search: 'vaste', first: 1 }, as.anonymous);
    // Park greenery, neighbourhood kitchen, the repair café and the Klarendal garden all speak of "vaste" (steady) people.
    expect(first.data.lessonsLearned.totalCount).toBe(4);
    const seen = [...titles(first)];
    let after = first.data.lessonsLearned.pageInfo.endCursor;
    while (after) {
      const next = await run(SEARCH, { search: 'vaste', first: 1, after }, as.anonymous);
      seen.push(...titles(next));
      after = next.data.lessonsLearned.pageInfo.hasNextPage ? next.data.lessonsLearned.pageInfo.endCursor : null;
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    // A cursor of the plain listing is not one of the search.
    const plain = await run(SEARCH, { first: 1 }, as.anonymous);
    expect(errorCode(await run(SEARCH, { search: 'vaste', after: plain.data.lessonsLearned.pageInfo.endCursor }, as.anonymous))).toBe('BAD_USER_INPUT');
  });
});
