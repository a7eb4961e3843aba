import { defaultAccountId } from '@dbwe/ledger/src/accounts/default-chart';
import type { RoleGrant } from '@dbwe/platform';
import { STEWARD, cityPlan, memberId, neighbourhoodId, projectId } from './seed/plan';

/**
 * The benchmark's fixed operations, written as a client would write them.
 * Ids come from the city plan (the generator's ids), the depth of the long
 * chain from the running graph.
 */
export interface Operation {
  name: string;
  title: string;
  kind: 'read' | 'write';
  query: string;
  /** Variables of one request; writes get a fresh idempotency key per call. */
  variables: (n: number) => Record<string, unknown>;
  /** Who asks: null for the anonymous public. */
  viewer: { memberId: string; roles: RoleGrant[] } | null;
  /** Concurrent connections of the load generator. */
  connections?: number;
}

export const DASHBOARD = /* GraphQL */ `
  query Dashboard($slug: String!, $first: Int!) {
    neighbourhood(slug: $slug) {
      id
      name
      chainHead { sequence hash }
      wishes(first: $first, filter: { status: OPEN }) { totalCount edges { node { id title supportCount } } }
      rightToChallengeBids(first: $first, status: SUBMITTED) { totalCount edges { node { id task status proposedAnnualBudget { amount } } } }
      projects(first: $first, status: ACTIVE) {
        totalCount
        edges {
          node {
            id
            title
            finances { spent { amount unit } budgetAgainstActuals { budgeted { amount } actual { amount } overBudget } }
            sroi { ratio presentValue }
          }
        }
      }
    }
  }`;

export const LEDGER_PAGE = /* GraphQL */ `
  query LedgerPage($slug: String!, $first: Int!, $afterSequence: Int) {
    neighbourhood(slug: $slug) {
      ledgerEntries(first: $first, afterSequence: $afterSequence) {
        edges {
          node {
            sequence
            bookingDate
            description
            previousHash
            hash
            lines { position side amount { amount unit } account { code name type } counterparty { name domain } }
          }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

export const PROJECT_DETAIL = /* GraphQL */ `
  query ProjectDetail($id: ID!) {
    project(id: $id) {
      id
      title
      summary
      status
      plannedStart
      plannedEnd
      coordinator { displayName }
      participants { role member { displayName domain } }
      milestones { title plannedOn reached reachedOn }
      timeline { kind at fromStatus toStatus reason actor { displayName } }
      executes { id task status decision { outcome decidedAt } timeline { action at toStatus } }
      finances {
        budget { amount }
        spent { amount }
        volunteerHours { amount unit }
        budgetAgainstActuals { budgeted { amount } actual { amount } remaining { amount } overBudget }
      }
      sroi { ratio presentValue inputs byStakeholder { stakeholder presentValue } byOutcome { presentValue outcome { description stakeholder } } }
    }
  }`;

export const MEMBERS_FAN_OUT = /* GraphQL */ `
  query MembersFanOut($slug: String!, $first: Int!) {
    neighbourhood(slug: $slug) {
      members(first: $first) {
        edges {
          node {
            id
            displayName
            domain
            volunteerHours { amount unit }
            projects(first: 5) { totalCount edges { node { id title status } } }
          }
        }
      }
    }
  }`;

export const ACCOUNT_BALANCE = /* GraphQL */ `
  query AccountBalance($id: ID!, $asOf: Date!) {
    ledgerAccount(id: $id) { code balance { amount unit } earlier: balance(asOf: $asOf) { amount unit } }
  }`;

export const POST_ENTRY = /* GraphQL */ `
  mutation PostEntry($input: PostEntryInput!) {
    postEntry(input: $input) {
      __typename
      ... on PostEntrySuccess { entry { id sequence hash } }
      ... on LedgerError { code message }
    }
  }`;

const slugOf = (i: number) => `wijk-${String(i).padStart(3, '0')}`;
export const DEEP = slugOf(1);
export const FRESH = slugOf(2);
/** Writes go to neighbourhoods the reads do not look at, so the fresh one stays fresh. */
export const WRITE_ONE = slugOf(10);
export const WRITE_SPREAD = [11, 12, 13, 14, 15, 16, 17, 18].map(slugOf);

const plan = cityPlan();
const nbOf = (slug: string) => plan.neighbourhoods.find((nb) => nb.slug === slug)!;

function writes(name: string, title: string, slugs: string[], run: string): Operation {
  const nbs = slugs.map(nbOf);
  return {
    name,
    title,
    kind: 'write',
    query: POST_ENTRY,
    connections: 16,
    // One steward of all of them; their own books are where the entries go.
    viewer: { memberId: memberId(nbs[0], STEWARD), roles: nbs.map((nb) => ({ role: 'steward', neighbourhood: nb.id })) },
    variables: (n) => {
      const nb = nbs[n % nbs.length];
      return {
        input: {
          neighbourhoodId: nb.id,
          bookingDate: '2025-11-26',
          description: `Vrijwilligersuren (benchmark ${run}-${n})`,
          idempotencyKey: `bench-${run}-${name}-${n}`,
          memberId: memberId(nb, 7),
          lines: [
            { accountId: defaultAccountId(nb.id, '9100'), side: 'DEBIT', amount: '1.50', unit: 'HOUR' },
            { accountId: defaultAccountId(nb.id, '9800'), side: 'CREDIT', amount: '1.50', unit: 'HOUR' },
          ],
        },
      };
    },
  };
}

/** The operations of one run; `deepHead` is the length of the long chain, `run` makes idempotency keys unique per run. */
export function operations(deepHead: number, run: string): Operation[] {
  const deepAfter = Math.max(0, deepHead - 1_000);
  const bank = (slug: string) => defaultAccountId(neighbourhoodId(slug), '1000');
  return [
    { name: 'dashboard', title: '1. neighbourhood dashboard (4 subgraphs)', kind: 'read', query: DASHBOARD, viewer: null, variables: () => ({ slug: FRESH, first: 20 }) },
    { name: 'ledger-page', title: '2. 50 ledger entries with lines and accounts', kind: 'read', query: LEDGER_PAGE, viewer: null, variables: () => ({ slug: FRESH, first: 50, afterSequence: 500 }) },
    // Operations 1–4 read a typical neighbourhood; what the deep one costs is measured by the pairs below and bench/FINDINGS.md.
    { name: 'project', title: '3. project detail page', kind: 'read', query: PROJECT_DETAIL, viewer: null, variables: () => ({ id: projectId(nbOf(FRESH), 4) }) },
    { name: 'fan-out', title: '4. 100 members, their projects and hours', kind: 'read', query: MEMBERS_FAN_OUT, viewer: null, variables: () => ({ slug: FRESH, first: 100 }) },
    { name: 'ledger-deep', title: `ledger page after sequence ${deepAfter.toLocaleString('en')}`, kind: 'read', query: LEDGER_PAGE, viewer: null, variables: () => ({ slug: DEEP, first: 50, afterSequence: deepAfter }) },
    { name: 'balance-deep', title: `bank balance, ${deepHead.toLocaleString('en')} entries behind it`, kind: 'read', query: ACCOUNT_BALANCE, viewer: null, variables: () => ({ id: bank(DEEP), asOf: '2024-06-30' }) },
    { name: 'balance-fresh', title: 'bank balance, fresh neighbourhood', kind: 'read', query: ACCOUNT_BALANCE, viewer: null, variables: () => ({ id: bank(FRESH), asOf: '2024-06-30' }) },
    writes('write-one', '5a. postEntry, one neighbourhood, 16 writers', [WRITE_ONE], run),
    writes('write-eight', '5b. postEntry, eight neighbourhoods, 16 writers', WRITE_SPREAD, run),
  ];
}

/** Scale invariance: each deep operation against its fresh counterpart. */
export const SCALE_PAIRS: [deep: string, fresh: string][] = [
  ['ledger-deep', 'ledger-page'],
  ['balance-deep', 'balance-fresh'],
];
