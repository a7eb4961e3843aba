import { Client } from 'pg';
import { anonymous, stableId, type Role, type Viewer } from '@dbwe/platform';
import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { ledger } from '../server';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { defaultAccountId } from '../accounts/default-chart';
import type { Loaders } from '../loaders';
import type { LedgerServices } from '../log/services';

export { anonymous };

export const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');
export const KLARENDAL = stableId('neighbourhood:klarendal');
export const demoMemberId = (displayName: string) => stableId(`member:${displayName}`);
export const demoProjectId = (key: string) => stableId(`project:${key}`);
/** A default-chart account of a neighbourhood, by code (1000 bank, 4100 greenery, 9100 hours put in, …). */
export const account = (code: string, neighbourhoodId = SPIJKERKWARTIER) => defaultAccountId(neighbourhoodId, code);

/** A demo member with roles in one neighbourhood; the treasurer, a steward of the Spijkerkwartier, by default. */
export function viewer(roles: Role[] = ['steward'], neighbourhoodId = SPIJKERKWARTIER, displayName = 'Penningmeester Pieter'): Viewer {
  return { memberId: demoMemberId(displayName), roles: roles.map((role) => ({ role, neighbourhood: neighbourhoodId })) };
}
export const steward = viewer();

/** Everything a postEntry result can be, with the fields tests look at. */
export const POST_RESULT = `
  __typename
  ... on PostEntrySuccess { replayed entry { id sequence hash previousHash description bookingDate recordedAt
    lines { position side account { id code } amount { amount minorUnits unit } counterparty { member { id } domain name } } } }
  ... on LedgerError { message code field }
  ... on MalformedAmount { given }
  ... on TooFewLines { lineCount }
  ... on UnbalancedEntry { difference { amount unit } }
  ... on MixedUnitsUnbalanced { difference { amount unit } }
  ... on UnknownAccount { accountId }
  ... on ForeignAccount { account { id code } }
  ... on UnitMismatch { account { code } givenUnit }
  ... on Overdraft { account { id code } balance { amount } wouldBecome { amount } }
  ... on IdempotencyKeyConflict { entry { id sequence } }
  ... on ProjectInOtherNeighbourhood { project { id } }`;

export const POST_ENTRY = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { ${POST_RESULT} } }`;

/** A postEntry input: a transfer of `amount` euros from one account to another, with a fresh key. */
export function transfer(from: string, to: string, amount: string, overrides: Record<string, unknown> = {}) {
  return {
    neighbourhoodId: SPIJKERKWARTIER,
    idempotencyKey: `test-${Math.random().toString(36).slice(2)}`,
    bookingDate: '2026-01-15',
    description: `Overboeking ${amount}`,
    lines: [
      { accountId: to, side: 'DEBIT', amount, unit: 'EUR' },
      { accountId: from, side: 'CREDIT', amount, unit: 'EUR' },
    ],
    ...overrides,
  };
}

export interface LedgerTest extends TestSubgraph<Loaders, LedgerServices> {
  url: string;
  databaseUrl: string;
  /** Runs an operation and fails the test on any GraphQL error; returns the data as a client would get it. */
  ok<T = any>(query: string, variables?: Record<string, unknown>, viewer?: Viewer): Promise<T>;
  /** postEntry as the treasurer (or another viewer); the result union as JSON. */
  post(input: Record<string, unknown>, as?: Viewer): Promise<any>;
  /** The whole platform around the ledger, when started with `platform: true`. */
  platform: RunningPlatform | null;
  /** A plain PostgreSQL connection as the superuser, for raw SQL. */
  sql(): Promise<Client>;
  /** Rows in a ledger table, to show that nothing was written. */
  count(table: string): Promise<number>;
  teardown(): Promise<void>;
}

/**
 * The ledger subgraph on a fresh copy of the test database, with the demo
 * books unless told otherwise. With `platform`, inside the whole platform
 * (with the community's and projects' demo data): postings that name members
 * or projects have them checked through the graph.
 */
export async function startLedger(options: { seed?: boolean; listen?: boolean; platform?: boolean } = {}): Promise<LedgerTest> {
  const seed = options.seed ?? true;
  let platform: RunningPlatform | null = null;
  let database: { url: string; drop(): Promise<void> };
  let subgraph: TestSubgraph<Loaders, LedgerServices> & { url: string };
  if (options.platform) {
    platform = await startPlatform({ seed: seed ? ['community', 'projects', 'ledger'] : ['community', 'projects'] });
    subgraph = platform.subgraphs.ledger as unknown as TestSubgraph<Loaders, LedgerServices> & { url: string };
    database = { url: subgraph.adminUrl, drop: () => platform!.stop() };
  } else {
    database = await cloneTestDatabase();
    subgraph = await startTestSubgraph(ledger, database.url, { seed, listen: options.listen ?? false });
  }
  const clients: Client[] = [];
  const test: LedgerTest = {
    ...subgraph,
    platform,
    databaseUrl: database.url,
    async ok(query, variables, as = anonymous) {
      const result = await subgraph.execute(query, variables, as);
      if (result.errors) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
      return JSON.parse(JSON.stringify(result.data));
    },
    async post(input, as = steward) {
      return (await test.ok(POST_ENTRY, { input }, as)).postEntry;
    },
    async sql() {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      clients.push(client);
      return client;
    },
    async count(table) {
      const [row] = await subgraph.db.query(`SELECT count(*)::int AS n FROM ledger.${table}`);
      return row.n;
    },
    async teardown() {
      for (const client of clients) await client.end().catch(() => undefined);
      // The platform stops its subgraphs itself.
      if (!platform) await subgraph.stop();
      await database.drop();
    },
  };
  return test;
}

/** The constraint (or trigger rule) name a rejected statement names, or a failure when it was not rejected. */
export async function refusedBy(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return (error as { constraint?: string }).constraint ?? `no constraint: ${(error as Error).message}`;
  }
  throw new Error('the database accepted it');
}
