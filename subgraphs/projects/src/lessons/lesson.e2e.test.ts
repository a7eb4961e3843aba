import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { INVENTED, KLARENDAL, SPIJKERKWARTIER, tokenOf } from '../../../../test/people';
import { parseCsv } from '../../../../test/csv';

/*
 * Lessons that travel, through the real gateway with the demo data. The demo
 * has three Spijkerkwartier lessons; park greenery is about groen and
 * ontmoeting and links a film. The tests record one more Spijkerkwartier
 * lesson (repair café: groen, economie, a film and a web page) and one from a
 * new Klarendal project (Klarendal's own theme groen). Themes are checked in
 * the public graph (a theme of the lesson's own neighbourhood only), links are
 * https only; a refused lesson writes nothing. Filtering by the slug groen
 * finds the lessons of both neighbourhoods; the exports carry themes and media.
 */
let platform: RunningPlatform;
beforeAll(async () => {
  platform = await startPlatform({ seed: ['community', 'projects'] });
});
afterAll(() => platform?.stop());

const theme = (neighbourhood: string, slug: string) => stableId(`theme:${neighbourhood}:${slug}`);
const repairCafe = stableId('project:repair-cafe');
const steward = () => tokenOf(platform, 'Penningmeester Pieter', ['resident', 'steward'], SPIJKERKWARTIER);
const sven = () => tokenOf(platform, 'Sportieve Sven', ['resident'], KLARENDAL);

const LESSON = `id title neighbourhood { slug } themes { themeId slug theme { name neighbourhood { slug } } } media { url kind title position }`;
const RECORD = `mutation ($input: RecordLessonInput!) { r: recordLesson(input: $input) { __typename
  ... on LessonPayload { lesson { ${LESSON} } }
  ... on ProjectsError { code field }
  ... on InvalidMediaUrl { url }
  ... on ThemeNotInNeighbourhood { themeId } } }`;
async function record(input: Record<string, unknown>, token: string) {
  const { body } = await platform.query<any>(RECORD, { input }, { token });
  expect(body.errors).toBeUndefined();
  return body.data.r;
}
const lesson = (overrides: Record<string, unknown> = {}) => ({
  projectId: repairCafe,
  title: 'Een Repair Café houdt spullen uit de container en reparateurs in de wijk',
  whatWorked: 'Een vaste zaterdag per maand en een lijst met wie wat kan repareren.',
  whatDidNotWork: 'Onderdelen zelf inkopen: te duur voor een enkel apparaat.',
  forWhom: 'Buurten met een buurthuis en handige bewoners.',
  themeIds: [theme('spijkerkwartier', 'groen'), theme('spijkerkwartier', 'economie')],
  media: [
    { url: 'https://example.org/films/werkprincipes/repair-cafe', kind: 'VIDEO', title: 'Film: het Repair Café aan de Spijkerstraat' },
    { url: 'https://example.org/repair-cafe', kind: 'WEBPAGE', title: 'Zo begin je een Repair Café' },
  ],
  ...overrides,
});
const count = async (table: string) => Number((await platform.subgraphs.projects.admin.query(`SELECT count(*) AS n FROM projects.${table}`))[0].n);
const counts = async () => ({ lessons: await count('lesson'), themes: await count('lesson_theme'), media: await count('lesson_media') });

describe('recording a lesson with themes and media', () => {
  it('stores the themes of the project\'s neighbourhood, with their slugs, and the links in order', async () => {
    const recorded = await record(lesson(), await steward());
    expect(recorded.__typename).toBe('LessonPayload');
    expect(recorded.lesson).toMatchObject({
      neighbourhood: { slug: 'spijkerkwartier' },
      themes: [
        { themeId: theme('spijkerkwartier', 'groen'), slug: 'groen', theme: { name: 'Groen', neighbourhood: { slug: 'spijkerkwartier' } } },
        { themeId: theme('spijkerkwartier', 'economie'), slug: 'economie', theme: { name: 'Economie', neighbourhood: { slug: 'spijkerkwartier' } } },
      ],
      media: [
        { url: 'https://example.org/films/werkprincipes/repair-cafe', kind: 'VIDEO', title: 'Film: het Repair Café aan de Spijkerstraat', position: 0 },
        { url: 'https://example.org/repair-cafe', kind: 'WEBPAGE', title: 'Zo begin je een Repair Café', position: 1 },
      ],
    });
    const { body } = await platform.query<any>(`query ($id: ID!) { project(id: $id) { lessons { id themes { slug } media { kind } } } }`, { id: repairCafe });
    expect(body.data.project.lessons).toContainEqual({ id: recorded.lesson.id, themes: [{ slug: 'groen' }, { slug: 'economie' }], media: [{ kind: 'VIDEO' }, { kind: 'WEBPAGE' }] });
  });

  it.each([
    ['a theme of Klarendal', [theme('spijkerkwartier', 'zorg'), theme('klarendal', 'groen')], 'themeIds.1'],
    ['an invented theme', [INVENTED], 'themeIds.0'],
    ['no id at all', ['groen'], 'themeIds.0'],
  ])('refuses %s with ThemeNotInNeighbourhood and writes nothing', async (_case, themeIds, field) => {
    const before = await counts();
    expect(await record(lesson({ themeIds }), await steward())).toEqual({
      __typename: 'ThemeNotInNeighbourhood', code: 'THEME_NOT_IN_NEIGHBOURHOOD', field, themeId: themeIds[Number(field.split('.')[1])],
    });
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['plain http', 'http://example.org/films/repair-cafe'],
    ['a password in the link', 'https://pieter:geheim@example.org/films/repair-cafe'],
    ['no host', 'https:///films/repair-cafe'],
    ['not a URL', 'de film op YouTube'],
    ['over 2048 characters', `https://example.org/${'x'.repeat(2040)}`],
  ])('refuses a link with %s with InvalidMediaUrl naming the field, and writes nothing', async (_case, url) => {
    const before = await counts();
    const media = [lesson().media[0], { url, kind: 'VIDEO', title: 'De film' }];
    expect(await record(lesson({ media }), await steward())).toEqual({ __typename: 'InvalidMediaUrl', code: 'INVALID_URL', field: 'media.1.url', url });
    expect(await counts()).toEqual(before);
  });

  it('refuses more than ten themes or links, and an empty link title', async () => {
    const before = await counts();
    const eleven = Array.from({ length: 11 }, (_, i) => ({ url: `https://example.org/films/${i}`, kind: 'VIDEO', title: `Deel ${i + 1}` }));
    expect(await record(lesson({ media: eleven }), await steward())).toEqual({ __typename: 'InvalidInput', code: 'INVALID_COUNT', field: 'media' });
    const elevenThemes = Array.from({ length: 11 }, (_, i) => stableId(`theme:spijkerkwartier:bedacht-${i}`));
    expect(await record(lesson({ themeIds: elevenThemes }), await steward())).toEqual({ __typename: 'InvalidInput', code: 'INVALID_COUNT', field: 'themeIds' });
    expect(await record(lesson({ media: [{ url: 'https://example.org/film', kind: 'VIDEO', title: ' ' }] }), await steward())).toEqual({
      __typename: 'InvalidInput', code: 'TEXT_LENGTH', field: 'media.0.title',
    });
    expect(await counts()).toEqual(before);
  });
});

describe('lessons across neighbourhoods by theme', () => {
  let klarendalLesson: string;
  beforeAll(async () => {
    const token = await sven();
    const proposed = await platform.query<any>(
      `mutation ($input: ProposeProjectInput!) { proposeProject(input: $input) { ... on ProjectPayload { project { id } } } }`,
      { input: { neighbourhoodId: KLARENDAL, title: 'Geveltuinen Klarendal', summary: 'Stoeptegels eruit, planten erin.', themeIds: [theme('klarendal', 'groen')] } },
      { token },
    );
    const projectId = proposed.body.data.proposeProject.project.id;
    const recorded = await record({
      projectId,
      title: 'Geveltuinen lukken als de gemeente de tegels ophaalt',
      whatWorked: 'Een tegelwipdag met de gemeente en planten van de kweker om de hoek.',
      whatDidNotWork: 'Bewoners zelf de tegels laten afvoeren.',
      forWhom: 'Straten zonder voortuinen.',
      themeIds: [theme('klarendal', 'groen')],
      media: [{ url: 'https://example.org/films/werkprincipes/geveltuinen', kind: 'VIDEO', title: 'Film: tegelwippen in Klarendal' }],
    }, token);
    klarendalLesson = recorded.lesson.id;
  });

  const LIST = `query ($themeId: ID, $themeSlug: String, $neighbourhoodId: ID, $first: Int, $after: String) {
    lessonsLearned(themeId: $themeId, themeSlug: $themeSlug, neighbourhoodId: $neighbourhoodId, first: $first, after: $after) {
      totalCount edges { node { id title recordedAt neighbourhood { slug } themes { slug } } } pageInfo { hasNextPage endCursor } } }`;
  const list = async (variables: Record<string, unknown>) => {
    const { body } = await platform.query<any>(LIST, variables);
    expect(body.errors).toBeUndefined();
    return body.data.lessonsLearned;
  };

  it('finds every neighbourhood\'s lessons on groen by the slug, newest first, page by page', async () => {
    const groen = await list({ themeSlug: 'groen' });
    // The demo's park greenery, the repair café recorded above, and Klarendal's façade gardens.
    expect(groen.totalCount).toBe(3);
    const nodes = groen.edges.map((e: any) => e.node);
    expect(new Set(nodes.map((n: any) => n.neighbourhood.slug))).toEqual(new Set(['spijkerkwartier', 'klarendal']));
    expect(nodes.every((n: any) => n.themes.some((t: any) => t.slug === 'groen'))).toBe(true);
    const times = nodes.map((n: any) => n.recordedAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(nodes[0].id).toBe(klarendalLesson);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await list({ themeSlug: 'GROEN', first: 1, after });
      seen.push(...page.edges.map((e: any) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(nodes.map((n: any) => n.id));
  });

  it('narrows to one neighbourhood\'s theme by id, or by slug and neighbourhood', async () => {
    const byId = await list({ themeId: theme('klarendal', 'groen') });
    expect(byId.edges.map((e: any) => e.node.id)).toEqual([klarendalLesson]);
    const spijker = await list({ themeSlug: 'groen', neighbourhoodId: SPIJKERKWARTIER });
    expect(spijker.totalCount).toBe(2);
    expect(spijker.edges.every((e: any) => e.node.neighbourhood.slug === 'spijkerkwartier')).toBe(true);
    expect((await list({ themeSlug: 'ontmoeting' })).totalCount).toBe(3);
    expect((await list({ themeSlug: 'onbekend' })).totalCount).toBe(0);
    expect((await list({ themeId: 'geen-id' })).totalCount).toBe(0);
  });
});

describe('the lessons in the exports', () => {
  const csv = async (neighbourhood: string, table: string) => {
    const response = await fetch(new URL(`/export/v1/neighbourhoods/${neighbourhood}/${table}.csv`, platform.gatewayUrl));
    expect(response.status).toBe(200);
    return parseCsv(await response.text());
  };

  it('exports each neighbourhood\'s lessons with their themes and media', async () => {
    const parkLesson = stableId('lesson:park-greenery:Groenonderhoud overnemen lukt met een vaste hovenier als ruggengraat');
    const lessons = await csv('spijkerkwartier', 'lessons');
    expect(lessons).toContainEqual(expect.objectContaining({ id: parkLesson, project_projectId: stableId('project:park-greenery') }));
    expect(lessons.length).toBe(4);

    const themes = await csv('spijkerkwartier', 'lesson_themes');
    expect(themes).toContainEqual({ lessonId: parkLesson, themeId: theme('spijkerkwartier', 'groen'), slug: 'groen', theme_themeName: 'Groen' });
    expect(themes.every((t) => lessons.some((l) => l.id === t.lessonId))).toBe(true);

    const media = await csv('spijkerkwartier', 'lesson_media');
    expect(media).toContainEqual(expect.objectContaining({ lessonId: parkLesson, position: '0', kind: 'VIDEO', url: 'https://example.org/films/werkprincipes/groenonderhoud-overnemen' }));
    expect(media.filter((m) => m.kind === 'VIDEO').map((m) => m.url)).toContain('https://example.org/films/werkprincipes/repair-cafe');

    const klarendal = await csv('klarendal', 'lesson_themes');
    expect(klarendal.map((t) => t.slug)).toEqual(['groen']);
  });
});
