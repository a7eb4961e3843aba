import { randomUUID } from 'node:crypto';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { demoMember, erasedMember, INVENTED, KLARENDAL, SPIJKERKWARTIER, tokenOf } from '../../../../test/people';
import { defaultAccountId } from '../accounts/default-chart';

/*
 * Through the real gateway, with the demo data and the gateway's response
 * cache on, as it runs by default: every id an entry, account or budget
 * names is checked in the public graph before the books take it. Klarendal's
 * steward tries the attacks of issue 16 on the Spijkerkwartier: each is
 * refused with a named error, nothing is booked, and the Spijkerkwartier's
 * own steward then books as before.
 */
let platform: RunningPlatform;
let erased: string;
let newProject: string;
beforeAll(async () => {
  platform = await startPlatform({ seed: ['community', 'projects', 'ledger'], env: { RESPONSE_CACHE: 'true' } });
  erased = await erasedMember(platform, SPIJKERKWARTIER);
  // A project proposed a moment ago, without any bookings yet: the one a first use would have pinned.
  const proposed = await platform.query<any>(
    `mutation { proposeProject(input: { neighbourhoodId: "${SPIJKERKWARTIER}", title: "Geveltuinen Spijkerstraat", summary: "Tegels eruit, planten erin." }) {
      ... on ProjectPayload { project { id } } } }`,
    {},
    { token: await tokenOf(platform, 'Groene Gerda', ['resident'], SPIJKERKWARTIER) },
  );
  newProject = proposed.body.data.proposeProject.project.id;
});
afterAll(() => platform?.stop());

const ours = () => tokenOf(platform, 'Penningmeester Pieter', ['steward'], SPIJKERKWARTIER);
const klarendals = () => tokenOf(platform, 'Buurvrouw Bep', ['steward'], KLARENDAL);
const account = (neighbourhood: string, code: string) => defaultAccountId(neighbourhood, code);

const RESULT = `__typename ... on LedgerError { code field }
  ... on PostEntrySuccess { entry { sequence } }
  ... on ProjectInOtherNeighbourhood { project { id } }
  ... on MemberInOtherNeighbourhood { member { neighbourhood { slug } } }
  ... on CounterpartyDomainMismatch { statedDomain memberDomain }`;

async function post(token: string, input: Record<string, unknown>) {
  const { body } = await platform.query<any>(`mutation ($input: PostEntryInput!) { postEntry(input: $input) { ${RESULT} } }`, { input }, { token });
  expect(body.errors).toBeUndefined();
  return body.data.postEntry;
}

/** Hours put in, booked in the given books, optionally about a member. */
const hours = (neighbourhoodId: string, extra: Record<string, unknown> = {}) => ({
  neighbourhoodId,
  idempotencyKey: randomUUID(),
  bookingDate: '2026-11-30',
  description: 'Vrijwilligersuren',
  lines: [
    { accountId: account(neighbourhoodId, '9100'), side: 'DEBIT', amount: '500.00', unit: 'HOUR' },
    { accountId: account(neighbourhoodId, '9800'), side: 'CREDIT', amount: '500.00', unit: 'HOUR' },
  ],
  ...extra,
});

/** Spending on greenery, paid to a counterparty, in the given books. */
const spending = (neighbourhoodId: string, counterparty: Record<string, unknown>) => ({
  neighbourhoodId,
  idempotencyKey: randomUUID(),
  bookingDate: '2026-11-30',
  description: 'Snoeiwerk',
  lines: [
    { accountId: account(neighbourhoodId, '4100'), side: 'DEBIT', amount: '250.00', unit: 'EUR', counterparty },
    { accountId: account(neighbourhoodId, '1600'), side: 'CREDIT', amount: '250.00', unit: 'EUR' },
  ],
});

/** The books of a neighbourhood as a signed-in steward reads them (never from the response cache). */
async function books(neighbourhoodId: string) {
  const { body } = await platform.query<any>(
    `query ($id: ID!) { neighbourhood(id: $id) { chainHead { sequence hash } localEconomy { staysShare stays { amount } } } }`,
    { id: neighbourhoodId },
    { token: await ours() },
  );
  return body.data.neighbourhood;
}

describe('a project of another neighbourhood', () => {
  it("cannot be pinned to Klarendal's books; the Spijkerkwartier's steward books on it afterwards", async () => {
    const before = await books(KLARENDAL);
    expect(await post(await klarendals(), { ...hours(KLARENDAL), projectId: newProject })).toEqual({
      __typename: 'ProjectInOtherNeighbourhood', code: 'PROJECT_IN_OTHER_NEIGHBOURHOOD', field: 'projectId', project: { id: newProject },
    });
    expect(await books(KLARENDAL)).toEqual(before);

    const booked = await post(await ours(), { ...hours(SPIJKERKWARTIER), projectId: newProject });
    expect(booked.__typename).toBe('PostEntrySuccess');
    const { body } = await platform.query<any>(`query ($id: ID!) { project(id: $id) { finances { volunteerHours { amount } } } }`, { id: newProject }, { token: await ours() });
    expect(body.data.project.finances.volunteerHours.amount).toBe('500.00');
  });

  it.each([
    ['the new Spijkerkwartier project', () => newProject, 'ProjectInOtherNeighbourhood', 'PROJECT_IN_OTHER_NEIGHBOURHOOD'],
    ['an invented project', () => INVENTED, 'UnknownProject', 'UNKNOWN_PROJECT'],
  ])('createAccount and setProjectBudget in Klarendal refuse %s', async (_case, project, typename, code) => {
    const token = await klarendals();
    const created = await platform.query<any>(
      `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { __typename ... on LedgerError { code field } } }`,
      { input: { neighbourhoodId: KLARENDAL, code: '4700', name: 'Geveltuinen', type: 'EXPENSE', unit: 'EUR', projectId: project() } },
      { token },
    );
    expect(created.body.data.createAccount).toEqual({ __typename: typename, code, field: 'projectId' });
    const budget = await platform.query<any>(
      `mutation ($input: SetProjectBudgetInput!) { setProjectBudget(input: $input) { __typename ... on LedgerError { code field } } }`,
      { input: { neighbourhoodId: KLARENDAL, projectId: project(), periodStart: '2026-01-01', periodEnd: '2026-12-31', amount: '1000.00', reason: 'Overname' } },
      { token },
    );
    expect(budget.body.data.setProjectBudget).toEqual({ __typename: typename, code, field: 'projectId' });
    const accounts = await platform.subgraphs.ledger.admin.query(`SELECT count(*)::int AS n FROM ledger.account WHERE project_id = $1`, [project()]);
    const budgets = await platform.subgraphs.ledger.admin.query(`SELECT count(*)::int AS n FROM ledger.budget WHERE project_id = $1`, [project()]);
    expect([accounts[0].n, budgets[0].n]).toEqual([0, 0]);
  });

  it('postEntry refuses a project nobody proposed', async () => {
    expect(await post(await ours(), { ...hours(SPIJKERKWARTIER), projectId: INVENTED })).toEqual({ __typename: 'UnknownProject', code: 'UNKNOWN_PROJECT', field: 'projectId' });
  });
});

describe('the member an entry is about', () => {
  const volunteerHours = async (memberId: string) =>
    (await platform.query<any>(`query ($id: ID!) { member(id: $id) { volunteerHours { amount } } }`, { id: memberId }, { token: await ours() })).body.data.member?.volunteerHours.amount;

  it("cannot be a Spijkerkwartier member in Klarendal's books: her hours stay as they were", async () => {
    const ria = demoMember('Oma Ria');
    const before = await volunteerHours(ria);
    expect(await post(await klarendals(), hours(KLARENDAL, { memberId: ria }))).toEqual({
      __typename: 'MemberInOtherNeighbourhood', code: 'MEMBER_IN_OTHER_NEIGHBOURHOOD', field: 'memberId', member: { neighbourhood: { slug: 'spijkerkwartier' } },
    });
    expect(await volunteerHours(ria)).toBe(before);
    // Her own neighbourhood's steward books them.
    expect((await post(await ours(), hours(SPIJKERKWARTIER, { memberId: ria }))).__typename).toBe('PostEntrySuccess');
    expect(await volunteerHours(ria)).toBe((Number(before) + 500).toFixed(2));
  });

  it.each([
    ['an invented id', () => INVENTED, 'UnknownMember', 'UNKNOWN_MEMBER'],
    ['an erased member', () => erased, 'MemberErased', 'MEMBER_ERASED'],
  ])('cannot be %s', async (_case, memberId, typename, code) => {
    const before = await books(SPIJKERKWARTIER);
    expect(await post(await ours(), hours(SPIJKERKWARTIER, { memberId: memberId() }))).toEqual({ __typename: typename, code, field: 'memberId' });
    expect(await books(SPIJKERKWARTIER)).toEqual(before);
  });
});

describe('a member counterparty', () => {
  it.each([
    ['a member of Klarendal', { memberId: demoMember('Naaister Noor'), domain: 'ENTREPRENEUR' }, 'MemberInOtherNeighbourhood', 'MEMBER_IN_OTHER_NEIGHBOURHOOD', 'memberId'],
    ['an invented id', { memberId: INVENTED, domain: 'ENTREPRENEUR' }, 'UnknownMember', 'UNKNOWN_MEMBER', 'memberId'],
    ['an erased member', null, 'MemberErased', 'MEMBER_ERASED', 'memberId'],
    ['a civil servant stated to be an entrepreneur', { memberId: demoMember('Beleidsadviseur Joris'), domain: 'ENTREPRENEUR' }, 'CounterpartyDomainMismatch', 'COUNTERPARTY_DOMAIN_MISMATCH', 'domain'],
  ])('is refused when it is %s, and the local-economy share does not move', async (_case, counterparty, typename, code, field) => {
    const before = await books(SPIJKERKWARTIER);
    const refused = await post(await ours(), spending(SPIJKERKWARTIER, counterparty ?? { memberId: erased, domain: 'CITIZEN' }));
    expect(refused).toMatchObject({ __typename: typename, code, field: `lines.0.counterparty.${field}` });
    if (typename === 'CounterpartyDomainMismatch') expect(refused).toMatchObject({ statedDomain: 'ENTREPRENEUR', memberDomain: 'GOVERNMENT' });
    expect(await books(SPIJKERKWARTIER)).toEqual(before);
  });

  it('of the neighbourhood, with the domain the community has for them, is booked and counts as local', async () => {
    const before = await books(SPIJKERKWARTIER);
    const booked = await post(await ours(), spending(SPIJKERKWARTIER, { memberId: demoMember('Hovenier Groen & Co'), domain: 'ENTREPRENEUR' }));
    expect(booked.__typename).toBe('PostEntrySuccess');
    const after = await books(SPIJKERKWARTIER);
    expect(Number(after.localEconomy.stays.amount) - Number(before.localEconomy.stays.amount)).toBe(250);
  });

  it('is refused once erased, although an anonymous answer about them was cached just before', async () => {
    const id = randomUUID();
    const token = await platform.token(id, [{ role: 'resident', neighbourhood: SPIJKERKWARTIER }]);
    await platform.query(`mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { __typename } }`, {
      input: { neighbourhoodId: SPIJKERKWARTIER, displayName: 'Klusjesman Karel', kind: 'PERSON', domain: 'ENTREPRENEUR', fullName: 'Karel Kok' },
    }, { token });
    const anonymously = () => platform.query<any>(`query ($id: ID!) { member(id: $id) { erased } }`, { id });
    expect((await anonymously()).body.data.member.erased).toBe(false);
    await platform.query(`mutation { eraseMe { member { id } } }`, {}, { token });
    // Erasure drops the cached answers that showed the member…
    expect((await anonymously()).body.data.member.erased).toBe(true);
    // …and the ledger asks the graph past any cache before it books.
    expect(await post(await ours(), spending(SPIJKERKWARTIER, { memberId: id, domain: 'ENTREPRENEUR' }))).toMatchObject({ __typename: 'MemberErased' });
  });
});

describe('opening books', () => {
  it('refuses a neighbourhood this installation does not serve, and opens none', async () => {
    const token = await platform.token(demoMember('Penningmeester Pieter'), [{ role: 'steward', neighbourhood: INVENTED }]);
    const opened = await platform.query<any>(
      `mutation ($id: ID!) { openNeighbourhoodBooks(neighbourhoodId: $id) { __typename ... on UnknownNeighbourhood { code field neighbourhoodId } } }`,
      { id: INVENTED },
      { token },
    );
    expect(opened.body.data.openNeighbourhoodBooks).toEqual({ __typename: 'UnknownNeighbourhood', code: 'UNKNOWN_NEIGHBOURHOOD', field: 'neighbourhoodId', neighbourhoodId: INVENTED });
    const old = await platform.query<any>(`mutation ($id: ID!) { openBooks(neighbourhoodId: $id) { openedNow } }`, { id: INVENTED }, { token });
    expect(old.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const chains = await platform.subgraphs.ledger.admin.query(`SELECT count(*)::int AS n FROM ledger.chain WHERE neighbourhood_id = $1`, [INVENTED]);
    expect(chains[0].n).toBe(0);
  });

  it('opens the books of a neighbourhood it serves', async () => {
    const nijmegen = stableId('neighbourhood:nijmegen-centrum');
    await platform.subgraphs.community.admin.query(`INSERT INTO community.municipality (code, name) VALUES ('GM0268', 'Nijmegen') ON CONFLICT DO NOTHING`);
    await platform.subgraphs.community.admin.query(
      `INSERT INTO community.neighbourhood (id, slug, name, municipality_name, municipality_code) VALUES ($1, 'nijmegen-centrum', 'Nijmegen-Centrum', 'Nijmegen', 'GM0268')`,
      [nijmegen],
    );
    const token = await platform.token(demoMember('Penningmeester Pieter'), [{ role: 'steward', neighbourhood: nijmegen }]);
    const opened = await platform.query<any>(
      `mutation ($id: ID!) { openNeighbourhoodBooks(neighbourhoodId: $id) { __typename ... on OpenBooksPayload { openedNow neighbourhood { name } } } }`,
      { id: nijmegen },
      { token },
    );
    expect(opened.body.data.openNeighbourhoodBooks).toEqual({ __typename: 'OpenBooksPayload', openedNow: true, neighbourhood: { name: 'Nijmegen-Centrum' } });
  });
});
