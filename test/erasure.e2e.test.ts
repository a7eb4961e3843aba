import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getNamedType, isInterfaceType, isObjectType, isUnionType, parse, TypeInfo, visit, visitWithTypeInfo, type GraphQLNamedType } from 'graphql';
import { stableId } from '@dbwe/platform';
import { defaultAccountId } from '@dbwe/ledger/src/accounts/default-chart';
import { EXPORT_TABLES } from '@dbwe/gateway/src/export/tables';
import { main as dbweVerify } from '../verifier/src/cli';
import { startPlatform, type RunningPlatform } from './platform';

/*
 * The right to erasure, end to end through the gateway with its response cache on (issue 16).
 *
 * Penningmeester Pieter, steward of the Spijkerkwartier, has data in all four subgraphs: his
 * member record (community), the books he keeps and an hours entry about him (ledger), the SROI
 * analysis he wrote (impact), and, in this test, a project he proposes, a lesson he records and
 * a bid he drafts (projects). Expected:
 * - before erasure, `exportMyData` lists what each of the four holds about him;
 * - after `eraseMe`, no answer of any subgraph (to the public, to an admin, to himself), no
 *   export table in CSV or JSON Lines, and no answer the gateway had cached holds his pseudonym
 *   or any of his personal data;
 * - the books still verify, through the graph and with the independent verifier;
 * - his token, which still verifies, is refused for writes in every subgraph, with a named reason.
 */
const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');
const PIETER = stableId('member:Penningmeester Pieter');
const PSEUDONYM = 'Penningmeester Pieter';
const account = (code: string) => defaultAccountId(SPIJKERKWARTIER, code);

const M = 'id displayName erased';
/** Everything a reader can reach a member through, and the books' own check (in parts, each within the query cost limit). */
const NEIGHBOURHOOD_SWEEPS = [
  `query Members($slug: String!) { neighbourhood(slug: $slug) { members(first: 100) { edges { node { ${M} } } } } }`,
  `query Wishes($slug: String!) { neighbourhood(slug: $slug) { wishes(first: 100) { edges { node { id title author { ${M} } } } } } }`,
  `query Projects($slug: String!) { neighbourhood(slug: $slug) { projects(first: 30) { totalCount edges { node { id title coordinator { ${M} }
    participants { member { ${M} } } wishAdoptions { adoptedBy { ${M} } } } } } } }`,
  `query Timelines($slug: String!) { neighbourhood(slug: $slug) { projects(first: 30) { edges { node { id timeline { actor { ${M} } } lessons { title recordedBy { ${M} } } } } } } }`,
  `query Budgets($slug: String!) { neighbourhood(slug: $slug) { projects(first: 30) { edges { node { id finances { budgets { revisions { recordedBy { ${M} } } } } } } } } }`,
  `query NeighbourhoodBudgets($slug: String!) { neighbourhood(slug: $slug) { budgets { revisions { recordedBy { ${M} } } } } }`,
  `query Bids($slug: String!) { neighbourhood(slug: $slug) { rightToChallengeBids(first: 30) { totalCount edges { node { id task challengers { ${M} } bidChallengers { member { ${M} } }
    timeline { actor { ${M} } } decision { decidedBy { ${M} } } assessments { assessedBy { ${M} } } } } } } }`,
  `query Books($slug: String!) { neighbourhood(slug: $slug) { accounts { id versionRecordedBy { ${M} } history { recordedBy { ${M} } } } financialYears { closedBy { ${M} } } localEconomy { counterparties { name member { ${M} } } }
    chainVerification { valid logValid derivedTotalsValid derivedTotalDifferences { member { ${M} } } } } }`,
  `query Offices($slug: String!) { neighbourhood(slug: $slug) { offices(first: 100, held: false) { edges { node { holderId holder { ${M} } } } }
    auditTrail(first: 100) { edges { node { actorId actor { ${M} } } } } } }`,
];
const LEDGER_SWEEP = `query Entries($slug: String!, $after: Int) { neighbourhood(slug: $slug) { ledgerEntries(first: 50, afterSequence: $after) {
  edges { node { sequence description member { ${M} } recordedBy { ${M} } lines { counterparty { name member { ${M} } } } } }
  pageInfo { hasNextPage } } } }`;
const ROOT_SWEEP = `query Roots($id: ID!) {
  member(id: $id) { ${M} }
  me { ${M} }
  whoAmI { member { ${M} } }
  lessonsLearned(first: 100) { edges { node { title recordedBy { ${M} } } } }
}`;
const PERSONAL = `query Personal($id: ID!) { member(id: $id) { ${M} personalData { fullName email phone address } } me { ${M} personalData { fullName email phone address } } }`;
const SWEEPS = [...NEIGHBOURHOOD_SWEEPS, LEDGER_SWEEP, ROOT_SWEEP];

const EXPORT = `mutation { exportMyData { memberId erased exportedAt data projects ledger impact } }`;

describe('erasure reaches every subgraph, export and cache', () => {
  let platform: RunningPlatform;
  let pieter: string;
  let admin: string;
  let projectId: string;
  let bidId: string;
  let exported: Record<string, any>;

  beforeAll(async () => {
    platform = await startPlatform({ env: { RESPONSE_CACHE: 'true' } });
    pieter = await platform.token(PIETER, [
      { role: 'resident', neighbourhood: SPIJKERKWARTIER },
      { role: 'steward', neighbourhood: SPIJKERKWARTIER },
    ]);
    admin = await platform.token(stableId('identity:erasure-admin'), [{ role: 'admin', neighbourhood: '*' }]);
  });
  afterAll(() => platform.stop());

  const ok = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const { status, body } = await platform.query<any>(query, variables, token ? { token } : {});
    const operation = query.slice(0, 40);
    expect({ operation, status, errors: body.errors }).toEqual({ operation, status: 200, errors: undefined });
    return body.data;
  };

  /** Every sweep, every page, as one text to search. */
  const sweep = async (token?: string): Promise<string> => {
    const answers: unknown[] = [];
    for (const query of NEIGHBOURHOOD_SWEEPS) {
      const answer = await ok(query, { slug: 'spijkerkwartier' }, token);
      // Each list is read whole: a first page that holds everything.
      for (const list of [answer.neighbourhood.projects, answer.neighbourhood.rightToChallengeBids].filter((l) => l?.totalCount !== undefined)) {
        expect(list.edges).toHaveLength(list.totalCount);
      }
      answers.push(answer);
    }
    for (let after = 0, more = true; more; ) {
      const page = await ok(LEDGER_SWEEP, { slug: 'spijkerkwartier', after }, token);
      const edges = page.neighbourhood.ledgerEntries.edges;
      answers.push(page);
      more = page.neighbourhood.ledgerEntries.pageInfo.hasNextPage;
      after = edges.at(-1)?.node.sequence ?? after;
    }
    answers.push(await ok(ROOT_SWEEP, { id: PIETER }, token));
    return JSON.stringify(answers);
  };

  const exportTables = async (): Promise<Record<string, string>> => {
    const files: Record<string, string> = {};
    for (const table of EXPORT_TABLES) {
      for (const format of ['csv', 'jsonl']) {
        const response = await fetch(new URL(`/export/v1/neighbourhoods/spijkerkwartier/${table.name}.${format}`, platform.gatewayUrl));
        expect({ table: table.name, format, status: response.status }).toEqual({ table: table.name, format, status: 200 });
        files[`${table.name}.${format}`] = await response.text();
      }
    }
    return files;
  };

  it('sweeps every field of the public API through which a member can be shown', () => {
    // A field added later that shows a member fails here until the sweep reads it.
    const schema = buildSchema(readFileSync(join(__dirname, '..', 'schema', 'api.graphql'), 'utf8'));
    const reachable = new Set<string>();
    const showing = new Set<string>();
    const queue: GraphQLNamedType[] = [schema.getQueryType()!];
    while (queue.length > 0) {
      const type = queue.pop()!;
      if (reachable.has(type.name)) continue;
      reachable.add(type.name);
      if (isUnionType(type)) queue.push(...type.getTypes());
      if (isInterfaceType(type)) queue.push(...schema.getPossibleTypes(type));
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        if (named.name === 'Member' && type.name !== 'MemberEdge') showing.add(`${type.name}.${field.name}`);
        queue.push(named);
      }
    }
    const swept = new Set<string>();
    for (const query of [...SWEEPS, PERSONAL]) {
      const typeInfo = new TypeInfo(schema);
      visit(
        parse(query),
        visitWithTypeInfo(typeInfo, {
          Field() {
            const parent = typeInfo.getParentType();
            const type = typeInfo.getType();
            if (parent && type && getNamedType(type).name === 'Member') swept.add(`${parent.name}.${typeInfo.getFieldDef()!.name}`);
          },
        }),
      );
    }
    expect([...showing].filter((field) => !swept.has(field)).sort()).toEqual([]);
  });

  it('lets the member act in every subgraph, then exports what all four hold about them', async () => {
    const proposed = await ok(
      `mutation ($input: ProposeProjectInput!) { proposeProject(input: $input) { __typename ... on ProjectPayload { project { id } } } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Kascommissie van de buurt', summary: 'Bewoners kijken de boeken van de wijk na.' } },
      pieter,
    );
    projectId = proposed.proposeProject.project.id;
    const lesson = await ok(
      `mutation ($input: RecordLessonInput!) { recordLesson(input: $input) { __typename } }`,
      { input: { projectId, title: 'Begin met de bonnetjes', whatWorked: 'Maandelijks samen kijken.', whatDidNotWork: 'Eén keer per jaar.', forWhom: 'Penningmeesters' } },
      pieter,
    );
    expect(lesson.recordLesson.__typename).toBe('LessonPayload');
    const bid = await ok(
      `mutation ($input: DraftBidInput!) { draftRightToChallengeBid(input: $input) { __typename ... on BidPayload { bid { id } } } }`,
      {
        input: {
          neighbourhoodId: SPIJKERKWARTIER,
          task: 'Beheer van het buurtbudget',
          taskDescription: 'Bewoners beheren het budget voor kleine buurtinitiatieven.',
          mode: 'TAKE_OVER',
          currentAnnualCost: '5000.00',
          budgetLine: 'Buurtinitiatieven',
          proposedAnnualBudget: '4500.00',
          socialAddedValue: 'Meer bewoners doen mee.',
        },
      },
      pieter,
    );
    bidId = bid.draftRightToChallengeBid.bid.id;
    const hours = await ok(
      `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`,
      {
        input: {
          neighbourhoodId: SPIJKERKWARTIER,
          idempotencyKey: randomUUID(),
          bookingDate: '2026-11-30',
          description: 'Vrijwilligersuren kascontrole',
          memberId: PIETER,
          lines: [
            { accountId: account('9100'), side: 'DEBIT', amount: '3.50', unit: 'HOUR' },
            { accountId: account('9800'), side: 'CREDIT', amount: '3.50', unit: 'HOUR' },
          ],
        },
      },
      pieter,
    );
    expect(hours.postEntry.__typename).toBe('PostEntrySuccess');

    exported = (await ok(EXPORT, {}, pieter)).exportMyData;
    expect(exported).toMatchObject({ memberId: PIETER, erased: false });
    // community
    expect(exported.data.member).toMatchObject({ id: PIETER, displayName: PSEUDONYM, fullName: 'Pieter Smit' });
    // projects
    expect(exported.projects.projects).toEqual([expect.objectContaining({ projectId, title: 'Kascommissie van de buurt', coordinator: true })]);
    expect(exported.projects.bids).toEqual([expect.objectContaining({ bidId, drafter: true, status: 'DRAFT' })]);
    expect(exported.projects.lessons).toEqual([expect.objectContaining({ projectId, title: 'Begin met de bonnetjes' })]);
    expect(exported.projects.timelineActions).toEqual(
      expect.arrayContaining([expect.objectContaining({ on: 'PROJECT', projectId }), expect.objectContaining({ on: 'BID', bidId, action: 'DRAFT' })]),
    );
    // ledger
    expect(exported.ledger.volunteerHours).toEqual({ amount: '3.50', unit: 'HOUR', minorUnits: '350' });
    expect(exported.ledger.entriesAboutMe).toEqual([
      expect.objectContaining({
        description: 'Vrijwilligersuren kascontrole',
        lines: [expect.objectContaining({ accountCode: '9100', amount: '3.50', unit: 'HOUR' }), expect.objectContaining({ accountCode: '9800', amount: '-3.50' })],
      }),
    ]);
    expect(exported.ledger.entriesRecordedByMe.length).toBeGreaterThan(10);
    expect(exported.ledger.accountVersionsRecordedByMe.length).toBeGreaterThan(0);
    // impact
    expect(exported.impact.analysesAuthored.length).toBeGreaterThan(0);
    expect(exported.impact.analysesAuthored[0]).toEqual(expect.objectContaining({ analysisId: expect.any(String), title: expect.any(String), status: expect.any(String) }));
  });

  it('after eraseMe, finds the pseudonym and personal data in no answer, export or cached answer; the books still verify', async () => {
    const personal = [PSEUDONYM, ...['fullName', 'email', 'phone', 'address'].map((k) => exported.data.member[k]).filter((v): v is string => typeof v === 'string' && v !== '')];
    expect(personal.length).toBeGreaterThanOrEqual(3);
    const leaks = (text: string) => personal.filter((value) => text.includes(value));

    // Before: the searches do find him, and the anonymous answers are served from the cache (once the
    // events of the acts above have travelled: each one that arrives drops the kept answers).
    await platform.eventsSettled();
    expect(leaks(await sweep())).toContain(PSEUDONYM);
    const cached = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: NEIGHBOURHOOD_SWEEPS[0], variables: { slug: 'spijkerkwartier' } }),
    });
    expect(cached.headers.get('age')).not.toBeNull();
    expect(await cached.text()).toContain(PSEUDONYM);
    expect(leaks((await exportTables())['members.csv'])).toEqual([PSEUDONYM]);
    const personalBefore = await ok(PERSONAL, { id: PIETER }, admin);
    expect(personalBefore.member.personalData.fullName).toBe('Pieter Smit');

    const erased = await ok(`mutation { eraseMe { member { ${M} } } }`, {}, pieter);
    expect(erased.eraseMe.member).toEqual({ id: PIETER, displayName: expect.stringMatching(/^Anonymous member [0-9a-f]{6}$/), erased: true });
    // His steward's office ended with him: he holds it no more, and the platform gives him no role.
    const offices = await ok(`query ($id: ID!) { member(id: $id) { roles offices(held: false) { role held revokeReason } } whoAmI { platformRoles { role } } }`, { id: PIETER }, pieter);
    expect(offices.member).toEqual({ roles: [], offices: [{ role: 'STEWARD', held: false, revokeReason: 'The holder used the right to erasure.' }] });
    expect(offices.whoAmI.platformRoles).toEqual([]);

    // Every subgraph's answers: to the public (the cached ones included), an admin, and himself.
    expect(leaks(await sweep())).toEqual([]);
    expect(leaks(await sweep(admin))).toEqual([]);
    expect(leaks(await sweep(pieter))).toEqual([]);
    for (const token of [admin, pieter]) {
      const answer = await ok(PERSONAL, { id: PIETER }, token);
      expect(answer.member).toEqual({ ...erased.eraseMe.member, personalData: null });
    }
    // Every export table, in both formats.
    const files = await exportTables();
    expect(Object.entries(files).filter(([, text]) => leaks(text).length > 0).map(([name]) => name)).toEqual([]);
    expect(files['members.jsonl']).toContain(erased.eraseMe.member.displayName);

    // The ledger's facts keep the opaque id, and the books verify: through the graph and independently.
    const books = await ok(`query ($id: ID!) { neighbourhood(slug: "spijkerkwartier") { chainVerification { valid logValid derivedTotalsValid }
      ledgerEntries(first: 100, member: $id) { edges { node { member { id erased } description } } } } }`, { id: PIETER });
    expect(books.neighbourhood.chainVerification).toEqual({ valid: true, logValid: true, derivedTotalsValid: true });
    expect(books.neighbourhood.ledgerEntries.edges).toEqual([{ node: { member: { id: PIETER, erased: true }, description: 'Vrijwilligersuren kascontrole' } }]);
    const out: string[] = [];
    const code = await dbweVerify(['check', platform.gatewayUrl, 'spijkerkwartier'], (line) => out.push(line), (line) => out.push(line));
    expect({ code, verdict: out.at(-1) }).toEqual({ code: 0, verdict: expect.stringMatching(/valid/i) });

    // Taken again, the export holds nothing about him.
    const after = (await ok(EXPORT, {}, pieter)).exportMyData;
    expect(after).toMatchObject({ memberId: PIETER, erased: true, data: {}, projects: {}, ledger: {}, impact: {} });
  });

  it('refuses every write by the erased member in every subgraph, naming the reason, and writes nothing', async () => {
    const refusals: Record<string, [string, Record<string, unknown>]> = {
      community: [
        `mutation ($input: PostWishInput!) { postWish(input: $input) { __typename } }`,
        { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Nog één wens', description: '', themeIds: [] } },
      ],
      projects: [
        `mutation ($input: ProposeProjectInput!) { proposeProject(input: $input) { __typename } }`,
        { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Na het wissen', summary: 'Mag niet.' } },
      ],
      ledger: [
        `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`,
        {
          input: {
            neighbourhoodId: SPIJKERKWARTIER,
            idempotencyKey: randomUUID(),
            bookingDate: '2026-12-01',
            description: 'Na het wissen',
            lines: [
              { accountId: account('9100'), side: 'DEBIT', amount: '1.00', unit: 'HOUR' },
              { accountId: account('9800'), side: 'CREDIT', amount: '1.00', unit: 'HOUR' },
            ],
          },
        },
      ],
      impact: [
        `mutation ($input: CreateSroiAnalysisInput!) { createSroiAnalysis(input: $input) { __typename } }`,
        { input: { projectId, neighbourhoodId: SPIJKERKWARTIER, kind: 'FORECAST', title: 'Na het wissen', periodStart: '2026-01-01', periodEnd: '2026-12-31', stakeholders: [] } },
      ],
    };
    const head = async () => (await ok(`{ neighbourhood(slug: "spijkerkwartier") { chainHead { sequence } wishes(first: 1) { totalCount } projects(first: 1) { totalCount } } }`, {}, admin)).neighbourhood;
    const before = await head();
    for (const [subgraph, [mutation, variables]] of Object.entries(refusals)) {
      const { status, body } = await platform.query(mutation, variables, { token: pieter });
      const field = mutation.match(/\{ (\w+)\(/)![1];
      expect({ subgraph, status, data: body.data, errors: body.errors?.map((e) => ({ path: e.path, code: e.extensions?.code, reason: e.extensions?.reason })) }).toEqual({
        subgraph,
        status: 200,
        data: null,
        errors: [{ path: [field], code: 'FORBIDDEN', reason: 'MEMBER_ERASED' }],
      });
      expect(body.errors![0].message).toMatch(/^This member was erased \(AVG\/GDPR\) and can no longer use \w+/);
    }
    expect(await head()).toEqual(before);
    const analyses = await ok(`query ($id: ID!) { project(id: $id) { sroiAnalyses { id } } }`, { id: projectId }, admin);
    expect(analyses.project.sroiAnalyses).toEqual([]);
  });
});
