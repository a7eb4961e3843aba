import { stableId, type Viewer } from '@dbwe/platform';
import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { allSubgraphs } from './subgraphs';

/*
 * Each subgraph's part of a member's data export, asked for the way the gateway asks for it
 * (`_entities` with a MyDataExport representation), and the way an attacker with a token would
 * try: with someone else's member id. Demo data: Penningmeester Pieter keeps the books (ledger)
 * and wrote an SROI analysis (impact); Wijkregisseur Anouk assessed and decided bids (projects).
 * Expected: the member gets their part; anyone else, an admin included, gets FORBIDDEN and no
 * data; the public gets UNAUTHENTICATED; an erased member's part is empty.
 */
const PIETER = stableId('member:Penningmeester Pieter');
const ANOUK = stableId('member:Wijkregisseur Anouk');
const as = (memberId: string | null, roles: Viewer['roles'] = []): Viewer => ({ memberId, roles });

const PARTS = [
  { subgraph: 'projects', field: 'projects', owner: ANOUK, holds: (part: any) => part.assessments.length > 0 && part.decisions.length > 0 },
  { subgraph: 'ledger', field: 'ledger', owner: PIETER, holds: (part: any) => part.entriesRecordedByMe.length > 0 },
  { subgraph: 'impact', field: 'impact', owner: PIETER, holds: (part: any) => part.analysesAuthored.length > 0 },
] as const;

describe.each(PARTS)('the $subgraph part of a data export', ({ subgraph: name, field, owner, holds }) => {
  let subgraph: TestSubgraph<unknown, unknown>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await cloneTestDatabase();
    drop = database.drop;
    subgraph = await startTestSubgraph(allSubgraphs.find((m) => m.name === name)!, database.url, { seed: true });
  });
  afterAll(async () => {
    await subgraph.stop();
    await drop();
  });

  const read = (memberId: string, erased: boolean, viewer: Viewer) =>
    subgraph.execute<{ _entities: ({ [key: string]: unknown } | null)[] }>(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on MyDataExport { memberId ${field} } } }`,
      { reps: [{ __typename: 'MyDataExport', memberId, erased }] },
      viewer,
    );
  const codes = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.map((e) => e.extensions?.code);

  it('gives the member what this subgraph holds about them', async () => {
    const result = await read(owner, false, as(owner));
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities[0]!.memberId).toBe(owner);
    expect(holds(result.data!._entities[0]![field])).toBe(true);
  });

  it('refuses anyone else, an admin included, and the public', async () => {
    const other = stableId('member:Groene Gerda');
    for (const viewer of [as(other, [{ role: 'resident', neighbourhood: '*' }]), as(stableId('identity:admin'), [{ role: 'admin', neighbourhood: '*' }])]) {
      const result = await read(owner, false, viewer);
      expect(codes(result)).toEqual(['FORBIDDEN']);
      expect(result.data?._entities?.[0] ?? null).toBeNull();
    }
    expect(codes(await read(owner, false, as(null)))).toEqual(['UNAUTHENTICATED']);
  });

  it('is empty once community records the member as erased', async () => {
    const result = await read(owner, true, as(owner));
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities[0]![field]).toEqual({});
  });
});
