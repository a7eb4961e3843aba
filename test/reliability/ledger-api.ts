import { randomUUID } from 'node:crypto';
import type { SubgraphName, Viewer } from '@dbwe/platform';
import { testAssertion, type TestSubgraph } from '@dbwe/platform/testing';
import type { CommunityGraph } from '../platform';

/*
 * The ledger's public API as the reliability tests use it: the operations,
 * the shapes they answer with, and three ways to reach the ledger (in-process,
 * over HTTP with the gateway's assertion, and through the real gateway).
 */

export interface GraphQLErrorShape {
  message: string;
  extensions?: Record<string, unknown>;
  path?: unknown[];
}

export interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: readonly GraphQLErrorShape[];
}

/** Runs one GraphQL operation somewhere and returns its data and errors. */
export type Caller = <T = Record<string, any>>(query: string, variables?: Record<string, unknown>) => Promise<GraphQLAnswer<T>>;

export type Unit = 'EUR' | 'HOUR';
export type AccountType = 'ASSET' | 'LIABILITY' | 'EQUITY' | 'INCOME' | 'EXPENSE';

/** A steward of every neighbourhood: may open books, post and reverse anywhere. */
export const treasurer: Viewer = { memberId: '7a1d2f3e-0000-4000-8000-00000000beef', roles: [{ role: 'steward', neighbourhood: '*' }] };

/** A caller that runs operations through a subgraph's real Apollo Server in this process. */
export function inProcess(subgraph: TestSubgraph<unknown, unknown>, viewer: Viewer = treasurer): Caller {
  return (query, variables) => subgraph.execute(query, variables, viewer) as never;
}

/** A caller that posts to a subgraph over HTTP with a freshly signed gateway assertion, as the gateway would. */
export function overHttp(url: string, viewer: Viewer = treasurer, options: { signal?: AbortSignal; subgraph?: SubgraphName } = {}): Caller {
  return async (query, variables) => {
    const body = JSON.stringify({ query, variables });
    const assertion = await testAssertion(options.subgraph ?? 'ledger', viewer, body, `reliability-${randomUUID()}`);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dbwe-assertion': assertion },
      body,
      signal: options.signal,
    });
    const answer = (await response.json()) as GraphQLAnswer<never>;
    if (response.status >= 500 && !answer.errors) throw new Error(`HTTP ${response.status} from ${url}`);
    return answer;
  };
}

/** The data of an answer, or an exception that shows the errors. */
export function dataOf<T>(answer: GraphQLAnswer<T>, what: string): T {
  if (answer.errors?.length || !answer.data) throw new Error(`${what} failed: ${JSON.stringify(answer.errors ?? answer)}`);
  return answer.data;
}

export const OPEN_BOOKS = `mutation OpenBooks($n: ID!) { openBooks(neighbourhoodId: $n) { openedNow } }`;

export const CREATE_ACCOUNT = `
  mutation CreateAccount($input: CreateAccountInput!) {
    createAccount(input: $input) {
      __typename
      ... on CreateAccountSuccess { account { id code type unit noOverdraft balance { minorUnits } } }
      ... on LedgerError { code message field }
      ... on AccountCodeTaken { account { id } }
    }
  }`;

const ENTRY_FIELDS = `id sequence bookingDate description lines { account { id } amount { minorUnits unit } } reverses { id } previousHash hash`;

export const POST_ENTRY = `
  mutation PostEntry($input: PostEntryInput!) {
    postEntry(input: $input) {
      __typename
      ... on PostEntrySuccess { replayed entry { ${ENTRY_FIELDS} } }
      ... on LedgerError { code message field }
      ... on IdempotencyKeyConflict { entry { id } }
      ... on Overdraft { account { id } balance { minorUnits } wouldBecome { minorUnits } }
    }
  }`;

export const REVERSE_ENTRY = `
  mutation ReverseEntry($input: ReverseEntryInput!) {
    reverseEntry(input: $input) {
      __typename
      ... on ReverseEntrySuccess { replayed reversal { ${ENTRY_FIELDS} } }
      ... on LedgerError { code message field }
      ... on IdempotencyKeyConflict { entry { id } }
      ... on AlreadyReversed { entry { id } reversedBy { id } }
      ... on ReversalOfReversal { entry { id } }
      ... on Overdraft { account { id } }
    }
  }`;

/** A neighbourhood's books in one request, read through the federation entry point the gateway uses. */
export const READ_BOOKS = `
  query Books($reps: [_Any!]!, $asOf: Date) {
    _entities(representations: $reps) {
      ... on Neighbourhood {
        accounts { id code type unit noOverdraft balance { minorUnits } past: balance(asOf: $asOf) { minorUnits } }
        chainHead { sequence hash }
      }
    }
  }`;

export const TRIAL_BALANCE = `
  query TrialBalance($reps: [_Any!]!) {
    _entities(representations: $reps) {
      ... on Neighbourhood {
        trialBalance { balanced lines { account { id } debit { minorUnits unit } credit { minorUnits unit } } totals { unit debit { minorUnits } credit { minorUnits } } }
      }
    }
  }`;

export const VERIFY_CHAIN = `
  query Verify($reps: [_Any!]!) {
    _entities(representations: $reps) {
      ... on Neighbourhood { chainVerification { valid entriesChecked headSequence headHash firstBadSequence problem } }
    }
  }`;

export const neighbourhoodRef = (id: string) => ({ reps: [{ __typename: 'Neighbourhood', id }] });

export interface AccountView {
  id: string;
  code: string;
  type: AccountType;
  unit: Unit;
  noOverdraft: boolean;
  balance: { minorUnits: string };
  past: { minorUnits: string };
}

export interface EntryView {
  id: string;
  sequence: number;
  bookingDate: string;
  description: string;
  lines: { account: { id: string }; amount: { minorUnits: string; unit: Unit } }[];
  reverses: { id: string } | null;
  previousHash: string;
  hash: string;
}

export interface LineInput {
  accountId: string;
  side: 'DEBIT' | 'CREDIT';
  amount: string;
  unit: Unit;
}

export interface PostEntryInput {
  neighbourhoodId: string;
  idempotencyKey: string;
  bookingDate: string;
  description: string;
  lines: LineInput[];
}

export type PostResult =
  | { __typename: 'PostEntrySuccess'; replayed: boolean; entry: EntryView }
  | { __typename: string; code: string; message: string; field: string | null; entry?: { id: string }; account?: { id: string } };

export type ReverseResult =
  | { __typename: 'ReverseEntrySuccess'; replayed: boolean; reversal: EntryView }
  | { __typename: string; code: string; message: string; entry?: { id: string }; reversedBy?: { id: string } };

export interface ChainVerification {
  valid: boolean;
  entriesChecked: number;
  headSequence: number;
  headHash: string;
  firstBadSequence: number | null;
  problem: string | null;
}

/** Opens the books of a new neighbourhood, which the graph the ledger checks neighbourhoods in is made to serve first. */
export async function openBooks(call: Caller, neighbourhoodId: string, graph: Pick<CommunityGraph, 'serve'>): Promise<void> {
  await graph.serve(neighbourhoodId);
  dataOf(await call(OPEN_BOOKS, { n: neighbourhoodId }), 'openBooks');
}

export async function readBooks(call: Caller, neighbourhoodId: string, asOf: string | null = null) {
  const data = dataOf(
    await call<{ _entities: { accounts: AccountView[]; chainHead: { sequence: number; hash: string } | null }[] }>(READ_BOOKS, {
      ...neighbourhoodRef(neighbourhoodId),
      asOf,
    }),
    'reading the books',
  );
  return data._entities[0];
}

export async function postEntry(call: Caller, input: PostEntryInput): Promise<PostResult> {
  return dataOf(await call<{ postEntry: PostResult }>(POST_ENTRY, { input }), 'postEntry').postEntry;
}

export async function reverseEntry(
  call: Caller,
  input: { entryId: string; reason: string; idempotencyKey: string; bookingDate?: string },
): Promise<ReverseResult> {
  return dataOf(await call<{ reverseEntry: ReverseResult }>(REVERSE_ENTRY, { input }), 'reverseEntry').reverseEntry;
}

export async function verifyChain(call: Caller, neighbourhoodId: string): Promise<ChainVerification> {
  const data = dataOf(await call<{ _entities: { chainVerification: ChainVerification }[] }>(VERIFY_CHAIN, neighbourhoodRef(neighbourhoodId)), 'chainVerification');
  return data._entities[0].chainVerification;
}

/** Minor units as the API's decimal string with two decimals (both units have two). */
export function decimal(minor: bigint): string {
  const digits = minor.toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** A two-line transfer: `amount` from one account to another of the same unit. */
export function transfer(neighbourhoodId: string, key: string, from: string, to: string, minor: bigint, unit: Unit = 'EUR', bookingDate = '2026-03-02'): PostEntryInput {
  return {
    neighbourhoodId,
    idempotencyKey: key,
    bookingDate,
    description: `transfer ${key}`,
    lines: [
      { accountId: to, side: 'DEBIT', amount: decimal(minor), unit },
      { accountId: from, side: 'CREDIT', amount: decimal(minor), unit },
    ],
  };
}
